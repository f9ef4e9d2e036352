package pb_hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// rosterFixture is one client's upcoming event with a team leader and a
// second rostered person, staff who must never appear (unrostered, rostered
// only for another client, removed from the roster), contacts in three roles
// and another client's contact, on a server whose clock the test sets.
type rosterFixture struct {
	app                        core.App
	base                       string
	clock                      *atomic.Int64 // the portal's now, in Unix milliseconds
	event, otherEvent          *collections.Event
	leader, second             *collections.StaffMember
	unrostered, foreign, gone  *collections.StaffMember
	certificate                *core.Record // the leader's qualification
	full, rosterOnly, noRoster string       // tokens of the client's contacts
	outsider                   string       // token of the other client's contact
}

const leaderPhone = "+44 7700 900123"

func newRosterFixture(t *testing.T) *rosterFixture {
	t.Helper()
	f := &rosterFixture{}
	app, clock := clockedApp(t)
	f.app, f.clock = app, clock
	setRosterSettings(t, app, map[string]any{
		collections.FieldRosterVisible: true, collections.FieldRosterShowPhoto: true, collections.FieldRosterShowPhotoID: true,
		collections.FieldRosterShowQualifications: true, collections.FieldRosterShowVehicle: true,
		collections.FieldShowRequiredQuals: true,
	})

	client := portaltest.NewClient(t, app, "Roster client")
	other := portaltest.NewClient(t, app, "Roster other client")
	token := func(c *collections.Contact) string { return portaltest.AuthHeaders(t, c.Record)["Authorization"] }
	f.full = token(portaltest.NewContact(t, app, client,
		portaltest.NewRole(t, app, "", collections.PermViewRoster, collections.PermViewStaffDocuments), "full@roster.test"))
	f.rosterOnly = token(portaltest.NewContact(t, app, client,
		portaltest.NewRole(t, app, "", collections.PermViewRoster), "roster@roster.test"))
	f.noRoster = token(portaltest.NewContact(t, app, client,
		portaltest.NewRole(t, app, "", collections.PermBookEvents), "book@roster.test"))
	f.outsider = token(portaltest.NewContact(t, app, other,
		portaltest.NewRole(t, app, "", collections.PermViewRoster, collections.PermViewStaffDocuments), "other@roster.test"))

	profession := portaltest.NewProfession(t, app, true)
	firstAid := portaltest.Create(t, app, collections.Qualifications, map[string]any{"name": "First aid"})
	barista := portaltest.Create(t, app, collections.Skills, map[string]any{"name": "Barista"})
	var shifts []*collections.Shift
	f.event, shifts = portaltest.NewEvent(t, app, client, time.Now().Add(24*time.Hour), 5*time.Hour, profession)
	shifts[0].Set(collections.FieldRequiredQuals, []string{firstAid.Id})
	save(t, app, shifts[0].Record)
	var otherShifts []*collections.Shift
	f.otherEvent, otherShifts = portaltest.NewEvent(t, app, other, time.Now().Add(48*time.Hour), 5*time.Hour, profession)

	png := pngBytes(t)
	f.leader = portaltest.NewStaff(t, app)
	f.leader.Set(collections.FieldPhone, leaderPhone)
	f.leader.Set(collections.FieldPhoto, must(filesystem.NewFileFromBytes(png, "photo.png")))
	f.leader.Set(collections.FieldPhotoID, must(filesystem.NewFileFromBytes(png, "id.png")))
	f.leader.Set(collections.FieldSkills, []string{barista.Id})
	save(t, app, f.leader.Record)
	f.certificate = portaltest.Create(t, app, collections.StaffQualifications, map[string]any{
		"staff": f.leader.Id, "qualification": firstAid.Id, "valid_until": "2030-01-31 00:00:00.000Z",
		"certificate": must(filesystem.NewFileFromBytes(png, "certificate.png"))})
	portaltest.Create(t, app, collections.StaffVehicles, map[string]any{
		"staff": f.leader.Id, "make": "Toyota", "colour": "white", "plate": "AB12CDE"})
	f.second = portaltest.NewStaff(t, app)
	portaltest.NewAssignment(t, app, shifts[0], f.leader, true)
	portaltest.NewAssignment(t, app, shifts[0], f.second, false)

	// Staff who must never appear to the client: each has a photo and a
	// qualification, so their files can be asked for too.
	for _, s := range []**collections.StaffMember{&f.unrostered, &f.foreign, &f.gone} {
		*s = portaltest.NewStaff(t, app)
		(*s).Set(collections.FieldPhoto, must(filesystem.NewFileFromBytes(png, "photo.png")))
		save(t, app, (*s).Record)
		portaltest.Create(t, app, collections.StaffQualifications, map[string]any{
			"staff": (*s).Id, "qualification": firstAid.Id,
			"certificate": must(filesystem.NewFileFromBytes(png, "certificate.png"))})
	}
	portaltest.NewAssignment(t, app, otherShifts[0], f.foreign, true)
	removed := portaltest.NewAssignment(t, app, shifts[0], f.gone, false)
	if err := app.Delete(removed.Record); err != nil {
		t.Fatal(err)
	}
	f.base = portaltest.StartServer(t, app)
	return f
}

