package pb_public_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
)

// TestImpersonation: an admin signed in to the dashboard opens the portal as
// a contact in one click, sees the banner on every page, and ends it.
func TestImpersonation(t *testing.T) {
	ctx, base, app := demoPortal(t)
	admin, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, demo.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	token, err := admin.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	session, _ := json.Marshal(map[string]any{"token": token, "record": admin.PublicExport()})
	booker, err := app.FindAuthRecordByEmail(collections.Contacts, "booker@northwind.test")
	if err != nil {
		t.Fatal(err)
	}

	// The dashboard's session, as the dashboard stores it.
	openPage(t, ctx, base, "/client-portal/sign-in", "sign-in")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`localStorage.setItem("__pb_superusers__", `+js(string(session))+`)`)); err != nil {
		t.Fatal(err)
	}

	openPage(t, ctx, base, "/client-portal/impersonate/"+booker.Id, "impersonate")
	if got := text(t, ctx, "h1"); got != "Open the portal as Sam Patel?" {
		t.Errorf("heading = %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#impersonate-start"))); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "home")
	if got := text(t, ctx, "h1"); got != "Welcome, Sam Patel" {
		t.Errorf("home heading = %q", got)
	}
	want := "You are viewing the portal as Sam Patel (Northwind Events). Everything you do is recorded under admin@crewportal.test."
	if got := waitText(t, ctx, "#impersonation-banner", "(Northwind Events)"); !strings.HasPrefix(got, want) {
		t.Errorf("banner = %q", got)
	}

	// The banner stays on every page, also after a reload (the token can't be
	// refreshed, and the session must survive that).
	openPage(t, ctx, base, "/client-portal/profile", "profile")
	waitText(t, ctx, "#impersonation-banner", "admin@crewportal.test")

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#end-impersonation"))); err != nil {
		t.Fatal(err)
	}
	waitPath(t, ctx, base, "/_/")
	left, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`localStorage.getItem("crewportal.impersonator") !== null || localStorage.getItem("pocketbase_auth") !== null`))
	if err != nil || left {
		t.Errorf("the contact session or the impersonation marker is left behind (%v)", err)
	}
}

// TestImpersonationAsksAdminsToSignIn: without a dashboard session the page
// asks for the admin's own credentials, then offers the same one click.
func TestImpersonationAsksAdminsToSignIn(t *testing.T) {
	ctx, base, app := demoPortal(t)
	booker, err := app.FindAuthRecordByEmail(collections.Contacts, "booker@northwind.test")
	if err != nil {
		t.Fatal(err)
	}
	openPage(t, ctx, base, "/client-portal/impersonate/"+booker.Id, "impersonate")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#admin-email"), demo.AdminEmail),
		chromedp.SendKeys(chromedp.CSS("#admin-password"), demo.AdminPassword),
		chromedp.Click(chromedp.CSS("#admin-signin-submit")),
		chromedp.WaitVisible(chromedp.CSS("#impersonate-start")),
		chromedp.Click(chromedp.CSS("#impersonate-start")),
	); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "home")
	waitText(t, ctx, "#impersonation-banner", "Sam Patel (Northwind Events)")

	// Signing out ends the impersonation too.
	signOut(t, ctx)
	if marker, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`localStorage.getItem("crewportal.impersonator") !== null`)); marker {
		t.Error("signing out left the impersonation marker")
	}
}
