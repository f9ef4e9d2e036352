// Package demo is the demo agency: two offices, two client companies with a
// contact in every role, staff with photos, events with rosters, documents,
// invoices with their PDFs. It is not part of the portal plugin: main.go
// registers it only when the server is started with --demo, and the tests use
// Seed to get realistic data.
package demo

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
)

// Demo sign-in details, printed on start and listed in the README.
const (
	AdminEmail      = "admin@crewportal.test"
	AdminPassword   = "crewportal-demo"
	ContactPassword = "portal-demo-2026"
)

// Login is one demo contact that can sign in to the portal.
type Login struct {
	Email, Name, Role, Client string
}

// Logins lists the demo contacts that can sign in, in banner order.
var Logins = []Login{
	{"manager@northwind.test", "Olivia Hart", "Manager", "Northwind Events"},
	{"booker@northwind.test", "Sam Patel", "Booker", "Northwind Events"},
	{"finance@northwind.test", "Grace Liu", "Finance", "Northwind Events"},
	{"viewer@northwind.test", "Tom Becker", "Viewer", "Northwind Events"},
	{"manager@harbour.test", "Ava Romano", "Manager", "Harbour Conference Centre"},
}

// RolePermissions are the demo's shared roles, by name.
var RolePermissions = map[string][]collections.Permission{
	"Manager": collections.Permissions,
	"Booker": {collections.PermBookEvents, collections.PermRequestChanges, collections.PermViewRoster,
		collections.PermUploadDocuments, collections.PermViewPrices},
	"Finance": {collections.PermViewPrices, collections.PermViewInvoices, collections.PermDownloadInvoices},
	"Viewer":  {collections.PermViewRoster},
}

// Register binds the demo agency to app: when the server starts, an empty
// database gets the demo agency (Seed), the emails' links point at the address
// the server listens on, and out (os.Stdout when nil) receives where to sign
// in. main.go calls it only with --demo, so production never carries it.
func Register(app core.App, out io.Writer) {
	if out == nil {
		out = os.Stdout
	}
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: pb_hooks.HookIDPrefix + "demo.seed",
		Func: func(se *core.ServeEvent) error {
			seeded, err := Seed(se.App)
			if err != nil {
				return fmt.Errorf("seed demo agency: %w", err)
			}
			baseURL := listenURL(se.Server.Addr)
			if err := pointLinksAt(se.App, baseURL); err != nil {
				return err
			}
			printBanner(out, baseURL, seeded)
			return se.Next()
		},
	})
}

// listenURL is the URL a browser on this machine reaches the server at: the
// --http address, with a wildcard host ("", 0.0.0.0, ::) read as 127.0.0.1.
func listenURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// pointLinksAt makes the links in emails and the dashboard's "open the
// portal as" links use the demo server's address. It replaces PocketBase's
// default application URL and any earlier local address (a demo restarted on
// another port), but never a real one an admin has set.
func pointLinksAt(app core.App, baseURL string) error {
	settings := app.Settings()
	if settings.Meta.AppURL == baseURL || !isLocalURL(settings.Meta.AppURL) {
		return nil
	}
	settings.Meta.AppURL = baseURL
	return app.Save(settings)
}

// isLocalURL reports whether u is empty or an http address of this machine.
func isLocalURL(u string) bool {
	if u == "" {
		return true
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "http" {
		return false
	}
	host := parsed.Hostname()
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && (ip.IsLoopback() || ip.IsUnspecified()))
}

func printBanner(w io.Writer, baseURL string, seeded bool) {
	state := "already present"
	if seeded {
		state = "created"
	}
	fmt.Fprintf(w, "\nCrewportal demo agency (%s)\n", state)
	fmt.Fprintf(w, "  Dashboard: %s/_/   %s / %s\n", baseURL, AdminEmail, AdminPassword)
	fmt.Fprintf(w, "  Portal:    %s%s   contacts below, password %s\n", baseURL, pb_hooks.PortalPath, ContactPassword)
	for _, l := range Logins {
		fmt.Fprintf(w, "    %-26s %-10s %s\n", l.Email, l.Role, l.Client)
	}
	fmt.Fprintln(w)
}

