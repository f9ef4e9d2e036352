package pb_hooks_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/text/encoding/charmap"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// testClock is the plugin's controllable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// invoiceFixture is a running server with an agency in Melbourne, a client
// with contacts in every finance role, another client, and an admin.
type invoiceFixture struct {
	app    core.App
	base   string
	clock  *testClock
	client *collections.Client
	other  *collections.Client
	// tokens by who: admin, finance (view + download), viewer (view only),
	// booker (neither), stranger (another client's contact with both).
	tokens map[string]string
}

func newInvoiceFixture(t *testing.T) *invoiceFixture {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)} // 10 March, 12:00 in Melbourne
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{Now: clock.Now, Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	meta := app.Settings()
	meta.RateLimits.Enabled = false
	meta.Meta.AppName = "Test Agency"
	if err := app.Save(meta); err != nil {
		t.Fatal(err)
	}
	settings := must(collections.LoadSettings(app))
	settings.Load(map[string]any{collections.FieldTimeZone: "Australia/Melbourne", collections.FieldLocale: "en-AU",
		collections.FieldNotifyInvoiceIssued: true, collections.FieldNotifyInvoiceOverdue: true,
		collections.FieldInvoiceNumberPrefix: "INV-", collections.FieldInvoicePaymentDays: 14,
		collections.FieldAgencyAddress: "1 Test Street, Melbourne", collections.FieldInvoiceInstructions: "Pay to BSB 000-000."})
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	f := &invoiceFixture{app: app, clock: clock, tokens: map[string]string{}}
	f.client = portaltest.NewClient(t, app, "Acme Events")
	f.client.Set(collections.FieldBillingAddress, "Accounts Payable\n9 Dock Road, Geelong")
	if err := app.Save(f.client); err != nil {
		t.Fatal(err)
	}
	f.other = portaltest.NewClient(t, app, "Other Co")
	tok := func(r *core.Record) string { return portaltest.AuthHeaders(t, r)["Authorization"] }
	role := func(perms ...collections.Permission) *collections.Role {
		return portaltest.NewRole(t, app, "", perms...)
	}
	f.tokens["admin"] = tok(portaltest.NewSuperuser(t, app, "ops@agency.test"))
	f.tokens["finance"] = tok(portaltest.NewContact(t, app, f.client, role(collections.PermViewInvoices, collections.PermDownloadInvoices), "finance@acme.test").Record)
	f.tokens["viewer"] = tok(portaltest.NewContact(t, app, f.client, role(collections.PermViewInvoices), "viewer@acme.test").Record)
	f.tokens["booker"] = tok(portaltest.NewContact(t, app, f.client, role(collections.PermBookEvents, collections.PermViewPrices), "booker@acme.test").Record)
	f.tokens["stranger"] = tok(portaltest.NewContact(t, app, f.other, role(collections.Permissions...), "manager@other.test").Record)
	f.base = portaltest.StartServer(t, app)
	return f
}

func (f *invoiceFixture) call(t *testing.T, who, method, path string, body any) (int, map[string]any) {
	t.Helper()
	return portaltest.CallJSON(t, method, f.base+path, f.tokens[who], body)
}

// draft creates a draft invoice with lines (quantity, unit price in cents,
// tax rate in percent) as an admin through the API.
func (f *invoiceFixture) draft(t *testing.T, client *collections.Client, lines ...[3]float64) string {
	t.Helper()
	code, body := f.call(t, "admin", http.MethodPost, "/api/collections/invoices/records",
		map[string]any{"client": client.Id, "currency": "AUD"})
	if code != http.StatusOK {
		t.Fatalf("create draft: %d %v", code, body)
	}
	id := body["id"].(string)
	for i, l := range lines {
		if code, body := f.call(t, "admin", http.MethodPost, "/api/collections/invoice_lines/records", map[string]any{
			"invoice": id, "description": fmt.Sprintf("Line %d", i+1), "quantity": l[0], "unit_price": l[1], "tax_rate": l[2]}); code != http.StatusOK {
			t.Fatalf("add line: %d %v", code, body)
		}
	}
	return id
}

func (f *invoiceFixture) invoice(t *testing.T, id string) *core.Record {
	t.Helper()
	return must(f.app.FindRecordById(collections.Invoices, id))
}

