package pb_hooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/money"
)

// Invoices (spec F1–F3). Admins write drafts and their lines in the
// dashboard; setting a draft's status to issued freezes it: inside one
// transaction the server claims the status, computes the totals from the
// lines, takes the next number of the gap-free sequence, freezes the
// billing details and renders the PDF. From then on lines, totals, number,
// dates and PDF never change; voiding keeps the number and re-renders the
// same PDF stamped VOID. Payments drive the paid amount and the status
// (issued → partly_paid → paid), and a cron job marks invoices past their
// due date (in the agency's time zone) overdue.

// invoiceDateLayout is how invoice dates are stored: a calendar date of the
// agency's, at midnight UTC, so it reads the same in every time zone.
const invoiceDateLayout = time.DateOnly

// OverdueJobID is the id of the cron job that marks invoices overdue.
const OverdueJobID = HookIDPrefix + "invoices.overdue"

// frozenInvoiceFields never change once an invoice is issued.
var frozenInvoiceFields = []string{
	collections.FieldClient, collections.FieldNumber, collections.FieldSequence, collections.FieldCurrency,
	collections.FieldIssuedOn, collections.FieldDueOn, collections.FieldSubtotal, collections.FieldTaxTotal,
	collections.FieldTotal, collections.FieldBilling, collections.FieldPDF, collections.FieldEvents,
}

// serverInvoiceFields are written by the server only, even on drafts.
var serverInvoiceFields = []string{
	collections.FieldNumber, collections.FieldSequence, collections.FieldSubtotal, collections.FieldTaxTotal,
	collections.FieldTotal, collections.FieldPaidAmount, collections.FieldBilling, collections.FieldPDF,
	collections.FieldVoidedAt,
}

// derivedStatusKey marks a save made by the server to set the status that
// follows from payments or the clock; an admin's save cannot set those.
type derivedStatusKey struct{}

func derivedStatusSave(app core.App, r *core.Record) error {
	return app.SaveWithContext(context.WithValue(context.Background(), derivedStatusKey{}, true), r)
}

func (p *plugin) bindInvoiceHooks() {
	p.forgetOnClientChange(func(app core.App) clientAware { return financeTotalsOf(app) }, collections.Invoices, collections.Payments)
	p.forgetOnClientChange(func(app core.App) clientAware { return financePagesOf(app) },
		collections.Invoices, collections.Payments, collections.Roles)
	p.app.OnRecordCreate(collections.Invoices).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "invoices.createDraft", Func: createDraftInvoice,
	})
	p.app.OnRecordUpdate(collections.Invoices).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "invoices.update", Func: p.updateInvoice,
	})
	p.app.OnRecordDelete(collections.Invoices).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "invoices.deleteDraftsOnly", Func: deleteDraftsOnly,
	})
	p.app.OnRecordCreate(collections.InvoiceLines).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "invoices.lines.create", Func: changeInvoiceLine,
	})
	p.app.OnRecordUpdate(collections.InvoiceLines).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "invoices.lines.update", Func: changeInvoiceLine,
	})
	p.app.OnRecordDelete(collections.InvoiceLines).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "invoices.lines.delete", Func: changeInvoiceLine,
	})
	for _, bind := range []func(...string) *hook.TaggedHook[*core.RecordEvent]{
		p.app.OnRecordCreate, p.app.OnRecordUpdate, p.app.OnRecordDelete,
	} {
		bind(collections.Payments).Bind(&hook.Handler[*core.RecordEvent]{
			Id: HookIDPrefix + "invoices.payments", Func: p.changePayment,
		})
	}
	p.bindEnrich(hidePDFWithoutDownload, collections.Invoices)
	p.app.OnFileDownloadRequest(collections.Invoices).Bind(&hook.Handler[*core.FileDownloadRequestEvent]{
		Id: HookIDPrefix + "invoices.pdfDownload", Func: requireDownloadInvoices,
	})
	p.app.Cron().MustAdd(OverdueJobID, "*/15 * * * *", func() {
		if _, err := MarkOverdueInvoices(p.app, p.now()); err != nil {
			p.app.Logger().Error("mark overdue invoices", "error", err)
		}
	})
}

func fieldError(field, code, message string) error {
	return validation.Errors{field: validation.NewError(code, message)}
}

