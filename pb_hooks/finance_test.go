package pb_hooks_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// issue creates an invoice of one line of cents in currency for client, as
// an admin, and issues it; it returns its id.
func (f *invoiceFixture) issue(t *testing.T, client *collections.Client, currency string, cents int) string {
	t.Helper()
	code, body := f.call(t, "admin", http.MethodPost, "/api/collections/invoices/records",
		map[string]any{"client": client.Id, "currency": currency})
	if code != http.StatusOK {
		t.Fatalf("create draft: %d %v", code, body)
	}
	id := body["id"].(string)
	if code, body := f.call(t, "admin", http.MethodPost, "/api/collections/invoice_lines/records", map[string]any{
		"invoice": id, "description": "Staff", "quantity": 1, "unit_price": cents, "tax_rate": 0}); code != http.StatusOK {
		t.Fatalf("add line: %d %v", code, body)
	}
	if code, body := f.patch(t, id, map[string]any{"status": "issued"}); code != http.StatusOK {
		t.Fatalf("issue: %d %v", code, body)
	}
	return id
}

func (f *invoiceFixture) pay(t *testing.T, invoice string, cents int, on string) {
	t.Helper()
	if code, body := f.call(t, "admin", http.MethodPost, "/api/collections/payments/records",
		map[string]any{"invoice": invoice, "amount": cents, "paid_on": on + " 00:00:00.000Z", "currency": "EUR"}); code != http.StatusOK {
		t.Fatalf("payment: %d %v", code, body)
	}
}

