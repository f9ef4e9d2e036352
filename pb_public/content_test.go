package pb_public_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// hostile is admin HTML that would run script, load another site or widen
// the page if anything of it reached the browser unchanged. Each attempt
// would set window.__pwned or write to the console.
var hostile = `<h2 onclick="window.__pwned=1">Hostile heading</h2>` +
	`<script>window.__pwned=1;console.log("pwned")</script>` +
	`<img src="x" onerror="window.__pwned=1;console.error('pwned')">` +
	`<img src="data:image/svg+xml,<svg onload='window.__pwned=1'/>">` +
	`<a href="javascript:window.__pwned=1">js link</a>` +
	`<iframe src="javascript:parent.__pwned=1"></iframe>` +
	`<style>body{background:url(https://evil.example/x.png)}</style>` +
	`<p style="width:4000px;background-image:url('https://evil.example/p.png')">Wide paragraph</p>` +
	`<svg><script>window.__pwned=1</script></svg>` +
	`<p>` + "Averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword" + `</p>` +
	`<table><tr>` + strings.Repeat(`<td>Column with some text</td>`, 12) + `</tr></table>` +
	`<p><a href="https://example.com/">Our partner</a> <a href="/client-portal/events">Your events</a></p>`

// consoleWatch records everything a tab writes to its console and every
// uncaught exception, so a test can fail on any of them.
type consoleWatch struct {
	mu   sync.Mutex
	logs []string
}

func watchConsole(t *testing.T, ctx context.Context) *consoleWatch {
	t.Helper()
	w := &consoleWatch{}
	if err := chromedp.Listen(ctx, func(ev any) {
		var line string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value))
			}
			line = fmt.Sprintf("console.%s %s", ev.Type, strings.Join(args, " "))
		case *runtime.EventExceptionThrown:
			line = "exception " + ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				line += " " + ex.Description
			}
		default:
			return
		}
		w.mu.Lock()
		w.logs = append(w.logs, line)
		w.mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *consoleWatch) check(t *testing.T, where string) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range w.logs {
		t.Errorf("%s: the page wrote %s", where, l)
	}
	w.logs = nil
}

