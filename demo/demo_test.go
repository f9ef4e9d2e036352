package demo_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

func contact(t *testing.T, app core.App, email string) *core.Record {
	t.Helper()
	r, err := app.FindAuthRecordByEmail(collections.Contacts, email)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSeedDemoOnce seeds the demo agency, checks what an agency would look
// for, and checks that seeding again adds nothing.
func TestSeedDemoOnce(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)

	seeded, err := demo.Seed(app)
	if err != nil || !seeded {
		t.Fatalf("first seed: seeded=%v err=%v", seeded, err)
	}
	counts := map[string]int64{}
	for _, name := range collections.All {
		counts[name], _ = app.CountRecords(name)
	}
	for _, name := range []string{collections.Groups, collections.Clients, collections.Contacts, collections.Roles,
		collections.Professions, collections.PriceLists, collections.Rates, collections.Staff,
		collections.StaffQualifications, collections.StaffVehicles, collections.Events, collections.Shifts,
		collections.Assignments, collections.EventDocuments, collections.Invoices, collections.Payments,
		collections.CMSPages, collections.ClientSnippets} {
		if counts[name] == 0 {
			t.Errorf("the demo has no %s", name)
		}
	}

	for _, login := range demo.Logins {
		c := contact(t, app, login.Email)
		if !c.ValidatePassword(demo.ContactPassword) {
			t.Errorf("%s cannot sign in with the demo password", login.Email)
		}
		if c.GetString(collections.FieldStatus) != string(collections.ContactActive) {
			t.Errorf("%s is not active", login.Email)
		}
	}
	if _, err := app.FindAuthRecordByEmail("_superusers", demo.AdminEmail); err != nil {
		t.Errorf("demo admin missing: %v", err)
	}

	// Northwind has past and upcoming events, and one with a team leader.
	northwind := contact(t, app, "manager@northwind.test").GetString(collections.FieldClient)
	past, _ := app.CountRecords(collections.Events, dbx.HashExp{collections.FieldClient: northwind}, dbx.NewExp("ends_at < {:now}", dbx.Params{"now": time.Now().UTC().Format(types.DefaultDateLayout)}))
	if past == 0 || past == counts[collections.Events] {
		t.Errorf("want both past and upcoming events, got %d past of %d", past, counts[collections.Events])
	}
	leaders, _ := app.CountRecords(collections.Assignments, dbx.HashExp{collections.FieldTeamLeader: true})
	if leaders == 0 {
		t.Error("no event has a team leader")
	}

	// Every staff member has a photo and every qualification a certificate
	// (real PNGs), every issued invoice its PDF, and the settings the T&C PDF.
	for _, want := range []struct{ collection, field, magic string }{
		{collections.Staff, collections.FieldPhoto, "\x89PNG"},
		{collections.StaffQualifications, collections.FieldCertificate, "\x89PNG"},
		{collections.Invoices, collections.FieldPDF, "%PDF-"},
		{collections.PortalSettings, collections.FieldTermsFile, "%PDF-"},
	} {
		records, _ := app.FindAllRecords(want.collection)
		for _, r := range records {
			if r.GetString(collections.FieldStatus) == string(collections.InvoiceDraft) {
				continue // a draft has no PDF yet
			}
			if got := demoFileStart(t, app, r, want.field, len(want.magic)); got != want.magic {
				t.Errorf("%s %s: %s starts with %q, want %q", want.collection, r.Id, want.field, got, want.magic)
			}
		}
	}
	// The uniform guide shows its own image (the cleaning keeps it).
	guide, err := app.FindFirstRecordByData(collections.CMSPages, "slug", "uniform-guide")
	if err != nil || len(guide.GetStringSlice(collections.FieldImages)) != 1 ||
		!strings.Contains(guide.GetString(collections.FieldBody), `<img src="/api/files/cms_pages/`+guide.Id+"/"+guide.GetStringSlice(collections.FieldImages)[0]) {
		t.Errorf("the uniform guide does not show its image (%v)", err)
	}
	// One invoice in every status, numbered in date order without gaps.
	invoices, _ := app.FindRecordsByFilter(collections.Invoices, "sequence > 0", "sequence", 0, 0)
	statuses := map[string]bool{}
	for i, inv := range invoices {
		if inv.GetInt(collections.FieldSequence) != i+1 || (i > 0 && inv.GetString(collections.FieldIssuedOn) < invoices[i-1].GetString(collections.FieldIssuedOn)) {
			t.Errorf("invoice %d: sequence %d issued %s", i, inv.GetInt(collections.FieldSequence), inv.GetString(collections.FieldIssuedOn))
		}
	}
	all, _ := app.FindAllRecords(collections.Invoices)
	for _, inv := range all {
		statuses[inv.GetString(collections.FieldStatus)] = true
	}
	for _, s := range []collections.InvoiceStatus{collections.InvoiceDraft, collections.InvoiceIssued, collections.InvoicePartlyPaid,
		collections.InvoicePaid, collections.InvoiceOverdue, collections.InvoiceVoid} {
		if !statuses[string(s)] {
			t.Errorf("no demo invoice is %s (%v)", s, statuses)
		}
	}
	if settings, _ := collections.LoadSettings(app); settings.GetString(collections.FieldTermsVersion) == "" {
		t.Error("the demo T&C file has no version")
	}

	seeded, err = demo.Seed(app)
	if err != nil || seeded {
		t.Fatalf("second seed: seeded=%v err=%v", seeded, err)
	}
	for _, name := range collections.All {
		if n, _ := app.CountRecords(name); n != counts[name] {
			t.Errorf("re-seeding changed %s from %d to %d records", name, counts[name], n)
		}
	}
}

