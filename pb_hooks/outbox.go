package pb_hooks

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// OutboxConfig tunes the outbox worker that sends queued emails. Zero values
// take the defaults noted on each field.
type OutboxConfig struct {
	// Disabled runs no worker in this process; emails stay queued.
	Disabled bool
	// PollInterval is how often the worker looks for due emails besides
	// being woken by new ones (default 5s).
	PollInterval time.Duration
	// MaxAttempts is how many sends are tried before an email is marked
	// failed (default 8).
	MaxAttempts int
	// RetryBase is the wait after the first failure; each further failure
	// doubles it (default 30s), up to RetryMax (default 6h).
	RetryBase, RetryMax time.Duration
	// SendTimeout is how long the worker waits for the mail server before it
	// counts the attempt as failed and moves on (default 2m). Without it one
	// hung connection would hold up every email behind it: PocketBase's mail
	// client sets no deadline of its own. It is kept under half the Lease, so
	// the outcome is always recorded before another worker may take over.
	SendTimeout time.Duration
	// Lease is how long an email may stay "sending" before a worker takes it
	// over, i.e. after the process died mid-send (default 30m).
	Lease time.Duration
}

func (c OutboxConfig) withDefaults() OutboxConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.PollInterval, 5*time.Second)
	def(&c.RetryBase, 30*time.Second)
	def(&c.RetryMax, 6*time.Hour)
	def(&c.SendTimeout, 2*time.Minute)
	def(&c.Lease, 30*time.Minute)
	c.SendTimeout = min(c.SendTimeout, c.Lease/2)
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	return c
}

// Backoff returns how long to wait after the given number of failed attempts.
func (c OutboxConfig) Backoff(failures int) time.Duration {
	d := c.RetryBase
	for i := 1; i < failures && d < c.RetryMax; i++ {
		d *= 2
	}
	return min(d, c.RetryMax)
}

// outboxBatch is how many due emails one query fetches.
const outboxBatch = 50

func (p *plugin) bindOutbox() {
	p.app.OnRecordUpdate(collections.MailOutbox).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "outbox.requeue",
		Func: requeueFailedEmail,
	})
	p.app.OnMailerSend().Bind(&hook.Handler[*core.MailerEvent]{
		Id:   HookIDPrefix + "outbox.catchAll",
		Func: queueOtherMail,
	})
	if p.config.Outbox.Disabled {
		return
	}
	w := &outboxWorker{app: p.app, config: p.config.Outbox,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	p.app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: HookIDPrefix + "outbox.start",
		Func: func(se *core.ServeEvent) error {
			if w.started.CompareAndSwap(false, true) {
				se.App.Store().Set(outboxWakeKey, w.wake)
				routine.FireAndForget(w.run)
			}
			return se.Next()
		},
	})
	p.app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: HookIDPrefix + "outbox.stop",
		Func: func(te *core.TerminateEvent) error {
			w.shutdown()
			return te.Next()
		},
	})
}

// outboxWorker sends due emails in the background, outside any request.
type outboxWorker struct {
	app     core.App
	config  OutboxConfig
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	started atomic.Bool
}

func (w *outboxWorker) run() {
	defer close(w.done)
	ticker := time.NewTicker(w.config.PollInterval)
	defer ticker.Stop()
	for {
		if _, err := DeliverDueEmails(w.app, w.config, w.stop); err != nil {
			w.app.Logger().Error("Outbox delivery failed", "error", err)
		}
		select {
		case <-w.stop:
			return
		case <-ticker.C:
		case <-w.wake:
		}
	}
}

// shutdown stops the worker and waits until it has recorded the email in
// hand; a send in progress is abandoned (see sendAttempt), so a stalled
// mail server cannot hold up the exit, and the database is still open while
// the worker writes.
func (w *outboxWorker) shutdown() {
	if !w.started.Load() {
		return
	}
	select {
	case <-w.stop:
		return // already stopped
	default:
		close(w.stop)
	}
	<-w.done
}

