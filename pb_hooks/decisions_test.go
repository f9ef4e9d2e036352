package pb_hooks_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// meeting holds each admin update of the collection until n of them have
// loaded their record, so a "simultaneous" decision really is made on the
// same loaded state, every round, whatever the scheduler does. A request
// alone is let go after five seconds.
func meeting(t *testing.T, app core.App, collection string, n int) {
	t.Helper()
	var mu sync.Mutex
	arrived, release := 0, make(chan struct{})
	id := app.OnRecordUpdateRequest(collection).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Priority: -1000,
		Func: func(e *core.RecordRequestEvent) error {
			mu.Lock()
			ch := release
			if arrived++; arrived == n {
				close(release)
				arrived, release = 0, make(chan struct{})
			}
			mu.Unlock()
			select {
			case <-ch:
			case <-time.After(5 * time.Second):
			}
			return e.Next()
		},
	})
	t.Cleanup(func() { app.OnRecordUpdateRequest(collection).Unbind(id) })
}

// race sends the bodies at once, one per admin token, and returns the answers.
func race(t *testing.T, s *accountServer, path string, tokens []string, bodies []map[string]any) ([]int, []string) {
	t.Helper()
	codes, messages := make([]int, len(bodies)), make([]string, len(bodies))
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Go(func() {
			code, resp := s.call(t, http.MethodPatch, path, tokens[i%len(tokens)], bodies[i])
			codes[i], messages[i] = code, toJSON(resp)
		})
	}
	wg.Wait()
	return codes, messages
}

// oneWinner checks that exactly one answer is a 200 and every other a 409
// saying the record was already decided.
func oneWinner(t *testing.T, round int, codes []int, messages []string) {
	t.Helper()
	winners := 0
	for i, code := range codes {
		switch {
		case code == http.StatusOK:
			winners++
		case code != http.StatusConflict || !strings.Contains(messages[i], "already"):
			t.Errorf("round %d: a loser got %d %s", round, code, messages[i])
		}
	}
	if winners != 1 {
		t.Errorf("round %d: %d decisions won (%v)", round, winners, codes)
	}
}

// TestConcurrentDecisions has two admins decide the same change request at
// the same moment against the running server, fifteen times: the same
// decision twice, or approving against declining. Exactly one wins, the
// other gets a 409, the event matches the winner, and the client gets one
// email per request.
func TestConcurrentDecisions(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	admins := []string{f.admin, portaltest.AuthHeaders(t, f.a.admin2)["Authorization"]}
	meeting(t, f.app, collections.ChangeRequests, 2)
	for round := range 15 {
		venue := fmt.Sprintf("Hall %d", round)
		code, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": map[string]any{"venue": venue}})
		if code != http.StatusOK {
			t.Fatalf("round %d: request %d %v", round, code, body)
		}
		id := body["id"].(string)
		decisions := []map[string]any{{"status": "approved"}, {"status": "approved"}}
		if round%3 == 2 {
			decisions[1] = map[string]any{"status": "declined", "decision_reason": "No staff"}
		}
		codes, messages := race(t, f.accountServer, "/api/collections/change_requests/records/"+id, admins, decisions)
		oneWinner(t, round, codes, messages)

		r, _ := f.app.FindRecordById(collections.ChangeRequests, id)
		approved := r.GetString(collections.FieldStatus) == "approved"
		if approved != (f.eventRecord(t).GetString(collections.FieldVenue) == venue) {
			t.Errorf("round %d: request %s but venue %q", round, r.GetString(collections.FieldStatus), f.eventRecord(t).GetString(collections.FieldVenue))
		}
		if r.GetDateTime(collections.FieldDecidedAt).IsZero() || r.GetString(collections.FieldDecidedBy) == "" {
			t.Errorf("round %d: decision not recorded: by %q at %v", round, r.GetString(collections.FieldDecidedBy), r.GetDateTime(collections.FieldDecidedAt))
		}
		mails := queued(t, f.app, dbx.NewExp("kind IN ('change_approved', 'change_declined')"))
		if len(mails) != round+1 {
			t.Fatalf("round %d: %d decision emails in all, want %d", round, len(mails), round+1)
		}
	}
}

