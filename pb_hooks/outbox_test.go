package pb_hooks_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// queueMails queues n notifications about the agency's event (two emails each).
func queueMails(t testing.TB, app core.App, a agency, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := pb_hooks.Notify(app, pb_hooks.NotifyEventBooked, a.event.Record, pb_hooks.Values{"contact_name": fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// failMail makes every send fail while *failing is true.
func failMail(app core.App, failing *bool) {
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		if *failing {
			return errors.New("421 mail server busy")
		}
		return e.Next()
	})
}

// pretendTimePassed makes every queued email due now, as if its back-off ended.
func pretendTimePassed(t *testing.T, app core.App) {
	t.Helper()
	if _, err := app.NonconcurrentDB().Update(collections.MailOutbox,
		dbx.Params{collections.FieldNextAttemptAt: types.NowDateTime().String()},
		dbx.HashExp{collections.FieldStatus: "queued"}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func TestOutboxRetriesWithBackoffThenGivesUp(t *testing.T) {
	t.Parallel()
	// No background worker: this test drives the deliveries itself.
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	t.Cleanup(app.Cleanup)
	a := newAgency(t, app)
	config := pb_hooks.OutboxConfig{MaxAttempts: 3, RetryBase: time.Minute, RetryMax: time.Hour}
	failing := true
	failMail(app, &failing)
	queueMails(t, app, a, 1) // two emails

	for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute} {
		started := time.Now()
		sent, err := pb_hooks.DeliverDueEmails(app, config, nil)
		if err != nil || sent != 0 {
			t.Fatalf("attempt %d: sent=%d err=%v", attempt+1, sent, err)
		}
		for _, m := range queued(t, app) {
			next := m.GetDateTime(collections.FieldNextAttemptAt).Time()
			if m.GetString(collections.FieldStatus) != "queued" || m.GetInt(collections.FieldAttempts) != attempt+1 ||
				next.Before(started.Add(wait-time.Second)) || next.After(time.Now().Add(wait+time.Second)) ||
				!strings.Contains(m.GetString(collections.FieldLastError), "421 mail server busy") {
				t.Fatalf("after attempt %d: status=%s attempts=%d next in %s, error %q; want queued, retry in %s",
					attempt+1, m.GetString(collections.FieldStatus), m.GetInt(collections.FieldAttempts),
					time.Until(next).Round(time.Second), m.GetString(collections.FieldLastError), wait)
			}
		}
		// Not yet due: nothing is tried before the back-off ends.
		if _, err := pb_hooks.DeliverDueEmails(app, config, nil); err != nil {
			t.Fatal(err)
		}
		for _, m := range queued(t, app) {
			if m.GetInt(collections.FieldAttempts) != attempt+1 {
				t.Fatalf("an email was retried before its back-off ended (%d attempts)", m.GetInt(collections.FieldAttempts))
			}
		}
		pretendTimePassed(t, app)
	}

	if _, err := pb_hooks.DeliverDueEmails(app, config, nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range queued(t, app) {
		if m.GetString(collections.FieldStatus) != "failed" || m.GetInt(collections.FieldAttempts) != 3 ||
			m.GetString(collections.FieldLastError) != "421 mail server busy" {
			t.Errorf("after the last attempt: status=%s attempts=%d error %q, want failed/3 with the server's answer",
				m.GetString(collections.FieldStatus), m.GetInt(collections.FieldAttempts), m.GetString(collections.FieldLastError))
		}
	}

	// An admin re-queues a failed email from the dashboard; it goes out.
	failing = false
	failed := queued(t, app)[0]
	(&tests.ApiScenario{
		Method: http.MethodPatch, URL: "/api/collections/mail_outbox/records/" + failed.Id,
		Body: strings.NewReader(`{"status":"queued"}`), Headers: portaltest.AuthHeaders(t, a.admin1),
		ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"status":"queued"`, `"attempts":0`},
		TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true,
	}).Test(t)
	app.TestMailer.Reset()
	if sent, err := pb_hooks.DeliverDueEmails(app, config, nil); err != nil || sent != 1 {
		t.Fatalf("re-queued email: sent=%d err=%v", sent, err)
	}
	if got := app.TestMailer.LastMessage().To[0].Address; got != failed.GetString(collections.FieldTo) {
		t.Errorf("sent to %s, want %s", got, failed.GetString(collections.FieldTo))
	}
}

func TestOutboxBackoffDoublesUpToTheCap(t *testing.T) {
	t.Parallel()
	c := pb_hooks.OutboxConfig{RetryBase: 30 * time.Second, RetryMax: 10 * time.Minute}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	for i, w := range want {
		if got := c.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
}

// TestOutboxGivesUpOnAStalledServer sends to a real SMTP server that takes
// the message but never answers: the worker stops waiting after the send
// timeout (kept under half the lease), reports the server down, and holds
// the emails back without counting an attempt. When the server finally
// answers, the late sends are recorded, so the retry sends nothing.
func TestOutboxGivesUpOnAStalledServer(t *testing.T) {
	t.Parallel()
	smtp, app, a := outboxByHand(t)
	queueMails(t, app, a, 1) // two emails
	smtp.Stall()
	config := pb_hooks.OutboxConfig{SendTimeout: time.Hour, Lease: 400 * time.Millisecond}

	if sent, err := pb_hooks.DeliverDueEmails(app, config, nil); !errors.Is(err, pb_hooks.ErrMailServerDown) || sent != 0 {
		t.Fatalf("sent=%d err=%v, want the server reported down", sent, err)
	}
	for _, m := range queued(t, app) {
		if m.GetString(collections.FieldStatus) != "queued" || m.GetInt(collections.FieldAttempts) != 0 ||
			!strings.Contains(m.GetString(collections.FieldLastError), "did not answer in time (200ms)") ||
			!m.GetDateTime(collections.FieldNextAttemptAt).Time().After(time.Now()) {
			t.Errorf("after a stalled send: status=%s attempts=%d error %q next %s, want queued, held back, no attempt counted, timed out at 200ms",
				m.GetString(collections.FieldStatus), m.GetInt(collections.FieldAttempts), m.GetString(collections.FieldLastError),
				m.GetDateTime(collections.FieldNextAttemptAt))
		}
	}

	smtp.Release()
	smtp.Next(t, 10*time.Second)
	smtp.Next(t, 10*time.Second)
	waitFor(t, 5*time.Second, func() bool { return len(queued(t, app, dbx.HashExp{"status": "sent"})) == 2 })
	pretendTimePassed(t, app)
	if sent, err := pb_hooks.DeliverDueEmails(app, config, nil); err != nil || sent != 0 {
		t.Fatalf("retry after the late sends: sent=%d err=%v, want nothing left to send", sent, err)
	}
	select {
	case m := <-smtp.Messages:
		t.Errorf("an email was sent twice: %+v", m)
	case <-time.After(300 * time.Millisecond):
	}
}

// breakSMTP puts the test mail server out of order: "refusing" closes its
// port, "stalled" holds every message unanswered. mendSMTP undoes it.
// TestOutboxLeavesTheUnsentQueued checks that when the mail server fails
// mid-way through a backlog, every email the worker did not send is queued
// and due, with no attempt counted: none is left waiting out a lease in
// "sending", and all go once the server is back.
func TestOutboxLeavesTheUnsentQueued(t *testing.T) {
	t.Parallel()
	smtp, app, a := outboxByHand(t)
	queueMails(t, app, a, 10) // 20 emails
	breakSMTP(smtp, "refusing")
	config := pb_hooks.OutboxConfig{Concurrency: 3, Lease: time.Hour}
	if sent, err := pb_hooks.DeliverDueEmails(app, config, nil); !errors.Is(err, pb_hooks.ErrMailServerDown) || sent != 0 {
		t.Fatalf("sent=%d err=%v, want the server reported down", sent, err)
	}
	all := queued(t, app)
	due := queued(t, app, dbx.HashExp{"status": "queued", "attempts": 0}, dbx.NewExp("next_attempt_at <= {:now}",
		dbx.Params{"now": types.NowDateTime().String()}))
	if len(all) != 20 || len(due) != 20 {
		t.Errorf("after the server failed: %d of %d emails queued and due with no attempt counted, want all 20 (%d still sending)",
			len(due), len(all), len(queued(t, app, dbx.HashExp{"status": "sending"})))
	}
	mendSMTP(smtp, "refusing")
	if sent, err := pb_hooks.DeliverDueEmails(app, config, nil); err != nil || sent != 20 {
		t.Errorf("once the server is back: sent=%d err=%v, want all 20", sent, err)
	}
}

// TestOutboxKeepsItsMailServerSessions checks that the outbox sends many
// emails over a few connections, kept open between them, and that when the
// server has closed the kept ones (a restart) the next emails go over new
// connections with nothing lost, sent twice or counted as an attempt.
func TestOutboxKeepsItsMailServerSessions(t *testing.T) {
	t.Parallel()
	smtp, app, a := outboxByHand(t)
	config := pb_hooks.OutboxConfig{Concurrency: 2}
	deliver := func(what string, emails int) {
		t.Helper()
		if sent, err := pb_hooks.DeliverDueEmails(app, config, nil); err != nil || sent != emails {
			t.Fatalf("%s: sent=%d err=%v, want %d", what, sent, err, emails)
		}
		for range emails {
			smtp.Next(t, 5*time.Second)
		}
	}
	queueMails(t, app, a, 15) // 30 emails
	deliver("a backlog", 30)
	if n := smtp.Connections(); n > 2 {
		t.Errorf("30 emails took %d connections, want at most one per sender (2)", n)
	}
	smtp.Stop()
	smtp.Start()
	queueMails(t, app, a, 5)
	deliver("after the server closed the kept sessions", 10)
	if n, _ := app.CountRecords(collections.MailOutbox, dbx.NewExp("attempts > 0 OR last_error != '' OR status != 'sent'")); n != 0 {
		t.Errorf("%d emails were not sent cleanly", n)
	}
	select {
	case m := <-smtp.Messages:
		t.Errorf("an email was sent twice: %+v", m)
	case <-time.After(300 * time.Millisecond):
	}
}

// outboxByHand is an app sending to a test SMTP server, with the agency
// fixture, whose outbox worker does not run: the test delivers by hand.
func outboxByHand(t *testing.T) (*portaltest.SMTPServer, *core.BaseApp, agency) {
	t.Helper()
	smtp := portaltest.StartSMTP(t)
	app := portaltest.OpenApp(t, portaltest.NewDataDir(t), pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	smtp.Use(t, app)
	return smtp, app, newAgency(t, app)
}

func breakSMTP(s *portaltest.SMTPServer, fault string) {
	if fault == "refusing" {
		s.Stop()
	} else {
		s.Stall()
	}
}

func mendSMTP(s *portaltest.SMTPServer, fault string) {
	if fault == "refusing" {
		s.Start()
	} else {
		s.Release()
	}
}

// TestOutboxPausesForAFailedServer runs the real worker against a mail
// server that refuses connections (port closed) and one that stalls: the
// queue pauses after the first failure, probes back off, no email burns an
// attempt, and once the server is back the backlog of 200 emails drains,
// each exactly once, with the worker's state shown in mail_worker.
func TestOutboxPausesForAFailedServer(t *testing.T) {
	t.Parallel()
	for _, fault := range []string{"refusing", "stalled"} {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			smtp := portaltest.StartSMTP(t)
			config := pb_hooks.OutboxConfig{PollInterval: 50 * time.Millisecond, ProbeBase: 50 * time.Millisecond,
				ProbeMax: 400 * time.Millisecond, StatusInterval: 20 * time.Millisecond,
				// A long lease: the emails whose send hung stay held back
				// until the server answers them.
				SendTimeout: 500 * time.Millisecond, Lease: time.Minute}
			app := portaltest.OpenApp(t, portaltest.NewDataDir(t), pb_hooks.Config{Outbox: config})
			smtp.Use(t, app)
			a := newAgency(t, app)
			queueMails(t, app, a, 100) // 200 emails
			breakSMTP(smtp, fault)
			portaltest.StartServer(t, app)

			worker := func() *core.Record {
				r, _ := app.FindRecordById(collections.MailWorker, pb_hooks.MailWorkerRecordID)
				return r
			}
			waitFor(t, 60*time.Second, func() bool {
				r := worker()
				return r != nil && r.GetString(collections.FieldState) == "paused" && r.GetString(collections.FieldLastError) != ""
			})
			// A few probes fail meanwhile (each one email, sent alone).
			time.Sleep(time.Second)
			if r := worker(); r.GetString(collections.FieldState) != "paused" || r.GetDateTime(collections.FieldNextProbeAt).IsZero() {
				t.Errorf("while the server is down: state %s, next probe %s; want paused with a probe planned",
					r.GetString(collections.FieldState), r.GetDateTime(collections.FieldNextProbeAt))
			}
			if n, _ := app.CountRecords(collections.MailOutbox, dbx.NewExp("attempts > 0 OR status IN ('failed','sent')")); n != 0 {
				t.Errorf("%d emails counted an attempt, failed or were sent while the server was down", n)
			}
			if tried, _ := app.CountRecords(collections.MailOutbox, dbx.NewExp("last_error != ''")); tried == 0 || tried > 50 {
				t.Errorf("%d emails were tried while the server was down; want a few (the first senders and the probes)", tried)
			}

			started := time.Now()
			mendSMTP(smtp, fault)
			seen := map[string]int{}
			for range 200 {
				seen[smtp.Next(t, 60*time.Second).OutboxID]++
			}
			t.Logf("%s server: 200 emails drained %s after it recovered", fault, time.Since(started).Round(time.Millisecond))
			for id, n := range seen {
				if n != 1 {
					t.Errorf("email %s arrived %d times", id, n)
				}
			}
			if len(seen) != 200 {
				t.Errorf("%d distinct emails arrived, want 200", len(seen))
			}
			waitFor(t, 30*time.Second, func() bool {
				r := worker()
				return r.GetString(collections.FieldState) == "running" && r.GetInt(collections.FieldQueued) == 0 &&
					r.GetInt(collections.FieldSending) == 0 && !r.GetDateTime(collections.FieldLastSuccessAt).IsZero()
			})
			if n, _ := app.CountRecords(collections.MailOutbox, dbx.HashExp{"status": "sent", "attempts": 0}); n != 200 {
				t.Errorf("%d emails sent without a counted attempt, want 200", n)
			}
		})
	}
}

// TestOutboxCountsRefusedRecipients: an SMTP reply that rejects the email
// (550) counts an attempt of that email and does not pause the queue; a
// long error is cut to whole characters.
func TestOutboxCountsRefusedRecipients(t *testing.T) {
	t.Parallel()
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	t.Cleanup(app.Cleanup)
	a := newAgency(t, app)
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		return &textproto.Error{Code: 550, Msg: "no such mailbox " + strings.Repeat("é", 3000)}
	})
	queueMails(t, app, a, 1) // two emails
	if sent, err := pb_hooks.DeliverDueEmails(app, pb_hooks.OutboxConfig{}, nil); err != nil || sent != 0 {
		t.Fatalf("sent=%d err=%v, want both refused without pausing", sent, err)
	}
	for _, m := range queued(t, app) {
		last := m.GetString(collections.FieldLastError)
		if m.GetInt(collections.FieldAttempts) != 1 || !strings.Contains(last, "550") || !strings.Contains(last, "no such mailbox é") ||
			!utf8.ValidString(last) || utf8.RuneCountInString(last) != 2000 {
			t.Errorf("attempts=%d, error of %d characters (valid UTF-8: %v) starting %.30q; want 1 attempt and 2000 whole characters",
				m.GetInt(collections.FieldAttempts), utf8.RuneCountInString(last), utf8.ValidString(last), last)
		}
	}
}

// TestTwoWorkersNeverSendTwice runs two apps on one database (two processes'
// worth) delivering the same queue at the same time.
func TestTwoWorkersNeverSendTwice(t *testing.T) {
	t.Parallel()
	dir := portaltest.NewDataDir(t)
	config := pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}}
	first, second := portaltest.OpenApp(t, dir, config), portaltest.OpenApp(t, dir, config)
	a := newAgency(t, first)
	queueMails(t, first, a, 40) // 80 emails

	var mu sync.Mutex
	sends := map[string]int{}
	for _, app := range []core.App{first, second} {
		app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
			mu.Lock()
			sends[e.Message.Headers["X-Crewportal-Outbox-Id"]]++
			mu.Unlock()
			return nil // delivered
		})
	}
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, app := range []core.App{first, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := pb_hooks.DeliverDueEmails(app, config.Outbox, nil)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	if len(sends) != 80 || counts[0]+counts[1] != 80 {
		t.Fatalf("%d distinct emails sent (%d+%d), want 80", len(sends), counts[0], counts[1])
	}
	for id, n := range sends {
		if n != 1 {
			t.Errorf("email %s sent %d times", id, n)
		}
	}
	t.Logf("worker split: %d / %d", counts[0], counts[1])
}

// TestOutboxResumesAfterRestart queues emails, "crashes" with one of them
// mid-send, and starts the server again on the same data: every email goes
// out through real SMTP, the interrupted one once its lease expired.
func TestOutboxResumesAfterRestart(t *testing.T) {
	t.Parallel()
	smtp := portaltest.StartSMTP(t)
	dir := portaltest.NewDataDir(t)
	config := pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{PollInterval: 50 * time.Millisecond, Lease: time.Second}}

	before := portaltest.OpenApp(t, dir, config) // never served: its worker never runs
	smtp.Use(t, before)
	a := newAgency(t, before)
	queueMails(t, before, a, 2) // four emails
	interrupted := queued(t, before)[0]
	if _, err := before.NonconcurrentDB().Update(collections.MailOutbox,
		dbx.Params{"status": "sending", "claimed_at": types.NowDateTime().String()},
		dbx.HashExp{"id": interrupted.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	portaltest.Close(before)

	after := portaltest.OpenApp(t, dir, config)
	portaltest.StartServer(t, after)
	perAdmin := map[string]int{}
	for i := 0; i < 4; i++ {
		perAdmin[smtp.Next(t, 10*time.Second).To[0]]++
	}
	if perAdmin["ops1@agency.test"] != 2 || perAdmin["ops2@agency.test"] != 2 {
		t.Errorf("emails per admin = %v, want 2 each", perAdmin)
	}
	waitFor(t, 5*time.Second, func() bool {
		n, _ := after.CountRecords(collections.MailOutbox, dbx.HashExp{"status": "sent"})
		return n == 4
	})
	select {
	case m := <-smtp.Messages:
		t.Errorf("an extra email arrived: %+v", m)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestEmailEndToEnd sends a real email through an SMTP server in the test
// process after a contact changes their details over HTTP; then stops the
// server, saves another change, starts it again and sees that email arrive.
func TestEmailEndToEnd(t *testing.T) {
	t.Parallel()
	smtp := portaltest.StartSMTP(t)
	app := portaltest.OpenApp(t, portaltest.NewDataDir(t), pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{
		PollInterval: 50 * time.Millisecond, ProbeBase: 100 * time.Millisecond, ProbeMax: 200 * time.Millisecond}})
	smtp.Use(t, app)
	a := newAgency(t, app)
	base := portaltest.StartServer(t, app)
	token := portaltest.AuthHeaders(t, a.manager.Record)["Authorization"]

	rename := func(name string) {
		if status, body := portaltest.Call(t, http.MethodPatch, base+"/api/collections/contacts/records/"+a.manager.Id,
			token, map[string]any{"name": name}); status != http.StatusOK {
			t.Fatalf("rename: %d %s", status, body)
		}
	}

	rename("Olivia Hart")
	var got []portaltest.Mail
	for i := 0; i < 2; i++ {
		got = append(got, smtp.Next(t, 10*time.Second))
	}
	for _, m := range got {
		if m.From != "portal@agency.test" || len(m.To) != 1 || !strings.HasPrefix(m.To[0], "ops") {
			t.Errorf("envelope from %s to %v", m.From, m.To)
		}
		if m.Subject != "Acme Events: Olivia Hart updated their details" {
			t.Errorf("subject = %q", m.Subject)
		}
		if !strings.Contains(m.Text, "→ Olivia Hart") || !strings.Contains(m.HTML, "→ Olivia Hart") {
			t.Errorf("body lacks the change:\ntext: %s\nhtml: %s", m.Text, m.HTML)
		}
	}
	if got[0].To[0] == got[1].To[0] {
		t.Errorf("both emails went to %s", got[0].To[0])
	}

	smtp.Stop()
	rename("Olivia Hart-Jones")
	// The worker tries, fails against the stopped server and pauses the
	// queue; the emails keep their attempts.
	waitFor(t, 10*time.Second, func() bool {
		n, _ := app.CountRecords(collections.MailOutbox, dbx.NewExp("last_error != ''"))
		return n >= 1
	})
	if n, _ := app.CountRecords(collections.MailOutbox, dbx.NewExp("attempts > 0")); n != 0 {
		t.Errorf("%d emails counted an attempt against a stopped server", n)
	}
	smtp.Start()
	for i := 0; i < 2; i++ {
		if m := smtp.Next(t, 10*time.Second); !strings.Contains(m.Text, "→ Olivia Hart-Jones") {
			t.Errorf("after restart got %q", m.Text)
		}
	}
}

func waitFor(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPocketBaseMailGoesThroughOutbox checks that PocketBase's own emails
// (here a verification email) are queued, not sent from the request.
func TestPocketBaseMailGoesThroughOutbox(t *testing.T) {
	t.Parallel()
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	t.Cleanup(app.Cleanup)
	a := newAgency(t, app)
	a.manager.SetVerified(false)
	if err := app.Save(a.manager); err != nil {
		t.Fatal(err)
	}
	(&tests.ApiScenario{
		Method: http.MethodPost, URL: "/api/collections/contacts/request-verification",
		Body:           strings.NewReader(`{"email":"` + a.manager.Email() + `"}`),
		ExpectedStatus: http.StatusNoContent,
		TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true,
	}).Test(t)
	waitFor(t, 5*time.Second, func() bool { return len(queued(t, app, dbx.HashExp{"kind": "system"})) == 1 })
	if got := recipientsOf(queued(t, app, dbx.HashExp{"kind": "system"})); got != a.manager.Email() {
		t.Errorf("queued to %q", got)
	}
	if app.TestMailer.TotalSend() != 0 {
		t.Errorf("%d emails sent directly", app.TestMailer.TotalSend())
	}
	if _, err := pb_hooks.DeliverDueEmails(app, pb_hooks.OutboxConfig{}, nil); err != nil || app.TestMailer.TotalSend() != 1 {
		t.Errorf("the worker sent %d (err %v), want 1", app.TestMailer.TotalSend(), err)
	}
}