// DeliverDueEmails sends every queued email whose attempt time has come, one
// at a time, until none is left or stop is closed, and returns how many were
// sent. Each email is first claimed with a conditional update, so two workers
// (in this process or another one on the same database) never send the same
// email twice; an email left "sending" longer than the lease is taken back.
func DeliverDueEmails(app core.App, config OutboxConfig, stop <-chan struct{}) (sent int, err error) {
	config = config.withDefaults()
	if err := releaseExpiredLeases(app, config.Lease); err != nil {
		return 0, err
	}
	for {
		due, err := dueEmails(app)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		for _, r := range due {
			select {
			case <-stop:
				return sent, nil
			default:
			}
			claimed, err := claimEmail(app, r.Id)
			if err != nil {
				return sent, err
			}
			if !claimed {
				continue
			}
			ok, err := deliverEmail(app, config, r.Id, stop)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
}

// releaseLeasesQuery puts back in the queue the emails claimed longer than
// lease ago (served by idx_mail_outbox_due).
func releaseLeasesQuery(app core.App, lease time.Duration) *dbx.Query {
	cutoff, _ := types.ParseDateTime(time.Now().Add(-lease).UTC())
	now := dbNow()
	return app.NonconcurrentDB().Update(collections.MailOutbox,
		dbx.Params{collections.FieldStatus: string(collections.OutboxQueued), collections.FieldNextAttemptAt: now, collections.FieldUpdated: now},
		dbx.And(
			dbx.HashExp{collections.FieldStatus: string(collections.OutboxSending)},
			dbx.NewExp("[["+collections.FieldClaimedAt+"]] < {:cutoff}", dbx.Params{"cutoff": cutoff.String()}),
		),
	)
}

func dbNow() string { return types.NowDateTime().String() }

func dueEmails(app core.App) ([]*core.Record, error) {
	var due []*core.Record
	err := dueEmailsQuery(app).All(&due)
	return due, err
}

// dueEmailsQuery selects the next queued emails whose attempt time has come,
// oldest first (served by idx_mail_outbox_due).
func dueEmailsQuery(app core.App) *dbx.SelectQuery {
	return app.RecordQuery(collections.MailOutbox).
		AndWhere(dbx.HashExp{collections.FieldStatus: string(collections.OutboxQueued)}).
		AndWhere(dbx.NewExp("[["+collections.FieldNextAttemptAt+"]] <= {:now}", dbx.Params{"now": dbNow()})).
		OrderBy(collections.FieldNextAttemptAt).
		Limit(outboxBatch)
}

// claimEmail moves one email from queued to sending, and reports whether
// this caller won it. SQLite runs the conditional update atomically, so of
// several claimers exactly one sees a changed row.
func claimEmail(app core.App, id string) (bool, error) {
	now := dbNow()
	res, err := app.NonconcurrentDB().Update(collections.MailOutbox,
		dbx.Params{collections.FieldStatus: string(collections.OutboxSending), collections.FieldClaimedAt: now, collections.FieldUpdated: now},
		dbx.HashExp{collections.FieldID: id, collections.FieldStatus: string(collections.OutboxQueued)},
	).Execute()
	if err != nil {
		return false, fmt.Errorf("claim email %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func releaseExpiredLeases(app core.App, lease time.Duration) error {
	if _, err := releaseLeasesQuery(app, lease).Execute(); err != nil {
		return fmt.Errorf("release expired outbox leases: %w", err)
	}
	return nil
}

// deliverEmail sends one claimed email and records the outcome: sent, queued
// again after a back-off, or failed after the last attempt. A send cut short
// by shutdown is queued again without counting as an attempt.
func deliverEmail(app core.App, config OutboxConfig, id string, stop <-chan struct{}) (bool, error) {
	r, err := app.FindRecordById(collections.MailOutbox, id)
	if err != nil {
		return false, err
	}
	meta := app.Settings().Meta
	msg := &mailer.Message{
		From:    mail.Address{Name: meta.SenderName, Address: meta.SenderAddress},
		To:      []mail.Address{{Name: r.GetString(collections.FieldToName), Address: r.GetString(collections.FieldTo)}},
		Subject: r.GetString(collections.FieldSubject),
		HTML:    r.GetString(collections.FieldHTML),
		Text:    r.GetString(collections.FieldText),
		Headers: map[string]string{outboxHeader: r.Id},
	}
	send := startSend(app, msg)
	defer close(send.recorded)
	sendErr := send.wait(config.SendTimeout, stop)

	attempts := r.GetInt(collections.FieldAttempts)
	if !errors.Is(sendErr, errSendStopped) {
		attempts++
	}
	r.Set(collections.FieldAttempts, attempts)
	switch {
	case sendErr == nil:
		r.Set(collections.FieldStatus, string(collections.OutboxSent))
		r.Set(collections.FieldSentAt, types.NowDateTime())
		r.Set(collections.FieldLastError, "")
	case attempts >= config.MaxAttempts:
		r.Set(collections.FieldStatus, string(collections.OutboxFailed))
		r.Set(collections.FieldLastError, truncate(sendErr.Error(), 2000))
	default:
		next := types.NowDateTime()
		if !errors.Is(sendErr, errSendStopped) {
			next, _ = types.ParseDateTime(time.Now().Add(config.Backoff(attempts)).UTC())
		}
		r.Set(collections.FieldStatus, string(collections.OutboxQueued))
		r.Set(collections.FieldNextAttemptAt, next)
		r.Set(collections.FieldLastError, truncate(sendErr.Error(), 2000))
	}
	// Retry the bookkeeping: an email sent but still marked "sending" would
	// be sent again once its lease ends.
	var saveErr error
	for try := 0; try < 3; try++ {
		if saveErr = app.Save(r); saveErr == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if saveErr != nil {
		return false, fmt.Errorf("record outcome of email %s: %w", id, saveErr)
	}
	if sendErr != nil {
		app.Logger().Warn("Email not sent", "outbox", id, "attempt", attempts, "error", sendErr)
	}
	return sendErr == nil, nil
}

// outboxHeader marks a message the outbox worker sends, so the catch-all
// hook lets it through.
const outboxHeader = "X-Crewportal-Outbox-Id"

// errSendStopped reports a send the worker stopped waiting for at shutdown.
var errSendStopped = errors.New("the server shut down while sending; the email will be sent again")

// sendAttempt is one send through PocketBase's mail client (the dashboard's
// SMTP settings), running on its own goroutine so the worker can stop
// waiting for it.
type sendAttempt struct {
	done      chan error
	abandoned atomic.Bool
	// recorded is closed once the worker has saved the attempt's outcome.
	recorded chan struct{}
}

// startSend begins sending msg.
// NB! A send the worker gave up on may still complete. If it does, it is
// recorded as sent once the worker has queued the retry, so the email is not
// sent twice; if the retry has already begun, the recipient gets it twice.
// Delivery is at least once, never lost.
func startSend(app core.App, msg *mailer.Message) *sendAttempt {
	s := &sendAttempt{done: make(chan error, 1), recorded: make(chan struct{})}
	routine.FireAndForget(func() {
		err := app.NewMailClient().Send(msg)
		s.done <- err
		if err == nil && s.abandoned.Load() {
			<-s.recorded
			lateSendSucceeded(app, msg.Headers[outboxHeader])
		}
	})
	return s
}

// wait returns the send's result, waiting at most timeout or until stop.
func (s *sendAttempt) wait(timeout time.Duration, stop <-chan struct{}) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	var err error
	select {
	case err := <-s.done:
		return err
	case <-deadline.C:
		err = fmt.Errorf("the mail server did not answer within %s; the email will be sent again", timeout)
	case <-stop:
		err = errSendStopped
	}
	s.abandoned.Store(true)
	// The send may have finished just as the wait ended.
	select {
	case sendErr := <-s.done:
		return sendErr
	default:
		return err
	}
}

// lateSendSucceeded marks as sent an email whose send completed after the
// worker gave up on it, unless a new attempt has claimed it meanwhile.
func lateSendSucceeded(app core.App, id string) {
	now := dbNow()
	_, err := app.NonconcurrentDB().Update(collections.MailOutbox,
		dbx.Params{collections.FieldStatus: string(collections.OutboxSent), collections.FieldSentAt: now,
			collections.FieldLastError: "", collections.FieldUpdated: now},
		dbx.HashExp{collections.FieldID: id, collections.FieldStatus: string(collections.OutboxQueued)},
	).Execute()
	if err != nil {
		app.Logger().Warn("An email sent late could not be recorded as sent", "outbox", id, "error", err)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// queueOtherMail puts every email that does not come from the outbox worker
// (PocketBase's own: verification, one-time codes, new-device alerts,
// superuser password resets) into the outbox instead of sending it, so it
// is durable too and no request waits on the mail server.
// NB! Attachments are not kept; none of these emails has any.
func queueOtherMail(e *core.MailerEvent) error {
	if e.Message.Headers[outboxHeader] != "" {
		return e.Next()
	}
	for _, to := range slices.Concat(e.Message.To, e.Message.Cc, e.Message.Bcc) {
		if _, err := createRecord(e.App, collections.MailOutbox, map[string]any{
			collections.FieldKind:          "system",
			collections.FieldTo:            to.Address,
			collections.FieldToName:        to.Name,
			collections.FieldSubject:       e.Message.Subject,
			collections.FieldHTML:          e.Message.HTML,
			collections.FieldText:          e.Message.Text,
			collections.FieldStatus:        string(collections.OutboxQueued),
			collections.FieldNextAttemptAt: types.NowDateTime(),
		}); err != nil {
			return fmt.Errorf("queue email to %s: %w", to.Address, err)
		}
	}
	wakeOutboxAfterCommit(e.App)
	return nil
}

// requeueFailedEmail lets an admin send a failed email again by setting its
// status back to queued in the dashboard: it gets a fresh set of attempts,
// due now.
func requeueFailedEmail(e *core.RecordEvent) error {
	was := collections.OutboxStatus(stored(e.App, e.Record).GetString(collections.FieldStatus))
	is := collections.OutboxStatus(e.Record.GetString(collections.FieldStatus))
	if was == collections.OutboxFailed && is == collections.OutboxQueued {
		e.Record.Set(collections.FieldAttempts, 0)
		e.Record.Set(collections.FieldNextAttemptAt, types.NowDateTime())
		e.Record.Set(collections.FieldClaimedAt, "")
		if err := e.Next(); err != nil {
			return err
		}
		wakeOutboxAfterCommit(e.App)
		return nil
	}
	return e.Next()
}
