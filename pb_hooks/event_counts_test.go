package pb_hooks_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestEventCountsFollowChanges checks that the kept counts of a client's
// events (the lists' totals, the home page's counter) are used only while
// they are right: a new event shows at once, and an event that ends moves
// from the upcoming count to the past one though no record changed. A move
// with plain SQL, which no hook sees, shows which counts were kept.
func TestEventCountsFollowChanges(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	client := s.ownClient(t)
	other := portaltest.NewClient(t, s.app, "Other Co")
	now := time.Now()
	ending, _ := portaltest.NewEvent(t, s.app, client, now.Add(-time.Hour), time.Hour+2*time.Second)
	later, _ := portaltest.NewEvent(t, s.app, client, now.AddDate(0, 0, 7), time.Hour)
	portaltest.NewEvent(t, s.app, client, now.AddDate(0, 0, -7), time.Hour)

	counts := func() (upcoming, past, home int) {
		t.Helper()
		for scope, into := range map[string]*int{"upcoming": &upcoming, "past": &past} {
			code, body := s.call(t, http.MethodGet, "/api/portal/events?scope="+scope, s.manager, nil)
			if code != http.StatusOK {
				t.Fatalf("%s: %d %v", scope, code, body)
			}
			*into = int(body["totalItems"].(float64))
		}
		code, body := s.call(t, http.MethodGet, "/api/portal/home", s.manager, nil)
		if code != http.StatusOK {
			t.Fatalf("home: %d %v", code, body)
		}
		home = int(body["counters"].(map[string]any)["upcoming"].(float64))
		return upcoming, past, home
	}
	up0, past0, home0 := counts()
	if up0 < 2 || past0 < 1 || home0 != up0 {
		t.Fatalf("first counts: %d upcoming, %d past, home %d", up0, past0, home0)
	}

	// Moved to another client with plain SQL: the kept counts stay.
	setWithoutHooks(t, s.app, collections.Events, later.Id, collections.FieldClient, other.Id)
	if up, past, home := counts(); up != up0 || past != past0 || home != home0 {
		t.Errorf("counts were made again, not kept: %d, %d, %d", up, past, home)
	}
	// New events (hook-saved changes) forget them.
	portaltest.NewEvent(t, s.app, client, now.AddDate(0, 0, 8), time.Hour)
	portaltest.NewEvent(t, s.app, client, now.AddDate(0, 0, 9), time.Hour)
	up0++
	if up, past, home := counts(); up != up0 || past != past0 || home != up0 {
		t.Errorf("after two new events and one moved away: %d upcoming, %d past, home %d; want %d, %d", up, past, home, up0, past0)
	}

	// The clock: once the first event ends it is past, though no record changed.
	time.Sleep(time.Until(ending.EndsAt().Time().Add(1100 * time.Millisecond)))
	if up, past, home := counts(); up != up0-1 || past != past0+1 || home != up0-1 {
		t.Errorf("after an event ended: %d upcoming, %d past, home %d; want %d, %d", up, past, home, up0-1, past0+1)
	}
}

