package pb_public_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/money"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestFinancePage: a Finance contact sees the summary per currency and the
// company's invoices (never drafts), filters them, downloads a PDF and the
// CSV, and sees the order history with estimates; a Booker has no Finance
// page, and the server refuses a Booker's file token for an invoice PDF.
func TestFinancePage(t *testing.T) {
	ctx, base, app := demoPortal(t)
	finance, err := app.FindAuthRecordByEmail(collections.Contacts, "finance@northwind.test")
	if err != nil {
		t.Fatal(err)
	}
	invoices, err := app.FindRecordsByFilter(collections.Invoices, "client = {:c}", "", 0, 0,
		dbx.Params{"c": finance.GetString(collections.FieldClient)})
	if err != nil {
		t.Fatal(err)
	}
	var outstanding, overdue int64
	for _, inv := range invoices {
		switch inv.GetString(collections.FieldStatus) {
		case "issued", "partly_paid", "overdue":
			left := int64(inv.GetInt(collections.FieldTotal) - inv.GetInt(collections.FieldPaidAmount))
			outstanding += left
			if inv.GetString(collections.FieldStatus) == "overdue" {
				overdue += left
			}
		}
	}

	signInHome(t, ctx, base, "finance@northwind.test")
	openPage(t, ctx, base, "/client-portal/finance", "finance")
	summary := strings.ReplaceAll(waitText(t, ctx, "#finance-summary", "Outstanding"), "\u00a0", " ")
	for _, want := range []string{"Outstanding\n" + money.Format(outstanding, "AUD", "en-GB"), "Overdue\n" + money.Format(overdue, "AUD", "en-GB"), "Paid in"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q: %q", want, summary)
		}
	}
	table := waitText(t, ctx, "#invoices-table", "Overdue")
	for _, inv := range invoices {
		number, status := inv.GetString(collections.FieldNumber), inv.GetString(collections.FieldStatus)
		if status == "draft" {
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#invoices-table tbody tr").length`)); n != len(invoices)-1 {
				t.Errorf("%d invoice rows, want every one but the draft (%d)", n, len(invoices)-1)
			}
			continue
		}
		if !strings.Contains(table, number) {
			t.Errorf("invoice %s (%s) is not listed", number, status)
		}
	}
	for _, want := range []string{"Partly paid", "Paid", "Void", "Bank transfer"} {
		if !strings.Contains(table, want) {
			t.Errorf("the invoice list lacks %q", want)
		}
	}
	waitText(t, ctx, "#orders-table", "Annual partner gala")

	// A PDF, as the server rendered it.
	if pdf := downloadByClicking(t, ctx, "#invoices-table [data-pdf]"); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("the PDF download is not a PDF: %.40q", pdf)
	}

	// Filter by status (kept in the URL) and export what is shown.
	if err := chromedp.Do(ctx, chooseOption("#filter-status", "Overdue"), chromedp.Click(chromedp.CSS("#filter-apply"))); err != nil {
		t.Fatal(err)
	}
	waitPath(t, ctx, base, "/client-portal/finance?status=overdue")
	waitRoute(t, ctx, "finance")
	if got := text(t, ctx, "#invoices-table tbody"); strings.Contains(got, "Partly paid") || !strings.Contains(got, "Overdue") {
		t.Errorf("the overdue filter shows:\n%s", got)
	}
	csv := string(downloadByClicking(t, ctx, "#invoices-export"))
	if !strings.HasPrefix(csv, "Number,Status,Issued,Due,Currency,Amount,Paid,Outstanding\r\n") || !strings.Contains(csv, ",Overdue,") ||
		strings.Contains(csv, "Partly paid") {
		t.Errorf("the CSV:\n%s", csv)
	}

	// A Booker (prices, no invoices) has no Finance page…
	signOut(t, ctx)
	signInHome(t, ctx, base, "booker@northwind.test")
	if exists(t, ctx, `a[href="/client-portal/finance"]`) {
		t.Error("the Booker's menu offers Finance")
	}
	openPage(t, ctx, base, "/client-portal/finance", "forbidden")
	// …and the server refuses the Booker's file token for an invoice PDF.
	booker := contactToken(t, app, "booker@northwind.test")
	code, body := apiCall(t, base, http.MethodPost, "/api/files/token", booker, nil)
	if code != http.StatusOK {
		t.Fatalf("file token: %d", code)
	}
	for _, inv := range invoices {
		if inv.GetString(collections.FieldPDF) == "" {
			continue
		}
		url := fmt.Sprintf("%s/api/files/invoices/%s/%s?token=%s", base, inv.Id, inv.GetString(collections.FieldPDF), body["token"])
		if code, _ := portaltest.Call(t, http.MethodGet, url, "", nil); code == http.StatusOK {
			t.Errorf("the Booker downloaded %s", inv.GetString(collections.FieldNumber))
		}
	}
}