// Seed fills an empty database with a demo agency: an admin, groups,
// professions, price lists, two client companies with contacts in every role,
// staff with photos, qualifications and vehicles, past and upcoming events
// with rosters, documents and invoices. It does nothing (and reports false)
// when any client exists, so re-running never duplicates demo data. Dates are
// relative to now, so "upcoming" events stay upcoming.
func Seed(app core.App) (seeded bool, err error) {
	n, err := app.CountRecords(collections.Clients)
	if err != nil || n > 0 {
		return false, err
	}
	err = app.RunInTransaction(func(tx core.App) error {
		s := &seeder{app: tx, now: time.Now().UTC().Truncate(time.Hour)}
		s.run()
		return s.err
	})
	return err == nil, err
}

// seeder creates records and remembers the first error, so the demo script
// reads as data rather than as error handling.
type seeder struct {
	app core.App
	now time.Time
	err error
}

// create saves a new record of the collection with the given values.
func (s *seeder) create(collection string, values map[string]any) *core.Record {
	if s.err != nil {
		return nil
	}
	c, err := s.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		s.err = err
		return nil
	}
	r := core.NewRecord(c)
	r.Load(values)
	if err := s.app.Save(r); err != nil {
		s.err = fmt.Errorf("save %s %v: %w", collection, values[collections.FieldName], err)
		return nil
	}
	return r
}

func (s *seeder) file(name string, data []byte) *filesystem.File {
	f, err := filesystem.NewFileFromBytes(data, name)
	if err != nil && s.err == nil {
		s.err = err
	}
	return f
}

// at returns a time days from today at the given hour of the agency's day.
func (s *seeder) at(days, hour int, loc *time.Location) types.DateTime {
	local := s.now.In(loc)
	t := time.Date(local.Year(), local.Month(), local.Day()+days, hour, 0, 0, 0, loc)
	dt, _ := types.ParseDateTime(t.UTC())
	return dt
}

func id(r *core.Record) string {
	if r == nil {
		return ""
	}
	return r.Id
}

