package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Creates invoices with their lines and payments. The invoice PDF is a
// protected file generated once, when the invoice is issued.
func init() {
	m.Register(func(app core.App) error {
		invoices := newCollection(collections.Invoices,
			relation("client", collections.Clients, true, false),
			text("number", true, 40),
			selectOne("status", true, "draft", "issued", "partly_paid", "paid", "overdue", "void"),
			date("issued_on", false),
			date("due_on", false),
			number("total", true, false, 0, -1),
			number("paid_amount", false, false, 0, -1),
			&core.TextField{Name: "currency", Required: true, Min: 3, Max: 3, Pattern: "^[A-Z]{3}$"},
			protectedFile("pdf", 10, 1, []string{"application/pdf"}),
			relations("events", collections.Events, 200),
			text("notes", false, 2000),
		)
		invoices.AddIndex("idx_invoices_number", true, "number", "")
		invoices.AddIndex("idx_invoices_client_issued", false, "client, issued_on", "")
		invoices.AddIndex("idx_invoices_status_due", false, "status, due_on", "")

		lines := newCollection(collections.InvoiceLines,
			relation("invoice", collections.Invoices, true, true),
			relation("client", collections.Clients, true, false),
			relation("event", collections.Events, false, false),
			text("description", true, 500),
			number("quantity", true, false, 0, -1),
			number("unit_price", true, false, 0, -1),
			number("amount", true, false, 0, -1),
		)
		lines.AddIndex("idx_invoice_lines_invoice", false, "invoice", "")
		lines.AddIndex("idx_invoice_lines_client", false, "client", "")

		payments := newCollection(collections.Payments,
			relation("invoice", collections.Invoices, true, true),
			relation("client", collections.Clients, true, false),
			date("paid_on", true),
			number("amount", true, false, 0, -1),
			text("method", false, 60),
			text("reference", false, 100),
		)
		payments.AddIndex("idx_payments_invoice", false, "invoice, paid_on", "")
		payments.AddIndex("idx_payments_client", false, "client, paid_on", "")

		return saveAll(app, invoices, lines, payments)
	}, func(app core.App) error {
		return deleteAll(app, collections.Invoices, collections.InvoiceLines, collections.Payments)
	})
}