// demoFileStart returns the first n bytes of the record's file in field ("" if none).
func demoFileStart(t *testing.T, app core.App, r *core.Record, field string, n int) string {
	t.Helper()
	name := r.GetString(field)
	if name == "" {
		return ""
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	f, err := fsys.GetReader(r.BaseFilesPath() + "/" + name)
	if err != nil {
		t.Fatalf("%s of %s: %v", field, r.Id, err)
	}
	defer f.Close()
	head := make([]byte, n)
	read, _ := io.ReadFull(f, head)
	return string(head[:read])
}

// TestDemoBanner runs the server with the demo registered and checks the
// printed logins.
func TestDemoBanner(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	app := portaltest.NewTestApp(t)
	demo.Register(app, &out)
	base := portaltest.StartServer(t, app)
	banner := out.String()
	for _, want := range append([]string{base + "/_/", base + "/client-portal/", demo.AdminEmail,
		demo.ContactPassword}, loginEmails()...) {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
}

// TestDemoEmailsLinkToListenAddress starts the demo on a free port and checks
// that an email it sends links to that address: PocketBase's default URL and
// a local address left by an earlier demo run are replaced, a real one is kept.
func TestDemoEmailsLinkToListenAddress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ appURL, want string }{
		{"http://localhost:8090", ""},                                      // PocketBase's default: the listen address
		{"http://127.0.0.1:8090/", ""},                                     // an earlier demo run on another port
		{"https://portal.agency.example", "https://portal.agency.example"}, // set by an admin
	} {
		t.Run(tc.appURL, func(t *testing.T) {
			t.Parallel()
			app := portaltest.OpenApp(t, portaltest.NewDemoDataDir(t), pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
			settings := app.Settings()
			settings.Meta.AppURL = tc.appURL
			if err := app.Save(settings); err != nil {
				t.Fatal(err)
			}
			demo.Register(app, io.Discard)
			base := portaltest.StartServer(t, app)
			want := tc.want
			if want == "" {
				want = base
			}

			// Confirming a portal booking emails its booker a link to the event.
			event, err := app.FindFirstRecordByData(collections.Events, collections.FieldName, "Summer street festival")
			if err != nil {
				t.Fatal(err)
			}
			event.Set(collections.FieldStatus, string(collections.EventConfirmed))
			if err := app.Save(event); err != nil {
				t.Fatal(err)
			}
			mail, err := app.FindFirstRecordByData(collections.MailOutbox, collections.FieldKind, string(pb_hooks.NotifyEventConfirmed))
			if err != nil {
				t.Fatal(err)
			}
			if text := mail.GetString(collections.FieldText); !strings.Contains(text, want+"/client-portal/") {
				t.Errorf("the email does not link to %s:\n%s", want, text)
			}
		})
	}
}

func loginEmails() []string {
	out := make([]string, len(demo.Logins))
	for i, l := range demo.Logins {
		out[i] = l.Email
	}
	return out
}
