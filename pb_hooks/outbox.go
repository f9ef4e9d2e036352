package pb_hooks

import (
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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
	// failed (default 8). Only the email's own failures count (a rejected
	// recipient or message), never the mail server's.
	MaxAttempts int
	// RetryBase is the wait after an email's first failure; each further
	// failure doubles it (default 30s), up to RetryMax (default 6h).
	RetryBase, RetryMax time.Duration
	// SendTimeout is how long the worker waits for the mail server before it
	// gives up on a send (default 2m): PocketBase's mail client sets no
	// deadline of its own, so one hung connection would otherwise hold a
	// sender for ever. A timeout is the server's failure, not the email's.
	SendTimeout time.Duration
	// Lease is how long an email may stay "sending" before a worker takes it
	// over, i.e. after the process died mid-send (default 3 × SendTimeout).
	// SendTimeout is kept under half of it, so the outcome is always
	// recorded before another worker may take the email.
	Lease time.Duration
	// Concurrency is how many emails are sent at once (default 4).
	Concurrency int
	// ProbeBase is how long the whole queue pauses after the mail server
	// failed (a timeout, a refused or broken connection, an unavailable
	// service); then one email is sent alone as a probe, and each failed
	// probe doubles the pause, up to ProbeMax (defaults 5s and 1m). Emails
	// keep their attempts meanwhile; a probe the server answers resumes full
	// speed at once.
	ProbeBase, ProbeMax time.Duration
	// StatusInterval is the least time between two writes of the worker's
	// status record (mail_worker) besides a change of state (default 5s).
	StatusInterval time.Duration
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
	def(&c.Lease, 3*c.SendTimeout)
	def(&c.ProbeBase, 5*time.Second)
	def(&c.ProbeMax, time.Minute)
	def(&c.StatusInterval, 5*time.Second)
	c.SendTimeout = min(c.SendTimeout, c.Lease/2)
	c.ProbeMax = max(c.ProbeMax, c.ProbeBase)
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	return c
}

// Backoff returns how long to wait after the given number of failed attempts.
func (c OutboxConfig) Backoff(failures int) time.Duration {
	return doubled(c.RetryBase, c.RetryMax, failures)
}

// doubled returns base doubled for each step after the first, capped at limit.
func doubled(base, limit time.Duration, steps int) time.Duration {
	d := base
	for i := 1; i < steps && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
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
				se.App.Store().Set(outboxWorkerKey, w)
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
	// An admin who fixes the SMTP settings should not wait for the next probe.
	p.app.OnSettingsReload().Bind(&hook.Handler[*core.SettingsReloadEvent]{
		Id: HookIDPrefix + "outbox.probeOnSettings",
		Func: func(e *core.SettingsReloadEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			w.nudge(true)
			return nil
		},
	})
}

// outboxWorker sends due emails in the background, outside any request.
// After a failure of the mail server it pauses the whole queue and probes
// the server with one email at a time, backing off, until it answers.
type outboxWorker struct {
	app      core.App
	config   OutboxConfig
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	started  atomic.Bool
	probeNow atomic.Bool
}

