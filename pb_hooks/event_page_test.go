package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// eventPagePath is the event page's one call.
func eventPagePath(eventID string) string { return "/api/portal/events/" + eventID + "/page" }

// separateEventPageCalls are the requests the event page made before its
// one call, by the part of the page's answer each one is: the answer must
// hold exactly what these return to the same contact (and a file token, as
// POST /api/files/token gives it).
func separateEventPageCalls(eventID string) map[string]string {
	byEvent := url.QueryEscape(`event = '` + eventID + `'`)
	list := func(collection, query string) string {
		return "/api/collections/" + collection + "/records?page=1&perPage=1000&skipTotal=1&filter=" + byEvent + query
	}
	return map[string]string{
		"event":           "/api/collections/events/records/" + eventID + "?expand=tags",
		"shifts":          list(collections.Shifts, "&sort=starts_at&expand=profession"),
		"resource_lines":  list(collections.ResourceLines, "&sort=created"),
		"change_requests": list(collections.ChangeRequests, "&sort=-created"),
		"settings":        "/api/collections/portal_settings/records?page=1&perPage=1&skipTotal=1&filter=",
		"roster":          "/api/portal/events/" + eventID + "/roster",
		"documents":       "/api/portal/documents?event=" + eventID,
	}
}

// TestEventPageAnswersAsItsParts checks the event page's route for every
// demo role on events of every kind (split with a hidden tag, resources,
// documents and change requests; atomic; declined; completed; another
// client's): each part of the answer is exactly what the part's own request
// answers the same contact (a record list's items, the settings' first
// item), so every rule, hidden field and visibility of those paths holds;
// and, checked directly as well, a hidden tag or a price the role may not
// see appears nowhere in the answer. Another client's event is the record
// API's 404; without a sign-in, 401.
func TestEventPageAnswersAsItsParts(t *testing.T) {
	t.Parallel()
	app := demoAppWithoutRateLimits(t)
	event := func(name string) *core.Record {
		return must(app.FindFirstRecordByData(collections.Events, collections.FieldName, name))
	}
	gala, congress := event("Annual partner gala"), event("Medical congress")
	hiddenTag := must(app.FindFirstRecordByData(collections.Tags, collections.FieldName, "Payment risk"))
	// The gala also carries the agency's hidden tag, and two requests: a
	// declined one and a pending one with its price.
	gala.Set(collections.FieldTags, append(gala.GetStringSlice(collections.FieldTags), hiddenTag.Id))
	save(t, app, gala)
	for _, r := range []map[string]any{
		{"kind": "cancellation", "status": "declined", "reason": "Budget cut", "decision_reason": "Too late to cancel.",
			"requested_by": findContact(t, app, "manager@northwind.test").Id},
		{"kind": "change", "status": "pending", "reason": "More guests", "proposed": map[string]any{"name": "Bigger gala"},
			"estimated_price": 123456, "currency": "AUD", "requested_by": findContact(t, app, "booker@northwind.test").Id},
	} {
		r["event"] = gala.Id
		portaltest.Create(t, app, collections.ChangeRequests, r)
	}
	base := portaltest.StartServer(t, app)

	northwind := []*core.Record{gala, event("Product launch breakfast"), event("Winter staff party"), event("Spring client reception")}
	for _, login := range demo.Logins {
		contact := findContact(t, app, login.Email)
		token := portaltest.AuthHeaders(t, contact)["Authorization"]
		seesPrices := slices.Contains(demo.RolePermissions[login.Role], collections.PermViewPrices)
		own, foreign := northwind, []*core.Record{congress}
		if contact.GetString(collections.FieldClient) == congress.GetString(collections.FieldClient) {
			own, foreign = foreign, own
		}
		for _, ev := range own {
			t.Run(login.Role+" "+login.Client+": "+ev.GetString(collections.FieldName), func(t *testing.T) {
				t.Parallel()
				status, raw := portaltest.Call(t, http.MethodGet, base+eventPagePath(ev.Id), token, nil)
				if status != http.StatusOK {
					t.Fatalf("page: %d %s", status, raw)
				}
				var page map[string]any
				if err := json.Unmarshal(raw, &page); err != nil {
					t.Fatal(err)
				}
				// The file token is the contact's own, as POST /api/files/token gives it.
				fileToken, _ := page["file_token"].(string)
				if holder, err := app.FindAuthRecordByToken(fileToken, core.TokenTypeFile); err != nil || holder.Id != contact.Id {
					t.Errorf("file_token %q is not a file token of %s: %v", fileToken, login.Email, err)
				}
				delete(page, "file_token")
				// The route takes no query: a caller's expand reshapes no part.
				_, again := portaltest.CallJSON(t, http.MethodGet, base+eventPagePath(ev.Id)+"?expand=client,created_by.role", token, nil)
				if delete(again, "file_token"); !reflect.DeepEqual(again, page) {
					t.Errorf("?expand= changed the answer:\n%s", mustJSON(again))
				}
				for part, path := range separateEventPageCalls(ev.Id) {
					status, body := portaltest.Call(t, http.MethodGet, base+path, token, nil)
					if status != http.StatusOK {
						t.Fatalf("%s: %d %s", path, status, body)
					}
					var want any
					if err := json.Unmarshal(body, &want); err != nil {
						t.Fatal(err)
					}
					if items, isList := want.(map[string]any)["items"].([]any); isList && strings.HasPrefix(path, "/api/collections/") {
						want = items
						if part == "settings" {
							want = items[0]
						}
					}
					if got := page[part]; !reflect.DeepEqual(got, want) {
						t.Errorf("%s differs from %s:\n got %s\nwant %s", part, path, mustJSON(got), mustJSON(want))
					}
				}
				if len(page) != len(separateEventPageCalls(ev.Id)) {
					t.Errorf("the answer has parts %v", slices.Sorted(maps.Keys(page)))
				}
				if bytes.Contains(raw, []byte(hiddenTag.Id)) {
					t.Errorf("the hidden tag %s reached a contact", hiddenTag.Id)
				}
				hasPrice := bytes.Contains(raw, []byte(`"estimated_price"`))
				if hasPrice != seesPrices {
					t.Errorf("prices in the answer: %v, want %v (view_prices)", hasPrice, seesPrices)
				}
				for _, shift := range page["shifts"].([]any) {
					if _, ok := shift.(map[string]any)[collections.FieldRequiredQuals]; ok {
						t.Errorf("a shift record carries %s", collections.FieldRequiredQuals)
					}
				}
			})
		}
		t.Run(login.Role+" "+login.Client+": another client's event", func(t *testing.T) {
			t.Parallel()
			for _, id := range []string{foreign[0].Id, "nosuchevent1234"} {
				status, got := portaltest.Call(t, http.MethodGet, base+eventPagePath(id), token, nil)
				wantStatus, want := portaltest.Call(t, http.MethodGet, base+"/api/collections/events/records/"+id, token, nil)
				if status != http.StatusNotFound || status != wantStatus || !bytes.Equal(got, want) {
					t.Errorf("%s: %d %s, want the record API's %d %s", id, status, got, wantStatus, want)
				}
			}
		})
	}
	if status, _ := portaltest.Call(t, http.MethodGet, base+eventPagePath(gala.Id), "", nil); status != http.StatusUnauthorized {
		t.Errorf("signed out: %d, want 401", status)
	}
}

