package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
	"github.com/crewportal/crewportal/pb_public"
)

// Actors of the authorization matrix, by letter:
//
//	A anonymous visitor
//	O contact of another client (Harbour's manager)
//	N contact of the record's client whose role grants no permission
//	W contact of the record's client whose role grants every permission
//	S admin (superuser)
const allActors = "AONWS"

// access says, for one collection, which actors each action succeeds for.
// Downloads are per file field. adminRefusals lists the actions where the
// admin passes the rules but a business rule answers 400 (a required
// relation blocks the delete, a unique value blocks the re-create, the
// settings are a single record).
type access struct {
	list, view, create, update, delete string
	download                           map[string]string
	adminRefusals                      string
}

// closed is a collection no contact reaches at all.
var closed = access{list: "S", view: "S", create: "S", update: "S", delete: "S"}

// authorizationMatrix is the one table the matrix test is generated from.
// Every collection must be listed: a missing one fails the test.
var authorizationMatrix = map[string]access{
	collections.Groups: closed,
	collections.PortalSettings: {list: "ONWS", view: "ONWS", create: "S", update: "S", delete: "S", adminRefusals: "create,delete",
		download: map[string]string{"terms_file": allActors, "agency_logo": allActors}}, // the T&C and the logo are public
	collections.Professions:    {list: "ONWS", view: "ONWS", create: "S", update: "S", delete: "S", adminRefusals: "create,delete"},
	collections.PriceLists:     closed,
	collections.Rates:          closed,
	collections.Clients:        {list: "NWS", view: "NWS", create: "S", update: "WS", delete: "S", adminRefusals: "delete"},
	collections.Roles:          {list: "WS", view: "WS", create: "S", update: "S", delete: "S"},
	collections.Contacts:       {list: "WS", view: "WS", create: "WS", update: "WS", delete: "S", download: map[string]string{"photo": "WS"}},
	collections.Skills:         closed,
	collections.Qualifications: withRefusals(closed, "create,delete"),
	// Staff files: contacts whose roster shows them, for staff rostered on
	// their own client's events (the target is on Northwind's; the demo
	// shows photo IDs). Every other case: roster_test.go.
	collections.Staff:                   withFileAccess(withRefusals(closed, "delete"), map[string]string{"photo": "WS", "photo_id": "WS"}),
	collections.StaffQualifications:     withFileAccess(closed, map[string]string{"certificate": "WS"}),
	collections.StaffVehicles:           closed,
	collections.Tags:                    {list: "ONWS", view: "ONWS", create: "S", update: "S", delete: "S"}, // a visible tag; hidden ones: TestHiddenTags
	collections.Events:                  {list: "NWS", view: "NWS", create: "S", update: "S", delete: "S"},
	collections.Shifts:                  {list: "NWS", view: "NWS", create: "S", update: "S", delete: "S"},
	collections.ResourceLines:           {list: "NWS", view: "NWS", create: "S", update: "S", delete: "S"},
	collections.Assignments:             closed,
	collections.EventDocuments:          withFileAccess(closed, map[string]string{"file": "NWS"}), // the agency's, marked for the client; the rest: documents_test.go
	collections.ChangeRequests:          {list: "NWS", view: "NWS", create: "S", update: "S", delete: "S"},
	collections.Invoices:                withFileAccess(invoiceAccess("create,delete"), map[string]string{"pdf": "WS"}), // issued: no re-create as issued, no delete
	collections.InvoiceLines:            invoiceAccess("create,delete"),                                                 // of an issued invoice: frozen (an empty update changes nothing)
	collections.Payments:                invoiceAccess(""),
	collections.NotificationTemplates:   withRefusals(closed, "create,delete"),
	collections.MailOutbox:              closed,
	collections.MailWorker:              closed,
	collections.CMSPages:                {list: "ONWS", view: "ONWS", create: "S", update: "S", delete: "S"}, // a page for all clients; hidden ones: content_test.go
	collections.ClientSnippets:          {list: "ONWS", view: "ONWS", create: "S", update: "S", delete: "S"}, // the home welcome; the sign-in one: content_test.go
	collections.AuditLog:                closed,
	collections.IdempotencyKeys:         closed,
	collections.EventsToConfirm:         withRefusals(closed, "create,update,delete"), // a read-only view
	collections.ChangeRequestsToApprove: withRefusals(closed, "create,update,delete"),
}

