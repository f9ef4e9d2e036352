package pb_hooks_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// agency is a small fixture: a client in a group with two admins, contacts
// with and without the invoice permission, and one disabled contact.
type agency struct {
	client             *collections.Client
	admin1, admin2     *core.Record
	manager, booker    *collections.Contact
	finance, disabled  *collections.Contact
	event              *collections.Event
	managerRole, other *collections.Role
}

func newAgency(t testing.TB, app core.App) agency {
	t.Helper()
	var a agency
	a.admin1 = portaltest.NewSuperuser(t, app, "ops1@agency.test")
	a.admin2 = portaltest.NewSuperuser(t, app, "ops2@agency.test")
	group := portaltest.Create(t, app, collections.Groups, map[string]any{
		"name": "Leeds office", "admins": []string{a.admin1.Id, a.admin2.Id}})
	a.client = portaltest.NewClient(t, app, "Acme Events")
	a.client.SetGroupID(group.Id)
	if err := app.Save(a.client); err != nil {
		t.Fatal(err)
	}
	a.managerRole = portaltest.NewRole(t, app, "", collections.Permissions...)
	a.other = portaltest.NewRole(t, app, "", collections.PermBookEvents, collections.PermRequestChanges)
	a.manager = portaltest.NewContact(t, app, a.client, a.managerRole, "manager@acme.test")
	a.booker = portaltest.NewContact(t, app, a.client, a.other, "booker@acme.test")
	a.finance = portaltest.NewContact(t, app, a.client, portaltest.NewRole(t, app, "", collections.PermViewInvoices), "finance@acme.test")
	a.disabled = portaltest.NewContact(t, app, a.client, a.managerRole, "gone@acme.test")
	a.disabled.SetStatus(collections.ContactDisabled)
	if err := app.Save(a.disabled); err != nil {
		t.Fatal(err)
	}
	waiter := portaltest.NewProfession(t, app, true)
	a.event, _ = portaltest.NewEvent(t, app, a.client, time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC), 5*time.Hour, waiter)
	return a
}

// queued returns the outbox emails in creation order.
func queued(t testing.TB, app core.App, exprs ...dbx.Expression) []*core.Record {
	t.Helper()
	var out []*core.Record
	q := app.RecordQuery(collections.MailOutbox).OrderBy("created ASC", "rowid ASC")
	for _, e := range exprs {
		q = q.AndWhere(e)
	}
	if err := q.All(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// recipientsOf lists the emails' recipients, sorted.
func recipientsOf(mails []*core.Record) string {
	var to []string
	for _, m := range mails {
		to = append(to, m.GetString(collections.FieldTo))
	}
	slices.Sort(to)
	return strings.Join(to, ",")
}

func setTemplate(t *testing.T, app core.App, kind pb_hooks.NotificationKind, values map[string]any) {
	t.Helper()
	tpl, err := app.FindFirstRecordByData(collections.NotificationTemplates, collections.FieldKind, string(kind))
	if err != nil {
		t.Fatal(err)
	}
	tpl.Load(values)
	if err := app.Save(tpl); err != nil {
		t.Fatal(err)
	}
}

func TestNotifyRendersAndEscapes(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	a := newAgency(t, app)
	setTemplate(t, app, pb_hooks.NotifyEventBooked, map[string]any{
		"subject": "New: {event_name}\r\nBcc: evil@example.test",
		"body":    "Booked by {contact_name} <b>for</b> {client_name}.\n\nWhen: {event_dates}\nLink: {event_url}",
	})
	a.event.SetName(`Gala <script>alert(1)</script> & "friends"`)

	if err := pb_hooks.Notify(app, pb_hooks.NotifyEventBooked, a.event.Record, pb_hooks.Values{"contact_name": "Olivia <O'Hara>"}); err != nil {
		t.Fatal(err)
	}
	mails := queued(t, app)
	if len(mails) != 2 {
		t.Fatalf("queued %d emails, want one per group admin (2)", len(mails))
	}
	m := mails[0]
	if got := m.GetString(collections.FieldSubject); strings.ContainsAny(got, "\r\n") ||
		got != `New: Gala <script>alert(1)</script> & "friends" Bcc: evil@example.test` {
		t.Errorf("subject = %q, want one line", got)
	}
	text := m.GetString(collections.FieldText)
	for _, want := range []string{"Booked by Olivia <O'Hara> <b>for</b> Acme Events.", "When: Sat 5 Dec 2026, 18:00–23:00",
		"/client-portal/events/" + a.event.Id} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	html := m.GetString(collections.FieldHTML)
	for _, want := range []string{"Olivia &lt;O&#39;Hara&gt; &lt;b&gt;for&lt;/b&gt; Acme Events.",
		"<br>", "</p>", `<a href="http://localhost:8090/client-portal/events/` + a.event.Id + `"`} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q:\n%s", want, html)
		}
	}
	for _, notWant := range []string{"<script>", "<b>for"} {
		if strings.Contains(html, notWant) {
			t.Errorf("html contains unescaped %q", notWant)
		}
	}
	if m.GetString(collections.FieldStatus) != "queued" || m.GetString(collections.FieldRecordRef) != "events/"+a.event.Id {
		t.Errorf("status/ref = %s/%s", m.GetString(collections.FieldStatus), m.GetString(collections.FieldRecordRef))
	}
}

