package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// Fuzz tests of every portal route's input (issue 12, item 4): whatever the
// body or query (malformed JSON, huge strings, wrong types, unicode edge
// cases, dates out of range, enormous numbers), the answer is never a 5xx,
// a 400 names the field, and a refused request writes nothing. Plain
// `go test` runs the seeds (below and in testdata/fuzz/); `make fuzz` fuzzes
// each target for a few seconds. Requests go through the router in-process
// (portaltest.Handler), thousands a second.

// fuzzPortal is one client with a contact holding every permission, a
// bookable profession with a price and a confirmed atomic event a month
// ahead with a pending change request.
type fuzzPortal struct {
	app     core.App
	handler http.Handler
	token   string
	event   string
	request string
}

func newFuzzPortal(f *testing.F) *fuzzPortal {
	f.Helper()
	app := portaltest.App(f)
	settings := app.Settings()
	settings.RateLimits.Enabled = false // thousands of requests from one address
	if err := app.Save(settings); err != nil {
		f.Fatal(err)
	}
	client := portaltest.NewClient(f, app, "Fuzz Co")
	contact := portaltest.NewContact(f, app, client, portaltest.NewRole(f, app, "", collections.Permissions...), "fuzz@fuzz.test")
	profession := portaltest.NewProfession(f, app, true)
	basic := portaltest.Create(f, app, collections.PriceLists, map[string]any{"name": "Basic", "is_basic": true, "currency": "GBP"})
	portaltest.Create(f, app, collections.Rates, map[string]any{"price_list": basic.Id, "profession": profession.Id, "hourly_rate": 2000})
	event, _ := portaltest.NewEvent(f, app, client, time.Now().AddDate(0, 1, 0), 4*time.Hour, profession)
	request := portaltest.Create(f, app, collections.ChangeRequests, map[string]any{"event": event.Id, "kind": "cancellation",
		"status": "pending", "requested_by": contact.Id})
	return &fuzzPortal{app: app, handler: portaltest.Handler(f, app), token: portaltest.AuthHeaders(f, contact.Record)["Authorization"],
		event: event.Id, request: request.Id}
}

// counts is how many records the portal's writes could have added.
func (p *fuzzPortal) counts(t *testing.T) [4]int64 {
	var out [4]int64
	for i, name := range []string{collections.Events, collections.ChangeRequests, collections.MailOutbox, collections.IdempotencyKeys} {
		n, err := p.app.CountRecords(name)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = n
	}
	return out
}