func (s *seeder) run() {
	admin := s.admin()
	loc := s.settings()

	melbourne := s.create(collections.Groups, map[string]any{
		"name": "Melbourne office", "email": "melbourne@agency.test", "admins": []string{id(admin)}})
	sydney := s.create(collections.Groups, map[string]any{
		"name": "Sydney office", "email": "sydney@agency.test", "admins": []string{id(admin)}})

	prof := map[string]*core.Record{}
	for _, p := range []struct {
		name     string
		bookable bool
		basic    float64
	}{
		{"Waiter", true, 38}, {"Bartender", true, 42}, {"Steward", true, 36},
		{"Security officer", true, 48}, {"Runner", true, 32}, {"Event manager", false, 75},
	} {
		prof[p.name] = s.create(collections.Professions, map[string]any{
			"name": p.name, "client_bookable": p.bookable, "active": true,
			"description": p.name + " supplied by the agency."})
	}
	basic := s.create(collections.PriceLists, map[string]any{"name": "Basic 2026", "is_basic": true, "currency": "AUD"})
	corporate := s.create(collections.PriceLists, map[string]any{"name": "Northwind corporate", "currency": "AUD",
		"notes": "Negotiated rates, reviewed every January."})
	// Hourly rates in cents; the corporate list is 10 % off (34.20 for a waiter).
	for name, basicRate := range map[string]int64{"Waiter": 3800, "Bartender": 4200, "Steward": 3600,
		"Security officer": 4800, "Runner": 3200, "Event manager": 7500} {
		s.create(collections.Rates, map[string]any{"price_list": id(basic), "profession": id(prof[name]), "hourly_rate": basicRate})
		s.create(collections.Rates, map[string]any{"price_list": id(corporate), "profession": id(prof[name]), "hourly_rate": basicRate * 9 / 10})
	}

	skill := map[string]*core.Record{}
	for _, n := range []string{"Barista", "Silver service", "Crowd control", "Italian speaker", "Forklift"} {
		skill[n] = s.create(collections.Skills, map[string]any{"name": n})
	}
	qual := map[string]*core.Record{}
	for _, n := range []string{"Responsible Service of Alcohol", "Security licence", "First aid certificate", "Working with children check"} {
		qual[n] = s.create(collections.Qualifications, map[string]any{"name": n})
	}
	vip := s.create(collections.Tags, map[string]any{"name": "VIP", "client_visible": true, "color": "#6a3d9a"})
	outdoor := s.create(collections.Tags, map[string]any{"name": "Outdoor", "client_visible": true, "color": "#2e8b57"})
	risk := s.create(collections.Tags, map[string]any{"name": "Payment risk", "client_visible": false, "color": "#b2241f"})

	northwind := s.create(collections.Clients, map[string]any{
		"name": "Northwind Events", "group": id(melbourne), "portal_enabled": true,
		"default_price_list": id(corporate), "phone": "+61 3 9000 1000",
		"address": "12 Collins Street", "city": "Melbourne", "postcode": "3000", "country": "Australia",
		"billing_email": "accounts@northwind.test", "billing_address": "PO Box 100, Melbourne VIC 3001",
		"vat_id": "ABN 51 824 753 556"})
	harbour := s.create(collections.Clients, map[string]any{
		"name": "Harbour Conference Centre", "group": id(sydney), "portal_enabled": true,
		"phone": "+61 2 9000 2000", "address": "1 Harbour Way", "city": "Sydney", "postcode": "2000",
		"country": "Australia", "billing_email": "finance@harbour.test", "admin_notes": "Pays late; call before the due date."})

	role := map[string]*core.Record{}
	for name, perms := range RolePermissions {
		role[name] = s.role(name, perms...)
	}
	clientOf := map[string]*core.Record{"Northwind Events": northwind, "Harbour Conference Centre": harbour}
	contact := map[string]*core.Record{}
	for i, l := range Logins {
		contact[l.Email] = s.contact(l.Email, l.Name, clientOf[l.Client], role[l.Role], collections.ContactActive, i)
	}
	s.contact("new.hire@northwind.test", "Jack Moreno", northwind, role["Booker"], collections.ContactNoAccess, 5)
	s.contact("events@harbour.test", "Mia Chen", harbour, role["Booker"], collections.ContactInvited, 6)

	staff := s.staff(skill, qual)

	booker := contact["booker@northwind.test"]
	gala := s.event(northwind, booker, "Annual partner gala", "Crown Palladium", "8 Whiteman Street, Southbank VIC",
		14, 17, 23, collections.EventConfirmed, loc, []string{id(vip)},
		[]shiftPlan{{prof["Waiter"], 4, pick(staff, 0, 1, 2, 8), 0}, {prof["Bartender"], 2, pick(staff, 3, 9), -1}})
	breakfast := s.event(northwind, booker, "Product launch breakfast", "Northwind HQ", "12 Collins Street, Melbourne VIC",
		5, 6, 11, collections.EventConfirmed, loc, nil,
		[]shiftPlan{{prof["Waiter"], 3, staff[4:7], 1}})
	s.event(northwind, booker, "Summer street festival", "Federation Square", "Swanston Street, Melbourne VIC",
		30, 10, 22, collections.EventToBeConfirmed, loc, []string{id(outdoor)},
		[]shiftPlan{{prof["Steward"], 8, pick(staff, 10, 11, 12, 13, 0, 1, 2, 5), 0}})
	party := s.event(northwind, booker, "Winter staff party", "Rooftop bar", "3 Flinders Lane, Melbourne VIC",
		21, 18, 23, collections.EventDeclined, loc, nil,
		[]shiftPlan{{prof["Bartender"], 3, nil, -1}})
	if party != nil && s.err == nil {
		party.Set(collections.FieldDecisionReason, "We have no bartenders free that night; we can staff the Friday after.")
		s.err = s.app.Save(party)
	}
	past := s.event(northwind, booker, "Spring client reception", "State Library", "328 Swanston Street, Melbourne VIC",
		-21, 18, 22, collections.EventCompleted, loc, nil,
		[]shiftPlan{{prof["Waiter"], 3, staff[0:3], 0}})
	s.event(northwind, contact["manager@northwind.test"], "Board dinner", "Northwind HQ", "12 Collins Street, Melbourne VIC",
		-45, 19, 23, collections.EventCompleted, loc, nil,
		[]shiftPlan{{prof["Waiter"], 2, staff[1:3], 1}})
	congress := s.event(harbour, contact["manager@harbour.test"], "Medical congress", "Harbour Conference Centre", "1 Harbour Way, Sydney NSW",
		9, 7, 18, collections.EventConfirmed, loc, []string{id(risk)},
		[]shiftPlan{{prof["Security officer"], 2, staff[6:8], 0}, {prof["Runner"], 2, pick(staff, 12, 13), -1}})
	harbourPast := s.event(harbour, contact["manager@harbour.test"], "Trade expo", "Harbour Conference Centre", "1 Harbour Way, Sydney NSW",
		-30, 8, 17, collections.EventCompleted, loc, nil,
		[]shiftPlan{{prof["Security officer"], 2, staff[6:8], 1}})

	s.create(collections.ResourceLines, map[string]any{"event": id(gala), "name": "Two-way radios", "quantity": 6})
	s.create(collections.ResourceLines, map[string]any{"event": id(gala), "name": "Black aprons", "quantity": 6})
	s.create(collections.EventDocuments, map[string]any{"event": id(gala), "title": "Venue site map",
		"file": s.file("site-map.png", siteMapPNG("Crown Palladium")), "visible_to_client": true, "uploaded_by_admin": id(admin)})
	s.create(collections.EventDocuments, map[string]any{"event": id(gala), "title": "Internal staffing notes",
		"file":              s.file("staffing-notes.txt", []byte("Call-in 16:30 at the staff entrance. Black tie.\n")),
		"visible_to_client": false, "uploaded_by_admin": id(admin)})
	s.create(collections.EventDocuments, map[string]any{"event": id(gala), "title": "Run sheet from client",
		"file":        s.file("run-sheet.txt", []byte("17:00 doors, 18:00 dinner, 21:00 awards, 23:00 close.\n")),
		"uploaded_by": id(booker)})

	// What the shifts require (spec R3).
	s.require(gala, prof["Bartender"], qual["Responsible Service of Alcohol"])
	s.require(congress, prof["Security officer"], qual["Security licence"], qual["First aid certificate"])

	// Documents both ways on the other events: the agency's floor plan and
	// timesheet for the client, the clients' own guest lists.
	s.create(collections.EventDocuments, map[string]any{"event": id(breakfast), "title": "Breakfast floor plan",
		"file": s.file("floor-plan.png", siteMapPNG("Northwind HQ")), "visible_to_client": true, "uploaded_by_admin": id(admin)})
	s.create(collections.EventDocuments, map[string]any{"event": id(breakfast), "title": "Guest list",
		"file":        s.file("guest-list.txt", []byte("Table 1: board\nTables 2-6: partners\nTable 7: press\n")),
		"uploaded_by": id(contact["manager@northwind.test"])})
	s.create(collections.EventDocuments, map[string]any{"event": id(past), "title": "Timesheet summary",
		"file":              s.file("timesheets.txt", []byte("3 waiters, 18:00-22:00, 12 hours in total.\n")),
		"visible_to_client": true, "uploaded_by_admin": id(admin)})
	s.create(collections.EventDocuments, map[string]any{"event": id(congress), "title": "Security briefing",
		"file":              s.file("security-briefing.txt", []byte("Bag checks at doors A and C. Radio channel 4.\n")),
		"visible_to_client": true, "uploaded_by_admin": id(admin)})
	s.create(collections.EventDocuments, map[string]any{"event": id(congress), "title": "Delegate badges sample",
		"file": s.file("badges.png", siteMapPNG("Badges")), "uploaded_by": id(contact["manager@harbour.test"])})

	s.invoices(northwind, harbour, past, gala, harbourPast)

	s.content()
}