// checkSafeAndFits fails when anything of the hostile HTML ran or reached
// the DOM of the content root (sel), or when the page is wider than the
// phone's viewport.
func checkSafeAndFits(t *testing.T, ctx context.Context, watch *consoleWatch, where, sel string) {
	t.Helper()
	report, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const root = document.querySelector(`+js(sel)+`);
		if (!root) return "no " + `+js(sel)+`;
		const bad = [];
		if (window.__pwned !== undefined) bad.push("window.__pwned is set");
		for (const el of root.querySelectorAll("script, iframe, style, svg, object, embed, [style], [class*=app]")) bad.push("element " + el.outerHTML.slice(0, 80));
		for (const el of root.querySelectorAll("*")) {
			for (const a of el.attributes) {
				if (a.name.startsWith("on")) bad.push("attribute " + a.name);
				if (/^\s*(javascript|data):/i.test(a.value)) bad.push("URL " + a.value.slice(0, 40));
			}
		}
		const width = document.documentElement.scrollWidth;
		if (width > window.innerWidth) bad.push("page is " + width + "px wide in a " + window.innerWidth + "px viewport");
		return bad.join("; ");
	})()`))
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	if report != "" {
		t.Errorf("%s: %s", where, report)
	}
	watch.check(t, where)
}

// storeRaw writes HTML straight into the database, past the cleaning on
// save, as an import or an older version could have: only the cleaning when
// served stands between it and the browser.
func storeRaw(t *testing.T, app core.App, r *core.Record, field, html string) {
	t.Helper()
	if _, err := app.DB().Update(r.Collection().Name, dbx.Params{field: html}, dbx.HashExp{"id": r.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// TestContentIsSafeAndFitsAPhone fills every snippet place and a page with
// hostile HTML and walks the portal at 390 px: nothing executes, nothing
// hostile reaches the DOM, no page scrolls sideways, the snippets carry
// their style, and the menu lists the client pages but never the staff page.
func TestContentIsSafeAndFitsAPhone(t *testing.T) {
	ctx, base, app := demoPortal(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	watch := watchConsole(t, ctx)

	page := portaltest.Create(t, app, collections.CMSPages, map[string]any{"title": "Hostile page", "slug": "hostile",
		"audience": collections.PageForClients, "published": true, "menu_order": 0, "body": "<p>x</p>"})
	storeRaw(t, app, page, collections.FieldBody, hostile)
	staff := portaltest.Create(t, app, collections.CMSPages, map[string]any{"title": "Staff rota secrets", "slug": "staff-secrets",
		"audience": collections.PageForStaff, "published": true, "body": "<p>Staff only</p>"})
	snippets := map[string]map[string]any{
		collections.SnippetHomeWelcome:   {"background_color": "#1d3557", "text_color": "#f1faee", "text_align": "center"},
		collections.SnippetBookingHelp:   {"tone": "warning"},
		collections.SnippetFinanceNote:   {"tone": "info"},
		collections.SnippetDocumentsNote: {"tone": "success", "text_align": "right"},
		collections.SnippetSignIn:        {"tone": "info"},
		collections.SnippetPortalClosed:  {"tone": "warning"},
	}
	for key, style := range snippets {
		r, err := app.FindFirstRecordByData(collections.ClientSnippets, collections.FieldKey, key)
		if err != nil {
			r = core.NewRecord(must(app.FindCachedCollectionByNameOrId(collections.ClientSnippets)))
			r.Set(collections.FieldKey, key)
		}
		r.Load(style)
		r.Set(collections.FieldEnabled, true)
		r.Set(collections.FieldContent, "<p>x</p>")
		if err := app.Save(r); err != nil {
			t.Fatalf("snippet %s: %v", key, err)
		}
		storeRaw(t, app, r, collections.FieldContent, hostile)
	}

	// Before sign-in: the sign-in snippet, the only content anyone may read.
	openPage(t, ctx, base, "/client-portal/sign-in", "sign-in")
	checkSafeAndFits(t, ctx, watch, "sign-in", `[data-snippet="sign_in_message"]`)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-snippet]").length`)); n != 1 {
		t.Errorf("the sign-in page shows %d snippets, want only the sign-in message", n)
	}

	signInHome(t, ctx, base, "manager@northwind.test")
	checkSafeAndFits(t, ctx, watch, "home", `[data-snippet="home_welcome"]`)
	style, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const s = getComputedStyle(document.querySelector('[data-snippet="home_welcome"]'));
		return [s.backgroundColor, s.color, s.textAlign].join(" / ");
	})()`))
	if want := "rgb(29, 53, 87) / rgb(241, 250, 238) / center"; err != nil || style != want {
		t.Errorf("home welcome style = %q (%v), want %q", style, err, want)
	}

	// The menu lists the client pages, not the staff page.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("#nav-pages a").length > 0`)); err != nil {
		t.Fatalf("no pages in the menu: %v", err)
	}
	// At 390 px the menu is folded away: read its text, not what is drawn.
	menu, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#nav-pages").textContent`))
	for _, title := range []string{"Hostile page", "How we work", "Uniform guide"} {
		if !strings.Contains(menu, title) {
			t.Errorf("menu pages = %q, want %q among them", menu, title)
		}
	}
	for _, title := range []string{staff.GetString(collections.FieldTitle), "Internal escalation procedure"} {
		if strings.Contains(menu, title) {
			t.Errorf("menu pages = %q list the staff page %q", menu, title)
		}
	}

	for _, place := range []struct{ path, route, sel string }{
		{"/client-portal/book", "book", `[data-snippet="booking_help"]`},
		{"/client-portal/finance", "finance", `[data-snippet="finance_note"]`},
		{"/client-portal/documents", "documents", `[data-snippet="documents_note"]`},
		{"/client-portal/pages/hostile", "page", "#cms-page-body"},
		{"/client-portal/pages/uniform-guide", "page", "#cms-page-body"}, // the demo's table and image
	} {
		openPage(t, ctx, base, place.path, place.route)
		checkSafeAndFits(t, ctx, watch, place.path, place.sel)
		if tone := map[string]string{"book": "snippet--warning", "documents": "snippet--align-right"}[place.route]; tone != "" {
			if got := attr(t, ctx, place.sel, "class"); !strings.Contains(got, tone) {
				t.Errorf("%s class = %q, want %s", place.sel, got, tone)
			}
		}
	}
	if loaded, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelector("#cms-page-body img")?.complete && document.querySelector("#cms-page-body img").naturalWidth > 0`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil || !loaded {
		t.Errorf("the uniform guide's own image did not load: %v", err)
	}
	openPage(t, ctx, base, "/client-portal/pages/hostile", "page")
	const external = `#cms-page-body a[href="https://example.com/"]`
	if got := attr(t, ctx, external, "target") + " " + attr(t, ctx, external, "rel"); got != "_blank noreferrer noopener" {
		t.Errorf("external link target/rel = %q", got)
	}
	if got := attr(t, ctx, `#cms-page-body a[href="/client-portal/events"]`, "target"); got != "" {
		t.Errorf("a portal link opens a new tab: %q", got)
	}

	// The staff page's address shows the same "not found" as a page that does not exist.
	openPage(t, ctx, base, "/client-portal/pages/staff-secrets", "page")
	waitText(t, ctx, "main", "Page not found")
	if strings.Contains(text(t, ctx, "main"), "Staff only") {
		t.Error("the staff page's body reached the portal")
	}
	watch.check(t, "staff page")

	// While the portal is closed, the sign-in page shows the closed-portal snippet.
	signOut(t, ctx)
	settings := must(collections.LoadSettings(app))
	settings.Set(collections.FieldPortalEnabled, false)
	if err := app.Save(settings.Record); err != nil {
		t.Fatal(err)
	}
	openPage(t, ctx, base, "/client-portal/sign-in", "sign-in")
	checkSafeAndFits(t, ctx, watch, "closed portal", `#portal-closed[data-snippet="portal_closed"]`)
}

// attr reads an attribute of the element matching sel ("" when absent).
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+js(sel)+`)?.getAttribute(`+js(name)+`) ?? ""`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