// customRoutes lists every custom route with the actors it serves and the
// status the others get. A route added to routes.go without a line here is
// not covered; TestRouteTableCovered checks the list against the router.
var customRoutes = []struct {
	method, pattern, path, actors string
	body                          map[string]any
}{
	// Public by design: the bare domain, the portal pages and its status.
	{http.MethodGet, "/{$}", "/", allActors, nil},
	{http.MethodGet, "/client-portal/{path...}", "/client-portal/events", allActors, nil},
	{http.MethodGet, "/api/portal/status", "/api/portal/status", allActors, nil},
	{http.MethodGet, "/api/portal/metadata", "/api/portal/metadata", allActors, nil},
	// The link check needs no sign-in: the token is the credential, and a bad
	// one is refused to anyone.
	{http.MethodGet, "/api/portal/activation", "/api/portal/activation?token=bad", "", nil},
	// Sign in as client: admins only ({contact} is a Northwind contact).
	{http.MethodPost, "/api/portal/impersonate/{id}", "/api/portal/impersonate/{contact}", "S", nil},
	// Booking and prices need the permission (for the contact's own client;
	// Harbour's manager has it too); admins book in the dashboard.
	{http.MethodPost, "/api/portal/bookings", "/api/portal/bookings", "OW", validBooking},
	{http.MethodPost, "/api/portal/estimate", "/api/portal/estimate", "OW", validBooking},
	// Every contact lists (and exports) its own client's events.
	{http.MethodGet, "/api/portal/home", "/api/portal/home", "ONW", nil},
	{http.MethodGet, "/api/portal/events", "/api/portal/events?scope=past", "ONW", nil},
	{http.MethodGet, "/api/portal/events.csv", "/api/portal/events.csv", "ONW", nil},
	// The finance page needs view_invoices (Harbour's manager gets its own
	// company's: finance_test.go).
	{http.MethodGet, "/api/portal/finance", "/api/portal/finance", "OW", nil},
	{http.MethodGet, "/api/portal/invoices.csv", "/api/portal/invoices.csv", "OW", nil},
	// Change requests: contacts allowed to request changes, on their own
	// client's events ({event} is a Northwind event; Harbour's manager gets 404).
	{http.MethodPost, "/api/portal/events/{id}/change-requests", "/api/portal/events/{event}/change-requests", "W",
		map[string]any{"kind": "cancellation", "reason": "Budget cut"}},
	{http.MethodPost, "/api/portal/change-requests/{id}/withdraw", "/api/portal/change-requests/{request}/withdraw", "W", nil},
	// Every contact of the event's client gets its roster answer (what it
	// holds depends on the role: roster_test.go); another client's gets 404.
	{http.MethodGet, "/api/portal/events/{id}/roster", "/api/portal/events/{event}/roster", "NW", nil},
	// The event page in one call, as every part's own request: the same
	// contacts (the parts' shapes by role: event_page_test.go).
	{http.MethodGet, "/api/portal/events/{id}/page", "/api/portal/events/{event}/page", "NW", nil},
	// Documents: every contact lists its own company's; uploading (a body
	// with "file" is sent as the portal sends files) needs the permission;
	// deleting is for one's own upload ({document} is the manager's).
	{http.MethodGet, "/api/portal/documents", "/api/portal/documents", "ONW", nil},
	{http.MethodPost, "/api/portal/events/{id}/documents", "/api/portal/events/{event}/documents", "W",
		map[string]any{"file": "run-sheet.pdf"}},
	{http.MethodDelete, "/api/portal/documents/{id}", "/api/portal/documents/{document}", "W", nil},
}

// validBooking is a booking every field of which is valid ({profession} is a
// client-bookable profession), two months ahead: inside the booking horizon.
var validBooking = map[string]any{
	"name": "Matrix gala", "venue": "Town Hall", "start": inTwoMonths + "T18:00", "end": inTwoMonths + "T23:00",
	"profession": "{profession}", "staff_count": 2, "terms_accepted": true,
}

var inTwoMonths = time.Now().AddDate(0, 2, 0).Format(time.DateOnly)

