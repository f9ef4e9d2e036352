package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// A payment carries its invoice's currency (set by the payments hook), so
// the Finance page adds up a year of a client's payments from the (client,
// paid_on) index alone: joining each payment to its invoice for the
// currency read a large client's thousands of invoices (issue 16).
func init() {
	m.Register(func(app core.App) error {
		payments, err := app.FindCollectionByNameOrId(collections.Payments)
		if err != nil {
			return err
		}
		payments.Fields.Add(&core.TextField{Name: collections.FieldCurrency, Max: 3,
			Help: "The invoice's currency, copied when the payment is saved."})
		payments.AddIndex("idx_payments_client", false, "`client`, `paid_on`, `currency`, `amount`", "")
		if err := app.Save(payments); err != nil {
			return err
		}
		_, err = app.DB().NewQuery("UPDATE payments SET currency = " +
			"(SELECT currency FROM invoices WHERE invoices.id = payments.invoice)").Execute()
		return err
	}, func(app core.App) error {
		payments, err := app.FindCollectionByNameOrId(collections.Payments)
		if err != nil {
			return err
		}
		payments.AddIndex("idx_payments_client", false, "`client`, `paid_on`", "")
		payments.Fields.RemoveByName(collections.FieldCurrency)
		return app.Save(payments)
	})
}