// nudge wakes the worker; with probe, a paused worker probes the mail
// server at once instead of at the planned time.
func (w *outboxWorker) nudge(probe bool) {
	if probe {
		w.probeNow.Store(true)
	}
	select {
	case w.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

func (w *outboxWorker) run() {
	defer close(w.done)
	status := newWorkerStatus(w.app, w.config.StatusInterval)
	defer status.setState(collections.MailWorkerStopped, time.Time{})
	status.setState(collections.MailWorkerRunning, time.Time{})

	var pause time.Duration // zero while running
	var nextProbe time.Time
	for {
		if pause == 0 {
			_, err := deliverDueEmails(w.app, w.config, w.stop, status.recordSend)
			if errors.Is(err, ErrMailServerDown) {
				pause, nextProbe = w.config.ProbeBase, time.Now().Add(w.config.ProbeBase)
				w.probeNow.Store(false) // only news from now on brings the probe forward
				status.setState(collections.MailWorkerPaused, nextProbe)
				w.app.Logger().Warn("Mail server failed: outbox paused", "error", err, "nextProbe", nextProbe)
			} else if err != nil {
				w.app.Logger().Error("Outbox delivery failed", "error", err)
			}
		} else if w.probeNow.Swap(false) || !time.Now().Before(nextProbe) {
			res, tried, err := probeMailServer(w.app, w.config, w.stop)
			if tried {
				status.recordSend(res)
			}
			switch {
			case err != nil:
				w.app.Logger().Error("Outbox probe failed", "error", err)
			case tried && res.answered():
				pause = 0
				status.setState(collections.MailWorkerRunning, time.Time{})
				w.app.Logger().Info("Mail server answered: outbox resumed")
				continue // full speed at once
			case tried && res.serverDown:
				pause = min(2*pause, w.config.ProbeMax)
			}
			nextProbe = time.Now().Add(pause)
			status.setState(collections.MailWorkerPaused, nextProbe)
		}
		status.flush(false)

		wait := w.config.PollInterval
		if pause > 0 {
			// Wake for the probe, and in between to keep the status fresh.
			wait = max(min(time.Until(nextProbe), w.config.StatusInterval), time.Millisecond)
		}
		timer := time.NewTimer(wait)
		select {
		case <-w.stop:
			timer.Stop()
			return
		case <-timer.C:
		case <-w.wake:
			timer.Stop()
		}
	}
}

// shutdown stops the worker and waits until it has recorded the emails in
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

// ErrMailServerDown is returned by DeliverDueEmails when the mail server
// failed, not an email: it timed out, refused or broke the connection, or
// said it is unavailable. The emails in hand are queued again without
// counting an attempt.
var ErrMailServerDown = errors.New("the mail server failed")

// DeliverDueEmails sends every queued email whose attempt time has come,
// Concurrency at a time, until none is left, stop is closed or the mail
// server fails (ErrMailServerDown), and returns how many were sent. Each
// email is first claimed with a conditional update, so two senders (in this
// process or another one on the same database) never send the same email
// twice; an email left "sending" longer than the lease is taken back.
func DeliverDueEmails(app core.App, config OutboxConfig, stop <-chan struct{}) (sent int, err error) {
	return deliverDueEmails(app, config.withDefaults(), stop, nil)
}

// deliverDueEmails is DeliverDueEmails with a callback told of every send.
func deliverDueEmails(app core.App, config OutboxConfig, stop <-chan struct{}, report func(sendResult)) (int, error) {
	if err := releaseExpiredLeases(app, config.Lease); err != nil {
		return 0, err
	}
	var (
		sent     atomic.Int64
		mu       sync.Mutex
		firstErr error
		halt     = make(chan struct{})
		haltOnce sync.Once
		ids      = make(chan string)
		senders  sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		haltOnce.Do(func() { close(halt) })
	}
	for range config.Concurrency {
		senders.Go(func() {
			for id := range ids {
				if isClosed(halt) || isClosed(stop) {
					continue
				}
				res, claimed, err := claimAndDeliver(app, config, id, stop)
				switch {
				case err != nil:
					fail(err)
				case !claimed:
				case res.err == nil:
					sent.Add(1)
				case res.serverDown:
					fail(fmt.Errorf("%w: %w", ErrMailServerDown, res.err))
				}
				if claimed && err == nil && report != nil {
					report(res)
				}
			}
		})
	}
	// An email handed out but not yet claimed may be fetched again; the
	// claim makes the second hand-out a no-op.
feed:
	for {
		due, err := dueEmails(app)
		if err != nil {
			fail(err)
			break
		}
		if len(due) == 0 {
			break
		}
		for _, id := range due {
			select {
			case ids <- id:
			case <-halt:
				break feed
			case <-stop:
				break feed
			}
		}
	}
	close(ids)
	senders.Wait()
	return int(sent.Load()), firstErr
}

// probeMailServer sends the oldest due email alone, to learn whether the
// mail server is back; tried is false when no email was due.
func probeMailServer(app core.App, config OutboxConfig, stop <-chan struct{}) (res sendResult, tried bool, err error) {
	if err := releaseExpiredLeases(app, config.Lease); err != nil {
		return res, false, err
	}
	due, err := dueEmails(app)
	if err != nil {
		return res, false, err
	}
	for _, id := range due {
		if res, claimed, err := claimAndDeliver(app, config, id, stop); claimed || err != nil {
			return res, claimed, err
		}
	}
	return res, false, nil
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// claimAndDeliver claims one email and, if this caller won it, sends it.
func claimAndDeliver(app core.App, config OutboxConfig, id string, stop <-chan struct{}) (sendResult, bool, error) {
	e, err := claimEmail(app, id)
	if err != nil || e == nil {
		return sendResult{}, false, err
	}
	res, err := deliverEmail(app, config, e, stop)
	return res, true, err
}

// releaseLeasesQuery puts back in the queue the emails claimed longer than
// lease ago. Every round of the worker runs it, so it names its index:
// statistics gathered while the outbox was nearly empty made SQLite scan the
// whole outbox, which keeps every email it ever sent.
func releaseLeasesQuery(app core.App, lease time.Duration) *dbx.Query {
	cutoff, _ := types.ParseDateTime(time.Now().Add(-lease).UTC())
	now := dbNow()
	return app.NonconcurrentDB().NewQuery("UPDATE {{" + collections.MailOutbox + "}} INDEXED BY [[idx_mail_outbox_due]] SET [[" +
		collections.FieldStatus + "]] = {:queued}, [[" + collections.FieldNextAttemptAt + "]] = {:now}, [[" +
		collections.FieldUpdated + "]] = {:now} WHERE [[" + collections.FieldStatus + "]] = {:sending} AND [[" +
		collections.FieldClaimedAt + "]] < {:cutoff}").Bind(dbx.Params{
		"queued": string(collections.OutboxQueued), "sending": string(collections.OutboxSending),
		"now": now, "cutoff": cutoff.String(),
	})
}

func dbNow() string { return types.NowDateTime().String() }

func dueEmails(app core.App) ([]string, error) {
	var ids []string
	err := dueEmailsQuery(app).Column(&ids)
	return ids, err
}

// dueEmailsQuery selects the ids of the next queued emails whose attempt
// time has come, oldest first (served by idx_mail_outbox_due).
func dueEmailsQuery(app core.App) *dbx.SelectQuery {
	return app.DB().Select(collections.FieldID).From(collections.MailOutbox).
		AndWhere(dbx.HashExp{collections.FieldStatus: string(collections.OutboxQueued)}).
		AndWhere(dbx.NewExp("[["+collections.FieldNextAttemptAt+"]] <= {:now}", dbx.Params{"now": dbNow()})).
		OrderBy(collections.FieldNextAttemptAt).
		Limit(outboxBatch)
}

// claimedEmail is an email this sender has claimed: what it needs to send
// it and record the outcome.
type claimedEmail struct {
	ID       string `db:"id"`
	To       string `db:"to"`
	ToName   string `db:"to_name"`
	Subject  string `db:"subject"`
	HTML     string `db:"html"`
	Text     string `db:"text"`
	Attempts int    `db:"attempts"`
}

// claimEmailSQL moves one due email from queued to sending and returns it
// as it is at that moment, in one statement (RETURNING): no second read
// that could see another version.
var claimEmailSQL = "UPDATE {{" + collections.MailOutbox + "}} SET [[" + collections.FieldStatus + "]] = {:sending}, [[" +
	collections.FieldClaimedAt + "]] = {:now}, [[" + collections.FieldUpdated + "]] = {:now} WHERE [[" +
	collections.FieldID + "]] = {:id} AND [[" + collections.FieldStatus + "]] = {:queued} AND [[" +
	collections.FieldNextAttemptAt + "]] <= {:now} RETURNING [[" + strings.Join([]string{collections.FieldID,
	collections.FieldTo, collections.FieldToName, collections.FieldSubject, collections.FieldHTML,
	collections.FieldText, collections.FieldAttempts}, "]], [[") + "]]"

// claimEmail moves one due email from queued to sending, and returns it if
// this caller won it. SQLite runs the conditional update atomically, so of
// several claimers exactly one gets the row; an email already tried and
// queued for later is not due, so a stale hand-out cannot take it.
func claimEmail(app core.App, id string) (*claimedEmail, error) {
	var e claimedEmail
	err := app.NonconcurrentDB().NewQuery(claimEmailSQL).Bind(dbx.Params{
		"id": id, "now": dbNow(),
		"queued": string(collections.OutboxQueued), "sending": string(collections.OutboxSending),
	}).One(&e)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("claim email %s: %w", id, err)
	}
	return &e, nil
}

func releaseExpiredLeases(app core.App, lease time.Duration) error {
	if _, err := releaseLeasesQuery(app, lease).Execute(); err != nil {
		return fmt.Errorf("release expired outbox leases: %w", err)
	}
	return nil
}

// sendResult is the outcome of one send: err is nil when the email was
// sent; serverDown says the mail server failed rather than the email.
type sendResult struct {
	err        error
	serverDown bool
}

// answered reports whether the mail server answered the send, with the
// email sent or refused: it is up.
func (r sendResult) answered() bool {
	return !r.serverDown && !errors.Is(r.err, errSendStopped)
}

// deliverEmail sends one claimed email and records the outcome: sent;
// queued again after a back-off or failed after the last attempt, when the
// server refused the email; or queued again without counting an attempt
// when the server failed or the worker shut down.
func deliverEmail(app core.App, config OutboxConfig, e *claimedEmail, stop <-chan struct{}) (sendResult, error) {
	meta := app.Settings().Meta
	msg := &mailer.Message{
		From:    mail.Address{Name: meta.SenderName, Address: meta.SenderAddress},
		To:      []mail.Address{{Name: e.ToName, Address: e.To}},
		Subject: e.Subject,
		HTML:    e.HTML,
		Text:    e.Text,
		Headers: map[string]string{outboxHeader: e.ID},
	}
	send := startSend(app, msg)
	defer close(send.recorded)
	res := sendResult{err: send.wait(config.SendTimeout, stop)}
	res.serverDown = isMailServerFault(res.err)

	now := dbNow()
	attempts := e.Attempts
	next := time.Now()
	outcome := dbx.Params{collections.FieldUpdated: now}
	switch {
	case res.err == nil:
		outcome[collections.FieldStatus] = string(collections.OutboxSent)
		outcome[collections.FieldSentAt] = now
	case res.serverDown || errors.Is(res.err, errSendStopped):
		if errors.Is(res.err, errSendTimedOut) {
			// The abandoned send may still go through; it records its own
			// outcome (abandonedSendFinished), and no probe takes the email
			// meanwhile, so it is not sent twice.
			next = next.Add(config.Lease)
		}
		outcome[collections.FieldStatus] = string(collections.OutboxQueued)
	case attempts+1 >= config.MaxAttempts:
		attempts++
		outcome[collections.FieldStatus] = string(collections.OutboxFailed)
	default:
		attempts++
		next = next.Add(config.Backoff(attempts))
		outcome[collections.FieldStatus] = string(collections.OutboxQueued)
	}
	outcome[collections.FieldLastError] = ""
	if res.err != nil {
		outcome[collections.FieldLastError] = truncate(res.err.Error(), 2000)
	}
	outcome[collections.FieldAttempts] = attempts
	if outcome[collections.FieldStatus] == string(collections.OutboxQueued) {
		nextAt, _ := types.ParseDateTime(next.UTC())
		outcome[collections.FieldNextAttemptAt] = nextAt.String()
	}
	// One plain update of the row this sender holds (the lease outlasts the
	// send): the outbox's fields need no validation, and no hook of ours
	// acts on the worker's own changes. Retried: an email sent but still
	// marked "sending" would be sent again once its lease ends.
	var saveErr error
	for try := 0; try < 3; try++ {
		if _, saveErr = app.NonconcurrentDB().Update(collections.MailOutbox, outcome,
			dbx.HashExp{collections.FieldID: e.ID}).Execute(); saveErr == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if saveErr != nil {
		return res, fmt.Errorf("record outcome of email %s: %w", e.ID, saveErr)
	}
	if res.err != nil {
		app.Logger().Warn("Email not sent", "outbox", e.ID, "attempt", attempts, "serverDown", res.serverDown, "error", res.err)
	}
	return res, nil
}

// isMailServerFault reports whether a send failed because of the mail server
// or the way to it rather than because of the email: no answer in time, a
// refused, reset or cut connection, a TLS failure, or an SMTP reply that
// holds for every email (service unavailable, authentication refused).
// A recipient or message the server rejects (e.g. 550) is the email's.
func isMailServerFault(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, errSendTimedOut) {
		return true
	}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		switch reply.Code {
		case 421, 454, 530, 534, 535, 538:
			return true
		}
		return false
	}
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	return errors.As(err, &netErr) || errors.As(err, &certErr) || errors.As(err, &recordErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// outboxHeader marks a message the outbox worker sends, so the catch-all
// hook lets it through.
const outboxHeader = "X-Crewportal-Outbox-Id"

// errSendStopped reports a send the worker stopped waiting for at shutdown.
var errSendStopped = errors.New("the server shut down while sending; the email will be sent again")

// errSendTimedOut reports a send the mail server did not finish in time.
var errSendTimedOut = errors.New("the mail server did not answer in time")

// sendAttempt is one send through PocketBase's mail client (the dashboard's
// SMTP settings), running on its own goroutine so the worker can stop
// waiting for it. Its result goes to exactly one side: the waiting worker,
// or, once the worker gave up, abandonedSendFinished.
type sendAttempt struct {
	mu        sync.Mutex
	finished  bool
	err       error
	abandoned bool
	done      chan struct{} // closed when the send finished
	recorded  chan struct{} // closed once the worker has saved its outcome
}

// startSend begins sending msg.
// NB! A send the worker gave up on may still complete. If it does, it is
// recorded as sent, unless a new attempt has claimed the email meanwhile;
// then the recipient gets it twice. Delivery is at least once, never lost.
func startSend(app core.App, msg *mailer.Message) *sendAttempt {
	s := &sendAttempt{done: make(chan struct{}), recorded: make(chan struct{})}
	routine.FireAndForget(func() {
		err := newOutboxMailClient(app).Send(msg)
		s.mu.Lock()
		s.finished, s.err = true, err
		late := s.abandoned
		s.mu.Unlock()
		close(s.done)
		if late {
			<-s.recorded
			abandonedSendFinished(app, msg.Headers[outboxHeader], err)
		}
	})
	return s
}

// wait returns the send's result, waiting at most timeout or until stop.
func (s *sendAttempt) wait(timeout time.Duration, stop <-chan struct{}) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	gaveUp := errSendStopped
	select {
	case <-s.done:
	case <-deadline.C:
		gaveUp = fmt.Errorf("%w (%s); the email will be sent again", errSendTimedOut, timeout)
	case <-stop:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished { // possibly just as the wait ended
		return s.err
	}
	s.abandoned = true
	return gaveUp
}

// abandonedSendFinished records the end of a send the worker gave up on,
// unless a new attempt has claimed the email meanwhile: sent, or due at once
// (it was held back while the send might still go through).
func abandonedSendFinished(app core.App, id string, sendErr error) {
	if !app.IsBootstrapped() {
		return // the process is shutting down: the email stays queued
	}
	now := dbNow()
	params := dbx.Params{collections.FieldStatus: string(collections.OutboxSent), collections.FieldSentAt: now,
		collections.FieldLastError: "", collections.FieldUpdated: now}
	if sendErr != nil {
		params = dbx.Params{collections.FieldNextAttemptAt: now, collections.FieldUpdated: now}
	}
	_, err := app.NonconcurrentDB().Update(collections.MailOutbox, params,
		dbx.HashExp{collections.FieldID: id, collections.FieldStatus: string(collections.OutboxQueued)},
	).Execute()
	if err != nil {
		app.Logger().Warn("The end of an abandoned send could not be recorded", "outbox", id, "error", err)
	}
	if sendErr == nil {
		// The server answered after all: a paused worker need not wait for
		// its next probe.
		if w, ok := app.Store().Get(outboxWorkerKey).(*outboxWorker); ok {
			w.nudge(true)
		}
	}
}

// truncate cuts s to at most n characters (runes, as PocketBase's text
// fields count them), never inside one.
func truncate(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
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
