package pb_public_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// sweepPage is one portal page the sweep opens: where, the route it must
// render, and the permissions of which the role needs one (as the portal's
// route table says), else the page must be "forbidden".
type sweepPage struct {
	path, route string
	anyOf       []collections.Permission
}

// portalRoute is one entry of the portal's own route table (js/routes.js).
type portalRoute struct {
	Name        string                   `json:"name"`
	Path        string                   `json:"path"`
	Access      string                   `json:"access"`
	Permissions []collections.Permission `json:"permissions"`
}

// portalRoutes reads the portal's route table from the served pages, so a
// page added to the portal is swept without changing this test.
func portalRoutes(t *testing.T, tab context.Context, base string) []portalRoute {
	t.Helper()
	if err := chromedp.Do(tab, chromedp.Navigate(base+"/client-portal/sign-in")); err != nil {
		t.Fatal(err)
	}
	routes, err := chromedp.Run(tab, chromedp.Evaluate[[]portalRoute](
		`import("/client-portal/js/routes.js").then((m) => m.routes.map((r) => ({
			name: r.name, path: r.path, access: r.access, permissions: r.permissions ?? [] })))`,
		chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err != nil || len(routes) == 0 {
		t.Fatalf("read the portal's routes: %v (%d)", err, len(routes))
	}
	return routes
}

// pagesFor lists what a person opens: every route (a token for the link
// pages, each event for the event page, any id for the others), and an
// unknown path. signedIn decides where the sign-in and contact pages lead.
func pagesFor(routes []portalRoute, signedIn bool, events []*core.Record) []sweepPage {
	pages := []sweepPage{{"/client-portal/no-such-page", "not-found", nil}}
	for _, r := range routes {
		want := r.Name
		switch {
		case r.Access == "guest" && signedIn:
			want = "home"
		case r.Access == "contact" && !signedIn:
			want = "sign-in"
		}
		perms := r.Permissions
		if !signedIn {
			perms = nil
		}
		path := r.Path
		if r.Access == "public" {
			path += "?token=expired" // the link pages without a working link
		}
		if r.Name == "event" && signedIn {
			for _, event := range events {
				pages = append(pages, sweepPage{strings.Replace(path, ":id", event.Id, 1), want, perms})
			}
			continue
		}
		pages = append(pages, sweepPage{strings.Replace(path, ":id", "nobody12345678x", 1), want, perms})
	}
	return pages
}

// sweepWidths are the window widths every page is opened at: a desktop and
// a phone.
var sweepWidths = []int64{1280, 390}

// TestEveryPageAsEveryRole opens every portal page as every demo role and
// signed out, at desktop and phone width, and every event page of the demo
// without and then with a pending change request. A page fails on any console
// error or uncaught exception, on "Something went wrong", on another route
// than the one expected, and at phone width when it scrolls sideways.
//
// The pages only read, so one server and one Chromium serve the whole sweep,
// each person in their own browser context, side by side.
func TestEveryPageAsEveryRole(t *testing.T) {
	t.Parallel() // the longest browser test: it runs beside the others
	app := portaltest.NewDemoTestApp(t)
	base := portaltest.StartServer(t, app)
	browser := portaltest.NewBrowser(t, 8*time.Minute)

	// One event of each kind: split, atomic, to be confirmed, past, and
	// another client's (which must say "not found"), for both companies.
	var events []*core.Record
	for _, name := range []string{"Annual partner gala", "Product launch breakfast", "Summer street festival",
		"Winter staff party", "Spring client reception", "Medical congress", "Trade expo"} {
		events = append(events, demoEvent(t, app, name))
	}
	people := []*sweepPerson{{name: "signed out"}}
	for _, login := range demo.Logins {
		people = append(people, &sweepPerson{name: login.Email, email: login.Email, perms: demo.RolePermissions[login.Role]})
	}
	for _, p := range people {
		p.tab, p.console = portaltest.NewTab(t, browser)
	}

	routes := portalRoutes(t, people[0].tab, base)

	// Everyone signs in once, in a tab of their own.
	var wg sync.WaitGroup
	for _, p := range people {
		if p.email != "" {
			wg.Go(func() { p.signInErr = p.signIn(base) })
		}
	}
	wg.Wait()
	for _, p := range people {
		if p.signInErr != nil {
			t.Fatalf("%s: %v", p.name, p.signInErr)
		}
	}

	t.Run("no pending request", func(t *testing.T) {
		for _, p := range people {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				p.sweep(t, base, pagesFor(routes, p.email != "", events))
			})
		}
	})

	t.Run("what the client should see", func(t *testing.T) {
		checkWhatTheViewerSees(t, people[4], base, app)
	})

	// A colleague's pending request shows on the event page of every role,
	// with the way to withdraw it only for roles that may.
	breakfast := demoEvent(t, app, "Product launch breakfast")
	manager := contactToken(t, app, "manager@northwind.test")
	if status, body := apiCall(t, base, "POST", "/api/portal/events/"+breakfast.Id+"/change-requests", manager,
		map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Northwind rooftop"}}); status != 200 {
		t.Fatalf("request a change: %d %v", status, body)
	}
	t.Run("pending request", func(t *testing.T) {
		for _, p := range people[1:] {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				p.sweep(t, base, []sweepPage{{"/client-portal/events/" + breakfast.Id, "event", nil}})
				if !sameClient(t, app, p.email, breakfast) {
					return
				}
				if !p.exists(t, "#pending-request") {
					t.Fatal("the pending request is not shown")
				}
				// "you" only for the manager who asked; the colleagues read her name.
				want := "Requested by Olivia Hart on"
				if p.email == "manager@northwind.test" {
					want = "Requested by you on"
				}
				waitText(t, p.tab, "#pending-request .request__meta", want)
				if want := p.has(collections.PermRequestChanges); p.exists(t, "#withdraw-request") != want {
					t.Errorf("withdraw button shown = %v, want %v", !want, want)
				}
			})
		}
	})
}

