package pb_public_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// demoPortal starts a real server with the demo agency and a browser tab.
func demoPortal(t *testing.T) (ctx context.Context, base string) {
	t.Helper()
	app := portaltest.NewTestApp(t)
	base = portaltest.StartServer(t, app)
	if _, err := pb_hooks.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	return portaltest.NewBrowser(t, 60*time.Second), base
}

// signIn fills the sign-in form the way a person would.
func signIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/client-portal/"),
		chromedp.WaitVisible(chromedp.CSS("#signin-email")),
		chromedp.SendKeys(chromedp.CSS("#signin-email"), email),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), password),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	); err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// TestSignInShowsHome signs in as a demo contact and sees the portal home:
// the welcome, the company, and the company's own upcoming events only.
func TestSignInShowsHome(t *testing.T) {
	ctx, base := demoPortal(t)

	signIn(t, ctx, base, "manager@northwind.test", pb_hooks.DemoContactPassword)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-route="home"] #upcoming-events`))); err != nil {
		t.Fatalf("home did not render: %v", err)
	}

	if got := text(t, ctx, "h1"); got != "Welcome, Olivia Hart" {
		t.Errorf("heading = %q", got)
	}
	if got := text(t, ctx, `[data-testid="company-name"]`); got != "Northwind Events" {
		t.Errorf("company = %q", got)
	}
	events := text(t, ctx, "#upcoming-events")
	for _, want := range []string{"Product launch breakfast", "Annual partner gala", "Summer street festival"} {
		if !strings.Contains(events, want) {
			t.Errorf("upcoming events lack %q:\n%s", want, events)
		}
	}
	for _, notWant := range []string{"Medical congress", "Spring client reception"} {
		if strings.Contains(events, notWant) {
			t.Errorf("upcoming events show %q (another client's or a past event)", notWant)
		}
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/client-portal/") {
		t.Errorf("location = %q (%v), want the portal home", loc, err)
	}

	// Signing out returns to the sign-in page and forgets the session.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-route="sign-in"] #signin-form`)),
		chromedp.Navigate(base+"/client-portal/"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-route="sign-in"] #signin-form`)),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// TestSignInWrongPassword shows one generic error and stays on sign-in.
func TestSignInWrongPassword(t *testing.T) {
	ctx, base := demoPortal(t)

	signIn(t, ctx, base, "manager@northwind.test", "not-the-password")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelector("#signin-error")?.textContent.trim() !== ""`)); err != nil {
		t.Fatalf("no error shown: %v", err)
	}
	if got := text(t, ctx, "#signin-error"); got != "Email or password is incorrect." {
		t.Errorf("error = %q", got)
	}
	route, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.route`))
	if err != nil || route != "sign-in" {
		t.Errorf("route = %q (%v), want sign-in", route, err)
	}
}