// TestRouteTableCovered fails when routes.go has a route without a line in
// customRoutes.
func TestRouteTableCovered(t *testing.T) {
	t.Parallel()
	for _, r := range pb_hooks.RouteTable(nil, pb_hooks.Config{PublicFS: pb_public.FS}) {
		found := false
		for _, c := range customRoutes {
			found = found || (c.method == r[0] && c.pattern == r[1])
		}
		if !found {
			t.Errorf("route %s %s has no line in customRoutes", r[0], r[1])
		}
	}
}

func withRefusals(a access, actions string) access { a.adminRefusals = actions; return a }

func withFileAccess(a access, actors map[string]string) access { a.download = actors; return a }

// invoiceAccess: contacts with view_invoices read their client's issued
// invoices, lines and payments (the target is an issued invoice; drafts and
// the PDF's download_invoices: TestInvoicePDFTextAndPermissions); admins
// write them, with the refusals of a frozen invoice (invoices_test.go).
func invoiceAccess(adminRefusals string) access {
	return access{list: "WS", view: "WS", create: "S", update: "S", delete: "S", adminRefusals: adminRefusals}
}

func withFiles(a access, fields ...string) access {
	a.download = map[string]string{}
	for _, f := range fields {
		a.download[f] = "S"
	}
	return a
}

// matrixFixture is the demo agency plus what the matrix needs.
type matrixFixture struct {
	app     core.App
	base    string
	tokens  map[byte]string // actor → auth token ("" for anonymous)
	ownerID string          // Northwind, whose records are the targets
}

func newMatrixFixture(t *testing.T) *matrixFixture {
	t.Helper()
	app := demoAppWithoutRateLimits(t)
	fillEmptyCollections(t, app)
	manager := findContact(t, app, "manager@northwind.test")
	northwind := collections.Wrap[collections.Client](must(app.FindRecordById(collections.Clients, manager.GetString(collections.FieldClient))))
	nobody := portaltest.NewContact(t, app, northwind, portaltest.NewRole(t, app, northwind.Id), "noperm@northwind.test")
	// A role of Northwind's own, the target of the roles line (shared roles
	// belong to every client).
	portaltest.Create(t, app, collections.Roles, map[string]any{"name": "Northwind event leads",
		"client": northwind.Id, "permissions": []string{"book_events"}})
	admin, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, demo.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	tok := func(r *core.Record) string { return portaltest.AuthHeaders(t, r)["Authorization"] }
	return &matrixFixture{
		app:  app,
		base: portaltest.StartServer(t, app),
		tokens: map[byte]string{'A': "", 'O': tok(findContact(t, app, "manager@harbour.test")),
			'N': tok(nobody.Record), 'W': tok(manager), 'S': tok(admin)},
		ownerID: northwind.Id,
	}
}