// TestFinancePage checks the finance page's one call against the record API
// it replaces: the totals equal what the page used to add up from every
// invoice and payment the API lists; the invoices are the API's filtered
// list, page for page, as each role gets them (the PDF only for
// download_invoices); the payments are those of the listed invoices.
func TestFinancePage(t *testing.T) {
	t.Parallel()
	f := newInvoiceFixture(t)
	// Two invoices fall overdue, one of them partly paid; one payment is from
	// last year; others are paid, void, in NZD, a draft, or another client's.
	lateA := f.issue(t, f.client, "AUD", 50000)
	f.issue(t, f.client, "AUD", 20000)
	f.pay(t, lateA, 12000, "2026-03-11")
	if _, err := pb_hooks.MarkOverdueInvoices(f.app, time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	f.issue(t, f.client, "AUD", 7000)
	paid := f.issue(t, f.client, "AUD", 3000)
	f.pay(t, paid, 1000, "2025-12-30")
	f.pay(t, paid, 2000, "2026-01-02")
	void := f.issue(t, f.client, "AUD", 9900)
	if code, body := f.patch(t, void, map[string]any{"status": "void"}); code != http.StatusOK {
		t.Fatalf("void: %d %v", code, body)
	}
	kiwi := f.issue(t, f.client, "NZD", 4500)
	f.pay(t, kiwi, 500, "2026-02-01")
	// A payment carries its invoice's currency, whatever it is sent with.
	if p, err := f.app.FindFirstRecordByData(collections.Payments, collections.FieldInvoice, kiwi); err != nil || p.GetString(collections.FieldCurrency) != "NZD" {
		t.Errorf("the NZD invoice's payment: %v %v", err, p)
	}
	f.draft(t, f.client, [3]float64{1, 80000, 0})
	f.pay(t, f.issue(t, f.other, "AUD", 60000), 1000, "2026-03-01")

	want := []pb_hooks.FinanceTotals{
		{Currency: "AUD", Outstanding: 50000 - 12000 + 20000 + 7000, Overdue: 50000 - 12000 + 20000, PaidInYear: 12000 + 2000},
		{Currency: "NZD", Outstanding: 4000, PaidInYear: 500},
	}
	if got := f.totalsAsThePageAddedThem(t, "viewer"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the fixture: the record API's invoices and payments add up to %v, want %v", got, want)
	}

	for _, who := range []string{"finance", "viewer"} {
		for _, query := range []string{"", "status=overdue", "from=2026-03-10&to=2026-03-10", "status=paid&page=1"} {
			t.Run(who+" "+query, func(t *testing.T) {
				code, page := f.call(t, who, http.MethodGet, "/api/portal/finance?"+query, nil)
				if code != http.StatusOK {
					t.Fatalf("%d %v", code, page)
				}
				if got := fmt.Sprint(decodeTotals(page)); got != fmt.Sprint(want) {
					t.Errorf("totals %s, want %v", got, want)
				}
				filter := map[string]string{"": "", "status=overdue": `status = "overdue"`,
					"from=2026-03-10&to=2026-03-10": `issued_on >= "2026-03-10 00:00:00.000Z" && issued_on <= "2026-03-10 23:59:59.999Z"`,
					"status=paid&page=1":            `status = "paid"`}[query]
				_, list := f.call(t, who, http.MethodGet, "/api/collections/invoices/records?perPage=20&sort=-issued_on,-sequence&filter="+
					url.QueryEscape(filter), nil)
				if got, want := fmt.Sprint(page["items"]), fmt.Sprint(list["items"]); got != want || page["totalItems"] != list["totalItems"] {
					t.Errorf("invoices\n%s (%v)\nwant the record API's\n%s (%v)", got, page["totalItems"], want, list["totalItems"])
				}
				var listed []string
				for _, inv := range page["items"].([]any) {
					inv := inv.(map[string]any)
					listed = append(listed, inv["id"].(string))
					if pdf, _ := inv["pdf"].(string); (pdf != "") != (who == "finance") {
						t.Errorf("%s gets the PDF of %s: %q", who, inv["number"], pdf)
					}
				}
				var paidFor []string
				for _, p := range page["payments"].([]any) {
					paidFor = append(paidFor, p.(map[string]any)["invoice"].(string))
				}
				for _, inv := range paidFor {
					if !slices.Contains(listed, inv) {
						t.Errorf("a payment of %s, which is not listed", inv)
					}
				}
				// Every payment of the listed invoices, as the record API lists them.
				_, allPayments := f.call(t, who, http.MethodGet, "/api/collections/payments/records?perPage=500&sort=-paid_on,-id", nil)
				var wantPayments []any
				for _, p := range allPayments["items"].([]any) {
					if slices.Contains(listed, p.(map[string]any)["invoice"].(string)) {
						wantPayments = append(wantPayments, p)
					}
				}
				if got, want := fmt.Sprint(page["payments"]), fmt.Sprint(wantPayments); got != want {
					t.Errorf("payments\n%s\nwant the record API's\n%s", got, want)
				}
				// The CSV export: every invoice of the filtered list, in its order.
				csvQuery := strings.TrimSuffix(strings.TrimSuffix(query, "&page=1"), "page=1")
				code, body := portaltest.Call(t, http.MethodGet, f.base+"/api/portal/invoices.csv?"+csvQuery, f.tokens[who], nil)
				_, all := f.call(t, who, http.MethodGet, "/api/collections/invoices/records?perPage=500&sort=-issued_on,-sequence&filter="+
					url.QueryEscape(filter), nil)
				rows := strings.Split(strings.TrimSpace(string(body)), "\n")
				want := []string{"Number,Status,Issued,Due,Currency,Amount,Paid,Outstanding"}
				for _, inv := range all["items"].([]any) {
					inv := inv.(map[string]any)
					want = append(want, inv["number"].(string)+",")
				}
				if code != http.StatusOK || len(rows) != len(want) {
					t.Fatalf("CSV: %d\n%s\nwant %d rows", code, body, len(want))
				}
				for i := range rows {
					if !strings.HasPrefix(strings.TrimSpace(rows[i]), want[i]) {
						t.Errorf("CSV row %d: %q, want %q…", i, rows[i], want[i])
					}
				}
				wantPaid := map[string]int{lateA: 1, paid: 2, kiwi: 1}
				for _, inv := range listed {
					if n := countOf(paidFor, inv); n != wantPaid[inv] {
						t.Errorf("%d payments of %s, want %d", n, inv, wantPaid[inv])
					}
				}
			})
		}
	}

	// A page past the end is the last one, and says so (also a page whose
	// offset would overflow).
	for _, n := range []string{"9", "9223372036854775807"} {
		code, page := f.call(t, "viewer", http.MethodGet, "/api/portal/finance?page="+n, nil)
		if code != http.StatusOK || page["pageClamped"] != true || page["page"] != float64(1) || len(page["items"].([]any)) != 6 {
			t.Errorf("page %s of 1: %d %v", n, code, page)
		}
	}
	// "Paid in the year" is the agency's year by the portal's clock: on 1
	// January in Melbourne (still 31 December in UTC), 2026's payments no
	// longer count.
	f.clock.Set(time.Date(2026, 12, 31, 14, 0, 0, 0, time.UTC))
	if _, page := f.call(t, "viewer", http.MethodGet, "/api/portal/finance", nil); page["year"] != float64(2027) ||
		fmt.Sprint(decodeTotals(page)) != fmt.Sprint([]pb_hooks.FinanceTotals{{Currency: "AUD", Outstanding: 65000, Overdue: 58000}, {Currency: "NZD", Outstanding: 4000}}) {
		t.Errorf("on New Year's Day in Melbourne: %v %v", page["year"], page["totals"])
	}
	f.clock.Set(time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))
	// Another client's contact sees its own company only; a role without
	// view_invoices and the agency's admin are refused.
	if code, page := f.call(t, "stranger", http.MethodGet, "/api/portal/finance", nil); code != http.StatusOK ||
		len(page["items"].([]any)) != 1 || fmt.Sprint(decodeTotals(page)) != fmt.Sprint([]pb_hooks.FinanceTotals{{Currency: "AUD", Outstanding: 59000, PaidInYear: 1000}}) {
		t.Errorf("another client's contact: %d %v", code, page)
	}
	// 21 invoices are two pages, newest first, and the totals are the whole company's.
	for range 20 {
		f.issue(t, f.other, "AUD", 100)
	}
	_, first := f.call(t, "stranger", http.MethodGet, "/api/portal/finance", nil)
	code, second := f.call(t, "stranger", http.MethodGet, "/api/portal/finance?page=2", nil)
	if code != http.StatusOK || first["totalItems"] != float64(21) || first["totalPages"] != float64(2) ||
		len(first["items"].([]any)) != 20 || len(second["items"].([]any)) != 1 ||
		second["items"].([]any)[0].(map[string]any)["total"] != float64(60000) ||
		fmt.Sprint(decodeTotals(second)) != fmt.Sprint([]pb_hooks.FinanceTotals{{Currency: "AUD", Outstanding: 61000, PaidInYear: 1000}}) {
		t.Errorf("two pages: %v %v\n%d %v", first["totalItems"], first["totalPages"], code, second)
	}
	// The totals follow a payment at once (they are cached until an invoice
	// or payment changes).
	f.pay(t, second["items"].([]any)[0].(map[string]any)["id"].(string), 500, "2026-03-05")
	if _, page := f.call(t, "stranger", http.MethodGet, "/api/portal/finance", nil); fmt.Sprint(decodeTotals(page)) !=
		fmt.Sprint([]pb_hooks.FinanceTotals{{Currency: "AUD", Outstanding: 60500, PaidInYear: 1500}}) {
		t.Errorf("after a payment: %v", page["totals"])
	}
	// The list's total is kept until an invoice changes: a repeat asks no
	// count, and a new invoice shows at once.
	log := logQueries(f.app)
	f.call(t, "stranger", http.MethodGet, "/api/portal/finance", nil)
	for _, sql := range log.take() {
		if strings.Contains(sql, "COUNT(") && strings.Contains(sql, "FROM `invoices`") {
			t.Errorf("a repeat of the finance page counted the invoices again:\n%s", sql)
		}
		// The page's 20 invoices are new, with nothing paid.
		if strings.Contains(sql, "FROM `payments`") {
			t.Errorf("a page of unpaid invoices looked up their payments:\n%s", sql)
		}
	}
	f.issue(t, f.other, "AUD", 100)
	if _, page := f.call(t, "stranger", http.MethodGet, "/api/portal/finance", nil); page["totalItems"] != float64(22) {
		t.Errorf("after another invoice: %v invoices", page["totalItems"])
	}
	for who, want := range map[string]int{"booker": http.StatusForbidden, "admin": http.StatusForbidden} {
		for _, route := range []string{"/api/portal/finance", "/api/portal/invoices.csv"} {
			if code, body := f.call(t, who, http.MethodGet, route, nil); code != want {
				t.Errorf("%s %s: %d %v, want %d", who, route, code, body, want)
			}
		}
	}
	// Each invoice's line in the CSV: status in words, dates, exact decimals;
	// a void invoice has nothing outstanding.
	_, body := portaltest.Call(t, http.MethodGet, f.base+"/api/portal/invoices.csv", f.tokens["viewer"], nil)
	for _, want := range []string{
		",Overdue,2026-03-10,2026-03-24,AUD,500.00,120.00,380.00\r\n",
		",Void,2026-03-10,2026-03-24,AUD,99.00,0.00,0.00\r\n",
		",Partly paid,2026-03-10,2026-03-24,NZD,45.00,5.00,40.00\r\n",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the CSV lacks %q:\n%s", want, body)
		}
	}
	// Bad filters: a 400 naming each field, on the page and the export.
	for query, field := range map[string]string{"status=draft": "status", "from=2026-02-30": "from", "to=soon": "to", "page=0": "page"} {
		for _, route := range []string{"/api/portal/finance?", "/api/portal/invoices.csv?"} {
			if code, body := f.call(t, "viewer", http.MethodGet, route+query, nil); code != http.StatusBadRequest || fieldErrorOf(body, field) == "" {
				t.Errorf("%s%s: %d %v", route, query, code, body)
			}
		}
	}
}