// Emails write dates in the agency's time zone and locale, as the portal does.
func TestNotifyWritesDatesInTheAgencysLocale(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	a := newAgency(t, app)
	settings, err := app.FindFirstRecordByFilter(collections.PortalSettings, "")
	if err != nil {
		t.Fatal(err)
	}
	settings.Set(collections.FieldTimeZone, "Australia/Sydney")
	settings.Set(collections.FieldLocale, "en-US")
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	setTemplate(t, app, pb_hooks.NotifyEventBooked, map[string]any{"body": "When: {event_dates}"})
	if err := pb_hooks.Notify(app, pb_hooks.NotifyEventBooked, a.event.Record, nil); err != nil {
		t.Fatal(err)
	}
	// 18:00–23:00 UTC on 5 Dec is 05:00–10:00 on 6 Dec in Sydney (summer time)
	want := "When: Sun Dec 6, 2026, 5:00 am–10:00 am"
	if text := queued(t, app)[0].GetString(collections.FieldText); !strings.Contains(text, want) {
		t.Errorf("text lacks %q:\n%s", want, text)
	}
}

func TestNotifyRecipients(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	a := newAgency(t, app)
	invoice := portaltest.Create(t, app, collections.Invoices, map[string]any{
		"client": a.client.Id, "currency": "GBP",
		"due_on": time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)})
	a.event.Set(collections.FieldCreatedBy, a.booker.Id)
	if err := app.Save(a.event); err != nil {
		t.Fatal(err)
	}

	ops3 := portaltest.NewSuperuser(t, app, "ops3@agency.test")
	cases := []struct {
		name   string
		kind   pb_hooks.NotificationKind
		record *core.Record
		extra  pb_hooks.Values
		setup  func()
		want   string
	}{
		{"group admins", pb_hooks.NotifyEventBooked, a.event.Record, pb_hooks.Values{"contact_name": "x"}, nil,
			"ops1@agency.test,ops2@agency.test"},
		// The group's admins are cached, and follow a change at once.
		{"an admin's new address", pb_hooks.NotifyEventBooked, a.event.Record, pb_hooks.Values{"contact_name": "x"}, func() {
			a.admin2.SetEmail("ops2-new@agency.test")
			if err := app.Save(a.admin2); err != nil {
				t.Fatal(err)
			}
		}, "ops1@agency.test,ops2-new@agency.test"},
		{"an admin added to the group", pb_hooks.NotifyEventBooked, a.event.Record, pb_hooks.Values{"contact_name": "x"}, func() {
			group, err := app.FindRecordById(collections.Groups, a.client.GroupID())
			if err != nil {
				t.Fatal(err)
			}
			group.Set("admins+", ops3.Id)
			if err := app.Save(group); err != nil {
				t.Fatal(err)
			}
		}, "ops1@agency.test,ops2-new@agency.test,ops3@agency.test"},
		{"by permission: only active contacts allowed to view invoices", pb_hooks.NotifyInvoiceIssued, invoice, nil, nil,
			"finance@acme.test,manager@acme.test"},
		{"the contact who booked", pb_hooks.NotifyEventConfirmed, a.event.Record, nil, nil, "booker@acme.test"},
		{"the contact concerned, even before activation", pb_hooks.NotifyActivation, a.booker.Record,
			pb_hooks.Values{"action_url": "u", "link_expires": "soon"}, func() {
				a.booker.SetStatus(collections.ContactInvited)
				if err := app.Save(a.booker); err != nil {
					t.Fatal(err)
				}
			}, "booker@acme.test"},
		{"booker no longer active: every contact allowed to book", pb_hooks.NotifyEventDeclined, a.event.Record,
			pb_hooks.Values{"reason": "r"}, nil, "manager@acme.test"},
		{"a disabled contact gets nothing", pb_hooks.NotifyPasswordReset, a.disabled.Record,
			pb_hooks.Values{"action_url": "u", "link_expires": "soon"}, nil, ""},
		{"a switched-off template sends nothing", pb_hooks.NotifyEventBooked, a.event.Record, pb_hooks.Values{"contact_name": "x"},
			func() { setTemplate(t, app, pb_hooks.NotifyEventBooked, map[string]any{"enabled": false}) }, ""},
		{"no group: the fallback recipient", pb_hooks.NotifyCompanyDetailsChanged, a.client.Record,
			pb_hooks.Values{"contact_name": "x", "changes": "y"}, func() {
				a.client.SetGroupID("")
				settings, _ := collections.LoadSettings(app)
				settings.Set(collections.FieldFallbackRecipient, "desk@agency.test")
				if err := app.Save(a.client); err != nil {
					t.Fatal(err)
				}
				if err := app.Save(settings); err != nil {
					t.Fatal(err)
				}
			}, "desk@agency.test"},
	}
	for _, c := range cases {
		if c.setup != nil {
			c.setup()
		}
		before := len(queued(t, app))
		if err := pb_hooks.Notify(app, c.kind, c.record, c.extra); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := recipientsOf(queued(t, app)[before:]); got != c.want {
			t.Errorf("%s: recipients = %q, want %q", c.name, got, c.want)
		}
	}

	// A value the template needs but the caller did not give is an error,
	// not a broken email.
	err := pb_hooks.Notify(app, pb_hooks.NotifyChangeRequested, a.event.Record, pb_hooks.Values{"contact_name": "x"})
	if err == nil || !strings.Contains(err.Error(), "{changes}") {
		t.Errorf("missing values: err = %v", err)
	}
}

