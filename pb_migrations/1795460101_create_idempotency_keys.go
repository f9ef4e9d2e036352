package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Idempotency keys (issue 12, item 7): a booking or change request sent
// again with the same Idempotency-Key gets the first answer instead of
// booking twice. The key is written in the transaction of the write it
// answers, so after a crash both exist or neither. Superusers only: nothing
// here is for clients to read.
func init() {
	m.Register(func(app core.App) error {
		keys := newCollection(collections.IdempotencyKeys,
			relation("contact", collections.Contacts, true, true),
			text("scope", true, 300),
			text("key", true, 200),
			text("request_hash", true, 64),
			number("status", true, true, 100, 599),
			&core.JSONField{Name: "response", MaxSize: 1 << 20},
		)
		keys.AddIndex("idx_idempotency_keys_scope", true, "contact, scope, key", "")
		keys.AddIndex("idx_idempotency_keys_created", false, "created", "")
		return app.Save(keys)
	}, func(app core.App) error {
		return deleteAll(app, collections.IdempotencyKeys)
	})
}
