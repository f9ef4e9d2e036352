package bench_test

import (
	"context"
	"io"
	"testing"

	"github.com/crewportal/crewportal/bench"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// TestLoadSmoke runs the whole benchmark at a CI-sized scale: the generator,
// every portal call as several contacts with the baseline, and the first-load
// measurement. It checks that every call succeeds and is measured, never how
// fast (timings belong to `make bench`, not to tests).
func TestLoadSmoke(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	got, err := bench.Generate(app, bench.Shape{Clients: 4, Contacts: 12, Staff: 20, Events: 60}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Clients != 4 || got.Events < 60 || got.Shifts < got.Events || got.Assignments < got.Shifts {
		t.Fatalf("generated %+v", got)
	}
	base := portaltest.StartServer(t, app)
	rep, err := bench.Run(context.Background(), bench.Options{BaseURL: base, Contacts: 3, Requests: 3, Rounds: 1, Mail: bench.MailSink})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Calls) != len(bench.Calls) {
		t.Fatalf("%d calls measured, want %d", len(rep.Calls), len(bench.Calls))
	}
	for _, c := range append(rep.Calls, rep.Baseline) {
		if c.Errors > 0 || c.Requests == 0 {
			t.Errorf("%s: %d of %d requests failed: %s", c.Name, c.Errors, c.Requests, c.FirstError)
		}
	}
	// Every read call is also measured as the largest client's contact alone.
	for i, c := range rep.Calls {
		if !bench.Calls[i].Write && c.LargestClientCPU <= 0 {
			t.Errorf("%s: not measured for the largest client alone", c.Name)
		}
	}
	// A booking notifies (a change request only when the client's group has
	// admins): its emails are sent, and counted, before the next call.
	for _, c := range rep.Calls {
		if c.Name == "book: booking" && (c.EmailsPerRequest == 0 || c.SendCPUPerRequest == 0) {
			t.Errorf("%s: %.1f emails per request, %.2f ms to send them", c.Name, c.EmailsPerRequest, c.SendCPUPerRequest)
		}
	}
	if rep.FirstLoad, err = bench.MeasureFirstLoad(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	if rep.FirstLoad.Files < 5 || rep.FirstLoad.WireBytes == 0 {
		t.Errorf("first load %+v", rep.FirstLoad)
	}
	if err := rep.Table(io.Discard); err != nil {
		t.Fatal(err)
	}
}
