package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
)

// keyed is one answer to a request sent with an Idempotency-Key.
type keyed struct {
	status   int
	body     map[string]any
	raw      string
	replayed bool
}

// sendKeyed posts body with the Idempotency-Key header, as the portal does.
func sendKeyed(t *testing.T, url, token, key string, body any) keyed {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	req.Header.Set(pb_hooks.IdempotencyKeyHeader, key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	k := keyed{status: res.StatusCode, raw: string(out), replayed: res.Header.Get(pb_hooks.IdempotentReplayedHeader) == "true"}
	_ = json.Unmarshal(out, &k.body)
	return k
}

// TestIdempotentBooking: a booking retried with its key gets the first
// answer and books once, also when the retries race; the same key with
// another body is refused; keys are per contact and expire.
func TestIdempotentBooking(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	url := s.base + "/api/portal/bookings"
	count := func() int { n, _ := s.app.CountRecords(collections.Events); return int(n) }
	before := count()

	first := sendKeyed(t, url, s.booker, "submission-0001", s.form(nil))
	if first.status != http.StatusOK || first.replayed {
		t.Fatalf("first: %d %s", first.status, first.raw)
	}
	again := sendKeyed(t, url, s.booker, "submission-0001", s.form(nil))
	if again.status != http.StatusOK || !again.replayed || again.raw != first.raw {
		t.Errorf("repeat: %d replayed=%v %s", again.status, again.replayed, again.raw)
	}
	if n := count() - before; n != 1 {
		t.Errorf("%d events booked, want 1", n)
	}
	other := sendKeyed(t, url, s.booker, "submission-0001", s.form(map[string]any{"name": "Another party"}))
	if other.status != http.StatusUnprocessableEntity || other.body["data"].(map[string]any)[pb_hooks.IdempotencyKeyHeader] == nil {
		t.Errorf("the key with another body: %d %s", other.status, other.raw)
	}
	if bad := sendKeyed(t, url, s.booker, "x", s.form(nil)); bad.status != http.StatusBadRequest {
		t.Errorf("a one-letter key: %d %s", bad.status, bad.raw)
	}

	// Ten retries at once: one booking, ten identical answers.
	answers := make([]keyed, 10)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = sendKeyed(t, url, s.booker, "submission-0002", s.form(nil)) })
	}
	wg.Wait()
	for i, a := range answers {
		if a.status != http.StatusOK || a.body["id"] != answers[0].body["id"] {
			t.Errorf("racing retry %d: %d %s", i, a.status, a.raw)
		}
	}
	if n := count() - before; n != 2 {
		t.Errorf("%d events booked after the race, want 2", n)
	}
	if mails := queued(t, s.app, dbx.HashExp{"kind": "booking_received"}); len(mails) != 2 {
		t.Errorf("%d booking emails, want 2", len(mails))
	}

	// Another contact's key of the same name is another submission.
	if a := sendKeyed(t, url, s.manager, "submission-0001", s.form(nil)); a.status != http.StatusOK || a.replayed {
		t.Errorf("another contact's key: %d replayed=%v", a.status, a.replayed)
	}
	// An expired key is forgotten.
	if _, err := s.app.NonconcurrentDB().Update(collections.IdempotencyKeys,
		dbx.Params{"created": dateTimeString(time.Now().Add(-25 * time.Hour))}, dbx.HashExp{"key": "submission-0001"}).Execute(); err != nil {
		t.Fatal(err)
	}
	if a := sendKeyed(t, url, s.booker, "submission-0001", s.form(nil)); a.status != http.StatusOK || a.replayed || a.body["id"] == first.body["id"] {
		t.Errorf("an expired key: %d replayed=%v", a.status, a.replayed)
	}
	// Both contacts' "submission-0001" expired and were forgotten; the
	// booker's new one and "submission-0002" remain.
	if n, _ := s.app.CountRecords(collections.IdempotencyKeys); n != 2 {
		t.Errorf("%d keys remembered, want 2 (expired ones forgotten)", n)
	}
}

// TestIdempotencyKeyInTheWritesTransaction: when the key cannot be saved
// the booking is rolled back with it, so after a crash both exist or
// neither; a retry then books.
func TestIdempotencyKeyInTheWritesTransaction(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	before, _ := s.app.CountRecords(collections.Events)
	failing := s.app.OnRecordCreate(collections.IdempotencyKeys).BindFunc(func(e *core.RecordEvent) error { return errFailedOnPurpose })
	if a := sendKeyed(t, s.base+"/api/portal/bookings", s.booker, "submission-0003", s.form(nil)); a.status < 400 {
		t.Errorf("booking whose key failed: %d", a.status)
	}
	if after, _ := s.app.CountRecords(collections.Events); after != before {
		t.Error("the booking was saved without its key")
	}
	if n := len(queued(t, s.app, dbx.HashExp{"kind": "booking_received"})); n != 0 {
		t.Errorf("%d emails queued for a rolled-back booking", n)
	}
	s.app.OnRecordCreate(collections.IdempotencyKeys).Unbind(failing)
	if a := sendKeyed(t, s.base+"/api/portal/bookings", s.booker, "submission-0003", s.form(nil)); a.status != http.StatusOK || a.replayed {
		t.Errorf("the retry: %d replayed=%v %s", a.status, a.replayed, a.raw)
	}
}

// TestIdempotentChangeRequestAndWithdrawal: a change request and its
// withdrawal retried with their keys are answered as the first time.
func TestIdempotentChangeRequestAndWithdrawal(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	url := f.base + "/api/portal/events/" + f.event + "/change-requests"
	change := map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall"}}
	first := sendKeyed(t, url, f.booker, "change-00000001", change)
	again := sendKeyed(t, url, f.booker, "change-00000001", change)
	if first.status != http.StatusOK || again.status != http.StatusOK || !again.replayed || again.raw != first.raw {
		t.Fatalf("change request: %d %s, retry %d replayed=%v", first.status, first.raw, again.status, again.replayed)
	}
	if n, _ := f.app.CountRecords(collections.ChangeRequests); n != 1 {
		t.Errorf("%d change requests, want 1", n)
	}
	withdraw := f.base + "/api/portal/change-requests/" + first.body["id"].(string) + "/withdraw"
	w1 := sendKeyed(t, withdraw, f.booker, "withdraw-0000001", nil)
	w2 := sendKeyed(t, withdraw, f.booker, "withdraw-0000001", nil)
	if w1.status != http.StatusOK || w2.status != http.StatusOK || !w2.replayed {
		t.Errorf("withdrawal: %d, retry %d replayed=%v %s", w1.status, w2.status, w2.replayed, w2.raw)
	}
	if n := len(queued(t, f.app, dbx.HashExp{"kind": "change_withdrawn"})); n != 2 { // the group's two admins, once
		t.Errorf("%d withdrawal emails, want 2", n)
	}
}

// dateTimeString is t as PocketBase stores dates.
func dateTimeString(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
