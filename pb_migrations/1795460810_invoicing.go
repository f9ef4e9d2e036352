package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/money"
)

// Invoicing (spec F1–F3): invoices get a gap-free sequence assigned when
// they are issued (so drafts have no number yet: the number's unique index
// skips them), server-computed subtotal and tax, the billing details frozen
// at issue (the PDF is rendered from them, also when a void invoice is
// stamped), and void details; lines get a tax rate and their rounded tax and
// total; the agency's invoicing settings (number prefix, payment terms and
// instructions, address, logo, the overdue email switch) join the portal
// settings. Contacts whose role may view invoices read their own client's
// invoices, lines and payments, never drafts.
func init() {
	minor := func(name, help string) *core.NumberField {
		return &core.NumberField{Name: name, OnlyInt: true, Min: types.Pointer(0.0),
			Max: types.Pointer(float64(money.MaxMinor)), Help: help}
	}
	canView := collections.RuleAnd(collections.RuleIsContact, collections.RuleOwnClient,
		collections.RuleHasPermission(collections.PermViewInvoices))
	reads := map[string]string{
		collections.Invoices:     collections.RuleAnd(canView, `status != "draft"`),
		collections.InvoiceLines: collections.RuleAnd(canView, `invoice.status != "draft"`),
		collections.Payments:     collections.RuleAnd(canView, `invoice.status != "draft"`),
	}
	m.Register(func(app core.App) error {
		invoices, err := app.FindCollectionByNameOrId(collections.Invoices)
		if err != nil {
			return err
		}
		invoices.Fields.Add(
			&core.TextField{Name: "number", Max: 40, Help: "Assigned when the invoice is issued: prefix + sequence."},
			&core.NumberField{Name: "sequence", OnlyInt: true, Min: types.Pointer(0.0),
				Help: "Gap-free running number, assigned when issued and never reused."},
			minor("subtotal", "Computed: the lines' amounts before tax, in minor units (cents)."),
			minor("tax_total", "Computed: the lines' tax, in minor units (cents)."),
			minor("total", "Computed: subtotal + tax, in minor units (cents)."),
			minor("paid_amount", "Computed: the sum of the payments, in minor units (cents)."),
			&core.JSONField{Name: "billing", MaxSize: 20000,
				Help: "Frozen when issued: the client's and agency's details the PDF shows."},
			date("voided_at", false),
			text("void_reason", false, 500),
		)
		invoices.RemoveIndex("idx_invoices_number")
		invoices.AddIndex("idx_invoices_number", true, "number", "number != ''")
		invoices.AddIndex("idx_invoices_sequence", true, "sequence", "sequence > 0")
		if err := app.Save(invoices); err != nil {
			return err
		}

		lines, err := app.FindCollectionByNameOrId(collections.InvoiceLines)
		if err != nil {
			return err
		}
		lines.Fields.Add(
			&core.NumberField{Name: "quantity", Required: true, Min: types.Pointer(0.0), Max: types.Pointer(1e9),
				Help: "Up to three decimals (7.5 hours)."},
			&core.NumberField{Name: "tax_rate", Min: types.Pointer(0.0), Max: types.Pointer(100.0),
				Help: "Percent, up to two decimals (20 or 7.7)."},
			minor("amount", "Computed: quantity × unit price, rounded half-even, in minor units (cents)."),
			minor("tax_amount", "Computed: amount × tax rate, rounded half-even, in minor units (cents)."),
			minor("line_total", "Computed: amount + tax, in minor units (cents)."),
		)
		if f, ok := lines.Fields.GetByName("amount").(*core.NumberField); ok {
			f.Required = false // computed by the server
		}
		if err := app.Save(lines); err != nil {
			return err
		}

		settings, err := app.FindCollectionByNameOrId(collections.PortalSettings)
		if err != nil {
			return err
		}
		settings.Fields.Add(
			&core.TextField{Name: "invoice_number_prefix", Max: 20,
				Help: "Put before every invoice number, e.g. INV-2026- gives INV-2026-000042. Applies to invoices issued after the change."},
			&core.NumberField{Name: "invoice_payment_days", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(365.0),
				Help: "Days from issue to the due date when an issued invoice has none."},
			&core.TextField{Name: "invoice_payment_instructions", Max: 1000,
				Help: "Printed on every invoice, e.g. the bank account and the reference to quote."},
			&core.TextField{Name: "agency_address", Max: 500, Help: "The agency's postal address and tax number, printed on invoices."},
			&core.FileField{Name: "agency_logo", MaxSelect: 1, MaxSize: 2 * mb, MimeTypes: []string{"image/png", "image/jpeg"},
				Help: "Printed at the top of invoices (PNG or JPEG)."},
			boolean("notify_invoice_overdue"),
		)
		if err := app.Save(settings); err != nil {
			return err
		}
		records, err := app.FindAllRecords(settings)
		if err != nil {
			return err
		}
		for _, r := range records {
			r.Set("invoice_number_prefix", "INV-")
			r.Set("invoice_payment_days", 30)
			if err := app.SaveNoValidate(r); err != nil {
				return err
			}
		}
		// Invoices from before: their totals were entered without tax.
		for _, q := range []string{
			`UPDATE invoices SET subtotal = total, tax_total = 0`,
			`UPDATE invoice_lines SET tax_rate = 0, tax_amount = 0, line_total = amount`,
		} {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		if err := installTemplates(app, notificationTemplate{
			kind: "invoice_overdue", audience: "client_contacts",
			description: "Reminds contacts who may view invoices that an invoice is past its due date (switch: portal settings, notify_invoice_overdue).",
			subject:     "Reminder: invoice {invoice_number} is overdue",
			body: "Hello {recipient_name},\n\nInvoice {invoice_number} from {agency_name} to {client_name} was due on {invoice_due}; " +
				"{invoice_outstanding} of {invoice_total} is still outstanding.\n\nIf you have already paid, thank you and please ignore this reminder. " +
				"See it in the portal: {invoice_url}",
		}); err != nil {
			return err
		}
		return setReadRules(app, reads, func(rule string) *string { return types.Pointer(rule) })
	}, nil)
}
