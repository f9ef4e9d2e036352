package pb_hooks

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/list"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Roster and team leader (spec R1–R4): who is coming to one of the contact's
// events, served by one route that puts in only what the portal settings
// and the contact's role allow. Staff records are never readable by
// contacts; their files are downloaded with PocketBase's short-lived file
// tokens, and the download hook asks the same rosterViewOf as the route.

// RosterView says which parts of the roster a contact receives. The route
// sends it along, so the page shows exactly the sections that have data.
type RosterView struct {
	// Roster: the people at all (roster_visible and view_roster): name,
	// rostered times, profession, skills.
	Roster bool `json:"roster"`
	// Photo: profile photos (roster_show_photo).
	Photo bool `json:"photo"`
	// PhotoID: photo IDs (roster_show_photo_id and view_staff_documents).
	PhotoID bool `json:"photo_id"`
	// Qualifications: names and expiry (roster_show_qualifications).
	Qualifications bool `json:"qualifications"`
	// Certificates: the qualifications' files (and view_staff_documents).
	Certificates bool `json:"certificates"`
	// Vehicle: make, model, colour and plate (roster_show_vehicle).
	Vehicle bool `json:"vehicle"`
	// RequiredQualifications: what each shift requires (spec R3,
	// show_required_qualifications); about the shift, so for every contact.
	RequiredQualifications bool `json:"required_qualifications"`
}

// rosterViewOf is the one answer to "what of the roster may this contact
// see?": the settings switch each group on for everyone, the role's
// view_roster and view_staff_documents for the contact. Read on every
// request, so a change applies to the next one.
func rosterViewOf(app core.App, contact *core.Record) (RosterView, error) {
	settings, err := portalSettings(app)
	if err != nil {
		return RosterView{}, err
	}
	on := settings.GetBool
	roster := on(collections.FieldRosterVisible) && contactCan(app, contact, collections.PermViewRoster)
	documents := roster && contactCan(app, contact, collections.PermViewStaffDocuments)
	return RosterView{
		Roster:                 roster,
		Photo:                  roster && on(collections.FieldRosterShowPhoto),
		PhotoID:                documents && on(collections.FieldRosterShowPhotoID),
		Qualifications:         roster && on(collections.FieldRosterShowQualifications),
		Certificates:           documents && on(collections.FieldRosterShowQualifications),
		Vehicle:                roster && on(collections.FieldRosterShowVehicle),
		RequiredQualifications: on(collections.FieldShowRequiredQuals),
	}, nil
}

// allowsFile reports whether the view includes the staff file field of the
// collection (staff or staff_qualifications).
func (v RosterView) allowsFile(collection, field string) bool {
	switch {
	case collection == collections.Staff && field == collections.FieldPhoto:
		return v.Photo
	case collection == collections.Staff && field == collections.FieldPhotoID:
		return v.PhotoID
	case collection == collections.StaffQualifications && field == collections.FieldCertificate:
		return v.Certificates
	}
	return false
}

// EventRoster is the answer of the roster route for one event.
type EventRoster struct {
	// TeamLeader is the assignment marked team leader, or nil (spec R1).
	TeamLeader *TeamLeaderCard `json:"team_leader"`
	// Show says which parts the contact receives.
	Show RosterView `json:"show"`
	// People are the event's assignments, empty unless Show.Roster.
	People []RosterPerson `json:"people"`
	// Shifts are the event's shifts with their required qualifications,
	// empty unless Show.RequiredQualifications (spec R3).
	Shifts []ShiftRequirement `json:"shifts"`
}

// TeamLeaderCard is the team leader's name and, while the event is upcoming
// or under way, phone.
type TeamLeaderCard struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
}

// RosterPerson is one assignment as a contact sees it. File values are API
// paths to which the page adds its file token.
type RosterPerson struct {
	Assignment     string                `json:"assignment"`
	Name           string                `json:"name"`
	TeamLeader     bool                  `json:"team_leader"`
	Profession     string                `json:"profession"`
	StartsAt       types.DateTime        `json:"starts_at"`
	EndsAt         types.DateTime        `json:"ends_at"`
	Skills         []string              `json:"skills"`
	Photo          string                `json:"photo,omitempty"`
	PhotoID        string                `json:"photo_id,omitempty"`
	Qualifications []RosterQualification `json:"qualifications,omitempty"`
	Vehicles       []RosterVehicle       `json:"vehicles,omitempty"`
}