// createDraftInvoice: every invoice starts as a draft without number or
// totals; issuing is a separate, deliberate save.
func createDraftInvoice(e *core.RecordEvent) error {
	inv := e.Record
	if s := inv.GetString(collections.FieldStatus); s != "" && s != string(collections.InvoiceDraft) {
		return fieldError(collections.FieldStatus, "validation_invoice_draft_first",
			"A new invoice is a draft: add its lines, then issue it.")
	}
	inv.Set(collections.FieldStatus, string(collections.InvoiceDraft))
	if err := checkCurrency(inv.GetString(collections.FieldCurrency)); err != nil {
		return err
	}
	for _, f := range serverInvoiceFields {
		inv.Set(f, nil)
	}
	return e.Next()
}

func checkCurrency(code string) error {
	if _, err := money.Exponent(code); err != nil {
		return fieldError(collections.FieldCurrency, "validation_currency", "Use an ISO 4217 currency code such as AUD or EUR.")
	}
	return nil
}

// updateInvoice enforces the life cycle: drafts are edited freely (totals
// recomputed), issuing and voiding are the only status changes an admin
// makes, an issued invoice's frozen fields never change, and the statuses
// that follow from payments and the due date are set by the server alone.
func (p *plugin) updateInvoice(e *core.RecordEvent) error {
	old := stored(e.App, e.Record)
	move := transitionOf(e.App, e.Record)
	from, to := collections.InvoiceStatus(move.from), collections.InvoiceStatus(move.to)
	switch {
	case from == collections.InvoiceDraft && to == collections.InvoiceDraft:
		if err := checkCurrency(e.Record.GetString(collections.FieldCurrency)); err != nil {
			return err
		}
		for _, f := range serverInvoiceFields {
			e.Record.Set(f, old.Get(f))
		}
		if _, err := setInvoiceTotals(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	case from == collections.InvoiceDraft && to == collections.InvoiceIssued:
		return p.issueInvoice(e, move)
	case from == collections.InvoiceDraft:
		return fieldError(collections.FieldStatus, "validation_invoice_transition",
			"A draft can only be issued (or deleted).")
	case from == collections.InvoiceVoid:
		if changed := changedFields(old, e.Record); len(changed) > 0 {
			return fieldError(changed[0], "validation_invoice_void", "A void invoice is final; issue a new invoice instead.")
		}
		return e.Next()
	}
	for _, f := range frozenInvoiceFields {
		if fmt.Sprint(old.Get(f)) != fmt.Sprint(e.Record.Get(f)) {
			return fieldError(f, "validation_invoice_issued", fmt.Sprintf(
				"Invoice %s is issued: its %s cannot change. Void it and issue a new invoice instead.",
				old.GetString(collections.FieldNumber), strings.ReplaceAll(f, "_", " ")))
		}
	}
	internal := e.Context != nil && e.Context.Value(derivedStatusKey{}) != nil
	if !internal && old.GetInt(collections.FieldPaidAmount) != e.Record.GetInt(collections.FieldPaidAmount) {
		return fieldError(collections.FieldPaidAmount, "validation_invoice_paid_amount",
			"The paid amount is the sum of the payments: record a payment instead.")
	}
	switch {
	case to == collections.InvoiceVoid:
		return p.voidInvoice(e, old, move)
	case move.changes() && !internal:
		return fieldError(collections.FieldStatus, "validation_invoice_transition",
			"The status follows the payments and the due date; an issued invoice can only be voided by hand.")
	}
	return e.Next()
}

// changedFields lists the fields whose values differ between two copies.
func changedFields(old, r *core.Record) []string {
	var out []string
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		if name == collections.FieldUpdated {
			continue
		}
		if fmt.Sprint(old.Get(name)) != fmt.Sprint(r.Get(name)) {
			out = append(out, name)
		}
	}
	return out
}

// invoiceLines loads an invoice's lines in the order they were added.
func invoiceLines(app core.App, invoiceID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(collections.InvoiceLines, "invoice = {:id}", "created,id", 0, 0,
		dbx.Params{"id": invoiceID})
}

