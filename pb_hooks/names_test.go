package pb_hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"

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

	// Every role reads the booker's and the requester's names.
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
	// The names are kept per company: a renamed colleague reads as renamed
	// at once, and a contact of another company set as the creator is not named.
	sam := findContact(t, app, "booker@northwind.test")
	sam.Set(collections.FieldName, "Sam Patel-Ng")
	if err := app.Save(sam); err != nil {
		t.Fatal(err)
	}
	if _, event := portaltest.CallJSON(t, http.MethodGet, base+"/api/collections/events/records/"+breakfast.Id,
		token("viewer@northwind.test"), nil); event[pb_hooks.FieldCreatedByName] != "Sam Patel-Ng" {
		t.Errorf("after the rename the booker reads as %v", event[pb_hooks.FieldCreatedByName])
	}
	if _, err := app.DB().Update(collections.Events, dbx.Params{collections.FieldCreatedBy: findContact(t, app, "manager@harbour.test").Id},
		dbx.HashExp{"id": breakfast.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, event := portaltest.CallJSON(t, http.MethodGet, base+"/api/collections/events/records/"+breakfast.Id,
		token("viewer@northwind.test"), nil); event[pb_hooks.FieldCreatedByName] != nil {
		t.Errorf("another company's contact is named: %v", event[pb_hooks.FieldCreatedByName])
	}
	// Another company sees neither the event nor the name.
	if status, _ := portaltest.CallJSON(t, http.MethodGet, base+"/api/collections/events/records/"+breakfast.Id,
		token("manager@harbour.test"), nil); status != http.StatusNotFound {
		t.Errorf("another company read the event: %d", status)
	}
}