// demoAppWithoutRateLimits is the demo agency, its outbox idle and its rate
// limits off: they would turn a test's burst of requests into 429s.
func demoAppWithoutRateLimits(t testing.TB) core.App {
	t.Helper()
	app := portaltest.OpenApp(t, portaltest.NewDemoDataDir(t), pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	return app
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// target picks the record of the collection the actors act on: one of
// Northwind's (never the acting contact's own record), or any agency record.
func (f *matrixFixture) target(t *testing.T, name string) *core.Record {
	t.Helper()
	var r *core.Record
	var err error
	switch {
	case name == collections.Contacts:
		r, err = f.app.FindAuthRecordByEmail(name, "finance@northwind.test")
	case name == collections.Roles:
		r, err = f.app.FindFirstRecordByData(name, collections.FieldName, "Northwind event leads")
	case name == collections.Clients:
		r, err = f.app.FindRecordById(name, f.ownerID)
	case name == collections.Invoices:
		// An issued one, whichever index SQLite reads Northwind's by.
		r, err = f.app.FindFirstRecordByFilter(name, "client = {:c} && status != 'draft'", dbx.Params{"c": f.ownerID})
	case ownerFields[name] == "client":
		r, err = f.app.FindFirstRecordByData(name, collections.FieldClient, f.ownerID)
	default:
		var all []*core.Record
		all, err = f.app.FindRecordsByFilter(name, "", "", 1, 0)
		if err == nil && len(all) > 0 {
			r = all[0]
		}
	}
	if err != nil || r == nil {
		t.Fatalf("no %s target: %v", name, err)
	}
	return r
}

// createBody returns a body that an allowed actor can create: a copy of the
// target without system fields and files (a contact gets a new email).
func createBody(r *core.Record) map[string]any {
	if r.Collection().Name == collections.Contacts {
		return map[string]any{"name": "New Colleague", "email": "new.colleague@northwind.test",
			"client": r.GetString(collections.FieldClient), "role": r.GetString(collections.FieldRole)}
	}
	body := map[string]any{}
	if r.Collection().Name == collections.IdempotencyKeys {
		body[collections.FieldKey] = "another-key" // keys are unique per contact and route
	}
	for _, f := range r.Collection().Fields {
		switch f.Type() {
		case core.FieldTypeAutodate, core.FieldTypeFile, core.FieldTypePassword:
			continue
		}
		if _, set := body[f.GetName()]; !set && f.GetName() != collections.FieldID {
			body[f.GetName()] = r.Get(f.GetName())
		}
	}
	return body
}

func (f *matrixFixture) do(t *testing.T, actor byte, method, path string, body any) (int, []byte) {
	t.Helper()
	return portaltest.Call(t, method, f.base+path, f.tokens[actor], body)
}

// TestAuthorizationMatrix drives every action on every collection as every
// actor through the HTTP API of a running server and compares the outcome
// with authorizationMatrix. Denied writes must change nothing.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	for _, name := range collections.All {
		want, listed := authorizationMatrix[name]
		if !listed {
			t.Errorf("collection %s is missing from authorizationMatrix", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newMatrixFixture(t)
			r := f.target(t, name)
			records := "/api/collections/" + name + "/records"
			one := records + "/" + r.Id

			for i := range allActors {
				actor := allActors[i]
				// list: the target is listed, or not.
				status, body := f.do(t, actor, http.MethodGet, records+"?perPage=500", nil)
				listed := status == http.StatusOK && bytes.Contains(body, []byte(`"id":"`+r.Id+`"`))
				expect(t, name, "list", actor, want.list, listed, status)

				status, _ = f.do(t, actor, http.MethodGet, one, nil)
				expect(t, name, "view", actor, want.view, status == http.StatusOK, status)

				for field, allowed := range want.download {
					for _, file := range r.GetStringSlice(field) {
						ok := f.download(t, actor, r, file)
						expect(t, name, "download "+field, actor, allowed, ok, 0)
					}
				}
			}
			for _, field := range fileFields(r) {
				if _, covered := want.download[field]; !covered && len(r.GetStringSlice(field)) > 0 {
					t.Errorf("%s.%s holds files but the matrix has no download line for it", name, field)
				}
			}

			// Writes: denied actors first, so the target still exists for them.
			for _, actor := range orderForWrites(want.update) {
				before := must(f.app.FindRecordById(name, r.Id)).GetString(collections.FieldUpdated)
				status, _ := f.do(t, actor, http.MethodPatch, one, map[string]any{})
				f.expectWrite(t, name, "update", actor, want, status)
				after := must(f.app.FindRecordById(name, r.Id)).GetString(collections.FieldUpdated)
				if !strings.Contains(want.update, string(actor)) && before != after {
					t.Errorf("%s: a refused update by %c changed the record", name, actor)
				}
			}
			for _, actor := range orderForWrites(want.delete) {
				status, _ := f.do(t, actor, http.MethodDelete, one, nil)
				f.expectWrite(t, name, "delete", actor, want, status)
				if _, err := f.app.FindRecordById(name, r.Id); err != nil && !strings.Contains(want.delete, string(actor)) {
					t.Errorf("%s: a refused delete by %c removed the record", name, actor)
				}
			}
			for _, actor := range orderForWrites(want.create) {
				n, _ := f.app.CountRecords(name)
				body := createBody(r)
				if actor == 'W' { // contacts: a second invitation needs its own email
					body["email"] = "w." + fmt.Sprint(body["email"])
				}
				status, _ := f.do(t, actor, http.MethodPost, records, body)
				f.expectWrite(t, name, "create", actor, want, status)
				if m, _ := f.app.CountRecords(name); m != n && !strings.Contains(want.create, string(actor)) {
					t.Errorf("%s: a refused create by %c added a record", name, actor)
				}
			}
		})
	}

	f := newMatrixFixture(t)
	contact := f.target(t, collections.Contacts)
	profession := must(f.app.FindFirstRecordByData(collections.Professions, collections.FieldClientBookable, true))
	document := portaltest.Create(t, f.app, collections.EventDocuments, map[string]any{"event": f.futureAtomicEvent(t).Id,
		"title": "Manager's upload", "uploaded_by": findContact(t, f.app, "manager@northwind.test").Id})
	for _, route := range customRoutes {
		path := strings.NewReplacer("{contact}", contact.Id, "{event}", f.futureAtomicEvent(t).Id,
			"{request}", f.target(t, collections.ChangeRequests).Id, "{document}", document.Id).Replace(route.path)
		var body map[string]any
		if route.body != nil {
			body = map[string]any{}
			for k, v := range route.body {
				body[k] = v
			}
			if _, ok := body["profession"]; ok {
				body["profession"] = profession.Id
			}
		}
		for i := range allActors {
			actor := allActors[i]
			var status int
			if name, ok := body["file"].(string); ok {
				status, _ = uploadFile(t, f.base+path, f.tokens[actor], name, pdfBytes)
			} else {
				status, _ = f.do(t, actor, route.method, path, body)
			}
			expect(t, route.method+" "+route.pattern, "call", actor, route.actors, status >= 200 && status < 300, status)
		}
	}
}

