package pb_public_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// demoPortal starts a real server with the demo agency and a browser tab. The
// app is returned for setting up and checking data directly.
func demoPortal(t *testing.T) (ctx context.Context, base string, app *tests.TestApp) {
	t.Helper()
	app = portaltest.NewDemoTestApp(t)
	base = portaltest.StartServer(t, app)
	return portaltest.NewBrowser(t, 60*time.Second), base, app
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

// signInHome signs in and waits for the home page.
func signInHome(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	signIn(t, ctx, base, email, demo.ContactPassword)
	waitRoute(t, ctx, "home")
}

// signOut uses the Sign out button and waits for the sign-in page.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-route="sign-in"] #signin-form`)),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// waitRoute waits until the router has rendered the page named route.
func waitRoute(t *testing.T, ctx context.Context, route string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`body[data-route="`+route+`"]`))); err != nil {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.route ?? ""`))
		t.Fatalf("page %q did not render (route now %q): %v", route, got, err)
	}
}

// openPage navigates to a portal path (e.g. "/client-portal/company") and
// waits for the page named route.
func openPage(t *testing.T, ctx context.Context, base, path, route string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	waitRoute(t, ctx, route)
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitText waits until the element matching sel contains want, and returns
// its text.
func waitText(t *testing.T, ctx context.Context, sel, want string) string {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelector(`+js(sel)+`)?.textContent.includes(`+js(want)+`) ?? false`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+js(sel)+`)?.textContent ?? "(no element)"`))
		t.Fatalf("%s never said %q; it says %q (%v)", sel, want, strings.TrimSpace(got), err)
	}
	return text(t, ctx, sel)
}

// fill replaces the value of the input matching sel by typing value.
func fill(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+js(sel)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), value),
	)
}

// setValue sets the value of the control matching sel (date and time pickers,
// selects, number fields) and fires input and change, as a person's edit does.
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const el = document.querySelector(`+js(sel)+`);
			el.value = `+js(value)+`;
			el.dispatchEvent(new Event("input", { bubbles: true }));
			el.dispatchEvent(new Event("change", { bubbles: true }));
		})()`),
	)
}

// chooseOption selects the option labelled label in the select matching sel.
func chooseOption(sel, label string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const select = document.querySelector(`+js(sel)+`);
			const option = [...select.options].find((o) => o.textContent.trim() === `+js(label)+`);
			if (!option) throw new Error("no option " + `+js(label)+`);
			select.value = option.value;
			select.dispatchEvent(new Event("change", { bubbles: true }));
		})()`),
	)
}

// value reads the current value of the control matching sel.
func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+js(sel)+`)?.value ?? "(no element)"`))
	if err != nil {
		t.Fatalf("read the value of %s: %v", sel, err)
	}
	return v
}

// waitGone waits until nothing matching sel is rendered.
func waitGone(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`!(document.querySelector(`+js(sel)+`)?.checkVisibility() ?? false)`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("%s is still shown: %v", sel, err)
	}
}

// click clicks the element matching the CSS selector sel.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// contactToken is the auth token of the contact with email, for calling the
// API from Go as that contact.
func contactToken(t *testing.T, app core.App, email string) string {
	t.Helper()
	contact, err := app.FindAuthRecordByEmail(collections.Contacts, email)
	if err != nil {
		t.Fatal(err)
	}
	token, err := contact.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// apiCall sends a JSON request to the test server with token (none when
// empty) and returns the status and the decoded JSON answer.
func apiCall(t *testing.T, base, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	return portaltest.CallJSON(t, method, base+path, token, body)
}

// demoEvent finds a demo event by name.
func demoEvent(t *testing.T, app core.App, name string) *core.Record {
	t.Helper()
	event, err := app.FindFirstRecordByData(collections.Events, "name", name)
	if err != nil {
		t.Fatalf("demo event %q: %v", name, err)
	}
	return event
}

// waitPath waits until the browser is at a path starting with prefix (across
// full page loads, which a poll inside the page would not survive).
func waitPath(t *testing.T, ctx context.Context, base, prefix string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.HasPrefix(loc, base+prefix) {
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete"`)); err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not at %s within 10s (at %s, %v)", prefix, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// exists reports whether an element matches sel and is rendered.
func exists(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`document.querySelector(`+js(sel)+`)?.checkVisibility() ?? false`))
	if err != nil {
		t.Fatalf("look for %s: %v", sel, err)
	}
	return ok
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// mailLink waits up to five seconds for an email of kind to the address in
// the outbox (PocketBase queues some of them after answering) and returns the
// portal link in its text, pointed at the test server.
func mailLink(t *testing.T, app core.App, kind pb_hooks.NotificationKind, to, base string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mails, err := app.FindRecordsByFilter(collections.MailOutbox, "kind = {:kind} && to = {:to}", "-created", 1, 0,
			dbx.Params{"kind": string(kind), "to": to})
		if err != nil {
			t.Fatal(err)
		}
		if len(mails) > 0 {
			body := mails[0].GetString(collections.FieldText)
			i := strings.Index(body, "/client-portal/")
			if i < 0 {
				t.Fatalf("no portal link in the %s email:\n%s", kind, body)
			}
			return base + strings.Fields(body[i:])[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s email to %s within 5s", kind, to)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSignInShowsHome signs in as a demo contact and sees the portal home:
// the welcome, the company, and the company's own upcoming events only.
func TestSignInShowsHome(t *testing.T) {
	ctx, base, _ := demoPortal(t)

	signIn(t, ctx, base, "manager@northwind.test", demo.ContactPassword)
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
	for _, notWant := range []string{"Medical congress", "Spring client reception", "Winter staff party"} {
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
	ctx, base, _ := demoPortal(t)

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

// TestSignInSaysWhenThePortalIsClosed shows the agency's message on the
// sign-in page while the whole portal is switched off (spec A1).
func TestSignInSaysWhenThePortalIsClosed(t *testing.T) {
	ctx, base, app := demoPortal(t)
	settings, err := collections.LoadSettings(app)
	if err != nil {
		t.Fatal(err)
	}
	settings.Set(collections.FieldPortalEnabled, false)
	settings.Set(collections.FieldPortalDisabledMessage, "Closed for maintenance until 9am.")
	if err := app.Save(settings.Record); err != nil {
		t.Fatal(err)
	}

	openPage(t, ctx, base, "/client-portal/sign-in", "sign-in")
	if got := text(t, ctx, "#portal-closed"); got != "Closed for maintenance until 9am." {
		t.Errorf("closed notice = %q", got)
	}
	// A contact who tries anyway is told the same in plain words.
	signIn(t, ctx, base, "manager@northwind.test", demo.ContactPassword)
	waitText(t, ctx, "#signin-error", "Closed for maintenance until 9am.")
}

// downloadByClicking clicks the element matching sel and returns the bytes
// of the file the browser downloads.
func downloadByClicking(t *testing.T, ctx context.Context, sel string) []byte {
	t.Helper()
	dir := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			on := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on,
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(sel)),
	); err != nil {
		t.Fatal(err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("no download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return data
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
	}
	t.Fatal("no download")
	return nil
}