func (f *invoiceFixture) patch(t *testing.T, id string, body map[string]any) (int, map[string]any) {
	t.Helper()
	return f.call(t, "admin", http.MethodPatch, "/api/collections/invoices/records/"+id, body)
}

// download fetches the invoice's PDF with a file token of who.
func (f *invoiceFixture) download(t *testing.T, who string, inv *core.Record) (int, []byte) {
	t.Helper()
	code, body := f.call(t, who, http.MethodPost, "/api/files/token", nil)
	if code != http.StatusOK {
		t.Fatalf("file token: %d", code)
	}
	url := fmt.Sprintf("%s/api/files/invoices/%s/%s?token=%s", f.base, inv.Id, inv.GetString(collections.FieldPDF), body["token"])
	return portaltest.Call(t, http.MethodGet, url, "", nil)
}

// fieldErrorOf returns the 400's message for a field ("" when none).
func fieldErrorOf(body map[string]any, field string) string {
	data, _ := body["data"].(map[string]any)
	e, _ := data[field].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func TestInvoiceLifeCycle(t *testing.T) {
	t.Parallel()
	f := newInvoiceFixture(t)

	// A new invoice is a draft; server fields sent by the writer are ignored.
	code, body := f.call(t, "admin", http.MethodPost, "/api/collections/invoices/records",
		map[string]any{"client": f.client.Id, "currency": "AUD", "status": "issued"})
	if code != http.StatusBadRequest || fieldErrorOf(body, "status") == "" {
		t.Errorf("a new invoice created as issued: %d %v", code, body)
	}
	if code, body := f.call(t, "admin", http.MethodPost, "/api/collections/invoices/records",
		map[string]any{"client": f.client.Id, "currency": "EURO"}); code != http.StatusBadRequest || fieldErrorOf(body, "currency") == "" {
		t.Errorf("a non-ISO currency: %d %v", code, body)
	}
	code, body = f.call(t, "admin", http.MethodPost, "/api/collections/invoices/records",
		map[string]any{"client": f.client.Id, "currency": "AUD", "total": 999, "number": "HACK-1", "paid_amount": 5})
	if code != http.StatusOK || body["status"] != "draft" || body["total"] != float64(0) || body["number"] != "" || body["paid_amount"] != float64(0) {
		t.Fatalf("draft: %d %v", code, body)
	}
	id := body["id"].(string)

	// Lines: amounts rounded half-even once per line; the invoice adds them up.
	lines := "/api/collections/invoice_lines/records"
	code, body = f.call(t, "admin", http.MethodPost, lines, map[string]any{"invoice": id, "description": "Waiters",
		"quantity": 7.5, "unit_price": 3850, "tax_rate": 10, "amount": 1, "line_total": 1})
	if code != http.StatusOK || body["amount"] != float64(28875) || body["tax_amount"] != float64(2888) || body["line_total"] != float64(31763) {
		t.Fatalf("line: %d %v", code, body)
	}
	lineID := body["id"].(string)
	for field, v := range map[string]float64{"quantity": 0.0005, "tax_rate": 7.775} {
		line := map[string]any{"invoice": id, "description": "Bad", "quantity": 1.0, "unit_price": 100, "tax_rate": 10.0}
		line[field] = v
		if code, body := f.call(t, "admin", http.MethodPost, lines, line); code != http.StatusBadRequest || fieldErrorOf(body, field) == "" {
			t.Errorf("%s %v: %d %v", field, v, code, body)
		}
	}
	if code, body := f.call(t, "admin", http.MethodPost, lines, map[string]any{"invoice": id, "description": "Tie",
		"quantity": 1, "unit_price": 25, "tax_rate": 10}); code != http.StatusOK || body["tax_amount"] != float64(2) {
		t.Errorf("2.5 cents of tax rounds to even 2: %d %v", code, body)
	}
	inv := f.invoice(t, id)
	if inv.GetInt("subtotal") != 28900 || inv.GetInt("tax_total") != 2890 || inv.GetInt("total") != 31790 {
		t.Errorf("draft totals: %v %v %v", inv.Get("subtotal"), inv.Get("tax_total"), inv.Get("total"))
	}
	// Drafts never reach clients.
	if code, _ := f.call(t, "finance", http.MethodGet, "/api/collections/invoices/records/"+id, nil); code != http.StatusNotFound {
		t.Errorf("a client reads a draft: %d", code)
	}
	// Only issuing (or deleting) is done to a draft.
	if code, body := f.patch(t, id, map[string]any{"status": "paid"}); code != http.StatusBadRequest || fieldErrorOf(body, "status") == "" {
		t.Errorf("draft → paid: %d %v", code, body)
	}

	// Issuing numbers, dates, freezes and renders the invoice, and emails
	// the contacts who may view invoices.
	code, body = f.patch(t, id, map[string]any{"status": "issued", "number": "MINE"})
	if code != http.StatusOK || body["number"] != "INV-000001" || body["sequence"] != float64(1) || body["pdf"] == "" ||
		!strings.HasPrefix(body["issued_on"].(string), "2026-03-10") || !strings.HasPrefix(body["due_on"].(string), "2026-03-24") {
		t.Fatalf("issue: %d %v", code, body)
	}
	mails := queued(t, f.app, dbx.HashExp{"kind": "invoice_issued"})
	if recipientsOf(mails) != "finance@acme.test,viewer@acme.test" {
		t.Errorf("invoice issued emailed %s", recipientsOf(mails))
	}
	if len(mails) > 0 {
		wantSubject := "Invoice INV-000001 from Test Agency"
		wantText := "Hello " + mails[0].GetString("to_name") + ",\n\nInvoice INV-000001 for AUD 317.90 is issued to Acme Events, due on Tue 24 Mar 2026."
		if got := mails[0].GetString("subject"); got != wantSubject {
			t.Errorf("subject %q, want %q", got, wantSubject)
		}
		if got := mails[0].GetString("text"); !strings.Contains(got, wantText) || !strings.Contains(got, "/client-portal/finance") {
			t.Errorf("text %q, want it to contain %q and the finance page", got, wantText)
		}
	}

	// An issued invoice is frozen.
	for field, v := range map[string]any{"total": 1, "number": "INV-9", "currency": "EUR", "due_on": "2026-05-01 00:00:00.000Z",
		"client": f.other.Id, "pdf": nil, "paid_amount": 31790} {
		if code, body := f.patch(t, id, map[string]any{field: v}); code != http.StatusBadRequest || fieldErrorOf(body, field) == "" {
			t.Errorf("changing %s of an issued invoice: %d %v", field, code, body)
		}
	}
	for _, status := range []string{"paid", "partly_paid", "overdue", "draft"} {
		if code, _ := f.patch(t, id, map[string]any{"status": status}); code != http.StatusBadRequest {
			t.Errorf("an admin sets %s by hand: %d", status, code)
		}
	}
	if code, body := f.call(t, "admin", http.MethodPost, lines, map[string]any{"invoice": id, "description": "More",
		"quantity": 1, "unit_price": 100}); code != http.StatusBadRequest || !strings.Contains(fieldErrorOf(body, "invoice"), "INV-000001 is issued") {
		t.Errorf("a line added to an issued invoice: %d %v", code, body)
	}
	if code, _ := f.call(t, "admin", http.MethodPatch, lines+"/"+lineID, map[string]any{"unit_price": 1}); code != http.StatusBadRequest {
		t.Errorf("a line of an issued invoice edited: %d", code)
	}
	if code, _ := f.call(t, "admin", http.MethodDelete, lines+"/"+lineID, nil); code != http.StatusBadRequest {
		t.Errorf("a line of an issued invoice deleted: %d", code)
	}
	if code, _ := f.call(t, "admin", http.MethodDelete, "/api/collections/invoices/records/"+id, nil); code != http.StatusBadRequest {
		t.Errorf("an issued invoice deleted: %d", code)
	}
	if after := f.invoice(t, id); after.GetInt("total") != 31790 || after.GetString("number") != "INV-000001" ||
		after.GetString("pdf") != inv.GetString("pdf") && after.GetString("pdf") == "" {
		t.Errorf("a refused edit changed the invoice: %v", after)
	}

	// Payments drive the paid amount and the status; overpaying is refused.
	payments := "/api/collections/payments/records"
	pay := func(amount int) (int, map[string]any) {
		return f.call(t, "admin", http.MethodPost, payments, map[string]any{"invoice": id, "amount": amount,
			"paid_on": "2026-03-12 00:00:00.000Z", "method": "Bank transfer"})
	}
	if code, _ := pay(10000); code != http.StatusOK || f.invoice(t, id).GetString("status") != "partly_paid" ||
		f.invoice(t, id).GetInt("paid_amount") != 10000 {
		t.Errorf("a part payment: %d %v", code, f.invoice(t, id).Get("status"))
	}
	code, body = pay(30000)
	if msg := fieldErrorOf(body, "amount"); code != http.StatusBadRequest || !strings.Contains(msg, "AUD 217.90 still outstanding") {
		t.Errorf("overpayment: %d %v", code, body)
	}
	if n, _ := f.app.CountRecords(collections.Payments); n != 1 || f.invoice(t, id).GetInt("paid_amount") != 10000 {
		t.Errorf("a refused overpayment left %d payments, paid %v", n, f.invoice(t, id).Get("paid_amount"))
	}
	if code, _ := pay(0); code != http.StatusBadRequest {
		t.Errorf("a zero payment: %d", code)
	}
	code, body = pay(21790)
	if code != http.StatusOK || f.invoice(t, id).GetString("status") != "paid" {
		t.Errorf("paid in full: %d %v", code, f.invoice(t, id).Get("status"))
	}
	if code, _ := f.call(t, "admin", http.MethodDelete, payments+"/"+body["id"].(string), nil); code != http.StatusNoContent ||
		f.invoice(t, id).GetString("status") != "partly_paid" || f.invoice(t, id).GetInt("paid_amount") != 10000 {
		t.Errorf("a payment removed: %d %v", code, f.invoice(t, id).Get("status"))
	}
	if code, _ := f.patch(t, id, map[string]any{"status": "void"}); code != http.StatusBadRequest {
		t.Errorf("an invoice with payments voided: %d", code)
	}

	// A second invoice is numbered next; voiding keeps its number and
	// stamps the same PDF VOID; a void invoice is final.
	second := f.draft(t, f.client, [3]float64{1, 5000, 0})
	if code, body := f.patch(t, second, map[string]any{"status": "issued"}); code != http.StatusOK || body["number"] != "INV-000002" {
		t.Fatalf("second issue: %d %v", code, body)
	}
	if code, body := f.call(t, "admin", http.MethodPost, payments, map[string]any{"invoice": f.draft(t, f.client, [3]float64{1, 100, 0}),
		"amount": 1, "paid_on": "2026-03-12 00:00:00.000Z"}); code != http.StatusBadRequest || fieldErrorOf(body, "invoice") == "" {
		t.Errorf("a payment on a draft: %d %v", code, body)
	}
	code, body = f.patch(t, second, map[string]any{"status": "void", "void_reason": "Wrong client"})
	voided := f.invoice(t, second)
	if code != http.StatusOK || voided.GetString("number") != "INV-000002" || !strings.Contains(voided.GetString("pdf"), "void") {
		t.Fatalf("void: %d %v", code, body)
	}
	if _, pdf := f.download(t, "admin", voided); !strings.Contains(pdfText(t, pdf), "VOID") || !strings.Contains(pdfText(t, pdf), "INV-000002") {
		t.Errorf("the void PDF is not stamped: %q", pdfText(t, pdf))
	}
	for _, change := range []map[string]any{{"status": "issued"}, {"void_reason": "Other"}} {
		if code, _ := f.patch(t, second, change); code != http.StatusBadRequest {
			t.Errorf("a void invoice changed (%v): %d", change, code)
		}
	}
	if code, _ := f.call(t, "admin", http.MethodPost, payments, map[string]any{"invoice": second, "amount": 1,
		"paid_on": "2026-03-12 00:00:00.000Z"}); code != http.StatusBadRequest {
		t.Errorf("a payment on a void invoice: %d", code)
	}
}

func TestOverdueJobInTheAgencyTimeZone(t *testing.T) {
	t.Parallel()
	f := newInvoiceFixture(t)
	open := f.draft(t, f.client, [3]float64{2, 10000, 10})
	part := f.draft(t, f.client, [3]float64{1, 10000, 0})
	paid := f.draft(t, f.client, [3]float64{1, 10000, 0})
	for _, id := range []string{open, part, paid} {
		if code, body := f.patch(t, id, map[string]any{"status": "issued"}); code != http.StatusOK {
			t.Fatalf("issue: %d %v", code, body)
		}
	}
	for id, amount := range map[string]int{part: 4000, paid: 10000} {
		if code, body := f.call(t, "admin", http.MethodPost, "/api/collections/payments/records",
			map[string]any{"invoice": id, "amount": amount, "paid_on": "2026-03-11 00:00:00.000Z"}); code != http.StatusOK {
			t.Fatalf("payment: %d %v", code, body)
		}
	}
	// Due on 24 March. At 23:59 on the 24th in Melbourne (12:59 UTC) nothing
	// is overdue; one minute later, on the 25th there, it is.
	if n, err := pb_hooks.MarkOverdueInvoices(f.app, time.Date(2026, 3, 24, 12, 59, 0, 0, time.UTC)); err != nil || n != 0 {
		t.Errorf("before midnight in Melbourne: %d marked, %v", n, err)
	}
	// The cron job runs with the plugin's clock.
	f.clock.Set(time.Date(2026, 3, 24, 13, 0, 0, 0, time.UTC))
	var job func()
	for _, j := range f.app.Cron().Jobs() {
		if j.Id() == pb_hooks.OverdueJobID {
			job = j.Run
		}
	}
	if job == nil {
		t.Fatal("no overdue cron job")
	}
	job()
	for id, want := range map[string]string{open: "overdue", part: "overdue", paid: "paid"} {
		if got := f.invoice(t, id).GetString("status"); got != want {
			t.Errorf("invoice %s after the due date: %s, want %s", f.invoice(t, id).GetString("number"), got, want)
		}
	}
	if n, err := pb_hooks.MarkOverdueInvoices(f.app, f.clock.Now()); err != nil || n != 0 {
		t.Errorf("a second run marked %d again (%v)", n, err)
	}
	mails := queued(t, f.app, dbx.HashExp{"kind": "invoice_overdue"})
	if len(mails) != 4 { // two invoices × two contacts who may view invoices
		t.Fatalf("overdue emails: %d", len(mails))
	}
	var partText string
	for _, m := range mails {
		if strings.Contains(m.GetString("subject"), f.invoice(t, part).GetString("number")) {
			partText = m.GetString("text")
		}
	}
	want := "Invoice INV-000002 from Test Agency to Acme Events was due on Tue 24 Mar 2026; AUD 60.00 of AUD 100.00 is still outstanding."
	if !strings.Contains(partText, want) {
		t.Errorf("overdue text %q, want %q", partText, want)
	}
	// A payment on an overdue invoice keeps it overdue until paid in full.
	if code, _ := f.call(t, "admin", http.MethodPost, "/api/collections/payments/records",
		map[string]any{"invoice": part, "amount": 1000, "paid_on": "2026-03-25 00:00:00.000Z"}); code != http.StatusOK ||
		f.invoice(t, part).GetString("status") != "overdue" {
		t.Errorf("part payment on an overdue invoice: %d %s", code, f.invoice(t, part).GetString("status"))
	}
	if code, _ := f.call(t, "admin", http.MethodPost, "/api/collections/payments/records",
		map[string]any{"invoice": part, "amount": 5000, "paid_on": "2026-03-25 00:00:00.000Z"}); code != http.StatusOK ||
		f.invoice(t, part).GetString("status") != "paid" {
		t.Errorf("paying off an overdue invoice: %d %s", code, f.invoice(t, part).GetString("status"))
	}
}

// TestConcurrentIssuingNumbersWithoutGaps issues many drafts at once from
// several goroutines through the running server: every number is taken
// exactly once, in one unbroken sequence.
func TestConcurrentIssuingNumbersWithoutGaps(t *testing.T) {
	t.Parallel()
	f := newInvoiceFixture(t)
	const n = 16
	ids := make([]string, n)
	for i := range ids {
		ids[i] = f.draft(t, f.client, [3]float64{1, float64(1000 + i), 10})
	}
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = portaltest.TryCallJSON(http.MethodPatch, f.base+"/api/collections/invoices/records/"+id,
				f.tokens["admin"], map[string]any{"status": "issued"})
		}()
	}
	wg.Wait()
	seen := map[int]string{}
	for i, id := range ids {
		inv := f.invoice(t, id)
		seq := inv.GetInt("sequence")
		if codes[i] != http.StatusOK || inv.GetString("status") != "issued" {
			t.Errorf("issue %d: %d, status %s", i, codes[i], inv.GetString("status"))
		}
		if other, dup := seen[seq]; dup {
			t.Errorf("sequence %d given to %s and %s", seq, other, id)
		}
		seen[seq] = id
		if want := fmt.Sprintf("INV-%06d", seq); inv.GetString("number") != want {
			t.Errorf("number %q for sequence %d", inv.GetString("number"), seq)
		}
	}
	for seq := 1; seq <= n; seq++ {
		if _, ok := seen[seq]; !ok {
			t.Errorf("gap: no invoice numbered %d", seq)
		}
	}
}

