package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
)

// startProfilerFromEnv serves Go's profiler (net/http/pprof) on the address
// in CREWPORTAL_PPROF, e.g. 127.0.0.1:6060, so an admin can find where a
// slow install spends its CPU and memory (docs/ADMIN.md). Profiles reveal
// internals, so only a loopback address is accepted; it is off by default.
func startProfilerFromEnv() error {
	addr := os.Getenv("CREWPORTAL_PPROF")
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("CREWPORTAL_PPROF=%q: use a loopback address and port such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("CREWPORTAL_PPROF: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	go func() { log.Println("profiler:", http.Serve(ln, mux)) }()
	return nil
}
