package pb_hooks_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// BenchmarkNotifyingRequest measures a contact's details change over HTTP,
// which queues two emails, against a responsive and a stalled SMTP server.
// The request only writes to the outbox, so both figures should match: no
// request waits on the mail server (spec N4).
func BenchmarkNotifyingRequest(b *testing.B) {
	for _, stalled := range []bool{false, true} {
		name := "smtp=responsive"
		if stalled {
			name = "smtp=stalled"
		}
		b.Run(name, func(b *testing.B) {
			smtp := portaltest.StartSMTP(b)
			if stalled {
				smtp.Stall()
			}
			app := portaltest.OpenApp(b, portaltest.NewDataDir(b), pb_hooks.Config{
				Outbox: pb_hooks.OutboxConfig{PollInterval: 10 * time.Millisecond}})
			smtp.Use(b, app)
			a := newAgency(b, app)
			base := portaltest.StartServer(b, app)
			token := portaltest.AuthHeaders(b, a.manager.Record)["Authorization"]
			url := base + "/api/collections/contacts/records/" + a.manager.Id

			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if status, body := portaltest.Call(b, http.MethodPatch, url, token,
					map[string]any{"name": fmt.Sprintf("Name %d", i)}); status != http.StatusOK {
					b.Fatalf("request %d: %d %s", i, status, body)
				}
			}
			b.StopTimer()

			sent, _ := app.CountRecords(collections.MailOutbox, dbx.HashExp{"status": "sent"})
			b.ReportMetric(float64(sent)/float64(2*b.N), "sent/queued")
			smtp.Release()
		})
	}
}

// BenchmarkOutboxDrainAfterRecovery measures how long a backlog of 200
// emails takes to go out once the mail server is back from a 3-second
// outage, refusing connections or stalling, with the default retry and
// probe settings (send timeout 1s). It reports drain-s: seconds from the
// recovery to the 200th distinct email arriving.
func BenchmarkOutboxDrainAfterRecovery(b *testing.B) {
	for _, fault := range []string{"refusing", "stalled"} {
		b.Run("smtp="+fault, func(b *testing.B) {
			for range b.N {
				smtp := portaltest.StartSMTP(b)
				app := portaltest.OpenApp(b, portaltest.NewDataDir(b), pb_hooks.Config{
					Outbox: pb_hooks.OutboxConfig{SendTimeout: time.Second, Lease: 30 * time.Second}})
				smtp.Use(b, app)
				queueMails(b, app, newAgency(b, app), 100) // 200 emails
				breakSMTP(smtp, fault)
				portaltest.StartServer(b, app)
				time.Sleep(3 * time.Second)

				recovered := time.Now()
				mendSMTP(smtp, fault)
				seen := map[string]bool{}
				for len(seen) < 200 {
					seen[smtp.Next(b, 5*time.Minute).OutboxID] = true
				}
				b.ReportMetric(time.Since(recovered).Seconds(), "drain-s")
			}
		})
	}
}