// checkWhatTheViewerSees checks, as the demo's viewer, what a client should
// see: a declined event says the agency's reason, dates are written in the
// agency's locale, and the home page's upcoming events leave out the events
// that will not happen.
func checkWhatTheViewerSees(t *testing.T, viewer *sweepPerson, base string, app core.App) {
	declined := demoEvent(t, app, "Winter staff party")
	openPage(t, viewer.tab, base, "/client-portal/events/"+declined.Id, "event")
	waitText(t, viewer.tab, "#decline-reason", "We have no bartenders free that night")

	settings, err := collections.LoadSettings(app)
	if err != nil {
		t.Fatal(err)
	}
	start := collections.Wrap[collections.Event](declined).StartsAt().Time().In(settings.Location())
	for _, tc := range []struct{ locale, layout string }{
		{"en-US", "Mon, Jan 2, 2006"},
		{"", "Mon, 2 Jan 2006, 15:04"}, // the default, en-GB
	} {
		settings.Set(collections.FieldLocale, tc.locale)
		if err := app.Save(settings); err != nil {
			t.Fatal(err)
		}
		openPage(t, viewer.tab, base, "/client-portal/events/"+declined.Id, "event")
		waitText(t, viewer.tab, "#event-when", start.Format(tc.layout))
	}
	openPage(t, viewer.tab, base, "/client-portal/", "home")
	upcoming := waitText(t, viewer.tab, "#upcoming-events", "Product launch breakfast")
	if strings.Contains(upcoming, "Winter staff party") {
		t.Errorf("upcoming events list a declined event:\n%s", upcoming)
	}
}

// sweepPerson is one demo role (or nobody) with a tab of its own.
type sweepPerson struct {
	name, email string
	perms       []collections.Permission
	tab         context.Context
	console     *portaltest.ConsoleWatch
	signInErr   error
}

func (p *sweepPerson) signIn(base string) error {
	return chromedp.Do(p.tab,
		chromedp.Navigate(base+"/client-portal/sign-in"),
		chromedp.WaitVisible(chromedp.CSS("#signin-email")),
		chromedp.SendKeys(chromedp.CSS("#signin-email"), p.email),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), demo.ContactPassword),
		chromedp.Click(chromedp.CSS("#signin-submit")),
		chromedp.WaitReady(chromedp.CSS(`body[data-route="home"]`)),
	)
}

