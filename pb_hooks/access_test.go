package pb_hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// ownerFields says, for every collection, which field holds a record's owning
// client ("id" for the clients themselves, "" for agency-wide collections).
// A collection missing here fails TestNoAccessAcrossClients, so a new
// collection cannot be forgotten silently.
var ownerFields = map[string]string{
	collections.Groups: "", collections.PortalSettings: "", collections.Professions: "",
	collections.PriceLists: "", collections.Rates: "", collections.Skills: "", collections.Qualifications: "",
	collections.Staff: "", collections.StaffQualifications: "", collections.StaffVehicles: "", collections.Tags: "",
	collections.NotificationTemplates: "", collections.MailOutbox: "", collections.MailWorker: "", collections.CMSPages: "",
	collections.ClientSnippets: "", collections.AuditLog: "", collections.IdempotencyKeys: "", collections.EventsToConfirm: "",
	collections.ChangeRequestsToApprove: "",

	collections.Clients: "id", collections.Contacts: "client", collections.Roles: "client",
	collections.Events: "client", collections.Shifts: "client", collections.ResourceLines: "client",
	collections.Assignments: "client", collections.EventDocuments: "client", collections.ChangeRequests: "client",
	collections.Invoices: "client", collections.InvoiceLines: "client", collections.Payments: "client",
}

// sharedWithContacts reports whether every signed-in contact may read an
// agency-wide collection: the authorization matrix lets another client's
// contact see its records.
func sharedWithContacts(name string) bool {
	return strings.Contains(authorizationMatrix[name].view, "O")
}

// TestNoAccessAcrossClients checks the rules as built, through the HTTP API of
// a running server: an anonymous visitor gets nothing from any collection, and
// a contact of another client gets nothing of Northwind's (records, views or
// protected files), while Northwind's own contact does see its events.
func TestNoAccessAcrossClients(t *testing.T) {
	app := portaltest.NewTestApp(t)
	// Every record and file of the demo is tried: a burst the per-contact
	// rate limit would answer with 429s.
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	base := portaltest.StartServer(t, app)
	if _, err := demo.Seed(app); err != nil {
		t.Fatal(err)
	}
	fillEmptyCollections(t, app)

	northwind := findContact(t, app, "manager@northwind.test")
	harbour := findContact(t, app, "manager@harbour.test")
	insider := portaltest.AuthHeaders(t, northwind)["Authorization"]
	outsider := portaltest.AuthHeaders(t, harbour)["Authorization"]
	ownClient := northwind.GetString(collections.FieldClient)
	filesTried := map[string]int{} // "collection.field" → protected files tried

	// Realtime: an anonymous visitor and the outsider subscribe to every
	// collection before anything changes (checked at the end).
	var topics []string
	for _, name := range collections.All {
		topics = append(topics, name+"/*", name+`/*?options={"query":{"expand":"client,event"}}`)
	}
	watchers := map[string]*portaltest.Realtime{"anonymous": portaltest.ConnectRealtime(t, base, ""),
		"outsider": portaltest.ConnectRealtime(t, base, outsider)}
	for who, rt := range watchers {
		if status, body := rt.Subscribe(topics...); status != http.StatusNoContent {
			t.Fatalf("%s subscribe: %d %s", who, status, body)
		}
	}

	for _, name := range collections.All {
		ownerField, listed := ownerFields[name]
		if !listed {
			t.Errorf("collection %s is missing from ownerFields", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			records, err := app.FindAllRecords(name)
			if err != nil || len(records) == 0 {
				t.Fatalf("the fixture must hold %s records (found %d, err %v)", name, len(records), err)
			}
			listURL := fmt.Sprintf("%s/api/collections/%s/records?perPage=500", base, name)

			if ids := listIDs(t, listURL, ""); len(ids) > 0 {
				t.Errorf("anonymous list returned %d records", len(ids))
			}
			for id := range listIDs(t, listURL, outsider) {
				r, _ := app.FindRecordById(name, id)
				if ownerField == "" && (!sharedWithContacts(name) || (r != nil && hiddenContent(r))) {
					t.Errorf("outsider listed agency record %s", id)
				} else if r != nil && ownerField != "" && r.GetString(ownerField) == ownClient {
					t.Errorf("outsider listed Northwind record %s", id)
				}
			}

			for _, r := range records {
				private := (ownerField != "" && r.GetString(ownerField) == ownClient) ||
					(ownerField == "" && !sharedWithContacts(name) && !rosteredFor(t, app, harbour, r)) || hiddenContent(r)
				viewURL := fmt.Sprintf("%s/api/collections/%s/records/%s", base, name, r.Id)
				if status := get(t, viewURL, ""); status == http.StatusOK {
					t.Errorf("anonymous view of %s: %d", r.Id, status)
				}
				if private {
					if status := get(t, viewURL, outsider); status == http.StatusOK {
						t.Errorf("outsider view of %s: %d", r.Id, status)
					}
					checkFilesHidden(t, base, r, outsider, filesTried)
				}
			}
		})
	}

	// Every protected file field was tried at least once, so none escapes.
	for _, name := range collections.All {
		c, _ := app.FindCachedCollectionByNameOrId(name)
		for _, f := range c.Fields {
			if ff, ok := f.(*core.FileField); ok && ff.Protected && filesTried[name+"."+ff.Name] == 0 {
				t.Errorf("no file of %s.%s was tried: give the fixture one", name, ff.Name)
			}
		}
	}

	checkRealtimeHidden(t, app, ownClient, watchers)

	// The same rules do give a client's own contact its events.
	own := listIDs(t, base+"/api/collections/events/records?perPage=500", insider)
	want, err := app.CountRecords(collections.Events, dbxClient(ownClient))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(own)) != want || want == 0 {
		t.Errorf("Northwind's contact listed %d events, want %d", len(own), want)
	}
}

