package pb_hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// impersonate signs the admin in as the contact through the API and returns
// the impersonation token.
func impersonate(t *testing.T, s *accountServer, admin *core.Record, contactID string) string {
	t.Helper()
	code, body := s.call(t, http.MethodPost, "/api/portal/impersonate/"+contactID,
		portaltest.AuthHeaders(t, admin)["Authorization"], nil)
	if code != http.StatusOK {
		t.Fatalf("impersonate: %d %v", code, body)
	}
	return body["token"].(string)
}

// auditOf returns the audit entries of one record, oldest first.
func auditOf(t *testing.T, app core.App, collection, id string) []*core.Record {
	t.Helper()
	var out []*core.Record
	if err := app.RecordQuery(collections.AuditLog).AndWhere(dbx.HashExp{"collection": collection, "record_id": id}).
		OrderBy("rowid ASC").All(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPortalWritesAreAudited drives every write route of the portal with an
// admin's impersonation token: each write is in the audit log under the
// contact and the admin, with what was written, and the contact is never
// told they did what the admin did.
func TestPortalWritesAreAudited(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t) // the booker booked and the agency confirmed f.event
	token := impersonate(t, f.accountServer, f.a.admin1, f.a.booker.Id)

	check := func(what string, entries []*core.Record, action, route string, summary ...string) {
		t.Helper()
		if len(entries) != 1 {
			t.Fatalf("%s: %d audit entries, want 1", what, len(entries))
		}
		e := entries[0]
		details := e.GetString(collections.FieldDetails)
		if e.GetString("action") != action || e.GetString("actor_id") != f.a.booker.Id ||
			e.GetString("impersonated_by") != f.a.admin1.Id || !strings.Contains(details, `"route":"`+route+`"`) {
			t.Errorf("%s: audit entry %s by %s for %s: %s", what, e.GetString("action"), e.GetString("actor_id"),
				e.GetString("impersonated_by"), details)
		}
		for _, s := range summary {
			if !strings.Contains(details, s) {
				t.Errorf("%s: summary lacks %q: %s", what, s, details)
			}
		}
	}

	// A booking.
	code, body := f.call(t, http.MethodPost, "/api/portal/bookings", token, f.form(map[string]any{"name": "Board dinner"}))
	if code != http.StatusOK {
		t.Fatalf("booking as the admin: %d %v", code, body)
	}
	event := body["id"].(string)
	check("booking", auditOf(t, f.app, collections.Events, event), "create", "POST /api/portal/bookings", "Board dinner", "3 × ")
	mails := queued(t, f.app, dbx.HashExp{"record_ref": "events/" + event})
	kinds := map[string]string{}
	for _, m := range mails {
		kinds[m.GetString(collections.FieldKind)] = m.GetString(collections.FieldText)
	}
	if text := kinds["booked_on_behalf"]; !strings.Contains(text, "booked Board dinner (") || !strings.Contains(text, "on your behalf") {
		t.Errorf("the contact's email: %q", text)
	}
	if text, sent := kinds["booking_received"]; sent {
		t.Errorf("the contact was thanked for a booking the admin made: %q", text)
	}
	if text := kinds["event_booked"]; !strings.Contains(text, "(entered by ops1@agency.test on their behalf) of Acme Events booked Board dinner") {
		t.Errorf("the agency's email: %q", text)
	}

	// A change request, and its withdrawal.
	code, body = f.request(t, token, map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall"}, "reason": "Bigger"})
	if code != http.StatusOK {
		t.Fatalf("request as the admin: %d %v", code, body)
	}
	request := body["id"].(string)
	path := "/api/portal/events/" + f.event + "/change-requests"
	check("change request", auditOf(t, f.app, collections.ChangeRequests, request), "create", "POST "+path, "Harbour Hall")
	if code, _ := f.call(t, http.MethodPost, "/api/portal/change-requests/"+request+"/withdraw", token, nil); code != http.StatusOK {
		t.Fatalf("withdraw as the admin: %d", code)
	}
	entries := auditOf(t, f.app, collections.ChangeRequests, request)
	check("withdrawal", entries[1:], "update", "POST /api/portal/change-requests/"+request+"/withdraw", "withdrawn")
	if text := queued(t, f.app, dbx.HashExp{"kind": "change_withdrawn"})[0].GetString(collections.FieldText); !strings.Contains(text, "on their behalf) of Acme Events withdrew") {
		t.Errorf("the agency's withdrawal email: %q", text)
	}

	// The contact's own booking names no admin and thanks them.
	_, body = f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, f.form(nil))
	own := auditOf(t, f.app, collections.Events, body["id"].(string))
	if len(own) != 1 || own[0].GetString("impersonated_by") != "" || own[0].GetString("actor_id") != f.a.booker.Id {
		t.Errorf("own booking audit: %v", own)
	}
	if m := queued(t, f.app, dbx.HashExp{"record_ref": "events/" + body["id"].(string), "kind": "booking_received"}); len(m) != 1 ||
		!strings.Contains(m[0].GetString(collections.FieldText), "Thank you for booking") {
		t.Errorf("own booking email: %d", len(m))
	}

	// A write that rolls back leaves no audit entry.
	before, _ := f.app.CountRecords(collections.AuditLog)
	failing := f.app.OnRecordCreate(collections.ResourceLines).BindFunc(func(e *core.RecordEvent) error { return errFailedOnPurpose })
	defer f.app.OnRecordCreate(collections.ResourceLines).Unbind(failing)
	if code, _ := f.call(t, http.MethodPost, "/api/portal/bookings", token, f.form(nil)); code < 400 {
		t.Fatalf("a failing booking answered %d", code)
	}
	if after, _ := f.app.CountRecords(collections.AuditLog); after != before {
		t.Errorf("a rolled-back booking left %d audit entries", after-before)
	}
}
