package pb_public_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestCompanyDetails: a manager edits the VAT id (saved, the agency is
// emailed); a viewer sees the details read-only.
func TestCompanyDetails(t *testing.T) {
	ctx, base, app := demoPortal(t)
	signInHome(t, ctx, base, "manager@northwind.test")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#portal-nav a[data-route="company"]`))); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "company")
	if got := text(t, ctx, "#company-name"); got != "Northwind Events" {
		t.Errorf("company name = %q", got)
	}
	if err := chromedp.Do(ctx,
		fill("#company-vat-id", "ABN 11 222 333 444"),
		chromedp.Click(chromedp.CSS("#company-save")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#company-status", "Company details saved.")

	client, err := app.FindFirstRecordByData(collections.Clients, "name", "Northwind Events")
	if err != nil {
		t.Fatal(err)
	}
	if got := client.GetString("vat_id"); got != "ABN 11 222 333 444" {
		t.Errorf("saved VAT id = %q", got)
	}
	mails, err := app.FindAllRecords(collections.MailOutbox, dbx.HashExp{"kind": string(pb_hooks.NotifyCompanyDetailsChanged)})
	if err != nil || len(mails) == 0 {
		t.Fatalf("no company_details_changed email queued (%v)", err)
	}
	if body := mails[0].GetString(collections.FieldText); !strings.Contains(body, "ABN 11 222 333 444") {
		t.Errorf("the email doesn't show the new VAT id:\n%s", body)
	}

	// A viewer reads the same details but has nothing to save.
	signOut(t, ctx)
	signInHome(t, ctx, base, "viewer@northwind.test")
	openPage(t, ctx, base, "/client-portal/company", "company")
	if got := text(t, ctx, `#company-details [data-field="vat_id"]`); got != "ABN 11 222 333 444" {
		t.Errorf("viewer sees VAT id %q", got)
	}
	if exists(t, ctx, "#company-save") || exists(t, ctx, "#company-form") {
		t.Error("a viewer is offered a form to change the company")
	}
}

// TestNavigationFollowsPermissions: a viewer's menu lacks what their role
// can't open (and the page itself refuses); a manager's has it all.
func TestNavigationFollowsPermissions(t *testing.T) {
	ctx, base, _ := demoPortal(t)
	link := func(route string) string { return `#portal-nav a[data-route="` + route + `"]` }

	signInHome(t, ctx, base, "viewer@northwind.test")
	for _, route := range []string{"contacts", "book", "finance"} {
		if exists(t, ctx, link(route)) {
			t.Errorf("the viewer's menu shows %s", route)
		}
	}
	for _, route := range []string{"home", "events", "company", "profile"} {
		if !exists(t, ctx, link(route)) {
			t.Errorf("the viewer's menu lacks %s", route)
		}
	}
	if exists(t, ctx, `.page-header a[href="/client-portal/book"]`) {
		t.Error("the viewer's home offers to book an event")
	}
	openPage(t, ctx, base, "/client-portal/contacts", "forbidden")
	signOut(t, ctx)

	signInHome(t, ctx, base, "manager@northwind.test")
	for _, route := range []string{"contacts", "book", "finance", "company", "profile"} {
		if !exists(t, ctx, link(route)) {
			t.Errorf("the manager's menu lacks %s", route)
		}
	}
}

// TestContactsInvite: a manager sees the company's contacts with their
// access and invites a colleague, who appears as invited.
func TestContactsInvite(t *testing.T) {
	ctx, base, app := demoPortal(t)
	signInHome(t, ctx, base, "manager@northwind.test")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#portal-nav a[data-route="contacts"]`))); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "contacts")

	list := text(t, ctx, "#contact-list")
	for _, want := range []string{"Olivia Hart", "You", "Jack Moreno", "No access", "Tom Becker", "Active"} {
		if !strings.Contains(list, want) {
			t.Errorf("contact list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "Mia Chen") {
		t.Error("the list shows another company's contact")
	}

	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#invite-name"), "Zoe Example"),
		chromedp.SendKeys(chromedp.CSS("#invite-email"), "zoe@northwind.test"),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const select = document.querySelector("#invite-role");
			select.value = [...select.options].find((o) => o.textContent === "Viewer").value;
			select.dispatchEvent(new Event("change", { bubbles: true }));
		})()`),
		chromedp.Click(chromedp.CSS("#invite-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#invite-status", "Invitation sent to Zoe Example (zoe@northwind.test).")

	zoe, err := app.FindAuthRecordByEmail(collections.Contacts, "zoe@northwind.test")
	if err != nil {
		t.Fatalf("the invited contact was not created: %v", err)
	}
	row := `#contact-list li[data-contact-id="` + zoe.Id + `"]`
	got := waitText(t, ctx, row, "Zoe Example")
	if !strings.Contains(got, "Invited") {
		t.Errorf("the new row doesn't say Invited:\n%s", got)
	}
	if zoe.GetString(collections.FieldStatus) != "invited" {
		t.Errorf("status = %q", zoe.GetString(collections.FieldStatus))
	}
	if n, _ := app.CountRecords(collections.MailOutbox, dbx.HashExp{"kind": string(pb_hooks.NotifyActivation), "to": "zoe@northwind.test"}); n != 1 {
		t.Errorf("%d activation emails to the invited contact", n)
	}

	// Giving access to a contact who had none sends them an invitation too.
	hire, _ := app.FindAuthRecordByEmail(collections.Contacts, "new.hire@northwind.test")
	hireRow := `#contact-list li[data-contact-id="` + hire.Id + `"]`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(hireRow+" .contact-row__actions button"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, hireRow+" .contact-row__status", "Invitation sent to Jack Moreno.")
	if got := text(t, ctx, hireRow+" .badge"); got != "Invited" {
		t.Errorf("Jack's badge = %q", got)
	}

	// Tom gets another role, then loses his access (after confirming) and
	// gets it back.
	tom, _ := app.FindAuthRecordByEmail(collections.Contacts, "viewer@northwind.test")
	tomRow := `#contact-list li[data-contact-id="` + tom.Id + `"]`
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const select = document.querySelector(`+js(tomRow+" select")+`);
		select.value = [...select.options].find((o) => o.textContent === "Finance").value;
		select.dispatchEvent(new Event("change", { bubbles: true }));
	})()`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, tomRow+" .contact-row__status", "Tom Becker is now Finance.")
	finance, _ := app.FindFirstRecordByData(collections.Roles, "name", "Finance")
	if tom, _ = app.FindRecordById(collections.Contacts, tom.Id); tom.GetString("role") != finance.Id {
		t.Errorf("Tom's role was not saved")
	}
	for _, step := range []struct{ button, status, badge string }{
		{"Disable", "", ""},
		{"Yes, switch off", "Tom Becker can no longer sign in.", "Disabled"},
		{"Restore access", "Tom Becker can sign in again.", "Active"},
	} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(
			`//li[@data-contact-id="`+tom.Id+`"]//button[normalize-space()="`+step.button+`"]`))); err != nil {
			t.Fatalf("click %s: %v", step.button, err)
		}
		if step.status == "" {
			continue
		}
		waitText(t, ctx, tomRow+" .contact-row__status", step.status)
		if got := text(t, ctx, tomRow+" .badge"); got != step.badge {
			t.Errorf("after %s: badge %q", step.button, got)
		}
	}
}