// serve sends one request in-process and checks what every answer keeps:
// no 5xx, a 400 names at least one field, a refusal writes nothing.
func (p *fuzzPortal) serve(t *testing.T, req *http.Request) {
	t.Helper()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", p.token)
	before := p.counts(t)
	rec := httptest.NewRecorder()
	p.handler.ServeHTTP(rec, req)
	var answer struct {
		Data map[string]any `json:"data"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &answer)
	switch {
	case rec.Code >= 500:
		t.Fatalf("%s %s: %d %.500s", req.Method, req.URL, rec.Code, rec.Body.String())
	case rec.Code == http.StatusBadRequest && len(answer.Data) == 0:
		t.Fatalf("%s %s: a 400 naming no field: %.500s", req.Method, req.URL, rec.Body.String())
	}
	if rec.Code != http.StatusOK && p.counts(t) != before {
		t.Fatalf("%s %s: refused with %d but wrote (%v → %v)", req.Method, req.URL, rec.Code, before, p.counts(t))
	}
}

// post serves a POST of body to path.
func (p *fuzzPortal) post(t *testing.T, path string, body []byte) {
	t.Helper()
	p.serve(t, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
}

// bodySeeds are payloads every JSON route is tried with.
func bodySeeds(f *testing.F) {
	day := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	for _, seed := range []string{
		"", "null", "[]", "{", `"text"`, "1e999", `{"name": 5}`, `{"staff_count": "three"}`,
		`{"staff_count": 1e308}`, `{"staff_count": -9223372036854775809}`, `{"resources": {"a": 1}}`,
		`{"resources": [{"name": "Vans", "quantity": 1e20}]}`, `{"start": "9999-12-31T23:59", "end": "10000-01-01T00:00"}`,
		`{"start": "0000-01-01T00:00"}`, `{"start": "2026-02-30T10:00"}`, `{"start": "` + day + `T25:61"}`,
		`{"name": "\u0000", "venue": "\ud800"}`, `{"name": "` + string(bytes.Repeat([]byte("🎉"), 300)) + `"}`,
		`{"kind": "change", "proposed": {"notes": "` + string(bytes.Repeat([]byte("🎉"), 5000)) + `"}}`,
		`{"kind": "change", "proposed": [1, 2]}`, `{"kind": "change", "proposed": {"staff_count": 1.5}}`,
		`{"kind": "cancellation", "reason": "` + string(bytes.Repeat([]byte("r"), 2001)) + `"}`,
		`{"kind": ["change"]}`, `{"name":"Gala","venue":"Hall","start":"` + day + `T18:00","end":"` + day + `T23:00","staff_count":2}`,
	} {
		f.Add([]byte(seed))
	}
}

// FuzzBookingPayload fuzzes POST /api/portal/bookings.
func FuzzBookingPayload(f *testing.F) {
	bodySeeds(f)
	p := newFuzzPortal(f)
	f.Fuzz(func(t *testing.T, body []byte) { p.post(t, "/api/portal/bookings", body) })
}

// FuzzEstimatePayload fuzzes POST /api/portal/estimate.
func FuzzEstimatePayload(f *testing.F) {
	bodySeeds(f)
	p := newFuzzPortal(f)
	f.Fuzz(func(t *testing.T, body []byte) { p.post(t, "/api/portal/estimate", body) })
}

// FuzzChangeRequestPayload fuzzes POST /api/portal/events/{id}/change-requests
// (the event has a pending request, so a valid one is a 409; the payload is
// still checked first).
func FuzzChangeRequestPayload(f *testing.F) {
	bodySeeds(f)
	p := newFuzzPortal(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		p.post(t, "/api/portal/events/"+p.event+"/change-requests", body)
	})
}

// FuzzWithdrawRequest fuzzes POST /api/portal/change-requests/{id}/withdraw:
// the id in the path, the body and the Idempotency-Key.
func FuzzWithdrawRequest(f *testing.F) {
	f.Add("unknown", []byte("{}"), "")
	f.Add("%00", []byte("null"), "key-000000001")
	f.Add("x' OR 1=1 --", []byte("{"), "\x00\x00\x00\x00\x00\x00\x00\x00")
	p := newFuzzPortal(f)
	f.Fuzz(func(t *testing.T, id string, body []byte, key string) {
		req := httptest.NewRequest(http.MethodPost, "/api/portal/change-requests/x/withdraw", bytes.NewReader(body))
		req.URL.Path = "/api/portal/change-requests/" + id + "/withdraw"
		req.URL.RawPath = ""
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		p.serve(t, req)
	})
}

// FuzzEventListQuery fuzzes the event list's query string (the page and its
// CSV export share the parser).
func FuzzEventListQuery(f *testing.F) {
	for _, seed := range []string{
		"", "page=9223372036854775807", "page=-1", "page=1e3", "perPage=0", "perPage=101&page=2",
		"scope=past&status=confirmed", "scope=%00", "q=%00", "q=" + string(bytes.Repeat([]byte("%F0%9F%8E%89"), 300)),
		"from=9999-12-31&to=0000-01-01", "from=2026-02-30", "status=nope&scope=future", "q=%25_%5C", "%zz=1&q=%",
	} {
		f.Add(seed, false)
	}
	p := newFuzzPortal(f)
	f.Fuzz(func(t *testing.T, query string, csv bool) {
		path := "/api/portal/events"
		if csv {
			path += ".csv"
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery = query
		p.serve(t, req)
	})
}

// TestFuzzSeedsCommitted keeps the committed corpus in step with the targets.
func TestFuzzSeedsCommitted(t *testing.T) {
	for _, target := range []string{"FuzzBookingPayload", "FuzzEstimatePayload", "FuzzChangeRequestPayload",
		"FuzzWithdrawRequest", "FuzzEventListQuery"} {
		if entries, err := fuzzCorpus(target); err != nil || entries == 0 {
			t.Errorf("no committed seeds for %s in testdata/fuzz (%v)", target, err)
		}
	}
}

func fuzzCorpus(target string) (int, error) {
	entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
	return len(entries), err
}