func TestInvoicePDFTextAndPermissions(t *testing.T) {
	t.Parallel()
	f := newInvoiceFixture(t)
	id := f.draft(t, f.client, [3]float64{7.5, 3850, 10}, [3]float64{1000, 123456, 20})
	if code, body := f.patch(t, id, map[string]any{"status": "issued"}); code != http.StatusOK {
		t.Fatalf("issue: %d %v", code, body)
	}
	inv := f.invoice(t, id)
	code, pdf := f.download(t, "finance", inv)
	if code != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("finance downloads the PDF: %d", code)
	}
	text := pdfText(t, pdf)
	// 288.75 + 28.88 tax; 1,234,560.00 + 246,912.00 tax.
	for _, want := range []string{"Invoice INV-000001", "Acme Events", "Geelong", "Test Agency", "AUD 1,481,789.63",
		"AUD 28.88", "Due on: Tue 24 Mar 2026", "Pay to BSB 000-000."} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q; it says %q", want, text)
		}
	}
	// Who reads the invoice and who downloads its PDF.
	for who, want := range map[string][2]int{
		"finance":  {http.StatusOK, http.StatusOK},
		"viewer":   {http.StatusOK, http.StatusForbidden},
		"booker":   {http.StatusNotFound, http.StatusNotFound},
		"stranger": {http.StatusNotFound, http.StatusNotFound},
		"admin":    {http.StatusOK, http.StatusOK},
	} {
		code, body := f.call(t, who, http.MethodGet, "/api/collections/invoices/records/"+id, nil)
		_, pdfShown := body["pdf"]
		if code != want[0] || (who == "viewer" && pdfShown) {
			t.Errorf("%s views the invoice: %d (pdf field shown: %v), want %d", who, code, pdfShown, want[0])
		}
		if code, _ := f.download(t, who, inv); code != want[1] {
			t.Errorf("%s downloads the PDF: %d, want %d", who, code, want[1])
		}
		_, list := f.call(t, who, http.MethodGet, "/api/collections/invoices/records", nil)
		if items, _ := list["items"].([]any); (len(items) == 1) != (want[0] == http.StatusOK) {
			t.Errorf("%s lists %d invoices", who, len(items))
		}
		for _, child := range []string{"invoice_lines", "payments"} {
			_, list := f.call(t, who, http.MethodGet, "/api/collections/"+child+"/records?filter=invoice='"+id+"'", nil)
			if items, _ := list["items"].([]any); child == "invoice_lines" && (len(items) == 2) != (want[0] == http.StatusOK) {
				t.Errorf("%s lists %d lines", who, len(items))
			}
		}
	}
}

// pdfText extracts the text a PDF shows: it inflates the content streams
// and reads the strings of their text operators (Tj), as fpdf writes them
// (core fonts, cp1252). No PDF text library is available through the
// module proxy, and this is all an fpdf document needs.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	streams := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(pdf, -1)
	show := regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
	unescape := strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`, `\r`, "", `\n`, "\n")
	var out strings.Builder
	for _, s := range streams {
		r, err := zlib.NewReader(bytes.NewReader(s[1]))
		if err != nil {
			continue // an image or font, not a content stream
		}
		content, err := io.ReadAll(r)
		if err != nil {
			continue
		}
		for _, m := range show.FindAllSubmatch(content, -1) {
			text, err := charmap.Windows1252.NewDecoder().String(unescape.Replace(string(m[1])))
			if err != nil {
				t.Fatal(err)
			}
			out.WriteString(text + "\n")
		}
	}
	return out.String()
}
