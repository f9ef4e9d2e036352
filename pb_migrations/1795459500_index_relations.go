package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Indexes for the single relations the first migrations left unindexed.
// PocketBase looks up the records that reference one being deleted (to
// cascade or unset them), and admins filter by these in the dashboard; each
// lookup would otherwise scan the whole table. TestEveryRelationIsIndexed
// keeps every future relation indexed too.
func init() {
	indexed := []struct{ collection, field string }{
		{collections.Rates, "profession"},
		{collections.Clients, "default_price_list"},
		{collections.Events, "created_by"},
		{collections.Events, "terms_agreed_by"},
		{collections.Events, "rebooked_from"},
		{collections.Shifts, "profession"},
		{collections.EventDocuments, "uploaded_by"},
		{collections.EventDocuments, "uploaded_by_admin"},
		{collections.ChangeRequests, "requested_by"},
		{collections.ChangeRequests, "decided_by"},
		{collections.InvoiceLines, "event"},
		{collections.AuditLog, "impersonated_by"},
	}
	change := func(app core.App, add bool) error {
		for _, ix := range indexed {
			c, err := app.FindCollectionByNameOrId(ix.collection)
			if err != nil {
				return err
			}
			name := "idx_" + ix.collection + "_" + ix.field
			if add {
				c.AddIndex(name, false, ix.field, "")
			} else {
				c.RemoveIndex(name)
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}
	m.Register(func(app core.App) error { return change(app, true) },
		func(app core.App) error { return change(app, false) })
}