func mustJSON(v any) string { return string(must(json.Marshal(v))) }

// eventPageQueries is the most reads the page may cost for an event with
// something of everything (the sign-in's contact included).
const eventPageQueries = 14

// TestEventPageQueries sends the event page's call for a small and a large
// event to a running server, catches the SQL it runs from the database log,
// and checks that every query searches an index (none scans a client-owned
// table or the contacts whole) and that the large event costs exactly as
// many queries as the small one: none runs per shift, line, request,
// document or rostered person, and no more than eventPageQueries in all.
func TestEventPageQueries(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	setRosterSettings(t, app, map[string]any{
		collections.FieldRosterVisible: true, collections.FieldRosterShowPhoto: true, collections.FieldRosterShowPhotoID: true,
		collections.FieldRosterShowQualifications: true, collections.FieldRosterShowVehicle: true,
		collections.FieldShowRequiredQuals: true,
	})
	client := portaltest.NewClient(t, app, "Page queries")
	contact := portaltest.NewContact(t, app, client, portaltest.NewRole(t, app, client.Id, collections.Permissions...), "page-queries@client.test")
	token := portaltest.AuthHeaders(t, contact.Record)["Authorization"]
	profession := portaltest.NewProfession(t, app, true)
	tag := portaltest.Create(t, app, collections.Tags, map[string]any{"name": "Shown", "client_visible": true})
	qualification := portaltest.Create(t, app, collections.Qualifications, map[string]any{"name": "First aid"})
	skill := portaltest.Create(t, app, collections.Skills, map[string]any{"name": "Barista"})

	// An atomic event with n of everything the page shows.
	eventWith := func(n int) string {
		professions := make([]*collections.Profession, n)
		for i := range professions {
			professions[i] = profession
		}
		event, shifts := portaltest.NewEvent(t, app, client, time.Now().Add(48*time.Hour), 4*time.Hour, professions...)
		event.Set(collections.FieldTags, []string{tag.Id})
		event.Set(collections.FieldCreatedBy, contact.Id)
		save(t, app, event.Record)
		for i, shift := range shifts {
			shift.Set(collections.FieldRequiredQuals, []string{qualification.Id})
			save(t, app, shift.Record)
			staff := portaltest.NewStaff(t, app)
			staff.Set(collections.FieldSkills, []string{skill.Id})
			save(t, app, staff.Record)
			portaltest.Create(t, app, collections.StaffQualifications, map[string]any{"staff": staff.Id, "qualification": qualification.Id})
			portaltest.Create(t, app, collections.StaffVehicles, map[string]any{"staff": staff.Id, "make": "Ford", "plate": "AB" + strconv.Itoa(i)})
			portaltest.NewAssignment(t, app, shift, staff, i == 0)
			portaltest.Create(t, app, collections.ResourceLines, map[string]any{"event": event.Id, "name": "Radios", "quantity": 2})
			status := "declined"
			if i == 0 {
				status = "pending"
			}
			portaltest.Create(t, app, collections.ChangeRequests, map[string]any{"event": event.Id, "kind": "cancellation",
				"status": status, "reason": "Budget", "requested_by": contact.Id})
			portaltest.Create(t, app, collections.EventDocuments, map[string]any{"event": event.Id, "title": "Guest list",
				"file": must(filesystem.NewFileFromBytes([]byte("guests\n"), "guests.txt")), "uploaded_by": contact.Id})
		}
		return event.Id
	}
	small, large := eventWith(1), eventWith(6)

	log := logQueries(app)
	base := portaltest.StartServer(t, app)
	pageQueries := func(eventID string) []string {
		log.take()
		if status, body := portaltest.Call(t, http.MethodGet, base+eventPagePath(eventID), token, nil); status != http.StatusOK {
			t.Fatalf("page: %d %s", status, body)
		}
		return log.take()
	}
	pageQueries(small) // fills the caches (roles, visible tags) the first request reads
	smallQueries, largeQueries := pageQueries(small), pageQueries(large)
	if len(smallQueries) != len(largeQueries) {
		t.Errorf("%d queries for one of everything, %d for six:\n%s\n---\n%s", len(smallQueries), len(largeQueries),
			strings.Join(smallQueries, "\n"), strings.Join(largeQueries, "\n"))
	}
	// Each part reads what it shows once: the roster reuses the listed
	// shifts and their expanded professions, the documents the viewed
	// event, and names come two columns at a time, several tables a query.
	if len(largeQueries) > eventPageQueries {
		t.Errorf("%d queries, more than %d:\n%s", len(largeQueries), eventPageQueries, strings.Join(largeQueries, "\n"))
	}
	// The event and the expanded creator, tags and professions are read with
	// their view rules written for the contact, as the lists are: with no
	// join of the contact.
	for _, q := range largeQueries {
		if strings.Contains(q, "FROM `events`") && strings.Contains(q, "JOIN") || strings.Contains(q, "__auth_") {
			t.Errorf("a read joins the contact:\n%s", q)
		}
	}
	big := clientOwnedTables(t, app)
	for _, q := range largeQueries {
		if !strings.HasPrefix(strings.TrimSpace(strings.ToUpper(q)), "SELECT") {
			continue
		}
		plan := portaltest.QueryPlan(t, app, app.DB().NewQuery(q))
		for _, table := range big {
			if scansWhole(plan, table) {
				t.Errorf("scans %s:\n%s\nplan:\n%s", table, q, plan)
			}
		}
	}
}