// orderForWrites puts the allowed actors last, the admin last of all, so a
// successful delete does not hide a later actor's refusal.
func orderForWrites(allowed string) []byte {
	var denied, ok []byte
	for i := range allActors {
		a := allActors[i]
		if strings.ContainsRune(allowed, rune(a)) {
			ok = append(ok, a)
		} else {
			denied = append(denied, a)
		}
	}
	slices.SortStableFunc(ok, func(x, y byte) int {
		if x == 'S' {
			return 1
		}
		if y == 'S' {
			return -1
		}
		return 0
	})
	return append(denied, ok...)
}

func expect(t *testing.T, collection, action string, actor byte, allowed string, ok bool, status int) {
	t.Helper()
	if want := strings.ContainsRune(allowed, rune(actor)); ok != want {
		t.Errorf("%s %s as %c: allowed=%v, got %v (status %d)", collection, action, actor, want, ok, status)
	}
}

// expectWrite checks a write: allowed actors get 2xx (the admin's known
// business refusals 400), others 400, 403 or 404.
func (f *matrixFixture) expectWrite(t *testing.T, collection, action string, actor byte, want access, status int) {
	t.Helper()
	allowed := map[string]string{"create": want.create, "update": want.update, "delete": want.delete}[action]
	switch {
	case actor == 'S' && strings.Contains(want.adminRefusals, action):
		if status != http.StatusBadRequest {
			t.Errorf("%s %s as admin: status %d, want the business refusal 400", collection, action, status)
		}
	case strings.ContainsRune(allowed, rune(actor)):
		if status < 200 || status > 299 {
			t.Errorf("%s %s as %c: status %d, want success", collection, action, actor, status)
		}
	default:
		if status != http.StatusBadRequest && status != http.StatusForbidden && status != http.StatusNotFound {
			t.Errorf("%s %s as %c: status %d, want a refusal", collection, action, actor, status)
		}
	}
}

// download fetches a protected file the way the portal does: with a file
// token of the actor (none for anonymous).
func (f *matrixFixture) download(t *testing.T, actor byte, r *core.Record, file string) bool {
	t.Helper()
	url := fmt.Sprintf("/api/files/%s/%s/%s", r.Collection().Name, r.Id, file)
	if f.tokens[actor] != "" {
		status, body := f.do(t, actor, http.MethodPost, "/api/files/token", nil)
		var tok struct{ Token string }
		if status != http.StatusOK || json.Unmarshal(body, &tok) != nil {
			t.Fatalf("file token for %c: %d", actor, status)
		}
		url += "?token=" + tok.Token
	}
	status, _ := f.do(t, 'A', http.MethodGet, url, nil)
	return status == http.StatusOK
}

func fileFields(r *core.Record) []string {
	var out []string
	for _, f := range r.Collection().Fields {
		if f.Type() == core.FieldTypeFile {
			out = append(out, f.GetName())
		}
	}
	return out
}

// futureAtomicEvent is a Northwind event that has not started, has one
// position and no pending request: the one change requests target.
func (f *matrixFixture) futureAtomicEvent(t *testing.T) *core.Record {
	t.Helper()
	r, err := f.app.FindFirstRecordByData(collections.Events, collections.FieldName, "Product launch breakfast")
	if err != nil {
		t.Fatal(err)
	}
	return r
}
