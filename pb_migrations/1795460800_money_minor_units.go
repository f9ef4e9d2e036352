package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/money"
)

// Money becomes integer minor units plus an ISO currency (spec F, issue 14):
// rates, events' and change requests' estimates, invoice totals, lines and
// payments were floats in major units (38.5 dollars) and are now whole
// cents (3850), converted with half-even rounding at each currency's digits. Change requests get their own
// currency, the one their estimate was priced in (until now their event's).
func init() {
	required := map[string]bool{"hourly_rate": true, "total": true, "unit_price": true, "amount": true}
	minorField := func(name string, hidden bool, help string) *core.NumberField {
		return &core.NumberField{Name: name, Hidden: hidden, OnlyInt: true, Required: required[name],
			Min: types.Pointer(0.0), Max: types.Pointer(float64(money.MaxMinor)), Help: help}
	}
	conversions := []struct {
		collection, field string
		hidden            bool
		help              string
		// currencySQL selects id and currency of every record with a value.
		currencySQL string
	}{
		{collections.Rates, "hourly_rate", false,
			"In minor units (cents) of the price list's currency: 3850 is 38.50 an hour.",
			`SELECT r.id, l.currency AS currency, r.hourly_rate AS value FROM rates r JOIN price_lists l ON l.id = r.price_list`},
		{collections.Events, "estimated_price", true,
			"In minor units (cents) of the event's currency: 57000 is 570.00.",
			`SELECT id, currency, estimated_price AS value FROM events WHERE estimated_price != 0`},
		{collections.ChangeRequests, "estimated_price", true,
			"In minor units (cents) of the request's currency: 57000 is 570.00.",
			`SELECT r.id, e.currency AS currency, r.estimated_price AS value FROM change_requests r JOIN events e ON e.id = r.event WHERE r.estimated_price != 0`},
		{collections.Invoices, "total", false, "In minor units (cents) of the invoice's currency.",
			`SELECT id, currency, total AS value FROM invoices`},
		{collections.Invoices, "paid_amount", false, "In minor units (cents) of the invoice's currency.",
			`SELECT id, currency, paid_amount AS value FROM invoices`},
		{collections.InvoiceLines, "unit_price", false, "In minor units (cents) of the invoice's currency.",
			`SELECT l.id, i.currency AS currency, l.unit_price AS value FROM invoice_lines l JOIN invoices i ON i.id = l.invoice`},
		{collections.InvoiceLines, "amount", false, "In minor units (cents) of the invoice's currency.",
			`SELECT l.id, i.currency AS currency, l.amount AS value FROM invoice_lines l JOIN invoices i ON i.id = l.invoice`},
		{collections.Payments, "amount", false, "In minor units (cents) of the invoice's currency.",
			`SELECT p.id, i.currency AS currency, p.amount AS value FROM payments p JOIN invoices i ON i.id = p.invoice`},
	}
	m.Register(func(app core.App) error {
		requests, err := app.FindCollectionByNameOrId(collections.ChangeRequests)
		if err != nil {
			return err
		}
		requests.Fields.Add(&core.TextField{Name: "currency", Max: 3, Help: "ISO code of the estimate's currency."})
		if err := app.Save(requests); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery(`UPDATE change_requests SET currency = COALESCE(
			(SELECT e.currency FROM events e WHERE e.id = change_requests.event), '')`).Execute(); err != nil {
			return err
		}
		for _, c := range conversions {
			var rows []struct {
				ID       string  `db:"id"`
				Currency string  `db:"currency"`
				Value    float64 `db:"value"`
			}
			if err := app.DB().NewQuery(c.currencySQL).All(&rows); err != nil {
				return fmt.Errorf("read %s.%s: %w", c.collection, c.field, err)
			}
			for _, r := range rows {
				code := r.Currency
				if _, err := money.Exponent(code); err != nil {
					code = "EUR" // no currency on record: the common two digits
				}
				minor, err := money.FromMajor(r.Value, code)
				if err != nil {
					return fmt.Errorf("convert %s %s: %w", c.collection, r.ID, err)
				}
				if _, err := app.DB().Update(c.collection, dbx.Params{c.field: minor}, dbx.HashExp{"id": r.ID}).Execute(); err != nil {
					return err
				}
			}
			col, err := app.FindCollectionByNameOrId(c.collection)
			if err != nil {
				return err
			}
			col.Fields.Add(minorField(c.field, c.hidden, c.help)) // same name: replaces the field, keeps its id
			if err := app.Save(col); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