// TestEventCountsKeptPerClient checks that a change of one client's events
// forgets that client's kept counts only, and that a change of an event
// whose client changed forgets both clients' counts, even when the record
// object saved was loaded before the move (its Original() is out of date).
// Plain-SQL moves, which no hook sees, show which counts were kept.
func TestEventCountsKeptPerClient(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	own := s.ownClient(t)
	other := portaltest.NewClient(t, s.app, "Other counts")
	third := portaltest.NewClient(t, s.app, "Third counts")
	otherToken := portaltest.AuthHeaders(t, portaltest.NewContact(t, s.app, other, nil, "counts@other.test").Record)["Authorization"]
	now := time.Now()
	var events []*collections.Event
	for i := range 3 {
		e, _ := portaltest.NewEvent(t, s.app, own, now.AddDate(0, 0, 1+i), time.Hour)
		events = append(events, e)
	}
	otherEvent, _ := portaltest.NewEvent(t, s.app, other, now.AddDate(0, 0, 1), time.Hour)
	upcoming := func(token string) int {
		t.Helper()
		code, body := s.call(t, http.MethodGet, "/api/portal/events?scope=upcoming", token, nil)
		if code != http.StatusOK {
			t.Fatalf("upcoming: %d %v", code, body)
		}
		return int(body["totalItems"].(float64))
	}
	own0, other0 := upcoming(s.manager), upcoming(otherToken)
	if own0 < 3 || other0 != 1 {
		t.Fatalf("first counts: %d and %d", own0, other0)
	}

	// An unseen move to the other client; then a third client's new event
	// and the other client's changed event leave this client's counts kept.
	setWithoutHooks(t, s.app, collections.Events, events[0].Id, collections.FieldClient, other.Id)
	portaltest.NewEvent(t, s.app, third, now.AddDate(0, 0, 2), time.Hour)
	if got := upcoming(s.manager); got != own0 {
		t.Errorf("another client's new event forgot this client's counts: %d, want the kept %d", got, own0)
	}
	otherEvent.Set(collections.FieldName, "Renamed")
	save(t, s.app, otherEvent.Record)
	if got := upcoming(s.manager); got != own0 {
		t.Errorf("another client's changed event forgot this client's counts: %d, want the kept %d", got, own0)
	}
	if got := upcoming(otherToken); got != other0+1 {
		t.Fatalf("the other client's counts after its event changed: %d, want %d", got, other0+1)
	}

	// A record object loaded while its event was this client's; then the
	// event moves to the other client unseen, and so does another one.
	// Saving the object (back to this client, as it was loaded) changes
	// the other client's events too: both clients' counts are made again.
	loaded, _ := s.app.FindRecordById(collections.Events, events[1].Id)
	setWithoutHooks(t, s.app, collections.Events, events[1].Id, collections.FieldClient, other.Id)
	setWithoutHooks(t, s.app, collections.Events, events[2].Id, collections.FieldClient, other.Id)
	loaded.Set(collections.FieldName, "Saved back")
	save(t, s.app, loaded)
	if ownNow, otherNow := upcoming(s.manager), upcoming(otherToken); ownNow != own0-2 || otherNow != other0+2 {
		t.Errorf("after a change of an event moved unseen: %d and %d, want %d and %d", ownNow, otherNow, own0-2, other0+2)
	}
}

// TestLongEventsStayUpcoming checks the upcoming lists' walk, which begins
// at now minus the longest event: an event that started long ago and has
// not ended is upcoming on the events page, the home page and the export,
// also once an admin lengthens a past event that much.
func TestLongEventsStayUpcoming(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	client := s.ownClient(t)
	now := time.Now()
	placement, _ := portaltest.NewEvent(t, s.app, client, now.AddDate(0, 0, -30), 60*24*time.Hour)
	portaltest.NewEvent(t, s.app, client, now.AddDate(0, 0, 2), time.Hour)
	old, _ := portaltest.NewEvent(t, s.app, client, now.AddDate(0, 0, -90), time.Hour)

	upcoming := func() string {
		t.Helper()
		var names []string
		_, list := s.call(t, http.MethodGet, "/api/portal/events?scope=upcoming", s.manager, nil)
		for _, it := range list["items"].([]any) {
			names = append(names, it.(map[string]any)["name"].(string))
		}
		_, home := s.call(t, http.MethodGet, "/api/portal/home", s.manager, nil)
		for _, it := range home["upcoming"].([]any) {
			names = append(names, "home:"+it.(map[string]any)["name"].(string))
		}
		// An integrator's "next events" through the record API, by a macro
		// and by a date.
		for _, filter := range []string{"ends_at >= @now", "ends_at > '" + now.UTC().Format(types.DefaultDateLayout) + "'"} {
			_, list := s.call(t, http.MethodGet, "/api/collections/events/records?sort=starts_at&filter="+url.QueryEscape(filter), s.manager, nil)
			for _, it := range list["items"].([]any) {
				names = append(names, "api:"+it.(map[string]any)["name"].(string))
			}
		}
		_, export := portaltest.Call(t, http.MethodGet, s.base+"/api/portal/events.csv?scope=upcoming", s.manager, nil)
		return strings.Join(names, ",") + "\n" + string(export)
	}
	if got := upcoming(); strings.Count(got, placement.Name()) != 5 || strings.Contains(got, old.Name()) {
		t.Errorf("a placement of 60 days, started 30 days ago, is not upcoming everywhere:\n%s", got)
	}
	event, _ := s.app.FindRecordById(collections.Events, old.Id)
	event.Set(collections.FieldEndsAt, now.AddDate(0, 0, 1).UTC().Format(types.DefaultDateLayout))
	save(t, s.app, event)
	if got := upcoming(); strings.Count(got, old.Name()) != 5 {
		t.Errorf("a past event lengthened to end tomorrow is not upcoming everywhere:\n%s", got)
	}
}