func TestTemplateValidation(t *testing.T) {
	t.Parallel()
	// Every default template installed by the migrations passes the
	// validation the dashboard applies.
	app := portaltest.App(t)
	templates, err := app.FindAllRecords(collections.NotificationTemplates)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tpl := range templates {
		kinds = append(kinds, tpl.GetString(collections.FieldKind))
	}
	slices.Sort(kinds)
	if want := pb_hooks.CatalogueKinds(); !slices.Equal(kinds, want) {
		t.Errorf("default templates %v, want one per kind %v", kinds, want)
	}
	for _, tpl := range templates {
		if err := app.Save(tpl); err != nil {
			t.Errorf("default template %s: %v", tpl.GetString(collections.FieldKind), err)
		}
	}

	withAdmin := func(s *tests.ApiScenario) {
		s.TestAppFactory = portaltest.NewTestApp
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			s.Headers = portaltest.AuthHeaders(t, portaltest.NewSuperuser(t, app, "admin@agency.test"))
			tpl, err := app.FindFirstRecordByData(collections.NotificationTemplates, collections.FieldKind, "event_booked")
			if err != nil {
				t.Fatal(err)
			}
			s.URL = strings.ReplaceAll(s.URL, "{id}", tpl.Id)
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name:   "a placeholder the notification does not provide is a field error",
			Method: http.MethodPatch, URL: "/api/collections/notification_templates/records/{id}",
			Body:           strings.NewReader(`{"body":"Hi {invoice_number} and {nope}"}`),
			ExpectedStatus: http.StatusBadRequest,
			ExpectedContent: []string{`"body":{"code":"validation_unknown_placeholder"`,
				`{invoice_number}, {nope} are not provided by this notification; use {agency_name}`},
		},
		{
			Name:   "a subject placeholder is checked too",
			Method: http.MethodPatch, URL: "/api/collections/notification_templates/records/{id}",
			Body:            strings.NewReader(`{"subject":"{reason}"}`),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"subject":{"code":"validation_unknown_placeholder"`},
		},
		{
			Name:   "a valid edit is saved and the audience stays the code's",
			Method: http.MethodPatch, URL: "/api/collections/notification_templates/records/{id}",
			Body:            strings.NewReader(`{"subject":"Booking: {event_name}","audience":"client_contacts"}`),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"subject":"Booking: {event_name}"`, `"audience":"group_admins"`},
		},
		{
			Name:   "an unknown kind is refused",
			Method: http.MethodPost, URL: "/api/collections/notification_templates/records",
			Body:            strings.NewReader(`{"kind":"birthday","audience":"group_admins","subject":"s","body":"b"}`),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"kind":{"code":"validation_unknown_kind"`},
		},
		{
			Name:   "templates cannot be deleted",
			Method: http.MethodDelete, URL: "/api/collections/notification_templates/records/{id}",
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{"switch one off"},
		},
	}
	for i := range scenarios {
		withAdmin(&scenarios[i])
		scenarios[i].Test(t)
	}
}

// TestOwnDetailsChangeNotifies changes a contact's own details through the
// API and checks the admins' email, the field whitelist, and that a failed
// save leaves no email while a failed email leaves no change.
func TestOwnDetailsChangeNotifies(t *testing.T) {
	t.Parallel()
	var a agency
	setup := func(t testing.TB, app *tests.TestApp) {
		a = newAgency(t, app)
	}
	scenario := func(name, body string, status int, content []string, after func(t testing.TB, app *tests.TestApp)) tests.ApiScenario {
		return tests.ApiScenario{
			Name: name, Method: http.MethodPatch, URL: "/api/collections/contacts/records/{me}",
			Body: strings.NewReader(body), ExpectedStatus: status, ExpectedContent: content,
			TestAppFactory: portaltest.NewTestApp,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				after(t, app)
			},
		}
	}
	scenarios := []tests.ApiScenario{
		scenario("a change emails each group admin the old and new values",
			`{"name":"Olivia Hart","phone":"+44 1"}`, http.StatusOK, []string{`"name":"Olivia Hart"`},
			func(t testing.TB, app *tests.TestApp) {
				mails := queued(t, app)
				if recipientsOf(mails) != "ops1@agency.test,ops2@agency.test" {
					t.Fatalf("recipients = %q", recipientsOf(mails))
				}
				text := mails[0].GetString(collections.FieldText)
				if !strings.Contains(text, "→ Olivia Hart") || !strings.Contains(text, "Phone: (none) → +44 1") {
					t.Errorf("changes missing:\n%s", text)
				}
			}),
		scenario("fields a contact may not change are refused, naming them",
			`{"name":"X","role":"r","status":"active"}`, http.StatusBadRequest,
			[]string{`"role":{"code":"validation_not_editable"`, `"status":{"code":"validation_not_editable"`},
			func(t testing.TB, app *tests.TestApp) { assertNoMail(t, app) }),
		scenario("a failed save leaves no email",
			`{"name":"`+strings.Repeat("x", 200)+`"}`, http.StatusBadRequest, []string{`"name":{"code":"validation_max_text_constraint"`},
			func(t testing.TB, app *tests.TestApp) { assertNoMail(t, app) }),
		scenario("an unchanged save sends nothing", `{}`, http.StatusOK, []string{`"id"`},
			func(t testing.TB, app *tests.TestApp) { assertNoMail(t, app) }),
	}
	for _, s := range scenarios {
		s := s
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			setup(t, app)
			s.URL = strings.ReplaceAll(s.URL, "{me}", a.manager.Id)
			s.Headers = portaltest.AuthHeaders(t, a.manager.Record)
		}
		s.Test(t)
	}

	// If an email cannot be queued, the change is not saved either, and the
	// email queued before it (to the first admin) is rolled back with it.
	app := portaltest.App(t)
	a = newAgency(t, app)
	inserts := 0
	app.OnRecordCreate(collections.MailOutbox).BindFunc(func(e *core.RecordEvent) error {
		if inserts++; inserts == 2 {
			return errors.New("outbox unavailable")
		}
		return e.Next()
	})
	s := tests.ApiScenario{
		Method: http.MethodPatch, URL: "/api/collections/contacts/records/" + a.manager.Id,
		Body: strings.NewReader(`{"name":"Never Saved"}`), Headers: portaltest.AuthHeaders(t, a.manager.Record),
		ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Something went wrong"},
		TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true,
	}
	s.Test(t)
	r, _ := app.FindRecordById(collections.Contacts, a.manager.Id)
	if r.GetString(collections.FieldName) == "Never Saved" {
		t.Error("the change was saved although its email could not be queued")
	}
	if inserts != 2 {
		t.Errorf("%d outbox inserts attempted, want 2 (the first must have been written)", inserts)
	}
	assertNoMail(t, app)
}

func assertNoMail(t testing.TB, app core.App) {
	t.Helper()
	if n, _ := app.CountRecords(collections.MailOutbox); n != 0 {
		t.Errorf("%d emails queued, want none", n)
	}
}