func setRosterSettings(t *testing.T, app core.App, values map[string]any) {
	t.Helper()
	settings, err := collections.LoadSettings(app)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		settings.Set(k, v)
	}
	save(t, app, settings.Record)
}

// roster fetches the roster route of the event as token.
func (f *rosterFixture) roster(t *testing.T, eventID, token string) (int, pb_hooks.EventRoster, string) {
	t.Helper()
	status, raw := portaltest.Call(t, http.MethodGet, f.base+"/api/portal/events/"+eventID+"/roster", token, nil)
	var out pb_hooks.EventRoster
	if status == http.StatusOK {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
	}
	return status, out, string(raw)
}

// clockedApp is a test app whose portal clock (Config.Now) the test sets,
// in Unix milliseconds (now at first), with rate limits off.
func clockedApp(t *testing.T) (core.App, *atomic.Int64) {
	t.Helper()
	clock := &atomic.Int64{}
	clock.Store(time.Now().UnixMilli())
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{
		Now: func() time.Time { return time.UnixMilli(clock.Load()) },
	})
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	return app, clock
}

// rosterGroups names the parts of an answer that carry data.
func rosterGroups(r pb_hooks.EventRoster) map[string]bool {
	groups := map[string]bool{"people": len(r.People) > 0, "shifts": len(r.Shifts) > 0}
	for _, p := range r.People {
		groups["photo"] = groups["photo"] || p.Photo != ""
		groups["photo_id"] = groups["photo_id"] || p.PhotoID != ""
		groups["vehicle"] = groups["vehicle"] || len(p.Vehicles) > 0
		for _, q := range p.Qualifications {
			groups["qualifications"] = true
			groups["certificates"] = groups["certificates"] || q.Certificate != ""
		}
	}
	return groups
}

// TestRosterSettings: each visibility setting switched off removes exactly
// its own part of the answer, on the next request.
func TestRosterSettings(t *testing.T) {
	t.Parallel()
	f := newRosterFixture(t)
	all := map[string]bool{"people": true, "shifts": true, "photo": true, "photo_id": true, "vehicle": true,
		"qualifications": true, "certificates": true}
	cases := []struct {
		setting string
		removes []string
	}{
		{"", nil},
		{collections.FieldRosterShowPhoto, []string{"photo"}},
		{collections.FieldRosterShowPhotoID, []string{"photo_id"}},
		{collections.FieldRosterShowQualifications, []string{"qualifications", "certificates"}},
		{collections.FieldRosterShowVehicle, []string{"vehicle"}},
		{collections.FieldShowRequiredQuals, []string{"shifts"}},
		{collections.FieldRosterVisible, []string{"people", "photo", "photo_id", "vehicle", "qualifications", "certificates"}},
	}
	for _, c := range cases {
		if c.setting != "" {
			setRosterSettings(t, f.app, map[string]any{c.setting: false})
		}
		status, r, raw := f.roster(t, f.event.Id, f.full)
		if status != http.StatusOK {
			t.Fatalf("%s off: status %d %s", c.setting, status, raw)
		}
		got := rosterGroups(r)
		for group := range all {
			want := !contains(c.removes, group)
			if got[group] != want {
				t.Errorf("%s off: %s present=%v, want %v (%s)", c.setting, group, got[group], want, raw)
			}
		}
		if r.TeamLeader == nil || r.TeamLeader.Name != f.leader.Name() || r.TeamLeader.Phone != leaderPhone {
			t.Errorf("%s off: team leader %+v", c.setting, r.TeamLeader)
		}
		if c.setting != "" {
			setRosterSettings(t, f.app, map[string]any{c.setting: true})
		}
	}

	// What the leader's entry holds when everything is on.
	_, r, _ := f.roster(t, f.event.Id, f.full)
	lead := r.People[0]
	if !lead.TeamLeader || lead.Name != f.leader.Name() || len(lead.Skills) != 1 || lead.Skills[0] != "Barista" ||
		len(lead.Vehicles) != 1 || lead.Vehicles[0].Plate != "AB12CDE" || lead.Qualifications[0].Name != "First aid" ||
		lead.Qualifications[0].ValidUntil.String() != "2030-01-31 00:00:00.000Z" || lead.StartsAt.String() != f.event.StartsAt().String() {
		t.Errorf("leader entry: %+v", lead)
	}
	if len(r.Shifts) != 1 || len(r.Shifts[0].RequiredQualifications) != 1 || r.Shifts[0].RequiredQualifications[0] != "First aid" {
		t.Errorf("required qualifications: %+v", r.Shifts)
	}
}

