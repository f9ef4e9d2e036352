package pb_hooks_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestEventExportsFollowChanges checks that a kept events export is used
// only while it is right: a change to an event or a shift, a new event, and
// an event that ends each show in the next download, and a contact who may
// not see prices never gets a kept export that has them. Writes with plain
// SQL, which no hook sees, show which downloads were kept.
// Not parallel: it lowers the package's threshold of kept exports.
func TestEventExportsFollowChanges(t *testing.T) {
	defer pb_hooks.KeepEventExportsFrom(1)()
	s := newBookingServer(t)
	profession := portaltest.NewProfession(t, s.app, true)
	wrapped := s.ownClient(t)
	now := time.Now()
	ending, _ := portaltest.NewEvent(t, s.app, wrapped, now.Add(-time.Hour), time.Hour+2*time.Second)
	later, laterShifts := portaltest.NewEvent(t, s.app, wrapped, now.AddDate(0, 0, 7), 4*time.Hour, profession)
	done, _ := portaltest.NewEvent(t, s.app, wrapped, now.AddDate(0, 0, -7), 4*time.Hour)

	export := func(token, scope string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.base+"/api/portal/events.csv?scope="+scope, nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("export %s: %v %v", scope, res.StatusCode, err)
		}
		defer res.Body.Close()
		rows, err := csv.NewReader(res.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, row := range rows {
			out = append(out, strings.Join(row, "|"))
		}
		return strings.Join(out, "\n")
	}
	rename := func(id, name string) { setWithoutHooks(t, s.app, collections.Events, id, collections.FieldName, name) }
	has := func(export string, names ...string) bool {
		for _, n := range names {
			if !strings.Contains(export, n) {
				return false
			}
		}
		return true
	}

	upcoming, past := export(s.manager, "upcoming"), export(s.manager, "past")
	if !has(upcoming, ending.Name(), later.Name(), "Estimated price") || has(upcoming, done.Name()) || !has(past, done.Name()) || has(past, ending.Name()) {
		t.Fatalf("first exports:\n%s\n--\n%s", upcoming, past)
	}

	rename(later.Id, "Quietly renamed")
	rename(done.Id, "Quietly renamed past")
	if got := export(s.manager, "upcoming"); got != upcoming {
		t.Errorf("a repeat download was built again, not kept:\n%s", got)
	}
	if got := export(s.manager, "past"); got != past {
		t.Errorf("a repeat past download was built again, not kept:\n%s", got)
	}
	if got := export(s.booker, "upcoming"); has(got, "Estimated price") || !has(got, "Quietly renamed") {
		t.Errorf("a contact who may not see prices got the kept export, or an old one:\n%s", got)
	}

	// Another client's events and shifts leave this client's export kept.
	other := portaltest.NewClient(t, s.app, "Other exports")
	otherEvent, otherShifts := portaltest.NewEvent(t, s.app, other, now.AddDate(0, 0, 3), time.Hour, profession)
	otherShifts[0].Set(collections.FieldStaffCount, 4)
	save(t, s.app, otherShifts[0].Record)
	otherEvent.Set(collections.FieldName, "Other renamed")
	save(t, s.app, otherEvent.Record)
	if got := export(s.manager, "upcoming"); got != upcoming {
		t.Errorf("another client's change forgot this client's kept export:\n%s", got)
	}

	record, _ := s.app.FindRecordById(collections.Events, later.Id)
	record.Set(collections.FieldName, "Renamed")
	save(t, s.app, record)
	if got := export(s.manager, "upcoming"); !has(got, "Renamed") || has(got, later.Name()) {
		t.Errorf("an event's change did not show:\n%s", got)
	}
	fresh, _ := portaltest.NewEvent(t, s.app, wrapped, now.AddDate(0, 0, 8), time.Hour)
	if got := export(s.manager, "upcoming"); !has(got, fresh.Name()) {
		t.Errorf("a new event did not show:\n%s", got)
	}
	rename(later.Id, "Quietly renamed again")
	shift, _ := s.app.FindRecordById(collections.Shifts, laterShifts[0].Id)
	shift.Set(collections.FieldStaffCount, 3)
	save(t, s.app, shift)
	if got := export(s.manager, "upcoming"); !has(got, "Quietly renamed again") {
		t.Errorf("a shift's change did not forget the kept export:\n%s", got)
	}

	// The clock: once the first event ends, it leaves the upcoming export and
	// joins the past one (both kept just before), though no record changed.
	if got := export(s.manager, "past"); has(got, ending.Name()) {
		t.Errorf("an event not ended yet is in the past export:\n%s", got)
	}
	time.Sleep(time.Until(ending.EndsAt().Time().Add(1100 * time.Millisecond)))
	if got := export(s.manager, "upcoming"); has(got, ending.Name()) {
		t.Errorf("an event that ended is still upcoming:\n%s", got)
	}
	if got := export(s.manager, "past"); !has(got, ending.Name(), "Quietly renamed past") {
		t.Errorf("an event that ended did not join the past export:\n%s", got)
	}
}
