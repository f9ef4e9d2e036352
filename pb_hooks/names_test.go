package pb_hooks_test

import (
	"net/http"
	"testing"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestColleaguesAreNamed checks that every role of the company reads who
// booked an event and who asked for a change by name, while only contact
// managers may read the colleagues' records themselves.
func TestColleaguesAreNamed(t *testing.T) {
	t.Parallel()
	app := portaltest.OpenApp(t, portaltest.NewDemoDataDir(t), pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	base := portaltest.StartServer(t, app)
	token := func(email string) string {
		return portaltest.AuthHeaders(t, findContact(t, app, email))["Authorization"]
	}
	breakfast, err := app.FindFirstRecordByData(collections.Events, collections.FieldName, "Product launch breakfast")
	if err != nil {
		t.Fatal(err)
	}
	if status, body := portaltest.CallJSON(t, http.MethodPost, base+"/api/portal/events/"+breakfast.Id+"/change-requests",
		token("manager@northwind.test"), map[string]any{"kind": "cancellation", "reason": "Launch moved online."}); status != http.StatusOK {
		t.Fatalf("request: %d %v", status, body)
	}

	// The booker and the manager read their own names from the record the
	// request signed in with, the others from the contacts.
	for _, email := range []string{"viewer@northwind.test", "finance@northwind.test", "manager@northwind.test", "booker@northwind.test"} {
		_, event := portaltest.CallJSON(t, http.MethodGet, base+"/api/collections/events/records/"+breakfast.Id, token(email), nil)
		if got := event[pb_hooks.FieldCreatedByName]; got != "Sam Patel" {
			t.Errorf("%s reads the booker as %v, want Sam Patel", email, got)
		}
		_, list := portaltest.CallJSON(t, http.MethodGet, base+"/api/collections/change_requests/records", token(email), nil)
		items, _ := list["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)[pb_hooks.FieldRequestedByName] != "Olivia Hart" {
			t.Errorf("%s reads the requests as %v, want one by Olivia Hart", email, items)
		}
	}
	// Another company sees neither the event nor the name.
	if status, _ := portaltest.CallJSON(t, http.MethodGet, base+"/api/collections/events/records/"+breakfast.Id,
		token("manager@harbour.test"), nil); status != http.StatusNotFound {
		t.Errorf("another company read the event: %d", status)
	}
}
