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
