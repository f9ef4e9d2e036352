package pb_hooks_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// lastMail returns the newest queued email of the kind.
func lastMail(t *testing.T, app core.App, kind string) *core.Record {
	t.Helper()
	mails := queued(t, app, dbx.HashExp{"kind": kind})
	if len(mails) == 0 {
		t.Fatalf("no %s email", kind)
	}
	return mails[len(mails)-1]
}

// wantMail checks an email's subject and that its text has every line.
func wantMail(t *testing.T, m *core.Record, subject string, lines ...string) {
	t.Helper()
	if got := m.GetString(collections.FieldSubject); got != subject {
		t.Errorf("%s subject %q, want %q", m.GetString(collections.FieldKind), got, subject)
	}
	text := m.GetString(collections.FieldText)
	for _, l := range lines {
		if !strings.Contains(text, l) {
			t.Errorf("%s text lacks %q:\n%s", m.GetString(collections.FieldKind), l, text)
		}
	}
}

// TestChangeRequestInWords checks that every email about a change request,
// and its summary on the API, shows names, agency-time dates and counts,
// old → new, and never an id or a form time.
func TestChangeRequestInWords(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	loc, _ := time.LoadLocation("Europe/London")
	at := func(clock string) string {
		tm, _ := time.ParseInLocation("2006-01-02T15:04", f.day+"T"+clock, loc)
		return tm.Format("Mon 2 Jan 2006, 15:04")
	}
	waiter, chef := f.waiter.GetString("name"), f.chef.GetString("name")
	proposal := map[string]any{"name": "Summer party XL", "venue": "Harbour Hall", "start": f.day + "T17:00",
		"end": f.day + "T23:30", "staff_count": 5, "profession": f.chef.Id}
	lines := []string{
		"Event name: Summer party → Summer party XL",
		"Start: " + at("18:00") + " → " + at("17:00"),
		"End: " + at("23:00") + " → " + at("23:30"),
		"Profession: " + waiter + " → " + chef,
		"Number of staff: 3 → 5",
		"Venue: The Barn → Harbour Hall",
	}
	noRaw := func(m *core.Record) {
		t.Helper()
		if text := m.GetString(collections.FieldText); strings.Contains(text, f.chef.Id) || strings.Contains(text, "T17:00") {
			t.Errorf("%s shows raw values:\n%s", m.GetString(collections.FieldKind), text)
		}
	}

	// Requested: the admins read it in words; so does the portal.
	code, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": proposal, "reason": "More guests"})
	if code != http.StatusOK {
		t.Fatalf("request: %d %v", code, body)
	}
	id := body["id"].(string)
	m := lastMail(t, f.app, "change_requested")
	wantMail(t, m, "Change requested: Summer party (Acme Events)", append(lines, "Reason: More guests")...)
	noRaw(m)
	_, page := f.call(t, http.MethodGet, "/api/collections/change_requests/records/"+id, f.booker, nil)
	summary, _ := page["summary"].([]any)
	if len(summary) != len(lines) {
		t.Fatalf("summary on the API: %v", page["summary"])
	}
	if first := summary[0].(map[string]any); first["label"] != "Event name" || first["before"] != "Summer party" || first["after"] != "Summer party XL" {
		t.Errorf("first summary line %v", first)
	}
	_, row := f.call(t, http.MethodGet, "/api/collections/change_requests_to_approve/records/"+id, f.admin, nil)
	if rows, _ := row["summary"].([]any); len(rows) != len(lines) {
		t.Errorf("the To approve row's summary: %v", row["summary"])
	}

	// Declined: the client reads what was asked and why not.
	if code, _ := f.decide(t, id, map[string]any{"status": "declined", "decision_reason": "No chefs that day"}); code != http.StatusOK {
		t.Fatalf("decline: %d", code)
	}
	m = lastMail(t, f.app, "change_declined")
	wantMail(t, m, "Change declined: Summer party", append(lines, "Reason: No chefs that day")...)
	noRaw(m)

	// Approved: old → new as it was before applying.
	_, body = f.request(t, f.booker, map[string]any{"kind": "change", "proposed": proposal})
	id = body["id"].(string)
	if code, _ := f.decide(t, id, map[string]any{"status": "approved"}); code != http.StatusOK {
		t.Fatalf("approve: %d", code)
	}
	m = lastMail(t, f.app, "change_approved")
	wantMail(t, m, "Change approved: Summer party XL", lines...)
	noRaw(m)
	// Once applied, the request lists what it set.
	_, page = f.call(t, http.MethodGet, "/api/collections/change_requests/records/"+id, f.booker, nil)
	if s := toJSON(page["summary"]); !strings.Contains(s, `{"after":"Harbour Hall","field":"venue","label":"Venue"}`) || strings.Contains(s, "before") {
		t.Errorf("an approved request's summary: %s", s)
	}

	// Cancellations say so in every email.
	cancel := map[string]any{"kind": "cancellation", "reason": "Budget"}
	_, body = f.request(t, f.booker, cancel)
	wantMail(t, lastMail(t, f.app, "change_requested"), "Cancellation requested: Summer party XL (Acme Events)",
		"Status: Confirmed → Cancelled", "Reason: Budget")
	if code, _ := f.decide(t, body["id"].(string), map[string]any{"status": "declined", "decision_reason": "Too late"}); code != http.StatusOK {
		t.Fatalf("decline cancellation: %d", code)
	}
	wantMail(t, lastMail(t, f.app, "change_declined"), "Cancellation declined: Summer party XL",
		"Status: Confirmed → Cancelled", "Reason: Too late")
	_, body = f.request(t, f.booker, cancel)
	if code, _ := f.decide(t, body["id"].(string), map[string]any{"status": "approved"}); code != http.StatusOK {
		t.Fatalf("approve cancellation: %d", code)
	}
	wantMail(t, lastMail(t, f.app, "change_approved"), "Cancellation approved: Summer party XL", "Status: Confirmed → Cancelled")
}