// lineOf reads a line record's exact units.
func lineOf(r *core.Record) (money.Line, error) {
	qty, err := money.Milli(r.GetFloat(collections.FieldQuantity))
	if err != nil {
		return money.Line{}, fieldError(collections.FieldQuantity, "validation_quantity", "The quantity: "+err.Error()+".")
	}
	rate, err := money.BasisPoints(r.GetFloat(collections.FieldTaxRate))
	if err != nil {
		return money.Line{}, fieldError(collections.FieldTaxRate, "validation_tax_rate", "The tax rate: "+err.Error()+".")
	}
	return money.Line{QuantityMilli: qty, UnitPrice: int64(r.GetInt(collections.FieldUnitPrice)), TaxRateBP: rate}, nil
}

// setInvoiceTotals computes the invoice's totals from its stored lines.
func setInvoiceTotals(app core.App, inv *core.Record) (money.InvoiceTotals, error) {
	records, err := invoiceLines(app, inv.Id)
	if err != nil {
		return money.InvoiceTotals{}, err
	}
	lines := make([]money.Line, 0, len(records))
	for _, r := range records {
		l, err := lineOf(r)
		if err != nil {
			return money.InvoiceTotals{}, err
		}
		lines = append(lines, l)
	}
	t, err := money.Sum(lines)
	if err != nil {
		return t, fieldError(collections.FieldTotal, "validation_total", "The invoice total is too large.")
	}
	inv.Set(collections.FieldSubtotal, t.Subtotal)
	inv.Set(collections.FieldTaxTotal, t.Tax)
	inv.Set(collections.FieldTotal, t.Total)
	return t, nil
}

// issueInvoice freezes a draft: in one transaction, claim the status, compute
// the totals, take the next sequence number, freeze the billing details,
// render the PDF, save, and queue the "invoice issued" emails.
func (p *plugin) issueInvoice(e *core.RecordEvent, move statusTransition) error {
	inv := e.Record
	settings, err := portalSettings(e.App)
	if err != nil {
		return err
	}
	return withTransaction(&e.App, func() error {
		if err := claimStatus(e.App, inv, move, func(now string) string {
			return "This invoice was already " + strings.ReplaceAll(now, "_", " ") + " by someone else; reload it."
		}); err != nil {
			return err
		}
		lines, err := invoiceLines(e.App, inv.Id)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			return fieldError(collections.FieldStatus, "validation_invoice_empty", "Add at least one line before issuing the invoice.")
		}
		if err := checkCurrency(inv.GetString(collections.FieldCurrency)); err != nil {
			return err
		}
		if _, err := setInvoiceTotals(e.App, inv); err != nil {
			return err
		}
		if err := setIssueDates(e.App, inv, p.now().In(settings.Location()).Format(invoiceDateLayout),
			settings.GetInt(collections.FieldInvoicePaymentDays)); err != nil {
			return err
		}
		var last int
		if err := e.App.NonconcurrentDB().Select("COALESCE(MAX(sequence), 0)").From(collections.Invoices).Row(&last); err != nil {
			return fmt.Errorf("next invoice number: %w", err)
		}
		inv.Set(collections.FieldSequence, last+1)
		inv.Set(collections.FieldNumber, fmt.Sprintf("%s%06d", settings.GetString(collections.FieldInvoiceNumberPrefix), last+1))
		billing, err := billingSnapshot(e.App, settings, inv.GetString(collections.FieldClient))
		if err != nil {
			return err
		}
		inv.Set(collections.FieldBilling, billing)
		if err := attachInvoicePDF(e.App, settings, inv, lines, false); err != nil {
			return err
		}
		return e.Next()
	}, func(tx core.App) error {
		if !settings.GetBool(collections.FieldNotifyInvoiceIssued) {
			return nil
		}
		return Notify(tx, NotifyInvoiceIssued, inv, nil)
	})
}

