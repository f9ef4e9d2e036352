package pb_hooks_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestHomePageInOneCall checks the home page's route: the contact's own
// company, its next events that will happen (not over, not final) in order,
// and the counters, never another client's.
func TestHomePageInOneCall(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	own, other := portaltest.NewClient(t, app, "Home own"), portaltest.NewClient(t, app, "Home other")
	contact := portaltest.NewContact(t, app, own, nil, "home@client.test")
	prof := portaltest.NewProfession(t, app, true)
	now := time.Now()
	later, _ := portaltest.NewEvent(t, app, own, now.Add(72*time.Hour), 3*time.Hour, prof)
	sooner, _ := portaltest.NewEvent(t, app, own, now.Add(24*time.Hour), 3*time.Hour, prof)
	cancelled, _ := portaltest.NewEvent(t, app, own, now.Add(48*time.Hour), 3*time.Hour, prof)
	cancelled.SetStatus(collections.EventCancelled)
	if err := app.Save(cancelled); err != nil {
		t.Fatal(err)
	}
	portaltest.NewEvent(t, app, own, now.Add(-72*time.Hour), 3*time.Hour, prof)  // over
	portaltest.NewEvent(t, app, other, now.Add(12*time.Hour), 3*time.Hour, prof) // another client's
	portaltest.Create(t, app, collections.ChangeRequests, map[string]any{
		collections.FieldEvent: sooner.Id, collections.FieldKind: "cancellation", collections.FieldStatus: "pending",
	})
	base := portaltest.StartServer(t, app)

	status, body := portaltest.CallJSON(t, http.MethodGet, base+"/api/portal/home",
		portaltest.AuthHeaders(t, contact.Record)["Authorization"], nil)
	if status != http.StatusOK {
		t.Fatalf("home: %d %v", status, body)
	}
	company, _ := body["company"].(map[string]any)
	if company["id"] != own.Id || company["name"] != "Home own" {
		t.Errorf("company = %v", company)
	}
	upcoming, _ := body["upcoming"].([]any)
	var ids []string
	for _, e := range upcoming {
		ids = append(ids, e.(map[string]any)["id"].(string))
	}
	if len(ids) != 2 || ids[0] != sooner.Id || ids[1] != later.Id {
		t.Errorf("upcoming = %v, want [%s %s] (not over, not final, own client, by start)", ids, sooner.Id, later.Id)
	}
	counters, _ := body["counters"].(map[string]any)
	if counters["upcoming"] != float64(3) || counters["pending_change_requests"] != float64(1) {
		t.Errorf("counters = %v, want 3 upcoming (the cancelled one too, as the events page counts) and 1 pending", counters)
	}

	// The company comes from a cache of the clients; a rename shows at once.
	own.Set(collections.FieldName, "Home renamed")
	if err := app.Save(own); err != nil {
		t.Fatal(err)
	}
	_, body = portaltest.CallJSON(t, http.MethodGet, base+"/api/portal/home",
		portaltest.AuthHeaders(t, contact.Record)["Authorization"], nil)
	if company, _ := body["company"].(map[string]any); company["name"] != "Home renamed" {
		t.Errorf("after a rename, company = %v", company)
	}
}