// RosterQualification is a qualification a rostered person holds.
type RosterQualification struct {
	Name        string         `json:"name"`
	ValidUntil  types.DateTime `json:"valid_until"`
	Certificate string         `json:"certificate,omitempty"`
}

// RosterVehicle is a rostered person's own vehicle (for permits and passes).
type RosterVehicle struct {
	Make   string `json:"make"`
	Model  string `json:"model"`
	Colour string `json:"colour"`
	Plate  string `json:"plate"`
}

// ShiftRequirement is one shift with the qualifications it requires.
type ShiftRequirement struct {
	Shift                  string         `json:"shift"`
	Profession             string         `json:"profession"`
	StartsAt               types.DateTime `json:"starts_at"`
	EndsAt                 types.DateTime `json:"ends_at"`
	StaffCount             int            `json:"staff_count"`
	RequiredQualifications []string       `json:"required_qualifications"`
}

func (p *plugin) bindRosterHooks() {
	p.app.OnFileDownloadRequest().Bind(&hook.Handler[*core.FileDownloadRequestEvent]{
		Id:   HookIDPrefix + "roster.files",
		Func: guardStaffFiles,
	})
	// Contacts read shifts, but which qualifications a shift requires
	// reaches them only through the roster route, behind its setting.
	p.bindEnrich(func(e *core.RecordEnrichEvent) error {
		if e.RequestInfo == nil || !e.RequestInfo.HasSuperuserAuth() {
			e.Record.Hide(collections.FieldRequiredQuals)
		}
		return nil
	}, collections.Shifts)
}

// now is the portal's clock (Config.Now).
func (p *plugin) now() time.Time {
	if p.config.Now == nil {
		return time.Now()
	}
	return p.config.Now()
}

// eventRoster answers the team leader, roster and required qualifications
// of one event of the contact's client.
func (p *plugin) eventRoster(e *core.RequestEvent) error {
	event, err := findOwnEvent(e)
	if err != nil {
		return err
	}
	roster, err := loadRoster(e.App, e.Auth, event, p.now(), nil)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, roster)
}

// findOwnEvent loads the event of the route's {id} when it belongs to the
// contact's client; any other id is the same 404.
func findOwnEvent(e *core.RequestEvent) (*core.Record, error) {
	event, err := e.App.FindRecordById(collections.Events, e.Request.PathValue("id"))
	if err != nil || event.GetString(collections.FieldClient) != e.Auth.GetString(collections.FieldClient) {
		return nil, e.NotFoundError("Event not found.", err)
	}
	return event, nil
}

// leaderPhoneShown reports whether the team leader's phone may be given
// out at now: while the event is upcoming or under way (spec R1), and not
// for an event that will not happen.
func leaderPhoneShown(event *collections.Event, now time.Time) bool {
	switch event.Status() {
	case collections.EventCancelled, collections.EventDeclined:
		return false
	}
	return now.Before(event.EndsAt().Time())
}

