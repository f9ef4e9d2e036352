package pb_hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestWrittenRulesReadAsTheRules checks collections.WrittenRule, which a
// contact's reads run in place of a view rule (expands, the event page's
// event), against PocketBase's own reading of the rule: for every
// collection, every contact of the demo agency (roles with every
// permission, some, and none) and every record, the written rule allows
// exactly what the rule allows. The written list rules
// (collections.ExactListRule) are checked the same way.
func TestWrittenRulesReadAsTheRules(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	if _, err := demo.Seed(app); err != nil {
		t.Fatal(err)
	}
	fillEmptyCollections(t, app)
	contacts, err := app.FindAllRecords(collections.Contacts)
	if err != nil {
		t.Fatal(err)
	}
	// A contact whose role grants nothing, beside the demo's.
	northwind := findContact(t, app, "manager@northwind.test")
	client, _ := app.FindRecordById(collections.Clients, northwind.GetString(collections.FieldClient))
	contacts = append(contacts, portaltest.NewContact(t, app, collections.Wrap[collections.Client](client),
		portaltest.NewRole(t, app, client.Id), "no-permissions@northwind.test").Record)

	written := 0
	for _, name := range collections.All {
		c := mustCollection(t, app, name)
		records, err := app.FindAllRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		for kind, rule := range map[string]*string{"view": c.ViewRule, "list": c.ListRule} {
			if rule == nil {
				continue
			}
			for _, contact := range contacts {
				role, err := app.FindRecordById(collections.Roles, contact.GetString(collections.FieldRole))
				if err != nil {
					t.Fatal(err)
				}
				auth := collections.AuthValues{ID: contact.Id, Client: contact.GetString(collections.FieldClient), Role: role.Id}
				permissions := role.GetStringSlice(collections.FieldPermissions)
				candidates := map[string]func(string, collections.AuthValues, []string) (string, bool){
					"WrittenRule": collections.WrittenRule, "ExactListRule": collections.ExactListRule}
				for fn, write := range candidates {
					w, ok := write(*rule, auth, permissions)
					if !ok {
						continue
					}
					written++
					info := &core.RequestInfo{Auth: contact, Context: core.RequestInfoContextDefault}
					for _, r := range records {
						want, err := app.CanAccessRecord(r, info, rule)
						if err != nil {
							t.Fatal(err)
						}
						got, err := app.CanAccessRecord(r, info, &w)
						if err != nil {
							t.Fatalf("%s's %s rule written by %s for %s: %q: %v", name, kind, fn, contact.GetString("email"), w, err)
						}
						if got != want {
							t.Errorf("%s's %s rule %q written by %s for %s as %q: record %s allowed %v, the rule says %v",
								name, kind, *rule, fn, contact.GetString("email"), w, r.Id, got, want)
						}
					}
				}
			}
		}
	}
	if written < 20 {
		t.Errorf("only %d rules were written for contacts: the check checks little", written)
	}
}

// TestExpandsAsTheViewRules checks a contact's expands through the record
// API (a view and a list) and the event page, which read each expanded
// collection with its view rule written for the contact: a colleague who
// created an event is expanded for a contact whose role may manage contacts
// and left out for one whose role may not, professions are expanded for
// every contact, and no read joins the contact. The event page expands no
// creator: every contact gets the creator's name as created_by_name.
func TestExpandsAsTheViewRules(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	client := portaltest.NewClient(t, app, "Expands")
	manager := portaltest.NewContact(t, app, client, portaltest.NewRole(t, app, client.Id, collections.Permissions...), "manager@expands.test")
	viewer := portaltest.NewContact(t, app, client, portaltest.NewRole(t, app, client.Id, collections.PermBookEvents), "viewer@expands.test")
	profession := portaltest.NewProfession(t, app, true)
	event, _ := portaltest.NewEvent(t, app, client, time.Now().Add(48*time.Hour), 4*time.Hour, profession)
	event.Set(collections.FieldCreatedBy, manager.Id)
	save(t, app, event.Record)

	log := logQueries(app)
	base := portaltest.StartServer(t, app)
	for _, c := range []struct {
		who     *collections.Contact
		creator bool
	}{{manager, true}, {viewer, false}} {
		token := portaltest.AuthHeaders(t, c.who.Record)["Authorization"]
		log.take()
		status, body := portaltest.Call(t, http.MethodGet, base+"/api/collections/events/records/"+event.Id+"?expand=created_by", token, nil)
		var viewed struct {
			Expand map[string]struct{ ID string }
		}
		if status != http.StatusOK || json.Unmarshal(body, &viewed) != nil {
			t.Fatalf("view: %d %s", status, body)
		}
		if got := viewed.Expand["created_by"].ID == manager.Id; got != c.creator {
			t.Errorf("%s: the creator expanded %v, want %v: %s", c.who.GetString(collections.FieldEmail), got, c.creator, body)
		}
		status, body = portaltest.Call(t, http.MethodGet, base+"/api/collections/events/records?expand=created_by", token, nil)
		var listed struct {
			Items []struct {
				Expand map[string]struct{ ID string }
			}
		}
		if status != http.StatusOK || json.Unmarshal(body, &listed) != nil || len(listed.Items) != 1 {
			t.Fatalf("list: %d %s", status, body)
		}
		if got := listed.Items[0].Expand["created_by"].ID == manager.Id; got != c.creator {
			t.Errorf("%s: the listed creator expanded %v, want %v: %s", c.who.GetString(collections.FieldEmail), got, c.creator, body)
		}
		status, body = portaltest.Call(t, http.MethodGet, base+eventPagePath(event.Id), token, nil)
		if status != http.StatusOK {
			t.Fatalf("page: %d %s", status, body)
		}
		page := string(body)
		if strings.Contains(page, `"created_by":{`) || !strings.Contains(page, `"created_by_name":"`+manager.GetString(collections.FieldName)+`"`) {
			t.Errorf("%s: the page expands the creator or lacks their name: %s", c.who.GetString(collections.FieldEmail), page)
		}
		if !strings.Contains(page, `"profession":{`) {
			t.Errorf("%s: the page's shifts have no profession expanded: %s", c.who.GetString(collections.FieldEmail), page)
		}
		for _, q := range log.take() {
			if strings.Contains(q, "__auth_") {
				t.Errorf("%s: a read joins the contact:\n%s", c.who.GetString(collections.FieldEmail), q)
			}
		}
	}
}
