package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// The Finance page adds up what a client owes over its open invoices: with
// (client, status) SQLite reads just those, not every invoice the client was
// ever sent (a large client has thousands, nearly all paid) (issue 16).
func init() {
	m.Register(func(app core.App) error {
		invoices, err := app.FindCollectionByNameOrId(collections.Invoices)
		if err != nil {
			return err
		}
		invoices.AddIndex("idx_invoices_client_status", false, "`client`, `status`", "")
		return app.Save(invoices)
	}, func(app core.App) error {
		invoices, err := app.FindCollectionByNameOrId(collections.Invoices)
		if err != nil {
			return err
		}
		invoices.RemoveIndex("idx_invoices_client_status")
		return app.Save(invoices)
	})
}