// rosteredFor reports whether r is a staff member, or one's qualification,
// rostered on an event of the contact's client: its files are that
// contact's to download (roster_test.go), its records still are not.
func rosteredFor(t *testing.T, app core.App, contact, r *core.Record) bool {
	t.Helper()
	staff := map[string]string{collections.Staff: r.Id, collections.StaffQualifications: r.GetString(collections.FieldStaff)}[r.Collection().Name]
	if staff == "" {
		return false
	}
	n, err := app.CountRecords(collections.Assignments, dbx.HashExp{collections.FieldStaff: staff,
		collections.FieldClient: contact.GetString(collections.FieldClient)})
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// checkRealtimeHidden saves one record of each collection (a Northwind one
// where records have an owner), then one of the outsider's own events as a
// marker: before the marker the outsider receives only what every contact
// may read, the anonymous visitor nothing at all.
func checkRealtimeHidden(t *testing.T, app core.App, ownClient string, watchers map[string]*portaltest.Realtime) {
	t.Helper()
	for _, name := range collections.All {
		if c, _ := app.FindCachedCollectionByNameOrId(name); c == nil || c.IsView() {
			continue
		}
		filter, params := "", map[string]any{}
		if ownerFields[name] != "" {
			filter, params = ownerFields[name]+" = {:client}", map[string]any{"client": ownClient}
		}
		records, err := app.FindRecordsByFilter(name, filter, "", 1, 0, params)
		if err == nil && len(records) == 0 { // e.g. roles: Northwind uses shared ones
			records, err = app.FindRecordsByFilter(name, "", "", 1, 0)
		}
		if err != nil || len(records) == 0 {
			t.Fatalf("no %s record to save: %v", name, err)
		}
		if err := app.Save(records[0]); err != nil {
			t.Fatalf("re-save %s: %v", name, err)
		}
	}
	marker, err := app.FindFirstRecordByFilter(collections.Events, "client != {:client}", map[string]any{"client": ownClient})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Save(marker); err != nil {
		t.Fatal(err)
	}
	for {
		m := watchers["outsider"].Next(10 * time.Second)
		if strings.Contains(m.Data, marker.Id) {
			break
		}
		var msg struct{ Record map[string]any }
		if err := json.Unmarshal([]byte(m.Data), &msg); err != nil {
			t.Fatal(err)
		}
		name, _ := msg.Record["collectionName"].(string)
		owner := ownerFields[name]
		if (owner == "" && !sharedWithContacts(name)) || (owner != "" && msg.Record[owner] == ownClient) {
			t.Errorf("outsider received on %s: %.300s", m.Topic, m.Data)
		}
	}
	for _, m := range watchers["anonymous"].Drain(100 * time.Millisecond) {
		t.Errorf("anonymous visitor received on %s: %.300s", m.Topic, m.Data)
	}
}

// checkFilesHidden asks for every file of the record with the outsider's own
// file token, and without a token, and expects no content either way. It
// counts the files tried per "collection.field" in tried.
func checkFilesHidden(t *testing.T, base string, r *core.Record, authToken string, tried map[string]int) {
	t.Helper()
	fileToken := requestFileToken(t, base, authToken)
	for _, f := range r.Collection().Fields {
		if f.Type() != core.FieldTypeFile {
			continue
		}
		for _, name := range r.GetStringSlice(f.GetName()) {
			tried[r.Collection().Name+"."+f.GetName()]++
			url := fmt.Sprintf("%s/api/files/%s/%s/%s", base, r.Collection().Name, r.Id, name)
			for _, u := range []string{url, url + "?token=" + fileToken} {
				if status := get(t, u, ""); status == http.StatusOK {
					t.Errorf("file %s of %s %s served to an outsider (%s)", name, r.Collection().Name, r.Id, u)
				}
			}
		}
	}
}

func requestFileToken(t *testing.T, base, authToken string) string {
	t.Helper()
	status, body := portaltest.CallJSON(t, http.MethodPost, base+"/api/files/token", authToken, nil)
	token, _ := body["token"].(string)
	if token == "" {
		t.Fatalf("file token: status %d", status)
	}
	return token
}

// listIDs lists a collection and returns the ids it got (none on 403).
func listIDs(t *testing.T, url, token string) map[string]bool {
	t.Helper()
	status, body := request(t, url, token)
	ids := map[string]bool{}
	if status == http.StatusForbidden {
		return ids
	}
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, status, body)
	}
	var page struct{ Items []struct{ ID string } }
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		ids[it.ID] = true
	}
	return ids
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	status, _ := request(t, url, token)
	return status
}

func request(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	return portaltest.Call(t, http.MethodGet, url, token, nil)
}
