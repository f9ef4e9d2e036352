package pb_hooks_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestStoredAtomicFollowsShifts checks that an event's stored atomic flag
// follows every change of its shifts (create, update, move, delete) and
// that a value written on the event itself does not stick.
func TestStoredAtomicFollowsShifts(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	client := portaltest.NewClient(t, app, "Shapes")
	waiter, runner := portaltest.NewProfession(t, app, true), portaltest.NewProfession(t, app, true)
	start := time.Now().Add(48 * time.Hour)
	event, shifts := portaltest.NewEvent(t, app, client, start, 4*time.Hour, waiter)
	other, _ := portaltest.NewEvent(t, app, client, start, 4*time.Hour, waiter, runner)

	atomic := func(id string) bool {
		t.Helper()
		r, err := app.FindRecordById(collections.Events, id)
		if err != nil {
			t.Fatal(err)
		}
		return r.GetBool(pb_hooks.FieldAtomic)
	}
	step := func(what string, wantEvent, wantOther bool) {
		t.Helper()
		if got := atomic(event.Id); got != wantEvent {
			t.Errorf("%s: event atomic = %v, want %v", what, got, wantEvent)
		}
		if got := atomic(other.Id); got != wantOther {
			t.Errorf("%s: other event atomic = %v, want %v", what, got, wantOther)
		}
	}
	step("created", true, false)

	second := portaltest.Create(t, app, collections.Shifts, map[string]any{
		collections.FieldEvent: event.Id, collections.FieldProfession: runner.Id,
		collections.FieldStartsAt: shifts[0].StartsAt(), collections.FieldEndsAt: shifts[0].EndsAt(), collections.FieldStaffCount: 1,
	})
	step("a shift of another profession added", false, false)

	second.Set(collections.FieldProfession, waiter.Id)
	if err := app.Save(second); err != nil {
		t.Fatal(err)
	}
	step("the shift changed to the same profession", true, false)

	second.Set(collections.FieldEvent, other.Id)
	second.Set(collections.FieldProfession, runner.Id)
	if err := app.Save(second); err != nil {
		t.Fatal(err)
	}
	step("the shift moved to the other event", true, false)

	if err := app.Delete(second); err != nil {
		t.Fatal(err)
	}
	step("the moved shift deleted", true, false)

	r, err := app.FindRecordById(collections.Events, other.Id)
	if err != nil {
		t.Fatal(err)
	}
	r.Set(pb_hooks.FieldAtomic, true)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	step("atomic typed onto a split event", true, false)
}

// TestTimesInOrder checks that an admin cannot save an event or a shift
// that ends before (or when) it starts, whatever the path: the event lists
// count on a past event having started in the past.
func TestTimesInOrder(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	client := portaltest.NewClient(t, app, "Times")
	start := time.Now().Add(48 * time.Hour)
	event, shifts := portaltest.NewEvent(t, app, client, start, 4*time.Hour, portaltest.NewProfession(t, app, true))
	base := portaltest.StartServer(t, app)
	admin := portaltest.AuthHeaders(t, portaltest.NewSuperuser(t, app, "times@agency.test"))["Authorization"]

	for _, c := range []struct{ collection, id string }{{collections.Events, event.Id}, {collections.Shifts, shifts[0].Id}} {
		for _, end := range []time.Time{start, start.Add(-time.Hour)} {
			status, body := portaltest.CallJSON(t, http.MethodPatch, base+"/api/collections/"+c.collection+"/records/"+c.id, admin,
				map[string]any{collections.FieldEndsAt: end.UTC().Format("2006-01-02 15:04:05.000Z")})
			data, _ := body["data"].(map[string]any)
			if status != http.StatusBadRequest || data[collections.FieldEndsAt] == nil {
				t.Errorf("%s ending at %s (start %s): %d %v, want 400 on ends_at", c.collection, end, start, status, body)
			}
		}
	}
	r, err := app.FindRecordById(collections.Events, event.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.GetDateTime(collections.FieldEndsAt).Time(); !got.After(start) {
		t.Errorf("a refused change was saved: ends %s", got)
	}

	// A row stored before the rule (times out of order) can still be
	// edited otherwise, e.g. cancelled, without fixing its times first.
	if _, err := app.NonconcurrentDB().Update(collections.Events, dbx.Params{collections.FieldEndsAt: r.GetString(collections.FieldStartsAt)},
		dbx.HashExp{"id": event.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	status, body := portaltest.CallJSON(t, http.MethodPatch, base+"/api/collections/events/records/"+event.Id, admin,
		map[string]any{collections.FieldStatus: "cancelled"})
	if status != http.StatusOK {
		t.Errorf("cancelling an old event whose times are out of order: %d %v", status, body)
	}
}
