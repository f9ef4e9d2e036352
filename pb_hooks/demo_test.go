package pb_hooks_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestSeedDemoOnce seeds the demo agency, checks what an agency would look
// for, and checks that seeding again adds nothing.
func TestSeedDemoOnce(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)

	seeded, err := pb_hooks.SeedDemo(app)
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
		collections.Assignments, collections.EventDocuments, collections.Invoices, collections.Payments} {
		if counts[name] == 0 {
			t.Errorf("the demo has no %s", name)
		}
	}

	for _, login := range pb_hooks.DemoLogins {
		c := findContact(t, app, login.Email)
		if !c.ValidatePassword(pb_hooks.DemoContactPassword) {
			t.Errorf("%s cannot sign in with the demo password", login.Email)
		}
		if c.GetString(collections.FieldStatus) != string(collections.ContactActive) {
			t.Errorf("%s is not active", login.Email)
		}
	}
	if _, err := app.FindAuthRecordByEmail("_superusers", pb_hooks.DemoAdminEmail); err != nil {
		t.Errorf("demo admin missing: %v", err)
	}

	// Northwind has past and upcoming events, and one with a team leader.
	northwind := findContact(t, app, "manager@northwind.test").GetString(collections.FieldClient)
	past, _ := app.CountRecords(collections.Events, dbxClient(northwind), dbxBefore(collections.FieldEndsAt))
	if past == 0 || past == counts[collections.Events] {
		t.Errorf("want both past and upcoming events, got %d past of %d", past, counts[collections.Events])
	}
	leaders, _ := app.CountRecords(collections.Assignments, dbxTrue(collections.FieldTeamLeader))
	if leaders == 0 {
		t.Error("no event has a team leader")
	}

	// Every staff member has a photo and every qualification a certificate
	// (real PNGs), every invoice its PDF, and the settings the T&C PDF.
	for _, want := range []struct{ collection, field, magic string }{
		{collections.Staff, collections.FieldPhoto, "\x89PNG"},
		{collections.StaffQualifications, collections.FieldCertificate, "\x89PNG"},
		{collections.Invoices, collections.FieldPDF, "%PDF-"},
		{collections.PortalSettings, collections.FieldTermsFile, "%PDF-"},
	} {
		records, _ := app.FindAllRecords(want.collection)
		for _, r := range records {
			if got := demoFileStart(t, app, r, want.field, len(want.magic)); got != want.magic {
				t.Errorf("%s %s: %s starts with %q, want %q", want.collection, r.Id, want.field, got, want.magic)
			}
		}
	}
	if settings, _ := collections.LoadSettings(app); settings.GetString(collections.FieldTermsVersion) == "" {
		t.Error("the demo T&C file has no version")
	}

	seeded, err = pb_hooks.SeedDemo(app)
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

// TestDemoBanner runs the server with Demo on and checks the printed logins.
func TestDemoBanner(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{Demo: true, Out: &out})
	base := portaltest.StartServer(t, app)
	banner := out.String()
	for _, want := range append([]string{base + "/_/", base + "/client-portal/", pb_hooks.DemoAdminEmail,
		pb_hooks.DemoContactPassword}, loginEmails()...) {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
}

func loginEmails() []string {
	out := make([]string, len(pb_hooks.DemoLogins))
	for i, l := range pb_hooks.DemoLogins {
		out[i] = l.Email
	}
	return out
}