// TestContactsComeAPageAtATime: a company with more people than a page shows
// the first fifty in name order with "Show more", which adds the rest once.
func TestContactsComeAPageAtATime(t *testing.T) {
	ctx, base, app := demoPortal(t)
	manager, err := app.FindAuthRecordByEmail(collections.Contacts, "manager@northwind.test")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 55 {
		portaltest.Create(t, app, collections.Contacts, map[string]any{"name": fmt.Sprintf("Zed Extra %02d", i),
			"email": fmt.Sprintf("extra%02d@northwind.test", i), "client": manager.GetString(collections.FieldClient),
			"role": manager.GetString(collections.FieldRole), "status": string(collections.ContactNoAccess)})
	}
	total, err := app.CountRecords(collections.Contacts, dbx.HashExp{collections.FieldClient: manager.GetString(collections.FieldClient)})
	if err != nil {
		t.Fatal(err)
	}
	rows := func() int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#contact-list > li").length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	signInHome(t, ctx, base, "manager@northwind.test")
	openPage(t, ctx, base, "/client-portal/contacts", "contacts")
	if n := rows(); n != 50 {
		t.Errorf("%d people on the first page, want 50", n)
	}
	waitText(t, ctx, "#people-more", fmt.Sprintf("Show more (%d more)", total-50))
	if strings.Contains(text(t, ctx, "#contact-list"), "Zed Extra 54") {
		t.Error("the last in name order is on the first page")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#people-more"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#contact-list", "Zed Extra 54")
	if n := rows(); int64(n) != total {
		t.Errorf("%d people after Show more, want %d", n, total)
	}
	if exists(t, ctx, "#people-more") {
		t.Error("Show more is still offered with everyone shown")
	}
}