// TestRosterRolesAndStrangers: roles without view_roster get no roster,
// without view_staff_documents no photo IDs or certificates; another client
// gets a 404; unrostered, foreign and removed staff never appear.
func TestRosterRolesAndStrangers(t *testing.T) {
	t.Parallel()
	f := newRosterFixture(t)

	_, r, raw := f.roster(t, f.event.Id, f.rosterOnly)
	if g := rosterGroups(r); !g["people"] || !g["photo"] || !g["qualifications"] || g["photo_id"] || g["certificates"] {
		t.Errorf("view_roster without view_staff_documents: %v (%s)", g, raw)
	}
	_, r, raw = f.roster(t, f.event.Id, f.noRoster)
	if len(r.People) != 0 || r.Show.Roster || strings.Contains(raw, f.second.Name()) {
		t.Errorf("a role without view_roster got the roster: %s", raw)
	}
	if r.TeamLeader == nil || r.TeamLeader.Phone != leaderPhone || len(r.Shifts) != 1 {
		t.Errorf("every contact gets the team leader and the required qualifications: %s", raw)
	}

	for _, token := range []string{f.full, f.rosterOnly, f.noRoster} {
		_, _, raw := f.roster(t, f.event.Id, token)
		for _, s := range []*collections.StaffMember{f.unrostered, f.foreign, f.gone} {
			if strings.Contains(raw, s.Name()) || strings.Contains(raw, s.Id) {
				t.Errorf("%s appears in the roster: %s", s.Name(), raw)
			}
		}
	}
	if status, _, _ := f.roster(t, f.event.Id, f.outsider); status != http.StatusNotFound {
		t.Errorf("another client's contact: status %d, want 404", status)
	}
	if status, _, _ := f.roster(t, f.event.Id, ""); status != http.StatusUnauthorized {
		t.Errorf("anonymous: status %d, want 401", status)
	}
	_, r, raw = f.roster(t, f.otherEvent.Id, f.outsider)
	if len(r.People) != 1 || r.People[0].Name != f.foreign.Name() || strings.Contains(raw, f.leader.Name()) {
		t.Errorf("the other client's own roster: %s", raw)
	}
}

// TestTeamLeaderPhoneUntilTheEventEnds: the phone is in the answer before
// and during the event and absent from it once the event has ended.
func TestTeamLeaderPhoneUntilTheEventEnds(t *testing.T) {
	t.Parallel()
	f := newRosterFixture(t)
	start, end := f.event.StartsAt().Time(), f.event.EndsAt().Time()
	for _, c := range []struct {
		name  string
		now   time.Time
		phone bool
	}{
		{"a day before", start.Add(-24 * time.Hour), true},
		{"under way", start.Add(time.Hour), true},
		{"a second before the end", end.Add(-time.Second), true},
		{"at the end", end, false},
		{"a week later", end.Add(7 * 24 * time.Hour), false},
	} {
		f.clock.Store(c.now.UnixMilli())
		_, r, raw := f.roster(t, f.event.Id, f.full)
		if r.TeamLeader == nil || r.TeamLeader.Name != f.leader.Name() {
			t.Fatalf("%s: no team leader: %s", c.name, raw)
		}
		if strings.Contains(raw, leaderPhone) != c.phone {
			t.Errorf("%s: phone in the answer = %v, want %v", c.name, !c.phone, c.phone)
		}
	}
}

