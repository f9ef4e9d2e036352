package portaltest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// ContactPassword is the password of every contact the factories create.
const ContactPassword = "test-password-1"

// seq makes factory names unique within a test binary.
var seq atomic.Int64

func unique(prefix string) string { return fmt.Sprintf("%s %d", prefix, seq.Add(1)) }

// Create saves a new record of the collection with the given values, failing
// the test on error.
func Create(t testing.TB, app core.App, collection string, values map[string]any) *core.Record {
	t.Helper()
	r := NewRecord(t, app, collection, values)
	if err := app.Save(r); err != nil {
		t.Fatalf("create %s: %v", collection, err)
	}
	return r
}

// NewClient creates a client company with the portal enabled.
func NewClient(t testing.TB, app core.App, name string) *collections.Client {
	t.Helper()
	return collections.Wrap[collections.Client](Create(t, app, collections.Clients, map[string]any{
		collections.FieldName: name, collections.FieldPortalEnabled: true,
	}))
}

// NewRole creates a role of the client (or a shared role when clientID is "")
// granting the permissions.
func NewRole(t testing.TB, app core.App, clientID string, perms ...collections.Permission) *collections.Role {
	t.Helper()
	raw := make([]string, len(perms))
	for i, p := range perms {
		raw[i] = string(p)
	}
	return collections.Wrap[collections.Role](Create(t, app, collections.Roles, map[string]any{
		collections.FieldName: unique("Role"), collections.FieldClient: clientID, collections.FieldPermissions: raw,
	}))
}

// NewContact creates an active, verified contact of the client with the role
// (nil for none) and ContactPassword.
func NewContact(t testing.TB, app core.App, client *collections.Client, role *collections.Role, email string) *collections.Contact {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId(collections.Contacts)
	if err != nil {
		t.Fatal(err)
	}
	contact := collections.Wrap[collections.Contact](core.NewRecord(c))
	contact.SetName(unique("Contact"))
	contact.SetClientID(client.Id)
	if role != nil {
		contact.SetRoleID(role.Id)
	}
	contact.SetStatus(collections.ContactActive)
	contact.SetEmail(email)
	contact.SetVerified(true)
	contact.SetPassword(ContactPassword)
	if err := app.Save(contact); err != nil {
		t.Fatalf("create contact %s: %v", email, err)
	}
	return contact
}

// NewProfession creates a profession, bookable by clients or not.
func NewProfession(t testing.TB, app core.App, bookable bool) *collections.Profession {
	t.Helper()
	return collections.Wrap[collections.Profession](Create(t, app, collections.Professions, map[string]any{
		collections.FieldName: unique("Profession"), collections.FieldClientBookable: bookable, collections.FieldActive: true,
	}))
}

// NewEvent creates a confirmed event of the client from start for the given
// duration, with one shift per profession (all with the event's times and two
// staff each). With one profession the event is atomic.
func NewEvent(t testing.TB, app core.App, client *collections.Client, start time.Time, d time.Duration,
	professions ...*collections.Profession) (*collections.Event, []*collections.Shift) {
	t.Helper()
	from, to := dateTime(start), dateTime(start.Add(d))
	event := collections.Wrap[collections.Event](Create(t, app, collections.Events, map[string]any{
		collections.FieldClient: client.Id, collections.FieldName: unique("Event"), collections.FieldVenue: "Town Hall",
		collections.FieldStartsAt: from, collections.FieldEndsAt: to,
		collections.FieldStatus: string(collections.EventConfirmed),
	}))
	shifts := make([]*collections.Shift, len(professions))
	for i, p := range professions {
		shifts[i] = collections.Wrap[collections.Shift](Create(t, app, collections.Shifts, map[string]any{
			collections.FieldEvent: event.Id, collections.FieldProfession: p.Id,
			collections.FieldStartsAt: from, collections.FieldEndsAt: to, collections.FieldStaffCount: 2,
		}))
	}
	return event, shifts
}

// NewStaff creates an active staff member.
func NewStaff(t testing.TB, app core.App) *collections.StaffMember {
	t.Helper()
	return collections.Wrap[collections.StaffMember](Create(t, app, collections.Staff, map[string]any{
		collections.FieldName: unique("Staff"), collections.FieldPhone: "+44 7700 900000", collections.FieldActive: true,
	}))
}

// NewAssignment rosters the staff member on the shift for the shift's times.
func NewAssignment(t testing.TB, app core.App, shift *collections.Shift, staff *collections.StaffMember, leader bool) *collections.Assignment {
	t.Helper()
	return collections.Wrap[collections.Assignment](Create(t, app, collections.Assignments, map[string]any{
		collections.FieldShift: shift.Id, collections.FieldStaff: staff.Id, collections.FieldTeamLeader: leader,
		collections.FieldStartsAt: shift.StartsAt(), collections.FieldEndsAt: shift.EndsAt(),
	}))
}

// AuthHeaders returns the Authorization header of an auth record (a contact
// or a superuser), as the JS SDK would send it.
func AuthHeaders(t testing.TB, record *core.Record) map[string]string {
	t.Helper()
	token, err := record.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"Authorization": token}
}

// NewSuperuser creates an admin.
func NewSuperuser(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.SetEmail(email)
	r.SetPassword("superuser-password-1")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

func dateTime(t time.Time) types.DateTime {
	dt, _ := types.ParseDateTime(t.UTC())
	return dt
}

// NewRecord returns an unsaved record of the collection with the given values.
func NewRecord(t testing.TB, app core.App, collection string, values map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(values)
	return r
}