// setIssueDates dates an invoice being issued: today unless the admin set an
// earlier date (never a future one, nor one before the latest issued
// invoice's, so numbers follow dates), and due after the agency's payment
// days unless set (never before the issue date).
func setIssueDates(app core.App, inv *core.Record, today string, paymentDays int) error {
	issued := today
	if d := inv.GetDateTime(collections.FieldIssuedOn); !d.IsZero() {
		issued = d.Time().Format(invoiceDateLayout)
	}
	if issued > today {
		return fieldError(collections.FieldIssuedOn, "validation_issue_date_future", "An invoice cannot be issued with a future date.")
	}
	var latest types.DateTime
	if err := app.NonconcurrentDB().Select("COALESCE(MAX(issued_on), '')").From(collections.Invoices).
		Where(dbx.NewExp("sequence > 0")).Row(&latest); err != nil {
		return fmt.Errorf("latest issue date: %w", err)
	}
	if last := latest.Time().Format(invoiceDateLayout); !latest.IsZero() && issued < last {
		return fieldError(collections.FieldIssuedOn, "validation_issue_date_order", fmt.Sprintf(
			"The last invoice was issued on %s; numbers follow dates, so date this one then or later.", last))
	}
	issuedOn, _ := types.ParseDateTime(issued)
	inv.Set(collections.FieldIssuedOn, issuedOn)
	due := inv.GetDateTime(collections.FieldDueOn)
	if due.IsZero() {
		due, _ = types.ParseDateTime(issuedOn.Time().AddDate(0, 0, paymentDays).Format(invoiceDateLayout))
		inv.Set(collections.FieldDueOn, due)
	}
	if due.Time().Format(invoiceDateLayout) < issued {
		return fieldError(collections.FieldDueOn, "validation_due_before_issue", "The due date is before the issue date.")
	}
	return nil
}

// invoiceBilling is the frozen copy of who bills whom.
type invoiceBilling struct {
	Agency       invoiceParty `json:"agency"`
	Client       invoiceParty `json:"client"`
	Instructions string       `json:"payment_instructions"`
	Locale       string       `json:"locale"`
}

func billingSnapshot(app core.App, settings *collections.Settings, clientID string) (invoiceBilling, error) {
	client, err := app.FindRecordById(collections.Clients, clientID)
	if err != nil {
		return invoiceBilling{}, fmt.Errorf("client of invoice: %w", err)
	}
	address := client.GetString(collections.FieldBillingAddress)
	if strings.TrimSpace(address) == "" {
		address = strings.Join(nonEmpty([]string{client.GetString(collections.FieldAddress),
			strings.TrimSpace(client.GetString(collections.FieldPostcode) + " " + client.GetString(collections.FieldCity)),
			client.GetString(collections.FieldCountry)}), "\n")
	}
	return invoiceBilling{
		Agency: invoiceParty{Name: app.Settings().Meta.AppName, Address: settings.GetString(collections.FieldAgencyAddress)},
		Client: invoiceParty{Name: client.GetString(collections.FieldName), Address: address,
			TaxID: client.GetString(collections.FieldVATID), Email: client.GetString(collections.FieldBillingEmail)},
		Instructions: settings.GetString(collections.FieldInvoiceInstructions),
		Locale:       settings.Locale(),
	}, nil
}

// attachInvoicePDF renders the invoice from its frozen billing details and
// lines and sets it as the record's PDF (saved with the record).
func attachInvoicePDF(app core.App, settings *collections.Settings, inv *core.Record, lines []*core.Record, void bool) error {
	var billing invoiceBilling
	raw, err := json.Marshal(inv.Get(collections.FieldBilling))
	if err == nil {
		err = json.Unmarshal(raw, &billing)
	}
	if err != nil {
		return fmt.Errorf("billing of invoice %s: %w", inv.Id, err)
	}
	code := inv.GetString(collections.FieldCurrency)
	doc := invoiceDocument{
		Number: inv.GetString(collections.FieldNumber), Currency: code, Locale: billing.Locale,
		IssuedOn: formatInvoiceDate(inv.GetDateTime(collections.FieldIssuedOn), billing.Locale),
		DueOn:    formatInvoiceDate(inv.GetDateTime(collections.FieldDueOn), billing.Locale),
		Agency:   billing.Agency, Client: billing.Client, Instructions: billing.Instructions, Void: void,
		Totals: money.InvoiceTotals{Subtotal: int64(inv.GetInt(collections.FieldSubtotal)),
			Tax: int64(inv.GetInt(collections.FieldTaxTotal)), Total: int64(inv.GetInt(collections.FieldTotal))},
	}
	for _, r := range lines {
		l, err := lineOf(r)
		if err != nil {
			return err
		}
		t, err := l.Totals()
		if err != nil {
			return err
		}
		doc.Lines = append(doc.Lines, invoiceDocumentLine{
			Description: r.GetString(collections.FieldDescription),
			Quantity:    trimDecimal(r.GetFloat(collections.FieldQuantity)),
			TaxRate:     trimDecimal(r.GetFloat(collections.FieldTaxRate)),
			UnitPrice:   l.UnitPrice, Totals: t,
		})
	}
	doc.Logo, doc.LogoType = agencyLogo(app, settings)
	pdf, err := renderInvoicePDF(doc)
	if err != nil {
		return err
	}
	name := doc.Number + ".pdf"
	if void {
		name = doc.Number + "-void.pdf"
	}
	file, err := filesystem.NewFileFromBytes(pdf, name)
	if err != nil {
		return err
	}
	inv.Set(collections.FieldPDF, file)
	return nil
}