// TestEventPageSettingsFollowTheListRule checks the page's settings part
// when an admin narrows the settings' list rule: the page then reads them
// as the record API lists them (nothing for a role the rule leaves out),
// not from the settings cache.
func TestEventPageSettingsFollowTheListRule(t *testing.T) {
	t.Parallel()
	app := demoAppWithoutRateLimits(t)
	c := must(app.FindCollectionByNameOrId(collections.PortalSettings))
	rule := collections.RuleAnd(collections.RuleIsContact, collections.RuleHasPermission(collections.PermViewPrices))
	c.ListRule = &rule
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	gala := must(app.FindFirstRecordByData(collections.Events, collections.FieldName, "Annual partner gala"))
	base := portaltest.StartServer(t, app)
	checked := map[bool]bool{}
	for _, login := range demo.Logins {
		if login.Client != "Northwind Events" {
			continue
		}
		checked[slices.Contains(demo.RolePermissions[login.Role], collections.PermViewPrices)] = true
		token := portaltest.AuthHeaders(t, findContact(t, app, login.Email))["Authorization"]
		_, page := portaltest.CallJSON(t, http.MethodGet, base+eventPagePath(gala.Id), token, nil)
		_, list := portaltest.CallJSON(t, http.MethodGet, base+"/api/collections/portal_settings/records?perPage=1", token, nil)
		var want any
		if items, _ := list["items"].([]any); len(items) > 0 {
			want = items[0]
		}
		if seesPrices := slices.Contains(demo.RolePermissions[login.Role], collections.PermViewPrices); (want != nil) != seesPrices {
			t.Fatalf("%s: the API lists settings %v; the rule allows it: %v", login.Role, want, seesPrices)
		}
		if !reflect.DeepEqual(page["settings"], want) {
			t.Errorf("%s: settings %s, want the API's %s", login.Role, mustJSON(page["settings"]), mustJSON(want))
		}
	}
	if !checked[true] || !checked[false] {
		t.Errorf("roles checked with and without view_prices: %v", checked)
	}
}
