package pb_hooks_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/crewportal/crewportal/collections"
)

// dashboardLink matches the dashboard's own address of a record's edit panel
// (PocketBase v0.40: #/collections?collection=…&record=…).
var dashboardLink = regexp.MustCompile(`https://portal\.agency\.test/_/#/collections\?collection=([a-z_]+)&record=([a-z0-9]+)`)

// TestDashboardLinksDecide follows the admin's path: the link in the
// agency's email (or in a row of the To confirm / To approve list) opens a
// record on which one save decides, and the client hears of it.
func TestDashboardLinksDecide(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)

	// follow returns the collection and id the link of the newest email of
	// the kind about the record opens.
	follow := func(kind, recordRef string) (string, string) {
		t.Helper()
		mails := queued(t, f.app, dbx.HashExp{"kind": kind, "record_ref": recordRef})
		if len(mails) == 0 {
			t.Fatalf("no %s email about %s", kind, recordRef)
		}
		m := mails[len(mails)-1]
		link := dashboardLink.FindStringSubmatch(m.GetString(collections.FieldText))
		if link == nil {
			t.Fatalf("%s email has no dashboard link:\n%s", kind, m.GetString(collections.FieldText))
		}
		if !strings.Contains(m.GetString(collections.FieldHTML), `<a href="`+html.EscapeString(link[0])+`"`) {
			t.Errorf("%s email's HTML does not make the link clickable", kind)
		}
		return link[1], link[2]
	}
	saveAsAdmin := func(collection, id string, body map[string]any) {
		t.Helper()
		if code, resp := f.call(t, http.MethodPatch, "/api/collections/"+collection+"/records/"+id, f.admin, body); code != http.StatusOK {
			t.Fatalf("saving %s %s: %d %v", collection, id, code, resp)
		}
	}
	book := func() string {
		t.Helper()
		code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, f.form(nil))
		if code != http.StatusOK {
			t.Fatalf("booking: %d %v", code, body)
		}
		return body["id"].(string)
	}
	clientHeard := func(kind, recordRef, text string) {
		t.Helper()
		mails := queued(t, f.app, dbx.HashExp{"kind": kind, "record_ref": recordRef})
		if recipientsOf(mails) != "booker@acme.test" || !strings.Contains(mails[0].GetString(collections.FieldText), text) {
			t.Errorf("%s email: to %q", kind, recipientsOf(mails))
		}
	}

	// Confirming: one field on the event the booking email opens.
	first := book()
	collection, id := follow("event_booked", "events/"+first)
	if collection != collections.Events || id != first {
		t.Fatalf("the booking email opens %s/%s, want events/%s", collection, id, first)
	}
	saveAsAdmin(collection, id, map[string]any{"status": "confirmed"})
	if ev, _ := f.app.FindRecordById(collections.Events, first); ev.GetString(collections.FieldStatus) != "confirmed" {
		t.Errorf("event status %s after confirming", ev.GetString(collections.FieldStatus))
	}
	clientHeard("event_confirmed", "events/"+first, "is confirmed")

	// Declining, with the reason beside it.
	second := book()
	collection, id = follow("event_booked", "events/"+second)
	saveAsAdmin(collection, id, map[string]any{"status": "declined", "decision_reason": "No staff that night"})
	clientHeard("event_declined", "events/"+second, "Reason: No staff that night")

	// Deciding a request: one field on the request the email opens.
	code, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall"}})
	if code != http.StatusOK {
		t.Fatalf("request: %d %v", code, body)
	}
	request := body["id"].(string)
	collection, id = follow("change_requested", "change_requests/"+request)
	if collection != collections.ChangeRequests || id != request {
		t.Fatalf("the request email opens %s/%s", collection, id)
	}
	saveAsAdmin(collection, id, map[string]any{"status": "approved"})
	if f.eventRecord(t).GetString(collections.FieldVenue) != "Harbour Hall" {
		t.Error("the approved request was not applied")
	}
	clientHeard("change_approved", "change_requests/"+request, "Venue: The Barn → Harbour Hall")

	// Every row of both lists links to the record to edit.
	third := book()
	_, body = f.request(t, f.booker, map[string]any{"kind": "cancellation", "reason": "Budget"})
	pending := body["id"].(string)
	for _, list := range []struct{ view, target, id string }{
		{collections.EventsToConfirm, collections.Events, third},
		{collections.ChangeRequestsToApprove, collections.ChangeRequests, pending},
	} {
		_, row := f.call(t, http.MethodGet, "/api/collections/"+list.view+"/records/"+list.id, f.admin, nil)
		url, _ := row["dashboard_link"].(string)
		link := dashboardLink.FindStringSubmatch(url)
		if link == nil || link[1] != list.target || link[2] != list.id {
			t.Errorf("%s row links to %v", list.view, row["dashboard_link"])
		}
	}

	// Contacts never receive the link.
	_, page := f.call(t, http.MethodGet, "/api/collections/events/records/"+third, f.booker, nil)
	if _, seen := page["dashboard_link"]; seen {
		t.Errorf("a contact received the dashboard link: %v", page["dashboard_link"])
	}

	// Every email to the agency carries the link.
	templates, err := f.app.FindAllRecords(collections.NotificationTemplates, dbx.HashExp{"audience": "group_admins"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range templates {
		if !strings.Contains(tpl.GetString(collections.FieldBody), "{dashboard_url}") {
			t.Errorf("the %s email has no dashboard link", tpl.GetString(collections.FieldKind))
		}
	}
}