// trimDecimal writes a quantity or rate without trailing zeros (7.5, 20).
func trimDecimal(v float64) string { return fmt.Sprintf("%g", v) }

// formatInvoiceDate writes an invoice's calendar date in the locale. The
// date is stored at midnight UTC, so it is read in UTC: in the agency's own
// zone it could fall on the day before.
func formatInvoiceDate(d types.DateTime, locale string) string {
	if d.IsZero() {
		return ""
	}
	return NewAgencyDates(time.UTC, locale).Date(d.Time())
}

// agencyLogo reads the logo of the settings, if any; an unreadable one is
// left out rather than stopping the invoice.
func agencyLogo(app core.App, settings *collections.Settings) ([]byte, string) {
	name := settings.GetString(collections.FieldAgencyLogo)
	if name == "" {
		return nil, ""
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, ""
	}
	defer fsys.Close()
	r, err := fsys.GetReader(settings.BaseFilesPath() + "/" + name)
	if err != nil {
		return nil, ""
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, ""
	}
	if strings.HasSuffix(strings.ToLower(name), ".png") {
		return data, "PNG"
	}
	return data, "JPG"
}

// voidInvoice cancels an issued invoice without payments: its number stays
// taken and its PDF is the same document stamped VOID.
func (p *plugin) voidInvoice(e *core.RecordEvent, old *core.Record, move statusTransition) error {
	if old.GetInt(collections.FieldPaidAmount) > 0 {
		return fieldError(collections.FieldStatus, "validation_invoice_has_payments",
			"This invoice has payments: delete or refund them before voiding it.")
	}
	if collections.InvoiceStatus(move.from) == collections.InvoicePaid {
		return fieldError(collections.FieldStatus, "validation_invoice_transition", "A paid invoice cannot be voided.")
	}
	settings, err := portalSettings(e.App)
	if err != nil {
		return err
	}
	return withTransaction(&e.App, func() error {
		if err := claimStatus(e.App, e.Record, move, func(now string) string {
			return "This invoice is already " + strings.ReplaceAll(now, "_", " ") + "; reload it."
		}); err != nil {
			return err
		}
		lines, err := invoiceLines(e.App, e.Record.Id)
		if err != nil {
			return err
		}
		e.Record.Set(collections.FieldVoidedAt, types.NowDateTime())
		if err := attachInvoicePDF(e.App, settings, e.Record, lines, true); err != nil {
			return err
		}
		return e.Next()
	}, func(core.App) error { return nil })
}

// deleteDraftsOnly keeps issued numbers taken forever: only drafts, which
// have none, can be deleted.
func deleteDraftsOnly(e *core.RecordEvent) error {
	if s := collections.InvoiceStatus(e.Record.GetString(collections.FieldStatus)); s != collections.InvoiceDraft {
		return fieldError(collections.FieldStatus, "validation_invoice_issued",
			"Only drafts can be deleted; void an issued invoice instead, so its number stays accounted for.")
	}
	return e.Next()
}

