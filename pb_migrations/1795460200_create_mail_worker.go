package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Creates mail_worker: the outbox worker's status (running or paused, last
// success, last error, next probe of the mail server, queue length), written
// by the worker and read by admins in the dashboard. Superusers only.
func init() {
	m.Register(func(app core.App) error {
		worker := newCollection(collections.MailWorker,
			&core.TextField{Name: "worker", Max: 200, Help: "The host and process id of the worker that wrote this."},
			&core.SelectField{Name: "state", Required: true, MaxSelect: 1,
				Values: []string{"running", "paused", "stopped"},
				Help:   "paused: the mail server failed; the queue waits for it to answer a probe."},
			&core.DateField{Name: "last_success_at", Help: "When an email was last sent."},
			text("last_error", false, 2000),
			date("last_error_at", false),
			&core.DateField{Name: "next_probe_at", Help: "While paused: when the worker next tries the mail server."},
			&core.NumberField{Name: "queued", OnlyInt: true, Help: "Emails waiting to be sent."},
			&core.NumberField{Name: "sending", OnlyInt: true, Help: "Emails in hand."},
			&core.NumberField{Name: "failed", OnlyInt: true, Help: "Emails that gave up: set one back to queued in mail_outbox to retry it."},
		)
		return saveAll(app, worker)
	}, func(app core.App) error {
		return deleteAll(app, collections.MailWorker)
	})
}