// admin creates the demo superuser unless it exists (a real admin may have
// created one before the first demo start).
func (s *seeder) admin() *core.Record {
	if r, err := s.app.FindAuthRecordByEmail(core.CollectionNameSuperusers, AdminEmail); err == nil {
		return r
	}
	c, err := s.app.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		s.err = err
		return nil
	}
	r := core.NewRecord(c)
	r.SetEmail(AdminEmail)
	r.SetPassword(AdminPassword)
	if err := s.app.Save(r); err != nil {
		s.err = fmt.Errorf("create demo admin: %w", err)
		return nil
	}
	return r
}

// settings points the demo at Melbourne and returns its time zone.
// invoices seeds one invoice in every status, issued in date order so the
// numbers follow the dates; no email goes out for them.
func (s *seeder) invoices(northwind, harbour, past, gala, harbourPast *core.Record) {
	settings, err := collections.LoadSettings(s.app)
	if err != nil {
		s.err = err
		return
	}
	s.update(settings.Record, map[string]any{collections.FieldNotifyInvoiceIssued: false})
	waiters := demoLine{"Waiters, Spring client reception (3 × 5 h)", 15, 3420}
	s.invoice(northwind, past, -40, 14, 1, collections.InvoicePaid, waiters,
		demoLine{"Bartender, Spring client reception", 5, 3780})
	s.invoice(harbour, harbourPast, -28, 14, 0, collections.InvoiceOverdue, demoLine{"Security officers, Trade expo (2 × 9 h)", 18, 4800})
	s.invoice(northwind, past, -18, 14, 0, collections.InvoiceOverdue, demoLine{"Extra hours, Spring client reception", 2.5, 3420})
	s.invoice(northwind, past, -10, 30, 0.5, collections.InvoicePartlyPaid, demoLine{"Cloakroom and runners, Spring client reception", 7.5, 3200})
	s.invoice(northwind, gala, -5, 30, 0, collections.InvoiceIssued, demoLine{"Deposit, Annual partner gala (30 %)", 1, 93312})
	s.invoice(northwind, gala, -3, 30, 0, collections.InvoiceVoid, demoLine{"Deposit, Annual partner gala", 1, 99000})
	s.invoice(northwind, gala, 0, 30, 0, collections.InvoiceDraft, demoLine{"Waiters, Annual partner gala", 60, 3420})
	if s.err == nil {
		if _, err := pb_hooks.MarkOverdueInvoices(s.app, s.now); err != nil {
			s.err = err
		}
	}
	s.update(settings.Record, map[string]any{collections.FieldNotifyInvoiceIssued: true})
}