// TestDecidedRequestIsFinal: editing the reason of a decided request keeps
// who decided it and when and emails nobody; a new decision on it gets a 409.
func TestDecidedRequestIsFinal(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	_, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall"}})
	id := body["id"].(string)
	if code, body := f.decide(t, id, map[string]any{"status": "declined", "decision_reason": "No staff"}); code != http.StatusOK {
		t.Fatalf("decline: %d %v", code, body)
	}
	decided, _ := f.app.FindRecordById(collections.ChangeRequests, id)

	other := portaltest.AuthHeaders(t, f.a.admin2)["Authorization"]
	path := "/api/collections/change_requests/records/" + id
	edit := map[string]any{"status": "declined", "decision_reason": "No staff that weekend", "decided_at": "", "decided_by": ""}
	if code, body := f.call(t, http.MethodPatch, path, other, edit); code != http.StatusOK {
		t.Fatalf("editing the reason: %d %v", code, body)
	}
	r, _ := f.app.FindRecordById(collections.ChangeRequests, id)
	if r.GetString(collections.FieldDecisionReason) != "No staff that weekend" || r.GetString(collections.FieldDecidedBy) != f.a.admin1.Id ||
		!r.GetDateTime(collections.FieldDecidedAt).Equal(decided.GetDateTime(collections.FieldDecidedAt)) {
		t.Errorf("after the edit: reason %q, by %q at %v", r.GetString(collections.FieldDecisionReason),
			r.GetString(collections.FieldDecidedBy), r.GetDateTime(collections.FieldDecidedAt))
	}
	for _, change := range []map[string]any{{"status": "approved"}, {"status": "pending"}} {
		if code, body := f.call(t, http.MethodPatch, path, other, change); code != http.StatusConflict ||
			!strings.Contains(toJSON(body), "already declined") {
			t.Errorf("deciding again (%v): %d %v", change, code, body)
		}
	}
	if n := len(queued(t, f.app, dbx.HashExp{"kind": "change_declined"})); n != 1 {
		t.Errorf("%d decline emails, want 1", n)
	}
}

// TestConcurrentEventDecisions has two admins confirm (or one confirm, one
// decline) the same booked event at once: one wins, the other gets a 409,
// and the client gets exactly one email. Editing a confirmed event emails
// nobody.
func TestConcurrentEventDecisions(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	admins := []string{portaltest.AuthHeaders(t, s.a.admin1)["Authorization"], portaltest.AuthHeaders(t, s.a.admin2)["Authorization"]}
	meeting(t, s.app, collections.Events, 2)
	var last string
	for round := range 4 {
		code, body := s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(nil))
		if code != http.StatusOK {
			t.Fatalf("booking: %d %v", code, body)
		}
		last = body["id"].(string)
		decisions := []map[string]any{{"status": "confirmed"}, {"status": "confirmed"}}
		if round%2 == 1 {
			decisions[1] = map[string]any{"status": "declined", "decision_reason": "Fully booked"}
		}
		codes, messages := race(t, s.accountServer, "/api/collections/events/records/"+last, admins, decisions)
		oneWinner(t, round, codes, messages)
		if n := len(queued(t, s.app, dbx.NewExp("kind IN ('event_confirmed', 'event_declined')"))); n != round+1 {
			t.Fatalf("round %d: %d decision emails in all, want %d", round, n, round+1)
		}
	}
	ev, _ := s.app.FindRecordById(collections.Events, last)
	edit := map[string]any{"status": ev.GetString(collections.FieldStatus), "decision_reason": "Edited later", "name": "Renamed"}
	if code, body := s.call(t, http.MethodPatch, "/api/collections/events/records/"+last, admins[0], edit); code != http.StatusOK {
		t.Fatalf("edit: %d %v", code, body)
	}
	if n := len(queued(t, s.app, dbx.NewExp("kind IN ('event_confirmed', 'event_declined')"))); n != 4 {
		t.Errorf("an edit without a new status sent an email (%d in all)", n)
	}
}