// totalsAsThePageAddedThem lists every invoice and payment through the
// record API as who, and adds them up as the finance page did before the
// totals moved to the server: outstanding on open invoices, the overdue
// part, and the payments of 2026 (the agency's year) by invoice currency.
func (f *invoiceFixture) totalsAsThePageAddedThem(t *testing.T, who string) []pb_hooks.FinanceTotals {
	t.Helper()
	_, invoices := f.call(t, who, http.MethodGet, "/api/collections/invoices/records?perPage=500&sort=currency", nil)
	_, payments := f.call(t, who, http.MethodGet, "/api/collections/payments/records?perPage=500", nil)
	var totals []pb_hooks.FinanceTotals
	of := func(currency string) *pb_hooks.FinanceTotals {
		for i := range totals {
			if totals[i].Currency == currency {
				return &totals[i]
			}
		}
		totals = append(totals, pb_hooks.FinanceTotals{Currency: currency})
		return &totals[len(totals)-1]
	}
	currencies := map[string]string{}
	for _, inv := range invoices["items"].([]any) {
		inv := inv.(map[string]any)
		currencies[inv["id"].(string)] = inv["currency"].(string)
		if collections.InvoiceStatusOpen(collections.InvoiceStatus(inv["status"].(string))) {
			left := int64(max(0, inv["total"].(float64)-inv["paid_amount"].(float64)))
			s := of(inv["currency"].(string))
			s.Outstanding += left
			if inv["status"] == "overdue" {
				s.Overdue += left
			}
		}
	}
	for _, p := range payments["items"].([]any) {
		p := p.(map[string]any)
		if c, ok := currencies[p["invoice"].(string)]; ok && p["paid_on"].(string) >= "2026" && p["paid_on"].(string) < "2027" {
			of(c).PaidInYear += int64(p["amount"].(float64))
		}
	}
	return totals
}