func (s *seeder) settings() *time.Location {
	settings, err := collections.LoadSettings(s.app)
	if err != nil {
		s.err = err
		return time.UTC
	}
	settings.Set(collections.FieldTimeZone, "Australia/Melbourne")
	settings.Set(collections.FieldFallbackRecipient, "bookings@agency.test")
	// The demo shows every part of the roster (photo IDs and vehicles are
	// off by default) to the roles that may see it.
	settings.Set(collections.FieldRosterShowPhotoID, true)
	settings.Set(collections.FieldRosterShowVehicle, true)
	settings.Set(collections.FieldAgencyAddress, "Level 4, 120 Collins Street\nMelbourne VIC 3000, Australia\nABN 12 345 678 901")
	settings.Set(collections.FieldInvoiceInstructions, "Bank transfer to Crewportal Demo Pty Ltd, BSB 063-000, account 1234 5678.")
	settings.Set(collections.FieldAgencyLogo, s.file("agency-logo.png", logoPNG()))
	const termsVersion = "2026-01"
	terms, err := termsPDF(termsVersion)
	if err != nil {
		s.err = err
		return time.UTC
	}
	settings.Set(collections.FieldTermsVersion, termsVersion)
	settings.Set(collections.FieldTermsFile, s.file("terms-"+termsVersion+".pdf", terms))
	if err := s.app.Save(settings); err != nil {
		s.err = err
	}
	meta := s.app.Settings()
	meta.Meta.AppName = "Crewportal demo agency"
	meta.Meta.SenderName = "Crewportal demo agency"
	meta.Meta.SenderAddress = "no-reply@agency.test"
	if err := s.app.Save(meta); err != nil && s.err == nil {
		s.err = err
	}
	return settings.Location()
}

func (s *seeder) role(name string, perms ...collections.Permission) *core.Record {
	r := s.create(collections.Roles, map[string]any{"name": name})
	if r == nil {
		return nil
	}
	role := collections.Wrap[collections.Role](r)
	role.SetPermissions(perms...)
	if err := s.app.Save(r); err != nil {
		s.err = err
	}
	return r
}

