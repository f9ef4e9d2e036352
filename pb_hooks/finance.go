package pb_hooks

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/money"
)

// The finance page (spec F1, F2) in one call: the company's totals per
// currency, one page of its issued invoices and those invoices' payments.
// The page used to download every invoice twice and every payment, and add
// them up in the browser; a client invoiced per event for years has
// thousands. Now SQLite adds them up, over the client's index, and the
// browser gets a page at a time.

// financePerPage is how many invoices the finance page lists at once (as
// many as the event lists).
const financePerPage = 20

// InvoiceListQuery is the finance page's filter of the invoice list.
type InvoiceListQuery struct {
	Status   collections.InvoiceStatus // one a client sees; empty for all
	From, To string                    // issue dates, YYYY-MM-DD, inclusive
	Page     int
}

// parseInvoiceListQuery reads the filter from the query string and returns
// field errors for values it cannot use.
func parseInvoiceListQuery(e *core.RequestEvent) (InvoiceListQuery, validation.Errors) {
	q := e.Request.URL.Query()
	f := InvoiceListQuery{Status: collections.InvoiceStatus(q.Get("status")), From: q.Get("from"), To: q.Get("to")}
	errs := validation.Errors{}
	if f.Status != "" && !slices.Contains(collections.ClientInvoiceStatuses, f.Status) {
		errs["status"] = validation.NewError("validation_invalid", "Unknown status.")
	}
	f.Page = parseDatesAndPage(q, errs)
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

// recordFilter is the filter in PocketBase's syntax, for the record API's
// list of invoices (the values are checked, so they are quoted as is).
func (f InvoiceListQuery) recordFilter() string {
	var parts []string
	if f.Status != "" {
		parts = append(parts, fmt.Sprintf("status = %q", f.Status))
	}
	// Issue dates are calendar dates stored at midnight UTC.
	if f.From != "" {
		parts = append(parts, fmt.Sprintf("issued_on >= %q", f.From+" 00:00:00.000Z"))
	}
	if f.To != "" {
		parts = append(parts, fmt.Sprintf("issued_on <= %q", f.To+" 23:59:59.999Z"))
	}
	return strings.Join(parts, " && ")
}

// FinanceTotals is what a company owes and paid in one currency, in minor
// units: outstanding on its open invoices, the overdue part of that, and
// its payments in the agency's calendar year.
type FinanceTotals struct {
	Currency    string `json:"currency"`
	Outstanding int64  `json:"outstanding"`
	Overdue     int64  `json:"overdue"`
	PaidInYear  int64  `json:"paidInYear"`
}

// financeTotals adds up, per currency, the client's issued invoices that
// are still open and its payments on issued invoices in the given year
// (payments are calendar dates at midnight UTC). A currency shows when it
// has an open invoice or a payment that year.
func financeTotals(app core.App, clientID string, year int) ([]FinanceTotals, error) {
	var owed []struct {
		Currency    string `db:"currency"`
		Outstanding int64  `db:"outstanding"`
		Overdue     int64  `db:"overdue"`
	}
	if err := financeOwedQuery(app, clientID).All(&owed); err != nil {
		return nil, err
	}
	var paid []struct {
		Currency string `db:"currency"`
		Amount   int64  `db:"amount"`
	}
	if err := financePaidQuery(app, clientID, year).All(&paid); err != nil {
		return nil, err
	}
	totals := []FinanceTotals{}
	index := map[string]int{}
	of := func(currency string) *FinanceTotals {
		if i, ok := index[currency]; ok {
			return &totals[i]
		}
		index[currency] = len(totals)
		totals = append(totals, FinanceTotals{Currency: currency})
		return &totals[len(totals)-1]
	}
	for _, o := range owed {
		t := of(o.Currency)
		t.Outstanding, t.Overdue = o.Outstanding, o.Overdue
	}
	for _, p := range paid {
		of(p.Currency).PaidInYear = p.Amount
	}
	return totals, nil
}

// financeTotalsOf is the cache of the Finance page's totals per client, by
// year, filled as they are asked for and forgotten when one of the
// client's invoices or payments changes: adding up a large client's open
// invoices and the year's payments was a fifth of the page's call, and they
// change a few times a day.
func financeTotalsOf(app core.App) *byClient[*keyedValues] {
	return byClientOf[*keyedValues](app, "financeTotals")
}

// cachedFinanceTotals is financeTotals through financeTotalsOf.
func cachedFinanceTotals(app core.App, clientID string, year int) ([]FinanceTotals, error) {
	return keyedValue(app, financeTotalsOf(app).of(clientID), fmt.Sprintf("%s/%d", clientID, year), func(app core.App) ([]FinanceTotals, error) {
		return financeTotals(app, clientID, year)
	})
}

// financeOwedQuery sums, per currency, what is left to pay on the client's
// open invoices, and the overdue part of it (served by the (client, status)
// index: only the open ones are read).
func financeOwedQuery(app core.App, clientID string) *dbx.SelectQuery {
	var open []any
	for _, s := range collections.ClientInvoiceStatuses {
		if collections.InvoiceStatusOpen(s) {
			open = append(open, string(s))
		}
	}
	return app.DB().Select("currency",
		"SUM(MAX(0, [[total]] - [[paid_amount]])) AS outstanding",
		"SUM(CASE WHEN [[status]] = {:overdue} THEN MAX(0, [[total]] - [[paid_amount]]) ELSE 0 END) AS overdue").
		From(collections.Invoices).
		Where(dbx.HashExp{collections.FieldClient: clientID}).AndWhere(dbx.In(collections.FieldStatus, open...)).
		Bind(dbx.Params{"overdue": string(collections.InvoiceOverdue)}).
		GroupBy("currency").OrderBy("currency")
}

// financePaidQuery sums, per currency, the client's payments in the year
// (payments are dates at midnight UTC, and carry their invoice's currency;
// none is on a draft), from the (client, paid_on, currency, amount) index
// alone.
func financePaidQuery(app core.App, clientID string, year int) *dbx.SelectQuery {
	return app.DB().Select("currency", "SUM(amount) AS amount").From(collections.Payments).
		Where(dbx.HashExp{collections.FieldClient: clientID}).
		AndWhere(dbx.NewExp("[[paid_on]] >= {:from} AND [[paid_on]] < {:to}", dbx.Params{
			"from": fmt.Sprintf("%04d-01-01 00:00:00.000Z", year), "to": fmt.Sprintf("%04d-01-01 00:00:00.000Z", year+1)})).
		GroupBy("currency")
}

// invoicePaymentsQuery selects the payments of the client's invoices ids,
// newest first, by the invoice index. They are the payments the record API
// lists the contact for those invoices: its rule allows a payment when the
// contact may view invoices and the invoice is issued, as the invoices
// listed are, and a payment has its invoice's client (ownership.go), which
// is also checked, but not searched by: with the client index SQLite would
// read every payment the client ever made.
func invoicePaymentsQuery(app core.App, clientID string, ids ...any) *dbx.SelectQuery {
	return app.RecordQuery(collections.Payments).
		AndWhere(dbx.In(collections.FieldInvoice, ids...)).
		AndWhere(dbx.NewExp("+[["+collections.FieldClient+"]] = {:client}", dbx.Params{"client": clientID})).
		OrderBy("paid_on DESC", "id DESC")
}

// financePage answers the finance page: the totals, one page of the
// filtered invoices (newest first) and the payments of those invoices. The
// year of "paid in the year" is the agency's, by the portal's clock.
// Invoices are read as the record API answers them (its rules: the
// contact's own client, view_invoices, no drafts; the PDF only for
// download_invoices), and their payments as it would list them
// (invoicePaymentsQuery, enriched by the same hooks), so the page shows
// nothing the API would not.
func (p *plugin) financePage(e *core.RequestEvent) error {
	f, loc, err := listRequest(e, parseInvoiceListQuery)
	if err != nil {
		return err
	}
	year := p.now().In(loc).Year()
	kept, key := keptFinancePages(e.App, e.Auth.GetString(collections.FieldClient)), p.financePageKey(e, f, year)
	if key != "" {
		if answer, ok := kept.find(key); ok {
			return e.Blob(http.StatusOK, "application/json", answer.body)
		}
	}
	totals, err := cachedFinanceTotals(e.App, e.Auth.GetString(collections.FieldClient), year)
	if err != nil {
		return err
	}
	list := recordList{filter: f.recordFilter(), sort: "-issued_on,-sequence", perPage: financePerPage, page: f.Page, total: true}
	invoices, result, err := listRecordsPage(e, collections.Invoices, list)
	if err != nil {
		return err
	}
	answer := map[string]any{}
	// A page past the end shows the last one, and says so.
	if last := max(result.TotalPages, 1); f.Page > last {
		answer["pageClamped"] = true
		answer["message"] = fmt.Sprintf("There is no page %d; this is the last page, %d.", f.Page, last)
		list.page = last
		if invoices, result, err = listRecordsPage(e, collections.Invoices, list); err != nil {
			return err
		}
	}
	payments := []*core.Record{}
	ids := make([]any, 0, len(invoices))
	for _, inv := range invoices {
		// An invoice's paid amount is the sum of its payments, each at least
		// one minor unit (changePayment): one with nothing paid has none to
		// look up, and a page of new invoices asks for no payments at all.
		if inv.GetInt(collections.FieldPaidAmount) > 0 {
			ids = append(ids, inv.Id)
		}
	}
	if len(ids) > 0 {
		if err := invoicePaymentsQuery(e.App, e.Auth.GetString(collections.FieldClient), ids...).All(&payments); err != nil {
			return err
		}
		if err := apis.EnrichRecords(e, payments); err != nil {
			return err
		}
	}
	answer["year"], answer["totals"], answer["payments"] = year, totals, payments
	answer["page"], answer["perPage"], answer["totalItems"], answer["totalPages"], answer["items"] =
		result.Page, result.PerPage, result.TotalItems, result.TotalPages, invoices
	if key == "" {
		return writeJSON(e, http.StatusOK, answer)
	}
	body, err := marshalAnswer(answer)
	if err != nil {
		return err
	}
	kept.keep(key, keptAnswer{body: body})
	return e.Blob(http.StatusOK, "application/json", body)
}

// The finance page's answers are kept per client until one of the client's
// invoices, payments or roles changes (a role every client may use, any
// client's): a client's finances change when the agency invoices or records
// a payment, and are read on every visit of the page. An answer is the same
// for every contact of a client with the same role (the role decides
// whether the PDF shows), so it is kept by client, role, filter, page and
// year, and by when the invoices' and payments' collections last changed
// (a field an admin hides, a rule an admin edits). Answers narrowed with
// "fields" are not kept, nor any while handlers other than the portal's
// shape listed records (recordShapingHandlers): they may shape per request.

// maxKeptFinanceBytes bounds the kept answers' bytes, all clients' together
// (about 12 KB each).
const maxKeptFinanceBytes = 4 << 20

func financePagesOf(app core.App) *byClient[*keptValues[keptAnswer]] {
	return byClientOf[*keptValues[keptAnswer]](app, "financePages")
}

// keptFinancePages returns the client's kept answers.
func keptFinancePages(app core.App, clientID string) *keptValues[keptAnswer] {
	return keptClientValuesIn(app, financePagesOf(app), clientID, maxKeptFinanceBytes, bodyBytes)
}

// financePageKey names the answer the request gets, "" when it is not kept.
func (p *plugin) financePageKey(e *core.RequestEvent, f InvoiceListQuery, year int) string {
	if e.Request.URL.Query().Has("fields") || recordShapingHandlers(e.App) != p.shapingHandlers {
		return ""
	}
	var changed []string
	for _, name := range []string{collections.Invoices, collections.Payments} {
		c, err := e.App.FindCachedCollectionByNameOrId(name)
		if err != nil {
			return ""
		}
		changed = append(changed, c.Updated.String())
	}
	return strings.Join(append(changed, e.Auth.GetString(collections.FieldClient), e.Auth.GetString(collections.FieldRole),
		string(f.Status), f.From, f.To, strconv.Itoa(f.Page), strconv.Itoa(year)), "\x00")
}

// invoiceExportQuery selects the exported columns of the client's issued
// invoices, newest first (served by the (client, issued_on) index).
func invoiceExportQuery(app core.App, clientID string) *dbx.SelectQuery {
	return app.DB().Select("number", "status", "issued_on", "due_on", "currency", "total", "paid_amount").
		From(collections.Invoices).
		Where(dbx.HashExp{collections.FieldClient: clientID}).
		AndWhere(dbx.Not(dbx.HashExp{collections.FieldStatus: string(collections.InvoiceDraft)})).
		OrderBy("issued_on DESC", "sequence DESC")
}

// exportInvoices downloads the whole filtered invoice list (every page) as
// CSV: the status in words, the dates, and exact decimal amounts in major
// units from the minor units (1234.50). Like the list, it holds the
// contact's own client's issued invoices (the route requires view_invoices).
func (p *plugin) exportInvoices(e *core.RequestEvent) error {
	f, loc, err := listRequest(e, parseInvoiceListQuery)
	if err != nil {
		return err
	}
	collection, err := e.App.FindCachedCollectionByNameOrId(collections.Invoices)
	if err != nil {
		return err
	}
	// The filter is the list's own, compiled by PocketBase as the record API
	// compiles it.
	q := invoiceExportQuery(e.App, e.Auth.GetString(collections.FieldClient))
	if filter := f.recordFilter(); filter != "" {
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		expr, err := search.FilterData(filter).BuildExpr(core.NewRecordFieldResolver(e.App, collection, info, false))
		if err != nil {
			return err
		}
		q.AndWhere(expr)
	}
	// Invoice dates are calendar dates stored at midnight UTC.
	date := func(d types.DateTime) string {
		if d.IsZero() {
			return ""
		}
		return d.Time().UTC().Format(time.DateOnly)
	}
	name := fmt.Sprintf("invoices-%s.csv", p.now().In(loc).Format(time.DateOnly))
	header := []string{"Number", "Status", "Issued", "Due", "Currency", "Amount", "Paid", "Outstanding"}
	// CRLF, as the page's own export wrote it (RFC 4180).
	body, err := buildCSV(header, true, func(add func(row ...string) error) error {
		rows, err := q.Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			number, status, currency string
			issuedOn, dueOn          types.DateTime
			total, paid              int64
		)
		for rows.Next() {
			if err := rows.Scan(&number, &status, &issuedOn, &dueOn, &currency, &total, &paid); err != nil {
				return err
			}
			outstanding := max(0, total-paid)
			if collections.InvoiceStatus(status) == collections.InvoiceVoid {
				outstanding = 0
			}
			if err := add(number, collections.InvoiceStatusLabel(collections.InvoiceStatus(status)), date(issuedOn),
				date(dueOn), currency, money.Decimal(total, currency), money.Decimal(paid, currency),
				money.Decimal(outstanding, currency)); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	return sendCSV(e, name, body)
}