func decodeTotals(page map[string]any) []pb_hooks.FinanceTotals {
	var out []pb_hooks.FinanceTotals
	list, _ := page["totals"].([]any)
	for _, x := range list {
		x := x.(map[string]any)
		out = append(out, pb_hooks.FinanceTotals{Currency: x["currency"].(string), Outstanding: int64(x["outstanding"].(float64)),
			Overdue: int64(x["overdue"].(float64)), PaidInYear: int64(x["paidInYear"].(float64))})
	}
	return out
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// TestFinancePageKept checks that a kept finance answer is used only while
// it is right: a repeat reads nothing, and a new invoice, a payment, a
// role's permissions and a field an admin hides each show in the next
// answer; two roles never share one. Writes with plain SQL, which no hook
// sees, show which answers were kept.
func TestFinancePageKept(t *testing.T) {
	t.Parallel()
	f := newInvoiceFixture(t)
	first := f.issue(t, f.client, "AUD", 1000)
	page := func(who string) map[string]any {
		t.Helper()
		code, body := f.call(t, who, http.MethodGet, "/api/portal/finance", nil)
		if code != http.StatusOK {
			t.Fatalf("%s: %d %v", who, code, body)
		}
		return body
	}
	numbers := func(page map[string]any) string {
		var out []string
		for _, inv := range page["items"].([]any) {
			out = append(out, fmt.Sprint(inv.(map[string]any)["number"], "/", inv.(map[string]any)["pdf"] != nil))
		}
		return strings.Join(out, ",")
	}
	rename := func(id, number string) {
		setWithoutHooks(t, f.app, collections.Invoices, id, collections.FieldNumber, number)
	}

	before := numbers(page("finance"))
	viewer := numbers(page("viewer"))
	log := logQueries(f.app)
	rename(first, "QUIET-1")
	if got := numbers(page("finance")); got != before {
		t.Errorf("a repeat was built again, not kept: %s, was %s", got, before)
	}
	for _, sql := range log.take() {
		if strings.Contains(sql, "`invoices`") || strings.Contains(sql, "`payments`") {
			t.Errorf("a kept answer read:\n%s", sql)
		}
	}
	if got := numbers(page("viewer")); got != viewer || strings.Contains(got, "/true") || !strings.Contains(before, "/true") {
		t.Errorf("the PDF by role: finance %s, viewer %s", before, got)
	}

	// Another client's new invoice and payment leave this client's answer kept.
	otherInvoice := f.issue(t, f.other, "AUD", 500)
	f.pay(t, otherInvoice, 100, "2026-03-09")
	if got := numbers(page("finance")); got != before {
		t.Errorf("another client's invoice and payment forgot this client's answer: %s, was %s", got, before)
	}

	// A payment (a hook-saved change) forgets the client's answers.
	f.pay(t, first, 100, "2026-03-09")
	got := page("finance")
	if !strings.Contains(numbers(got), "QUIET-1") || len(got["payments"].([]any)) != 1 {
		t.Errorf("after a payment: %s, %v", numbers(got), got["payments"])
	}
	second := f.issue(t, f.client, "AUD", 2000)
	if got := numbers(page("finance")); !strings.Contains(got, "INV-") || strings.Count(got, ",") != 1 {
		t.Errorf("a new invoice did not show: %s", got)
	}

	// The finance role (one every client may use) loses download_invoices:
	// the PDF goes at once.
	rename(second, "QUIET-2")
	contact, err := f.app.FindAuthRecordByEmail(collections.Contacts, "finance@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	role, _ := f.app.FindRecordById(collections.Roles, contact.GetString(collections.FieldRole))
	role.Set(collections.FieldPermissions, []string{string(collections.PermViewInvoices)})
	if err := f.app.Save(role); err != nil {
		t.Fatal(err)
	}
	if got := numbers(page("finance")); strings.Contains(got, "/true") || !strings.Contains(got, "QUIET-2") {
		t.Errorf("after the role lost download_invoices: %s", got)
	}

	// An admin hides the invoices' notes: the next answer lacks them.
	if _, ok := page("viewer")["items"].([]any)[0].(map[string]any)["notes"]; !ok {
		t.Fatal("the notes are not listed to begin with")
	}
	invoices, _ := f.app.FindCollectionByNameOrId(collections.Invoices)
	invoices.Fields.GetByName(collections.FieldNotes).SetHidden(true)
	if err := f.app.Save(invoices); err != nil {
		t.Fatal(err)
	}
	if _, ok := page("viewer")["items"].([]any)[0].(map[string]any)["notes"]; ok {
		t.Error("a field hidden by an admin is still in the kept answer")
	}

	// An integrator's own enrich hook, bound after the plugin, may shape per
	// request: from then on no answer is kept, and the hook sees every page.
	var shaped atomic.Int32
	f.app.OnRecordEnrich(collections.Invoices).BindFunc(func(e *core.RecordEnrichEvent) error {
		shaped.Add(1)
		return e.Next()
	})
	page("viewer")
	seen := shaped.Load()
	page("viewer")
	if shaped.Load() == seen {
		t.Error("a kept answer skipped an integrator's enrich hook")
	}
}