func (s *seeder) contact(email, name string, client, role *core.Record, status collections.ContactStatus, n int) *core.Record {
	if s.err != nil {
		return nil
	}
	c, err := s.app.FindCachedCollectionByNameOrId(collections.Contacts)
	if err != nil {
		s.err = err
		return nil
	}
	r := core.NewRecord(c)
	contact := collections.Wrap[collections.Contact](r)
	contact.SetName(name)
	contact.SetClientID(id(client))
	contact.SetRoleID(id(role))
	contact.SetStatus(status)
	r.SetEmail(email)
	r.SetVerified(status == collections.ContactActive)
	// Contacts who have not activated get a random password nobody knows.
	if status == collections.ContactActive {
		r.SetPassword(ContactPassword)
	} else {
		r.SetRandomPassword()
	}
	r.Set(collections.FieldPhone, fmt.Sprintf("+61 4%02d 555 %03d", n, 100+n))
	r.Set(collections.FieldPhoto, s.file("photo.png", avatarPNG(name, n)))
	if err := s.app.Save(r); err != nil {
		s.err = fmt.Errorf("create contact %s: %w", email, err)
		return nil
	}
	return r
}

// staff creates fourteen workers with photos, some with photo IDs, skills,
// qualifications (with certificates) and vehicles.
func (s *seeder) staff(skill, qual map[string]*core.Record) []*core.Record {
	people := []struct {
		name, skill, qual, vehicle string
	}{
		{"Liam Walsh", "Silver service", "Responsible Service of Alcohol", "Toyota Corolla|white|1AB2CD"},
		{"Chloe Nguyen", "Barista", "Responsible Service of Alcohol", ""},
		{"Noah Fischer", "Silver service", "First aid certificate", ""},
		{"Isla Moretti", "Italian speaker", "Responsible Service of Alcohol", "Mazda 3|red|2EF3GH"},
		{"Ethan Brooks", "Barista", "Working with children check", ""},
		{"Zara Ahmed", "Silver service", "First aid certificate", ""},
		{"Marcus Reid", "Crowd control", "Security licence", "Ford Ranger|black|3IJ4KL"},
		{"Priya Singh", "Crowd control", "Security licence", ""},
		{"Oliver Grant", "Silver service", "Responsible Service of Alcohol", ""},
		{"Mia Kowalski", "Barista", "Responsible Service of Alcohol", "Kia Rio|blue|4MN5OP"},
		{"Lucas Romero", "Forklift", "First aid certificate", ""},
		{"Ava Thompson", "Italian speaker", "Working with children check", ""},
		{"Jack Obi", "Crowd control", "First aid certificate", ""},
		{"Sofia Rossi", "Silver service", "Working with children check", ""},
	}
	out := make([]*core.Record, 0, len(people))
	for i, p := range people {
		values := map[string]any{
			"name": p.name, "active": true, "phone": fmt.Sprintf("+61 4%02d 777 %03d", 10+i, 200+i),
			"email":  strings.ToLower(strings.ReplaceAll(p.name, " ", ".")) + "@staff.agency.test",
			"photo":  s.file("photo.png", avatarPNG(p.name, i)),
			"skills": []string{id(skill[p.skill])},
		}
		if i%2 == 0 {
			values["photo_id"] = s.file("photo-id.png", badgePNG(p.name, i))
		}
		st := s.create(collections.Staff, values)
		out = append(out, st)
		s.create(collections.StaffQualifications, map[string]any{
			"staff": id(st), "qualification": id(qual[p.qual]), "reference": fmt.Sprintf("Q-%05d", 31000+i),
			"valid_until": s.at(400+30*i, 0, time.UTC),
			"certificate": s.file("certificate.png", labelPNG("CERTIFIED "+strings.ToUpper(p.qual), palette[i%8], 640, 200, 2)),
		})
		if parts := strings.Split(p.vehicle, "|"); len(parts) == 3 {
			s.create(collections.StaffVehicles, map[string]any{"staff": id(st), "make": parts[0], "colour": parts[1], "plate": parts[2]})
		}
	}
	return out
}

// require sets the qualifications the event's shift of the profession
// requires.
func (s *seeder) require(event, profession *core.Record, quals ...*core.Record) {
	if s.err != nil {
		return
	}
	shift, err := s.app.FindFirstRecordByFilter(collections.Shifts, "event = {:event} && profession = {:profession}",
		dbx.Params{"event": id(event), "profession": id(profession)})
	if err != nil {
		s.err = err
		return
	}
	ids := make([]string, len(quals))
	for i, q := range quals {
		ids[i] = id(q)
	}
	shift.Set(collections.FieldRequiredQuals, ids)
	s.err = s.app.Save(shift)
}

