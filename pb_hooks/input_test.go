package pb_hooks_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// fieldError is the error the answer gives for the field, or nil.
func fieldError(body map[string]any, field string) map[string]any {
	data, _ := body["data"].(map[string]any)
	e, _ := data[field].(map[string]any)
	return e
}

// TestBadInputNamesTheField: every refusal of a portal form is a 400 naming
// the field, including what only the record's schema knows (a reason over
// its 2,000 characters, a proposal over its 20 kB), and nothing is written.
func TestBadInputNamesTheField(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	emoji := strings.Repeat("🎉", 5000)
	nul := "Summer\x00party"
	cases := []struct {
		name, path string
		body       map[string]any
		field      string
	}{
		{"a 2,001-character reason", "change", map[string]any{"kind": "cancellation", "reason": strings.Repeat("r", 2001)}, "reason"},
		{"a proposal of 5,000 emoji", "change", map[string]any{"kind": "change", "proposed": map[string]any{"notes": emoji}}, "proposed"},
		{"NUL in a reason", "change", map[string]any{"kind": "cancellation", "reason": "Bud\x00get"}, "reason"},
		{"NUL in a proposed name", "change", map[string]any{"kind": "change", "proposed": map[string]any{"name": nul}}, "name"},
		{"an enormous staff count", "change", map[string]any{"kind": "change", "proposed": map[string]any{"staff_count": 1e300}}, "staff_count"},
		{"NUL in a booking's name", "book", f.form(map[string]any{"name": nul}), "name"},
		{"NUL in a booking's venue", "book", f.form(map[string]any{"venue": "The\x00Barn"}), "venue"},
		{"NUL in a booking's notes", "book", f.form(map[string]any{"notes": "\x00"}), "notes"},
		{"NUL in a resource line", "book", f.form(map[string]any{"resources": []map[string]any{{"name": "Rad\x00ios", "quantity": 1}}}), "resources.0"},
		{"NUL in the profession", "book", f.form(map[string]any{"profession": "\x00"}), "profession"},
	}
	events, _ := f.app.CountRecords(collections.Events)
	for _, c := range cases {
		path := "/api/portal/bookings"
		if c.path == "change" {
			path = "/api/portal/events/" + f.event + "/change-requests"
		}
		code, body := f.call(t, http.MethodPost, path, f.manager, c.body)
		if code != http.StatusBadRequest || fieldError(body, c.field) == nil {
			t.Errorf("%s: %d %.300s, want 400 naming %s", c.name, code, toJSON(body), c.field)
		}
	}
	if n, _ := f.app.CountRecords(collections.ChangeRequests); n != 0 {
		t.Errorf("refused requests wrote %d change requests", n)
	}
	if n, _ := f.app.CountRecords(collections.Events); n != events {
		t.Errorf("refused bookings wrote %d events", n-events)
	}

	// The list's query: NUL in the search is refused, a page past the end
	// shows the last page and says so.
	code, body := f.call(t, http.MethodGet, "/api/portal/events?q="+url.QueryEscape("a\x00b"), f.manager, nil)
	if code != http.StatusBadRequest || fieldError(body, "q") == nil {
		t.Errorf("NUL in the search: %d %v", code, body)
	}
	code, body = f.call(t, http.MethodGet, "/api/portal/events?page=9223372036854775807", f.manager, nil)
	if items, _ := body["items"].([]any); code != http.StatusOK || body["page"] != float64(1) || body["pageClamped"] != true ||
		len(items) != 2 || !strings.Contains(body["message"].(string), "last page") {
		t.Errorf("page 9223372036854775807: %d %v", code, body)
	}
	if code, body := f.call(t, http.MethodGet, "/api/portal/events?page=99999999999999999999", f.manager, nil); code != http.StatusBadRequest || fieldError(body, "page") == nil {
		t.Errorf("a page beyond any number: %d %v", code, body)
	}
}