// TestListedRequestsInWords checks that a list's pending requests, described
// together, read as each one does alone, and that a renamed profession shows
// under its new name.
func TestListedRequestsInWords(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	first := f.event
	code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, f.form(map[string]any{"name": "Winter ball"}))
	if code != http.StatusOK {
		t.Fatalf("second booking: %d %v", code, body)
	}
	second := body["id"].(string)
	if code, _ := f.call(t, http.MethodPatch, "/api/collections/events/records/"+second, f.admin, map[string]any{"status": "confirmed"}); code != http.StatusOK {
		t.Fatalf("confirm: %d", code)
	}
	if code, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall", "profession": f.chef.Id}}); code != http.StatusOK {
		t.Fatalf("change: %d %v", code, body)
	}
	f.event = second
	if code, body := f.request(t, f.booker, map[string]any{"kind": "cancellation", "reason": "Budget"}); code != http.StatusOK {
		t.Fatalf("cancellation: %d %v", code, body)
	}
	f.event = first

	listed := func() map[string]string {
		t.Helper()
		_, page := f.call(t, http.MethodGet, "/api/collections/change_requests/records?filter="+url.QueryEscape(`status = "pending"`), f.booker, nil)
		items, _ := page["items"].([]any)
		out := map[string]string{}
		for _, it := range items {
			item := it.(map[string]any)
			out[item["id"].(string)] = toJSON(item["summary"])
		}
		return out
	}
	summaries := listed()
	if len(summaries) != 2 {
		t.Fatalf("pending requests listed: %v", summaries)
	}
	for id, summary := range summaries {
		_, alone := f.call(t, http.MethodGet, "/api/collections/change_requests/records/"+id, f.booker, nil)
		if want := toJSON(alone["summary"]); summary != want || summary == "null" {
			t.Errorf("request %s listed as %s, alone %s", id, summary, want)
		}
	}
	if code, _ := f.call(t, http.MethodPatch, "/api/collections/professions/records/"+f.chef.Id, f.admin, map[string]any{"name": "Head chef"}); code != http.StatusOK {
		t.Fatalf("rename: %d", code)
	}
	renamed := false
	for _, summary := range listed() {
		renamed = renamed || strings.Contains(summary, `"after":"Head chef"`)
	}
	if !renamed {
		t.Errorf("the renamed profession: %v", listed())
	}
}
