package pb_hooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestOwnerIsCopiedFromParent checks that every client-owned record takes its
// client from its parent, whatever the writer sent, on create and on update.
func TestOwnerIsCopiedFromParent(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	acme := portaltest.NewClient(t, app, "Acme")
	other := portaltest.NewClient(t, app, "Other")
	waiter := portaltest.NewProfession(t, app, true)
	event, shifts := portaltest.NewEvent(t, app, acme, time.Now().Add(48*time.Hour), 6*time.Hour, waiter)
	otherEvent, otherShifts := portaltest.NewEvent(t, app, other, time.Now().Add(72*time.Hour), 4*time.Hour, waiter)

	if got := shifts[0].ClientID(); got != acme.Id {
		t.Errorf("shift client = %q, want the event's client %q", got, acme.Id)
	}

	// A writer that names the wrong client is corrected.
	line := portaltest.Create(t, app, collections.ResourceLines, map[string]any{
		"event": event.Id, "client": other.Id, "name": "Radios", "quantity": 2})
	if got := line.GetString(collections.FieldClient); got != acme.Id {
		t.Errorf("resource line client = %q, want %q", got, acme.Id)
	}

	// An assignment copies both the event and the client from its shift.
	staff := portaltest.NewStaff(t, app)
	a := portaltest.NewAssignment(t, app, shifts[0], staff, true)
	if a.EventID() != event.Id || a.ClientID() != acme.Id {
		t.Errorf("assignment event/client = %q/%q, want %q/%q", a.EventID(), a.ClientID(), event.Id, acme.Id)
	}

	// Moving the assignment to another client's shift moves its owner too.
	a.Set(collections.FieldShift, otherShifts[0].Id)
	if err := app.Save(a); err != nil {
		t.Fatal(err)
	}
	if a.EventID() != otherEvent.Id || a.ClientID() != other.Id {
		t.Errorf("moved assignment event/client = %q/%q, want %q/%q", a.EventID(), a.ClientID(), otherEvent.Id, other.Id)
	}

	// When a parent moves, its children's copies follow in the same save.
	event2, shifts2 := portaltest.NewEvent(t, app, acme, time.Now().Add(96*time.Hour), 2*time.Hour, waiter)
	a2 := portaltest.NewAssignment(t, app, shifts2[0], portaltest.NewStaff(t, app), false)
	doc := portaltest.Create(t, app, collections.EventDocuments, map[string]any{"event": event2.Id, "title": "Map",
		"file": mustFile(t, "map.txt")})
	moved, _ := app.FindRecordById(collections.Events, event2.Id) // as the dashboard loads it
	moved.Set(collections.FieldClient, other.Id)
	if err := app.Save(moved); err != nil {
		t.Fatal(err)
	}
	for name, id := range map[string]string{collections.Shifts: shifts2[0].Id, collections.Assignments: a2.Id, collections.EventDocuments: doc.Id} {
		r, _ := app.FindRecordById(name, id)
		if r.GetString(collections.FieldClient) != other.Id {
			t.Errorf("%s did not follow its event to the new client", name)
		}
	}
	// A shift moved to another event takes its assignments along.
	sh, _ := app.FindRecordById(collections.Shifts, shifts2[0].Id)
	sh.Set(collections.FieldEvent, event.Id)
	if err := app.Save(sh); err != nil {
		t.Fatal(err)
	}
	if r, _ := app.FindRecordById(collections.Assignments, a2.Id); r.GetString(collections.FieldEvent) != event.Id || r.GetString(collections.FieldClient) != acme.Id {
		t.Errorf("assignment event/client = %s/%s after its shift moved", r.GetString(collections.FieldEvent), r.GetString(collections.FieldClient))
	}

	// A parent that does not exist is a field error, and nothing is saved.
	c, _ := app.FindCachedCollectionByNameOrId(collections.Shifts)
	before, _ := app.CountRecords(c)
	bad := portaltest.NewRecord(t, app, collections.Shifts, map[string]any{"event": "nosuchevent1234", "profession": waiter.Id,
		"starts_at": shifts[0].StartsAt(), "ends_at": shifts[0].EndsAt(), "staff_count": 1})
	if err := app.Save(bad); err == nil || !strings.Contains(err.Error(), "No event with this id exists") {
		t.Errorf("a shift of a missing event: %v, want the event field's error", err)
	}
	if after, _ := app.CountRecords(c); after != before {
		t.Errorf("shift count changed from %d to %d", before, after)
	}
}

func TestNewEventsDefaultToBeConfirmed(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	acme := portaltest.NewClient(t, app, "Acme")
	start := time.Now().Add(24 * time.Hour).UTC()
	r := portaltest.Create(t, app, collections.Events, map[string]any{
		"client": acme.Id, "name": "Launch", "starts_at": start, "ends_at": start.Add(3 * time.Hour)})
	if got := collections.Wrap[collections.Event](r).Status(); got != collections.EventToBeConfirmed {
		t.Errorf("status = %q, want %q", got, collections.EventToBeConfirmed)
	}

	// An explicit status (an admin creating a confirmed event) is kept.
	r = portaltest.Create(t, app, collections.Events, map[string]any{
		"client": acme.Id, "name": "Gala", "status": "confirmed", "starts_at": start, "ends_at": start.Add(time.Hour)})
	if got := collections.Wrap[collections.Event](r).Status(); got != collections.EventConfirmed {
		t.Errorf("status = %q, want confirmed", got)
	}
}

func mustFile(t *testing.T, name string) *filesystem.File {
	t.Helper()
	f, err := filesystem.NewFileFromBytes([]byte("test file"), name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