// TestAmbiguousLocalTime: a booking or change at a time the clocks pass
// twice (01:30 in London the night they go back) is asked which one, and
// the answer decides the instant stored.
func TestAmbiguousLocalTime(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	loc, _ := time.LoadLocation("Europe/London")
	day := portaltest.ClockChangeDay(t, loc, true).Format(time.DateOnly)
	form := f.form(map[string]any{"start": day + "T01:30", "end": day + "T05:00"})
	code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, form)
	if e := fieldError(body, "start"); code != http.StatusBadRequest || e["code"] != "validation_ambiguous_time" ||
		!strings.Contains(e["message"].(string), "twice") {
		t.Fatalf("ambiguous start: %d %v", code, body)
	}
	for occurrence, utc := range map[string]string{"earlier": "00:30", "later": "01:30"} {
		form["start_occurrence"] = occurrence
		code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, form)
		if code != http.StatusOK {
			t.Fatalf("%s: %d %v", occurrence, code, body)
		}
		ev, _ := f.app.FindRecordById(collections.Events, body["id"].(string))
		if got := ev.GetDateTime(collections.FieldStartsAt).Time().UTC().Format("15:04"); got != utc {
			t.Errorf("%s: stored %s UTC, want %s", occurrence, got, utc)
		}
	}
	form["start_occurrence"] = "both"
	if code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, form); code != http.StatusBadRequest || fieldError(body, "start_occurrence") == nil {
		t.Errorf("a wrong answer: %d %v", code, body)
	}

	// A change request asks the same, and the approval keeps the answer.
	move := map[string]any{"start": day + "T01:30", "end": day + "T04:00"}
	if code, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": move}); code != http.StatusBadRequest ||
		fieldError(body, "start") == nil {
		t.Errorf("ambiguous proposed start: %d %v", code, body)
	}
	move["start_occurrence"] = "later"
	code, body = f.request(t, f.booker, map[string]any{"kind": "change", "proposed": move})
	if code != http.StatusOK {
		t.Fatalf("answered change: %d %v", code, body)
	}
	if code, body := f.decide(t, body["id"].(string), map[string]any{"status": "approved"}); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, body)
	}
	if got := f.eventRecord(t).GetDateTime(collections.FieldStartsAt).Time().UTC().Format("15:04"); got != "01:30" {
		t.Errorf("approved start %s UTC, want 01:30", got)
	}
	// A later change of the venue alone keeps that start without asking.
	if code, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall"}}); code != http.StatusOK {
		t.Errorf("a change of the venue of an event at an ambiguous time: %d %v", code, body)
	}
}

// TestBookingHorizonAndLocation (issue 11, bug 6): a booking or change in
// year 9999, beyond the settings' horizon, in the past, or without a venue
// or an address is refused, naming the field.
func TestBookingHorizonAndLocation(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	in := func(days int) string { return time.Now().AddDate(0, 0, days).Format(time.DateOnly) }
	cases := []struct {
		name  string
		form  map[string]any
		field string
	}{
		{"year 9999", map[string]any{"start": "9999-06-01T10:00", "end": "9999-06-01T12:00"}, "start"},
		{"beyond two years", map[string]any{"start": in(740) + "T10:00", "end": in(740) + "T12:00"}, "start"},
		{"in the past", map[string]any{"start": in(-1) + "T10:00", "end": in(-1) + "T12:00"}, "start"},
		{"no venue nor address", map[string]any{"venue": "", "address": " "}, "venue"},
	}
	for _, c := range cases {
		code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, f.form(c.form))
		if data, _ := body["data"].(map[string]any); code != http.StatusBadRequest || fieldError(body, c.field) == nil || len(data) != 1 {
			t.Errorf("booking %s: %d %v", c.name, code, body)
		}
		code, body = f.request(t, f.booker, map[string]any{"kind": "change", "proposed": c.form})
		if code != http.StatusBadRequest || fieldError(body, c.field) == nil {
			t.Errorf("change %s: %d %v", c.name, code, body)
		}
	}
	if code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, f.form(map[string]any{"venue": ""})); code != http.StatusOK {
		t.Errorf("an address alone is a location: %d %v", code, body)
	}

	// The horizon is the agency's setting.
	settings, _ := collections.LoadSettings(f.app)
	settings.Set(collections.FieldBookingHorizonDays, 10)
	save(t, f.app, settings.Record)
	if code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, f.form(nil)); code != http.StatusBadRequest ||
		!strings.Contains(toJSON(fieldError(body, "start")), "10 days") {
		t.Errorf("a month ahead with a 10-day horizon: %d %v", code, body)
	}

	// The estimate needs only what prices the form: a form without a name
	// or a location is priced.
	code, body := f.call(t, http.MethodPost, "/api/portal/estimate", f.manager,
		f.form(map[string]any{"name": "", "venue": "", "address": "", "start": in(3) + "T10:00", "end": in(3) + "T12:00"}))
	if code != http.StatusOK || body["estimate"] == nil {
		t.Errorf("estimate of an unfinished form: %d %v", code, body)
	}
}