// loadRoster builds what the contact may see of the event's staff at now.
// The caller has checked that the event belongs to the contact's client.
// listed are the event's shifts when the caller has read them all already
// (the event page's list, expanded profession), nil to read them here: the
// roster then costs neither the shifts' query nor their professions'. It
// reads only the columns it shows, joined where one query can serve two.
func loadRoster(app core.App, contact, eventRecord *core.Record, now time.Time, listed []*core.Record) (*EventRoster, error) {
	view, err := rosterViewOf(app, contact)
	if err != nil {
		return nil, err
	}
	out := &EventRoster{Show: view, People: []RosterPerson{}, Shifts: []ShiftRequirement{}}
	event := collections.Wrap[collections.Event](eventRecord)

	assignments, err := rosterAssignments(app, event.Id, view)
	if err != nil {
		return nil, err
	}
	for _, a := range assignments {
		if a.TeamLeader && a.StaffID != "" {
			out.TeamLeader = &TeamLeaderCard{Name: a.Name}
			if leaderPhoneShown(event, now) {
				out.TeamLeader.Phone = a.Phone
			}
		}
	}
	if !view.Roster && !view.RequiredQualifications {
		return out, nil
	}

	shifts, err := rosterShifts(app, event.Id, listed, assignments)
	if err != nil {
		return nil, err
	}
	shiftByID := map[string]*core.Record{}
	for _, s := range shifts {
		shiftByID[s.Id] = s
	}
	// The names the roster shows, of professions not expanded on the
	// shifts, required qualifications and skills, in one read.
	professions, missing := expandedProfessions(shifts)
	wanted := map[string][]string{collections.Professions: missing}
	if view.RequiredQualifications {
		wanted[collections.Qualifications] = fieldValues(shifts, collections.FieldRequiredQuals)
	}
	for _, a := range assignments {
		if a.StaffID != "" && view.Roster {
			wanted[collections.Skills] = appendNew(wanted[collections.Skills], a.skillIDs())
		}
	}
	known, err := namesIn(app, wanted)
	if err != nil {
		return nil, err
	}
	maps.Copy(professions, known[collections.Professions])
	professionOf := func(shift *core.Record) string {
		if shift == nil {
			return ""
		}
		return professions[shift.GetString(collections.FieldProfession)]
	}

	if view.RequiredQualifications {
		for _, s := range shifts {
			sh := collections.Wrap[collections.Shift](s)
			out.Shifts = append(out.Shifts, ShiftRequirement{
				Shift: s.Id, Profession: professionOf(s), StartsAt: sh.StartsAt(), EndsAt: sh.EndsAt(),
				StaffCount:             sh.StaffCount(),
				RequiredQualifications: names(known[collections.Qualifications], s.GetStringSlice(collections.FieldRequiredQuals)),
			})
		}
		slices.SortStableFunc(out.Shifts, func(a, b ShiftRequirement) int { return a.StartsAt.Compare(b.StartsAt) })
	}
	if !view.Roster {
		return out, nil
	}

	for _, a := range assignments {
		if a.StaffID == "" {
			continue
		}
		shift := shiftByID[a.Shift]
		entry := RosterPerson{
			Assignment: a.ID, Name: a.Name, TeamLeader: a.TeamLeader,
			Profession: professionOf(shift), StartsAt: a.StartsAt, EndsAt: a.EndsAt,
			Skills: names(known[collections.Skills], a.skillIDs()),
		}
		if entry.Qualifications, err = a.qualifications(view); err != nil {
			return nil, err
		}
		if a.Vehicles != "" && a.Vehicles != "[]" {
			if err := json.Unmarshal([]byte(a.Vehicles), &entry.Vehicles); err != nil {
				return nil, err
			}
		}
		if shift != nil && entry.StartsAt.IsZero() {
			entry.StartsAt = shift.GetDateTime(collections.FieldStartsAt)
		}
		if shift != nil && entry.EndsAt.IsZero() {
			entry.EndsAt = shift.GetDateTime(collections.FieldEndsAt)
		}
		if view.Photo {
			entry.Photo = fileURLPath(collections.Staff, a.StaffID, a.Photo)
		}
		if view.PhotoID {
			entry.PhotoID = fileURLPath(collections.Staff, a.StaffID, a.PhotoID)
		}
		out.People = append(out.People, entry)
	}
	// The team leader first, then by rostered start and name.
	slices.SortStableFunc(out.People, func(a, b RosterPerson) int {
		switch {
		case a.TeamLeader != b.TeamLeader && a.TeamLeader:
			return -1
		case a.TeamLeader != b.TeamLeader:
			return 1
		case a.StartsAt != b.StartsAt:
			return a.StartsAt.Compare(b.StartsAt)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// rosterAssignment is one assignment of the event with what the roster
// shows of its staff member: a few columns, not the whole records (the
// staff's notes among them), and the qualifications and vehicles, when
// shown, as JSON arrays.
type rosterAssignment struct {
	ID         string         `db:"id"`
	Shift      string         `db:"shift"`
	TeamLeader bool           `db:"team_leader"`
	StartsAt   types.DateTime `db:"starts_at"`
	EndsAt     types.DateTime `db:"ends_at"`
	// StaffID is "" when the staff member no longer exists (or none is set).
	StaffID  string `db:"staff_id"`
	Name     string `db:"name"`
	Phone    string `db:"phone"`
	Skills   string `db:"skills"` // as stored: a JSON array of ids
	Photo    string `db:"photo"`
	PhotoID  string `db:"photo_id"`
	Held     string `db:"held"`     // [{id, name, valid_until, certificate}], "" when not shown
	Vehicles string `db:"vehicles"` // [{make, model, colour, plate}], "" when not shown
}

// skillIDs are the staff member's skills' ids, read as the record's
// relation field reads them.
func (a *rosterAssignment) skillIDs() []string { return list.ToUniqueStringSlice(a.Skills) }

// qualifications are the qualifications the staff member holds, as the
// view shows them (nil when it does not).
func (a *rosterAssignment) qualifications(view RosterView) ([]RosterQualification, error) {
	if a.Held == "" {
		return nil, nil
	}
	var held []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		ValidUntil  string `json:"valid_until"`
		Certificate string `json:"certificate"`
	}
	if err := json.Unmarshal([]byte(a.Held), &held); err != nil {
		return nil, err
	}
	var out []RosterQualification
	for _, h := range held {
		validUntil, _ := types.ParseDateTime(h.ValidUntil)
		q := RosterQualification{Name: h.Name, ValidUntil: validUntil}
		if view.Certificates {
			q.Certificate = fileURLPath(collections.StaffQualifications, h.ID, h.Certificate)
		}
		out = append(out, q)
	}
	return out, nil
}

// rosterAssignments loads the event's assignments with their staff
// members.
func rosterAssignments(app core.App, eventID string, view RosterView) ([]*rosterAssignment, error) {
	var rows []*rosterAssignment
	err := assignmentsWithStaff(app, eventID, view).All(&rows)
	return rows, err
}

// Each rostered person's qualifications (with their names) and vehicles, as
// JSON arrays: subqueries that walk the staff indexes of
// staff_qualifications (staff, qualification) and staff_vehicles (staff),
// so the arrays come in the order the separate queries by staff read them
// before (one query instead of three). An ORDER BY inside the aggregates
// would cost a sorter per person for the order the index already gives.
// The SQL is written plainly, without dbx's [[ ]] quoting (none of the
// names is a keyword): dbx rewrites every quoted name on every run.
const (
	heldColumn = `(SELECT json_group_array(json_object('id', sq.id, 'name', q.name, 'valid_until', sq.valid_until,
		'certificate', sq.certificate)) FROM staff_qualifications sq CROSS JOIN qualifications q ON q.id = sq.qualification
		WHERE sq.staff = s.id)`
	vehiclesColumn = `(SELECT json_group_array(json_object('make', v.make, 'model', v.model, 'colour', v.colour,
		'plate', v.plate)) FROM staff_vehicles v WHERE v.staff = s.id)`
)

// assignmentsWithStaff selects the event's assignments, through the
// assignments' event index, joined with their staff members' columns the
// roster shows, and their qualifications and vehicles when the view shows
// them.
func assignmentsWithStaff(app core.App, eventID string, view RosterView) *dbx.Query {
	held, vehicles := "''", "''"
	if view.Roster && view.Qualifications {
		held = heldColumn
	}
	if view.Roster && view.Vehicle {
		vehicles = vehiclesColumn
	}
	return app.DB().NewQuery(`SELECT a.id, a.shift, a.team_leader, a.starts_at, a.ends_at, COALESCE(s.id, '') AS staff_id,
		COALESCE(s.name, '') AS name, COALESCE(s.phone, '') AS phone, COALESCE(s.skills, '') AS skills,
		COALESCE(s.photo, '') AS photo, COALESCE(s.photo_id, '') AS photo_id,
		COALESCE(` + held + `, '') AS held, COALESCE(` + vehicles + `, '') AS vehicles
		FROM assignments a LEFT JOIN staff s ON s.id = a.staff WHERE a.event = {:event}`).Bind(dbx.Params{"event": eventID})
}

// rosterShifts are the event's shifts: the listed ones when they are all of
// them as far as the roster can tell (every assignment's shift among them),
// otherwise read through the event index, in the same order (the index's
// event, starts_at).
func rosterShifts(app core.App, eventID string, listed []*core.Record, assignments []*rosterAssignment) ([]*core.Record, error) {
	if listed != nil {
		ids := make(map[string]bool, len(listed))
		for _, s := range listed {
			ids[s.Id] = true
		}
		all := true
		for _, a := range assignments {
			all = all && ids[a.Shift]
		}
		if all {
			return listed, nil
		}
	}
	var shifts []*core.Record
	err := byEvent(app, collections.Shifts, eventID).All(&shifts)
	return shifts, err
}

// expandedProfessions names the shifts' professions, by id, where the
// shifts come with them expanded, and lists the ids still to read.
func expandedProfessions(shifts []*core.Record) (map[string]string, []string) {
	known := map[string]string{}
	var missing []string
	for _, s := range shifts {
		id := s.GetString(collections.FieldProfession)
		if p := s.ExpandedOne(collections.FieldProfession); p != nil && p.Id == id {
			known[id] = p.GetString(collections.FieldName)
		} else if id != "" {
			missing = appendNew(missing, []string{id})
		}
	}
	return known, missing
}

// byEvent selects the records of one event (assignments, shifts), through
// the collection's event index.
func byEvent(app core.App, collection, eventID string) *dbx.SelectQuery {
	return app.RecordQuery(collection).AndWhere(dbx.HashExp{collections.FieldEvent: eventID})
}

// guardStaffFiles lets a contact download a staff file only when the
// roster the contact may see includes that field: the view rules have
// already checked that the staff member is rostered on one of the
// contact's own events (pb_migrations/…_roster_files.go).
func guardStaffFiles(e *core.FileDownloadRequestEvent) error {
	name := e.Collection.Name
	if name != collections.Staff && name != collections.StaffQualifications {
		return e.Next()
	}
	auth, _ := e.App.FindAuthRecordByToken(e.Request.URL.Query().Get("token"), core.TokenTypeFile)
	if auth != nil && auth.IsSuperuser() {
		return e.Next()
	}
	view, err := rosterViewOf(e.App, auth)
	if err != nil {
		return err
	}
	if !view.allowsFile(name, e.FileField.Name) {
		return e.NotFoundError("", nil)
	}
	return e.Next()
}

// filePath is the download path of the record's file in field ("" for
// none); the page adds a file token (and a thumb size) to it.
func filePath(r *core.Record, field string) string {
	return fileURLPath(r.Collection().Name, r.Id, r.GetString(field))
}

// fileURLPath is the download path of the file name of a record of the
// collection ("" for none).
func fileURLPath(collection, id, name string) string {
	if name == "" {
		return ""
	}
	return "/api/files/" + collection + "/" + id + "/" + name
}

// recordsByID loads the records of the ids (duplicates and "" ignored),
// by id.
func recordsByID(app core.App, collection string, ids []string) (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	if len(ids) == 0 {
		return out, nil
	}
	records, err := app.FindRecordsByIds(collection, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range records {
		out[r.Id] = r
	}
	return out, nil
}

// fieldValues collects the distinct non-empty values of a (single or
// multiple) relation field of the records.
func fieldValues(records []*core.Record, field string) []string {
	var out []string
	for _, r := range records {
		out = appendNew(out, r.GetStringSlice(field))
	}
	return out
}

// appendNew appends the values not yet in out, nor empty.
func appendNew(out, values []string) []string {
	for _, v := range values {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// namesIn loads the names of records of several collections (ids by
// collection; duplicates and "" ignored), by collection and id, in one
// query: only the two columns, as whole records cost far more to build
// than the query to read them.
func namesIn(app core.App, wanted map[string][]string) (map[string]map[string]string, error) {
	out := make(map[string]map[string]string, len(wanted))
	var parts []string
	params := dbx.Params{}
	collectionsRead := slices.Sorted(maps.Keys(wanted))
	for i, collection := range collectionsRead {
		out[collection] = map[string]string{}
		var placeholders []string
		for _, id := range appendNew(nil, wanted[collection]) {
			name := fmt.Sprintf("n%d_%d", i, len(placeholders))
			params[name] = id
			placeholders = append(placeholders, "{:"+name+"}")
		}
		if len(placeholders) > 0 {
			parts = append(parts, fmt.Sprintf("SELECT %d AS [[part]], [[id]], [[name]] FROM {{%s}} WHERE [[id]] IN (%s)",
				i, collection, strings.Join(placeholders, ", ")))
		}
	}
	if len(parts) == 0 {
		return out, nil
	}
	var rows []struct {
		Part int    `db:"part"`
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := app.DB().NewQuery(strings.Join(parts, " UNION ALL ")).Bind(params).All(&rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[collectionsRead[r.Part]][r.ID] = r.Name
	}
	return out, nil
}

// names returns the names of ids, in order, skipping ids that no longer
// exist.
func names(known map[string]string, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if name, ok := known[id]; ok {
			out = append(out, name)
		}
	}
	return out
}