// changeInvoiceLine lets lines change only on drafts, computes their rounded
// amounts and the invoice's totals, in one transaction.
func changeInvoiceLine(e *core.RecordEvent) error {
	if e.Type == core.ModelEventTypeUpdate && len(changedFields(stored(e.App, e.Record), e.Record)) == 0 {
		return e.Next() // a save that changes nothing edits nothing, even on an issued invoice
	}
	ids := []string{e.Record.GetString(collections.FieldInvoice)}
	if !e.Record.IsNew() {
		ids = append(ids, stored(e.App, e.Record).GetString(collections.FieldInvoice))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		inv, err := e.App.FindRecordById(collections.Invoices, id)
		if err != nil {
			if e.Type == core.ModelEventTypeDelete {
				return e.Next() // the invoice itself is being deleted
			}
			return fieldError(collections.FieldInvoice, "validation_missing_parent", "No invoice with this id exists.")
		}
		if inv.GetString(collections.FieldStatus) != string(collections.InvoiceDraft) {
			return fieldError(collections.FieldInvoice, "validation_invoice_issued", fmt.Sprintf(
				"Invoice %s is issued: its lines cannot change. Void it and issue a new invoice instead.",
				inv.GetString(collections.FieldNumber)))
		}
	}
	if e.Type != core.ModelEventTypeDelete {
		l, err := lineOf(e.Record)
		if err != nil {
			return err
		}
		t, err := l.Totals()
		if err != nil {
			return fieldError(collections.FieldUnitPrice, "validation_amount", "This line's amount is too large.")
		}
		e.Record.Set(collections.FieldAmount, t.Net)
		e.Record.Set(collections.FieldTaxAmount, t.Tax)
		e.Record.Set(collections.FieldLineTotal, t.Total)
	}
	return withTransaction(&e.App, e.Next, func(tx core.App) error {
		for _, id := range ids {
			inv, err := tx.FindRecordById(collections.Invoices, id)
			if err != nil {
				continue // deleted with its lines
			}
			if err := tx.Save(inv); err != nil { // the draft's save recomputes its totals
				return err
			}
		}
		return nil
	})
}

// changePayment records, corrects or removes a payment of an issued
// invoice and sets the invoice's paid amount and status from all its
// payments, in one transaction; paying more than the total is refused.
func (p *plugin) changePayment(e *core.RecordEvent) error {
	id := e.Record.GetString(collections.FieldInvoice)
	if !e.Record.IsNew() && stored(e.App, e.Record).GetString(collections.FieldInvoice) != id {
		return fieldError(collections.FieldInvoice, "validation_payment_moved", "A payment cannot move to another invoice; delete it and record a new one.")
	}
	inv, err := e.App.FindRecordById(collections.Invoices, id)
	if err != nil {
		return fieldError(collections.FieldInvoice, "validation_missing_parent", "No invoice with this id exists.")
	}
	switch collections.InvoiceStatus(inv.GetString(collections.FieldStatus)) {
	case collections.InvoiceDraft, collections.InvoiceVoid:
		return fieldError(collections.FieldInvoice, "validation_invoice_not_payable",
			"Payments are recorded on issued invoices only, not on drafts or void ones.")
	}
	if e.Type != core.ModelEventTypeDelete && e.Record.GetInt(collections.FieldAmount) <= 0 {
		return fieldError(collections.FieldAmount, "validation_amount", "A payment is more than zero.")
	}
	// In the invoice's currency, kept on the payment so a year's payments add
	// up per currency without reading their invoices (the Finance page).
	e.Record.Set(collections.FieldCurrency, inv.GetString(collections.FieldCurrency))
	return withTransaction(&e.App, e.Next, func(tx core.App) error {
		inv, err := tx.FindRecordById(collections.Invoices, id)
		if err != nil {
			return err
		}
		var paid int64
		if err := tx.NonconcurrentDB().Select("COALESCE(SUM(amount), 0)").From(collections.Payments).
			Where(dbx.HashExp{collections.FieldInvoice: id}).Row(&paid); err != nil {
			return err
		}
		total, code := int64(inv.GetInt(collections.FieldTotal)), inv.GetString(collections.FieldCurrency)
		if paid > total {
			settings, err := portalSettings(tx)
			if err != nil {
				return err
			}
			loc := settings.Locale()
			outstanding := total - (paid - int64(e.Record.GetInt(collections.FieldAmount)))
			return fieldError(collections.FieldAmount, "validation_overpayment", fmt.Sprintf(
				"This payment is more than the %s still outstanding on invoice %s (total %s).",
				money.Format(outstanding, code, loc), inv.GetString(collections.FieldNumber), money.Format(total, code, loc)))
		}
		inv.Set(collections.FieldPaidAmount, paid)
		status, err := p.derivedStatus(tx, inv)
		if err != nil {
			return err
		}
		inv.Set(collections.FieldStatus, string(status))
		return derivedStatusSave(tx, inv)
	})
}