func (p *sweepPerson) has(anyOf ...collections.Permission) bool {
	for _, perm := range anyOf {
		if slices.Contains(p.perms, perm) {
			return true
		}
	}
	return false
}

// sweep opens each page at each width and checks it.
func (p *sweepPerson) sweep(t *testing.T, base string, pages []sweepPage) {
	for _, width := range sweepWidths {
		if err := chromedp.Do(p.tab, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		for i, page := range pages {
			want := page.route
			if len(page.anyOf) > 0 && !p.has(page.anyOf...) {
				want = "forbidden"
			}
			if err := p.check(base, page.path, want, width, i == 0); err != nil {
				t.Errorf("%s at %dpx: %v", page.path, width, err)
			}
		}
	}
}

// pageState is what check reads from a rendered page.
type pageState struct {
	Route       string   `json:"route"`
	Broken      bool     `json:"broken"`
	ScrollWidth int64    `json:"scrollWidth"`
	SplitWords  []string `json:"splitWords"`
}

// readPageState reads the route, whether the page says "Something went
// wrong", its width, and the short words of table cells that a narrow column
// split across two lines ("Curren/t"), which a reader stumbles over.
const readPageState = `(() => {
	const splitWords = [];
	for (const cell of document.querySelectorAll("th, td")) {
		if (!cell.checkVisibility()) continue;
		const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
		for (let node; (node = walker.nextNode()); ) {
			for (const m of node.data.matchAll(/\S{2,15}/g)) {
				const range = document.createRange();
				range.setStart(node, m.index);
				range.setEnd(node, m.index + m[0].length);
				const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
				if (lines.size > 1) splitWords.push(m[0]);
			}
		}
	}
	return {
		route: document.body.dataset.route ?? "",
		broken: document.body.innerText.includes("Something went wrong"),
		scrollWidth: document.documentElement.scrollWidth,
		splitWords,
	};
})()`

// check opens the page at path and reports what is wrong with it. The first
// page at each width is loaded afresh; the others are opened the way a link
// does, through the portal's router, which is much faster.
func (p *sweepPerson) check(base, path, wantRoute string, width int64, reload bool) error {
	open := chromedp.Navigate(base + path)
	if !reload {
		open = chromedp.Evaluate[chromedp.Void](`history.pushState(null, "", ` + js(path) + `);
			window.dispatchEvent(new PopStateEvent("popstate"));`)
	}
	if err := chromedp.Do(p.tab, open); err != nil {
		return err
	}
	_, err := chromedp.Run(p.tab, chromedp.Poll[bool](
		`(document.body.dataset.route ?? "") !== "" && !document.body.classList.contains("is-navigating")`,
		chromedp.WithPollingTimeout(15*time.Second)))
	state, evalErr := chromedp.Run(p.tab, chromedp.Evaluate[pageState](readPageState))
	var problems []string
	if err != nil || evalErr != nil {
		problems = append(problems, fmt.Sprintf("did not render (%v %v)", err, evalErr))
	}
	if state.Route != wantRoute {
		problems = append(problems, fmt.Sprintf("route %q, want %q", state.Route, wantRoute))
	}
	if state.Broken {
		problems = append(problems, `it says "Something went wrong"`)
	}
	if state.ScrollWidth > width {
		problems = append(problems, fmt.Sprintf("it is %dpx wide, wider than the window", state.ScrollWidth))
	}
	if len(state.SplitWords) > 0 {
		problems = append(problems, fmt.Sprintf("words split across lines: %q", state.SplitWords))
	}
	problems = append(problems, p.console.Take()...)
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n\t"))
	}
	return nil
}

func (p *sweepPerson) exists(t *testing.T, sel string) bool {
	t.Helper()
	return exists(t, p.tab, sel)
}

// sameClient reports whether the contact with email belongs to the event's
// client.
func sameClient(t *testing.T, app core.App, email string, event *core.Record) bool {
	t.Helper()
	contact, err := app.FindAuthRecordByEmail(collections.Contacts, email)
	if err != nil {
		t.Fatal(err)
	}
	return contact.GetString(collections.FieldClient) == event.GetString(collections.FieldClient)
}
