package pb_hooks

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// MailWorkerRecordID is the id of the one mail_worker record: the status of
// the outbox worker that wrote last (with several processes on one
// database, each overwrites it; its worker field says which one).
const MailWorkerRecordID = "mailworker00001"

// workerStatus shows admins what the outbox worker is doing, in the
// mail_worker record: written at once on a change of state, otherwise at
// most every interval and only when something changed, so an idle or busy
// worker costs a count query every few seconds, not a write per email.
type workerStatus struct {
	app      core.App
	interval time.Duration
	worker   string

	mu           sync.Mutex // guards the fields below
	state        collections.MailWorkerState
	nextProbe    time.Time
	lastSuccess  time.Time
	lastError    string
	lastErrorAt  time.Time
	writing      sync.Mutex // one write at a time
	lastWrite    time.Time
	lastSnapshot workerSnapshot
}

// workerSnapshot is what one write of the status record holds.
type workerSnapshot struct {
	state                   collections.MailWorkerState
	nextProbe, lastSuccess  time.Time
	lastError               string
	lastErrorAt             time.Time
	queued, sending, failed int
}

func newWorkerStatus(app core.App, interval time.Duration) *workerStatus {
	host, _ := os.Hostname()
	return &workerStatus{app: app, interval: interval, worker: fmt.Sprintf("%s pid %d", host, os.Getpid())}
}

// setState records a change of state and writes it at once.
func (s *workerStatus) setState(state collections.MailWorkerState, nextProbe time.Time) {
	s.mu.Lock()
	changed := s.state != state || !s.nextProbe.Equal(nextProbe)
	s.state, s.nextProbe = state, nextProbe
	s.mu.Unlock()
	if changed {
		s.flush(true)
	}
}

// recordSend notes the outcome of one send; the next flush writes it.
func (s *workerStatus) recordSend(res sendResult) {
	s.mu.Lock()
	switch {
	case res.err == nil:
		s.lastSuccess = time.Now()
	case res.answered() || res.serverDown:
		s.lastError, s.lastErrorAt = truncate(res.err.Error(), 2000), time.Now()
	}
	s.mu.Unlock()
	s.flush(false)
}

// flush writes the status record if forced, or if the interval has passed
// since the last write and something changed. A flush that finds another
// write under way leaves it to that one, unless forced.
func (s *workerStatus) flush(force bool) {
	if force {
		s.writing.Lock()
	} else if !s.writing.TryLock() {
		return
	}
	defer s.writing.Unlock()
	if !force && time.Since(s.lastWrite) < s.interval {
		return
	}
	snap, err := s.snapshot()
	if err != nil {
		s.app.Logger().Warn("Could not count the outbox", "error", err)
		return
	}
	if !force && snap == s.lastSnapshot {
		return
	}
	if err := s.write(snap); err != nil {
		s.app.Logger().Warn("Could not save the mail worker's status", "error", err)
		return
	}
	s.lastWrite, s.lastSnapshot = time.Now(), snap
}

func (s *workerStatus) snapshot() (workerSnapshot, error) {
	s.mu.Lock()
	snap := workerSnapshot{state: s.state, nextProbe: s.nextProbe, lastSuccess: s.lastSuccess,
		lastError: s.lastError, lastErrorAt: s.lastErrorAt}
	s.mu.Unlock()
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	err := s.app.DB().Select(collections.FieldStatus, "COUNT(*) AS n").From(collections.MailOutbox).
		Where(dbx.In(collections.FieldStatus, string(collections.OutboxQueued),
			string(collections.OutboxSending), string(collections.OutboxFailed))).
		GroupBy(collections.FieldStatus).All(&rows)
	for _, row := range rows {
		switch collections.OutboxStatus(row.Status) {
		case collections.OutboxQueued:
			snap.queued = row.N
		case collections.OutboxSending:
			snap.sending = row.N
		case collections.OutboxFailed:
			snap.failed = row.N
		}
	}
	return snap, err
}

func (s *workerStatus) write(snap workerSnapshot) error {
	r, err := s.app.FindRecordById(collections.MailWorker, MailWorkerRecordID)
	if err != nil {
		c, err := s.app.FindCachedCollectionByNameOrId(collections.MailWorker)
		if err != nil {
			return err
		}
		r = core.NewRecord(c)
		r.Id = MailWorkerRecordID
	}
	date := func(t time.Time) any {
		if t.IsZero() {
			return ""
		}
		d, _ := types.ParseDateTime(t.UTC())
		return d
	}
	r.Load(map[string]any{
		collections.FieldWorker:        s.worker,
		collections.FieldState:         string(snap.state),
		collections.FieldNextProbeAt:   date(snap.nextProbe),
		collections.FieldLastSuccessAt: date(snap.lastSuccess),
		collections.FieldLastError:     snap.lastError,
		collections.FieldLastErrorAt:   date(snap.lastErrorAt),
		collections.FieldQueued:        snap.queued,
		collections.FieldSending:       snap.sending,
		collections.FieldFailed:        snap.failed,
	})
	return s.app.Save(r)
}