// derivedStatus is the status an issued invoice has by its payments and due
// date: paid in full, overdue (past its due date in the agency's time
// zone), partly paid, or issued.
func (p *plugin) derivedStatus(app core.App, inv *core.Record) (collections.InvoiceStatus, error) {
	settings, err := portalSettings(app)
	if err != nil {
		return "", err
	}
	return statusFromPayments(inv, p.now().In(settings.Location()).Format(invoiceDateLayout)), nil
}

func statusFromPayments(inv *core.Record, today string) collections.InvoiceStatus {
	paid, total := inv.GetInt(collections.FieldPaidAmount), inv.GetInt(collections.FieldTotal)
	due := inv.GetDateTime(collections.FieldDueOn)
	switch {
	case paid >= total:
		return collections.InvoicePaid
	case !due.IsZero() && due.Time().Format(invoiceDateLayout) < today:
		return collections.InvoiceOverdue
	case paid > 0:
		return collections.InvoicePartlyPaid
	}
	return collections.InvoiceIssued
}

// MarkOverdueInvoices marks every issued or partly paid invoice whose due
// date is before today in the agency's time zone (at now) overdue, each in
// its own transaction with its email (when notify_invoice_overdue is on). A
// status claim makes a second run (or a second process) skip what the first
// did. It returns how many it marked. The cron job OverdueJobID calls it
// every 15 minutes with the plugin's clock.
func MarkOverdueInvoices(app core.App, now time.Time) (int, error) {
	settings, err := portalSettings(app)
	if err != nil {
		return 0, err
	}
	today := now.In(settings.Location()).Format(invoiceDateLayout)
	due, err := app.FindRecordsByFilter(collections.Invoices,
		"(status = 'issued' || status = 'partly_paid') && due_on != '' && due_on < {:today}", "due_on", 0, 0,
		dbx.Params{"today": today + " 00:00:00.000Z"})
	if err != nil {
		return 0, err
	}
	marked := 0
	for _, inv := range due {
		err := app.RunInTransaction(func(tx core.App) error {
			move := statusTransition{from: inv.GetString(collections.FieldStatus), to: string(collections.InvoiceOverdue)}
			if err := claimStatus(tx, inv, move, func(string) string { return "" }); err != nil {
				return err
			}
			inv.Set(collections.FieldStatus, move.to)
			if err := derivedStatusSave(tx, inv); err != nil {
				return err
			}
			if !settings.GetBool(collections.FieldNotifyInvoiceOverdue) {
				return nil
			}
			return Notify(tx, NotifyInvoiceOverdue, inv, nil)
		})
		switch {
		case err == nil:
			marked++
		case isConflict(err): // paid or voided meanwhile
		default:
			return marked, fmt.Errorf("mark invoice %s overdue: %w", inv.Id, err)
		}
	}
	return marked, nil
}

// isConflict reports whether err is a 409 (a status claimed by someone else).
func isConflict(err error) bool {
	var apiErr *router.ApiError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusConflict
}

// hidePDFWithoutDownload: the PDF's name reaches only those who may
// download it (contacts with download_invoices, admins).
func hidePDFWithoutDownload(e *core.RecordEnrichEvent) error {
	if e.RequestInfo == nil {
		return nil
	}
	if auth := e.RequestInfo.Auth; auth != nil && auth.Collection().Name == collections.Contacts &&
		!contactCan(e.App, auth, collections.PermDownloadInvoices) {
		e.Record.Hide(collections.FieldPDF)
	}
	return nil
}

// requireDownloadInvoices: reading an invoice (view_invoices, the view rule)
// is not enough to download its PDF (spec F2).
func requireDownloadInvoices(e *core.FileDownloadRequestEvent) error {
	// The file token, not the request's Authorization, says who downloads.
	auth, _ := e.App.FindAuthRecordByToken(e.Request.URL.Query().Get("token"), core.TokenTypeFile)
	if e.FileField.GetName() == collections.FieldPDF && auth != nil && auth.Collection().Name == collections.Contacts &&
		!contactCan(e.App, auth, collections.PermDownloadInvoices) {
		return e.Error(http.StatusForbidden, "Your role does not allow downloading invoices.", nil)
	}
	return e.Next()
}
