// Command load is Crewportal's load benchmark: it generates the agency (when
// --dir has no database yet), starts the real server binary on 127.0.0.1,
// times its start-up, drives every portal call as many contacts of different
// clients with the superuser's plain list as the baseline, and prints a table
// (and JSON with --json).
//
//	go build -o /tmp/crewportal . && go run ./bench/load --server /tmp/crewportal --dir /tmp/agency --scale 1
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/crewportal/crewportal/bench"
)

func main() {
	server := flag.String("server", "", "the crewportal binary to run (required)")
	dir := flag.String("dir", "", "data folder; generated with --scale when it has no database (default: a new temporary folder)")
	scale := flag.Float64("scale", 0.01, "agency size when generating (1 = the large agency of issue 16)")
	contacts := flag.Int("contacts", 64, "concurrent signed-in contacts, each of another client")
	requests := flag.Int("requests", 0, "requests per call per round (default 20 per contact)")
	rounds := flag.Int("rounds", 3, "rounds of every call, each followed by the baseline")
	only := flag.String("only", "", "comma-separated parts of call names to run (default: every call)")
	jsonOut := flag.String("json", "", "also write the report as JSON to this file")
	mail := flag.String("mail", bench.MailSink, `the mail server the outbox sends to: "sink" (accepts at once), "stall" (never answers), "" (none configured)`)
	flag.Parse()
	if *server == "" {
		log.Fatal("--server is required: go build -o /tmp/crewportal . first")
	}
	if *dir == "" {
		tmp, err := os.MkdirTemp("", "crewportal_bench_")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		*dir = tmp
	}
	if err := run(*server, *dir, *scale, *jsonOut, bench.Options{
		Contacts: *contacts, Requests: *requests, Rounds: *rounds, Only: splitList(*only), Mail: *mail, Log: os.Stderr,
	}); err != nil {
		log.Fatal(err)
	}
}

func run(server, dir string, scale float64, jsonOut string, opt bench.Options) error {
	var shape *bench.Shape
	if _, err := os.Stat(filepath.Join(dir, "data.db")); os.IsNotExist(err) {
		s := bench.ShapeOf(scale)
		shape = &s
		gen := exec.Command(server, "bench-data", "--dir", dir, "--scale", strconv.FormatFloat(scale, 'f', -1, 64))
		gen.Stdout, gen.Stderr = os.Stderr, os.Stderr
		if err := gen.Run(); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	started := time.Now()
	cmd := exec.Command(server, "serve", "--dir", dir, "--http", addr)
	cmd.Stdout, cmd.Stderr = nil, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	base := "http://" + addr
	if err := waitHealthy(base, 30*time.Second); err != nil {
		return err
	}
	startup := time.Since(started)

	ctx := context.Background()
	opt.BaseURL, opt.ServerPID = base, cmd.Process.Pid
	rep, err := bench.Run(ctx, opt)
	if err != nil {
		return err
	}
	rep.Shape, rep.StartupMs = shape, float64(startup.Microseconds())/1000
	if rep.FirstLoad, err = bench.MeasureFirstLoad(ctx, base); err != nil {
		return err
	}
	if jsonOut != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonOut, data, 0o644); err != nil {
			return err
		}
	}
	return rep.Table(os.Stdout)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("server not healthy within %s", limit)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
