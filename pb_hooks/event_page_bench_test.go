package pb_hooks_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// BenchmarkEventPage serves the event page in-process to the demo Manager,
// for the demo's split event with a roster, resources, documents and a
// change request: as its one call, and as the separate requests it made
// before (which still exist). Besides the time it reports the process's CPU
// per page (cpu-ms/op, server and in-process client together), the steadier
// figure on a busy machine; run with -cpuprofile to see where it goes.
func BenchmarkEventPage(b *testing.B) {
	app := demoAppWithoutRateLimits(b)
	handler := portaltest.Handler(b, app)
	manager, err := app.FindAuthRecordByEmail(collections.Contacts, "manager@northwind.test")
	if err != nil {
		b.Fatal(err)
	}
	gala, err := app.FindFirstRecordByData(collections.Events, collections.FieldName, "Annual partner gala")
	if err != nil {
		b.Fatal(err)
	}
	// A request, so no list of the separate requests comes back empty (an
	// empty filtered list may be held up to 500 ms, which is not CPU).
	portaltest.Create(b, app, collections.ChangeRequests, map[string]any{"event": gala.Id, "kind": "cancellation",
		"status": "pending", "reason": "Budget", "requested_by": manager.Id})
	token := portaltest.AuthHeaders(b, manager)["Authorization"]
	separate := slices.Sorted(maps.Values(separateEventPageCalls(gala.Id)))
	serve := func(b *testing.B, requests [][2]string) {
		for _, r := range requests {
			req := httptest.NewRequest(r[0], r[1], nil)
			req.Header.Set("Authorization", token)
			res := httptest.NewRecorder()
			handler.ServeHTTP(res, req)
			if res.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", r[1], res.Code, res.Body)
			}
		}
	}
	pages := []struct {
		name     string
		requests [][2]string // method, path
	}{
		{"one call", [][2]string{{http.MethodGet, eventPagePath(gala.Id)}}},
		{"separate calls", append(pathsOf(http.MethodGet, separate), [2]string{http.MethodPost, "/api/files/token"})},
	}
	for _, page := range pages {
		serve(b, page.requests) // the caches every first request fills
	}
	runtime.GC() // the setup's garbage is not the page's
	for _, page := range pages {
		b.Run(page.name, func(b *testing.B) {
			start := processCPU()
			for b.Loop() {
				serve(b, page.requests)
			}
			b.ReportMetric(float64(processCPU()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

func pathsOf(method string, paths []string) [][2]string {
	out := make([][2]string, len(paths))
	for i, p := range paths {
		out[i] = [2]string{method, p}
	}
	return out
}

// processCPU is the CPU time the process has used (user and system).
func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