// TestRosterFiles: staff files are served only with a file token of a
// contact whose roster shows that field for a staff member rostered on
// its own client's events; private ones are never cached, and staff
// records stay unreadable.
func TestRosterFiles(t *testing.T) {
	t.Parallel()
	f := newRosterFixture(t)
	file := func(r *core.Record, field, token string) (int, string) {
		url := f.base + "/api/files/" + r.Collection().Name + "/" + r.Id + "/" + r.GetString(field)
		if token != "" {
			url += "?token=" + requestFileToken(t, f.base, token)
		}
		status, h := fetch(t, http.MethodGet, url, "")
		return status, h.Get("Cache-Control")
	}
	certificateOf := func(s *collections.StaffMember) *core.Record {
		return must(f.app.FindFirstRecordByData(collections.StaffQualifications, collections.FieldStaff, s.Id))
	}
	cases := []struct {
		name   string
		record *core.Record
		field  string
		token  string
		want   int
		cache  string
	}{
		{"photo", f.leader.Record, "photo", f.full, 200, "private, max-age=300"},
		{"photo ID", f.leader.Record, "photo_id", f.full, 200, "private, no-store"},
		{"certificate", f.certificate, "certificate", f.full, 200, "private, no-store"},
		{"photo, view_roster only", f.leader.Record, "photo", f.rosterOnly, 200, "private, max-age=300"},
		{"photo ID, view_roster only", f.leader.Record, "photo_id", f.rosterOnly, 404, ""},
		{"certificate, view_roster only", f.certificate, "certificate", f.rosterOnly, 404, ""},
		{"photo, no view_roster", f.leader.Record, "photo", f.noRoster, 404, ""},
		{"photo, another client", f.leader.Record, "photo", f.outsider, 404, ""},
		{"photo, no token", f.leader.Record, "photo", "", 404, ""},
		{"unrostered photo", f.unrostered.Record, "photo", f.full, 404, ""},
		{"unrostered certificate", certificateOf(f.unrostered), "certificate", f.full, 404, ""},
		{"removed from the roster", f.gone.Record, "photo", f.full, 404, ""},
		{"removed, certificate", certificateOf(f.gone), "certificate", f.full, 404, ""},
		{"another client's staff", f.foreign.Record, "photo", f.full, 404, ""},
		{"another client's staff, to that client", f.foreign.Record, "photo", f.outsider, 200, "private, max-age=300"},
		{"another client's certificate, to that client", certificateOf(f.foreign), "certificate", f.outsider, 200, "private, no-store"},
	}
	for _, c := range cases {
		status, cache := file(c.record, c.field, c.token)
		if status != c.want || (c.want == 200 && cache != c.cache) {
			t.Errorf("%s: status %d, Cache-Control %q; want %d %q", c.name, status, cache, c.want, c.cache)
		}
	}

	// A setting switched off stops the download at once.
	setRosterSettings(t, f.app, map[string]any{collections.FieldRosterShowPhoto: false})
	if status, _ := file(f.leader.Record, "photo", f.full); status != http.StatusNotFound {
		t.Errorf("photo with roster_show_photo off: %d", status)
	}

	// Records: never through list, view or expand.
	for _, path := range []string{"/api/collections/staff/records", "/api/collections/staff/records/" + f.leader.Id,
		"/api/collections/staff_qualifications/records", "/api/collections/staff_qualifications/records/" + f.certificate.Id} {
		status, body := portaltest.Call(t, http.MethodGet, f.base+path, f.full, nil)
		if status == http.StatusOK && strings.Contains(string(body), f.leader.Id) {
			t.Errorf("GET %s gave staff data to a contact: %s", path, body)
		}
	}
}

// TestShiftQualificationsHidden: contacts read shifts, but not the ids of
// the qualifications a shift requires, and cannot filter by them.
func TestShiftQualificationsHidden(t *testing.T) {
	t.Parallel()
	f := newRosterFixture(t)
	status, body := portaltest.Call(t, http.MethodGet, f.base+"/api/collections/shifts/records?filter="+
		"(event='"+f.event.Id+"')", f.full, nil)
	if status != http.StatusOK || strings.Contains(string(body), collections.FieldRequiredQuals) ||
		!strings.Contains(string(body), f.event.Id) {
		t.Errorf("shifts as a contact: %d %s", status, body)
	}
	status, _ = portaltest.Call(t, http.MethodGet, f.base+"/api/collections/shifts/records?filter="+
		"(required_qualifications:length>0)", f.full, nil)
	if status != http.StatusBadRequest {
		t.Errorf("a filter on required_qualifications: %d, want 400", status)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
