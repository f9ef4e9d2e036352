package pb_hooks

import (
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
	p.app.OnRecordEnrich(collections.Shifts).Bind(&hook.Handler[*core.RecordEnrichEvent]{
		Id: HookIDPrefix + "roster.shiftQualifications",
		Func: func(e *core.RecordEnrichEvent) error {
			if e.RequestInfo == nil || !e.RequestInfo.HasSuperuserAuth() {
				e.Record.Hide(collections.FieldRequiredQuals)
			}
			return e.Next()
		},
	})
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
	roster, err := loadRoster(e.App, e.Auth, event, p.now())
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
func loadRoster(app core.App, contact, eventRecord *core.Record, now time.Time) (*EventRoster, error) {
	view, err := rosterViewOf(app, contact)
	if err != nil {
		return nil, err
	}
	out := &EventRoster{Show: view, People: []RosterPerson{}, Shifts: []ShiftRequirement{}}
	event := collections.Wrap[collections.Event](eventRecord)

	var assignments, shifts []*core.Record
	if err := byEvent(app, collections.Assignments, event.Id).All(&assignments); err != nil {
		return nil, err
	}
	if err := byEvent(app, collections.Shifts, event.Id).All(&shifts); err != nil {
		return nil, err
	}
	staff, err := recordsByID(app, collections.Staff, fieldValues(assignments, collections.FieldStaff))
	if err != nil {
		return nil, err
	}

	for _, a := range assignments {
		if a.GetBool(collections.FieldTeamLeader) && staff[a.GetString(collections.FieldStaff)] != nil {
			leader := collections.Wrap[collections.StaffMember](staff[a.GetString(collections.FieldStaff)])
			out.TeamLeader = &TeamLeaderCard{Name: leader.Name()}
			if leaderPhoneShown(event, now) {
				out.TeamLeader.Phone = leader.Phone()
			}
		}
	}
	if !view.Roster && !view.RequiredQualifications {
		return out, nil
	}

	shiftByID := map[string]*core.Record{}
	for _, s := range shifts {
		shiftByID[s.Id] = s
	}
	professions, err := recordsByID(app, collections.Professions, fieldValues(shifts, collections.FieldProfession))
	if err != nil {
		return nil, err
	}
	professionOf := func(shift *core.Record) string {
		if shift == nil || professions[shift.GetString(collections.FieldProfession)] == nil {
			return ""
		}
		return professions[shift.GetString(collections.FieldProfession)].GetString(collections.FieldName)
	}

	if view.RequiredQualifications {
		qualifications, err := recordsByID(app, collections.Qualifications, fieldValues(shifts, collections.FieldRequiredQuals))
		if err != nil {
			return nil, err
		}
		for _, s := range shifts {
			sh := collections.Wrap[collections.Shift](s)
			out.Shifts = append(out.Shifts, ShiftRequirement{
				Shift: s.Id, Profession: professionOf(s), StartsAt: sh.StartsAt(), EndsAt: sh.EndsAt(),
				StaffCount:             sh.StaffCount(),
				RequiredQualifications: names(qualifications, s.GetStringSlice(collections.FieldRequiredQuals)),
			})
		}
		slices.SortStableFunc(out.Shifts, func(a, b ShiftRequirement) int { return a.StartsAt.Compare(b.StartsAt) })
	}
	if !view.Roster {
		return out, nil
	}

	staffRecords := make([]*core.Record, 0, len(staff))
	for _, s := range staff {
		staffRecords = append(staffRecords, s)
	}
	skills, err := recordsByID(app, collections.Skills, fieldValues(staffRecords, collections.FieldSkills))
	if err != nil {
		return nil, err
	}
	held, vehicles, err := staffDetails(app, view, slices.Sorted(maps.Keys(staff)))
	if err != nil {
		return nil, err
	}
	for _, a := range assignments {
		person := staff[a.GetString(collections.FieldStaff)]
		if person == nil {
			continue
		}
		assignment := collections.Wrap[collections.Assignment](a)
		shift := shiftByID[assignment.ShiftID()]
		entry := RosterPerson{
			Assignment: a.Id, Name: person.GetString(collections.FieldName), TeamLeader: assignment.TeamLeader(),
			Profession: professionOf(shift), StartsAt: assignment.StartsAt(), EndsAt: assignment.EndsAt(),
			Skills:         names(skills, person.GetStringSlice(collections.FieldSkills)),
			Qualifications: held[person.Id], Vehicles: vehicles[person.Id],
		}
		if shift != nil && entry.StartsAt.IsZero() {
			entry.StartsAt = shift.GetDateTime(collections.FieldStartsAt)
		}
		if shift != nil && entry.EndsAt.IsZero() {
			entry.EndsAt = shift.GetDateTime(collections.FieldEndsAt)
		}
		if view.Photo {
			entry.Photo = filePath(person, collections.FieldPhoto)
		}
		if view.PhotoID {
			entry.PhotoID = filePath(person, collections.FieldPhotoID)
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

// staffDetails loads the qualifications and vehicles of the staff members,
// by staff id, each only when the view includes it.
func staffDetails(app core.App, view RosterView, staffIDs []string) (map[string][]RosterQualification, map[string][]RosterVehicle, error) {
	held, vehicles := map[string][]RosterQualification{}, map[string][]RosterVehicle{}
	if len(staffIDs) == 0 {
		return held, vehicles, nil
	}
	if view.Qualifications {
		var records []*core.Record
		if err := ofStaff(app, collections.StaffQualifications, staffIDs).All(&records); err != nil {
			return nil, nil, err
		}
		qualifications, err := recordsByID(app, collections.Qualifications, fieldValues(records, collections.FieldQualification))
		if err != nil {
			return nil, nil, err
		}
		for _, r := range records {
			qualification := qualifications[r.GetString(collections.FieldQualification)]
			if qualification == nil {
				continue
			}
			q := RosterQualification{
				Name:       qualification.GetString(collections.FieldName),
				ValidUntil: r.GetDateTime(collections.FieldValidUntil),
			}
			if view.Certificates {
				q.Certificate = filePath(r, collections.FieldCertificate)
			}
			held[r.GetString(collections.FieldStaff)] = append(held[r.GetString(collections.FieldStaff)], q)
		}
	}
	if view.Vehicle {
		var records []*core.Record
		if err := ofStaff(app, collections.StaffVehicles, staffIDs).All(&records); err != nil {
			return nil, nil, err
		}
		for _, r := range records {
			vehicles[r.GetString(collections.FieldStaff)] = append(vehicles[r.GetString(collections.FieldStaff)], RosterVehicle{
				Make: r.GetString(collections.FieldMake), Model: r.GetString(collections.FieldModel),
				Colour: r.GetString(collections.FieldColour), Plate: r.GetString(collections.FieldPlate),
			})
		}
	}
	return held, vehicles, nil
}

// byEvent selects the records of one event (assignments, shifts), through
// the collection's event index.
func byEvent(app core.App, collection, eventID string) *dbx.SelectQuery {
	return app.RecordQuery(collection).AndWhere(dbx.HashExp{collections.FieldEvent: eventID})
}

// ofStaff selects the records (qualifications, vehicles) of the staff
// members, through the collection's staff index.
func ofStaff(app core.App, collection string, staffIDs []string) *dbx.SelectQuery {
	return app.RecordQuery(collection).AndWhere(dbx.In(collections.FieldStaff, list.ToInterfaceSlice(staffIDs)...))
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
	name := r.GetString(field)
	if name == "" {
		return ""
	}
	return "/api/files/" + r.Collection().Name + "/" + r.Id + "/" + name
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
		for _, v := range r.GetStringSlice(field) {
			if v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// names returns the names of the records of ids, in order, skipping ids
// that no longer exist.
func names(records map[string]*core.Record, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if r := records[id]; r != nil {
			out = append(out, r.GetString(collections.FieldName))
		}
	}
	return out
}