// pick returns the staff at the indexes, in order.
func pick(staff []*core.Record, indexes ...int) []*core.Record {
	out := make([]*core.Record, 0, len(indexes))
	for _, i := range indexes {
		if i < len(staff) {
			out = append(out, staff[i])
		}
	}
	return out
}

// shiftPlan describes one shift of a demo event: who is rostered, and which
// of them (by index, -1 for none) leads the event's team.
type shiftPlan struct {
	profession *core.Record
	count      int
	rostered   []*core.Record
	leader     int
}

func (s *seeder) event(client, by *core.Record, name, venue, address string, days, from, to int,
	status collections.EventStatus, loc *time.Location, tags []string, plans []shiftPlan) *core.Record {
	start, end := s.at(days, from, loc), s.at(days, to, loc)
	ev := s.create(collections.Events, map[string]any{
		"client": id(client), "name": name, "venue": venue, "address": address,
		"starts_at": start, "ends_at": end, "status": string(status), "created_by": id(by),
		"source": "portal", "tags": tags, "currency": "AUD",
		"notes": "Smart black uniform. Staff entrance at the loading dock.",
	})
	var total int64
	for _, plan := range plans {
		sh := s.create(collections.Shifts, map[string]any{"event": id(ev), "profession": id(plan.profession),
			"starts_at": start, "ends_at": end, "staff_count": plan.count})
		if s.err == nil {
			est, err := pb_hooks.EstimatePrice(s.app, id(client), id(plan.profession), start.Time(), end.Time(), plan.count)
			if err != nil {
				s.err = err
			} else if est != nil {
				total += est.Total
			}
		}
		for i, st := range plan.rostered {
			s.create(collections.Assignments, map[string]any{"shift": id(sh), "staff": id(st),
				"team_leader": i == plan.leader, "starts_at": start, "ends_at": end})
		}
	}
	// The price the portal would have estimated for the booking.
	if ev != nil && s.err == nil {
		ev.Set(collections.FieldEstimatedPrice, total)
		if err := s.app.Save(ev); err != nil {
			s.err = err
		}
	}
	return ev
}

// invoice issues an invoice for an event, paid to the given fraction.
// demoLine is one line of a demo invoice: hours at an hourly rate in cents,
// with Australia's 10 % GST.
type demoLine struct {
	description string
	hours       float64
	rate        int64
}

// invoice writes a draft with its lines and, unless draft, issues it the
// way an admin does (the server numbers it, computes the totals and renders
// its PDF), backdated issuedDays from today; then it records paidShare of
// the total as a payment, or voids it.
func (s *seeder) invoice(client, event *core.Record, issuedDays, termDays int, paidShare float64, final collections.InvoiceStatus, lines ...demoLine) {
	issued, due := s.day(issuedDays), s.day(issuedDays+termDays)
	inv := s.create(collections.Invoices, map[string]any{"client": id(client), "currency": "AUD",
		"events": []string{id(event)}, "issued_on": issued, "due_on": due})
	for _, l := range lines {
		s.create(collections.InvoiceLines, map[string]any{"invoice": id(inv), "event": id(event),
			"description": l.description, "quantity": l.hours, "unit_price": l.rate, "tax_rate": 10})
	}
	if s.err != nil || final == collections.InvoiceDraft {
		return
	}
	s.update(inv, map[string]any{"status": string(collections.InvoiceIssued)})
	switch {
	case final == collections.InvoiceVoid:
		s.update(inv, map[string]any{"status": string(collections.InvoiceVoid), "void_reason": "Issued with the wrong rate; replaced."})
	case paidShare > 0:
		s.create(collections.Payments, map[string]any{"invoice": id(inv), "paid_on": s.day(issuedDays + 7),
			"amount": int64(float64(inv.GetInt(collections.FieldTotal)) * paidShare), "method": "Bank transfer",
			"reference": inv.GetString(collections.FieldNumber)})
	}
}

// day returns the agency's calendar date days from today, as invoices
// store dates.
func (s *seeder) day(days int) string {
	return s.now.AddDate(0, 0, days).Format(time.DateOnly)
}

// update saves values on an existing record.
func (s *seeder) update(r *core.Record, values map[string]any) {
	if s.err != nil {
		return
	}
	r.Load(values)
	if err := s.app.Save(r); err != nil {
		s.err = fmt.Errorf("save %s %s: %w", r.Collection().Name, r.Id, err)
	}
}
