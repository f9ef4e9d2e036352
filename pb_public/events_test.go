package pb_public_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/crewportal/crewportal/collections"
)

// agencyDay is the agency-local date (YYYY-MM-DD) months from now, for
// filling datetime-local fields with the agency's wall clock.
func agencyDay(t *testing.T, app core.App, months int) string {
	t.Helper()
	settings, err := collections.LoadSettings(app)
	if err != nil {
		t.Fatal(err)
	}
	return time.Now().In(settings.Location()).AddDate(0, months, 0).Format(time.DateOnly)
}

// cardOf selects the card (components.card) whose heading id is id+"-title".
func cardOf(id string) string { return `section[aria-labelledby="` + id + `-title"]` }

// eventRow is the row of the event list showing event id.
func eventRow(id string) string { return `#events-table tr[data-event-id="` + id + `"]` }

// TestBookEvent: a booker fills the booking form, sees the live estimate,
// books, lands on the new event and finds it in the list as to be confirmed.
func TestBookEvent(t *testing.T) {
	ctx, base, app := demoPortal(t)
	signInHome(t, ctx, base, "booker@northwind.test")
	click(t, ctx, `.page-header a[href="/client-portal/book"]`)
	waitRoute(t, ctx, "book")

	day := agencyDay(t, app, 1)
	if err := chromedp.Do(ctx,
		fill("#book-name", "Browser gala"),
		setValue("#book-start", day+"T18:00"),
		setValue("#book-end", day+"T23:00"),
		chooseOption("#book-profession", "Waiter"),
		setValue("#book-staff-count", "3"),
		fill("#book-venue", "Town Hall"),
		fill("#book-address", "90 Swanston Street, Melbourne VIC"),
		chromedp.Click(chromedp.CSS("#book-resource-add")),
		fill("#book-resource-0-name", "Two-way radios"),
		setValue("#book-resource-0-quantity", "4"),
		fill("#book-notes", "Black tie."),
		chromedp.Click(chromedp.CSS("#book-terms")), // the demo agency's T&C
	); err != nil {
		t.Fatal(err)
	}
	// Northwind's corporate list: Waiter at 90% of 38.00 = 34.20 an hour.
	waitText(t, ctx, "#book-estimate", "Estimated price: AUD\u00a0513.00 (5 h × 3 staff × AUD\u00a034.20/h)")

	click(t, ctx, "#book-submit")
	waitRoute(t, ctx, "event")
	waitText(t, ctx, "#event-status", "Booked. The agency will confirm it shortly.")
	if got := text(t, ctx, "#event-name"); got != "Browser gala" {
		t.Errorf("event page heading = %q", got)
	}
	if got := text(t, ctx, "#resource-list"); !strings.Contains(got, "4 × Two-way radios") {
		t.Errorf("resources = %q", got)
	}

	event := demoEvent(t, app, "Browser gala")
	northwind, err := app.FindFirstRecordByData(collections.Clients, "name", "Northwind Events")
	if err != nil {
		t.Fatal(err)
	}
	if got := event.GetString(collections.FieldStatus); got != "to_be_confirmed" {
		t.Errorf("status = %q", got)
	}
	if got := event.GetString(collections.FieldClient); got != northwind.Id {
		t.Errorf("client = %q, want Northwind %q", got, northwind.Id)
	}
	if got := event.GetString(collections.FieldTermsVersion); got != "2026-01" {
		t.Errorf("terms version agreed = %q, want the demo's 2026-01", got)
	}
	if got := event.GetInt(collections.FieldEstimatedPrice); got != 51300 {
		t.Errorf("estimated price = %v", got)
	}
	shifts, err := app.FindAllRecords(collections.Shifts, dbx.HashExp{"event": event.Id})
	if err != nil || len(shifts) != 1 || shifts[0].GetInt(collections.FieldStaffCount) != 3 {
		t.Errorf("shifts = %v (%v), want one of 3 staff", shifts, err)
	}

	click(t, ctx, `#portal-nav a[data-route="events"]`)
	waitRoute(t, ctx, "events")
	row := waitText(t, ctx, eventRow(event.Id), "Browser gala")
	for _, want := range []string{"To be confirmed", "Town Hall", "AUD\u00a0513.00"} {
		if !strings.Contains(row, want) {
			t.Errorf("the list row lacks %q: %q", want, row)
		}
	}
}

// TestBookingTermsAndServerErrors: with T&C uploaded and the staff count set
// by the agency, the form asks for the agreement and no count; the server's
// field errors appear next to their fields, a resource line's next to that
// line; the event records the T&C version agreed to.
func TestBookingTermsAndServerErrors(t *testing.T) {
	ctx, base, app := demoPortal(t)
	settings, err := collections.LoadSettings(app)
	if err != nil {
		t.Fatal(err)
	}
	terms, err := filesystem.NewFileFromBytes([]byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), "terms.pdf")
	if err != nil {
		t.Fatal(err)
	}
	settings.Set(collections.FieldTermsFile, terms)
	settings.Set(collections.FieldTermsVersion, "2026-02")
	settings.Set(collections.FieldClientsSetStaffCount, false)
	settings.Set(collections.FieldDefaultStaffCount, 2)
	if err := app.Save(settings.Record); err != nil {
		t.Fatal(err)
	}

	signInHome(t, ctx, base, "booker@northwind.test")
	openPage(t, ctx, base, "/client-portal/book", "book")
	if exists(t, ctx, "#book-staff-count") {
		t.Error("the form asks for the number of staff although the agency sets it")
	}
	label := text(t, ctx, `label[for="book-terms"]`)
	if label != "I agree to the terms and conditions (version 2026-02)." {
		t.Errorf("T&C label = %q", label)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('label[for="book-terms"] a').href`))
	if err != nil || !strings.Contains(href, "/api/files/") || !strings.HasSuffix(href, ".pdf") {
		t.Errorf("T&C link = %q (%v)", href, err)
	}

	// A start in the past and a too long resource name: only the server
	// knows; the terms are left unticked, which the form says itself.
	yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	if err := chromedp.Do(ctx,
		fill("#book-name", "Terms test"),
		fill("#book-venue", "Town Hall"),
		setValue("#book-start", yesterday+"T18:00"),
		setValue("#book-end", yesterday+"T22:00"),
		chooseOption("#book-profession", "Steward"),
		chromedp.Click(chromedp.CSS("#book-resource-add")),
		fill("#book-resource-0-name", "Radios"),
		chromedp.Click(chromedp.CSS("#book-resource-add")),
		setValue("#book-resource-1-name", strings.Repeat("x", 201)),
		chromedp.Click(chromedp.CSS("#book-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#book-terms-error", "Please accept the terms and conditions to book.")
	click(t, ctx, "#book-terms")
	click(t, ctx, "#book-submit")
	waitText(t, ctx, "#book-start-error", "The start must be in the future.")
	waitText(t, ctx, "#book-resource-1-name-error", "Keep this under 200 characters.")
	if got := text(t, ctx, "#book-resource-0-name-error"); got != "" {
		t.Errorf("the first resource line shows an error: %q", got)
	}

	day := agencyDay(t, app, 1)
	if err := chromedp.Do(ctx,
		setValue("#book-start", day+"T10:00"),
		setValue("#book-end", day+"T14:00"),
		setValue("#book-resource-1-name", "Vans"),
		chromedp.Click(chromedp.CSS("#book-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "event")
	waitText(t, ctx, cardOf("event-details")+` [data-field="terms"]`, "Version 2026-02 agreed")

	event := demoEvent(t, app, "Terms test")
	if got := event.GetString(collections.FieldTermsVersion); got != "2026-02" {
		t.Errorf("terms version = %q", got)
	}
	shift, err := app.FindFirstRecordByData(collections.Shifts, "event", event.Id)
	if err != nil || shift.GetInt(collections.FieldStaffCount) != 2 {
		t.Errorf("staff count = %v (%v), want the agency's default 2", shift, err)
	}
	if n, _ := app.CountRecords(collections.ResourceLines, dbx.HashExp{"event": event.Id}); n != 2 {
		t.Errorf("%d resource lines", n)
	}
}

// TestBookAgain: from a past event, Book again opens the form pre-filled with
// its details and no dates; the new booking remembers where it came from.
func TestBookAgain(t *testing.T) {
	ctx, base, app := demoPortal(t)
	past := demoEvent(t, app, "Spring client reception")
	signInHome(t, ctx, base, "booker@northwind.test")
	openPage(t, ctx, base, "/client-portal/events", "events")
	click(t, ctx, "#scope-past")
	waitText(t, ctx, "#events-table", "Spring client reception")
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/client-portal/events?scope=past") {
		t.Errorf("the past tab is not in the URL: %s", loc)
	}
	click(t, ctx, eventRow(past.Id)+" a")
	waitRoute(t, ctx, "event")
	waitText(t, ctx, "#event-name", "Spring client reception")

	click(t, ctx, "#book-again")
	waitRoute(t, ctx, "book")
	waitText(t, ctx, "#rebook-notice", "Spring client reception")
	for sel, want := range map[string]string{
		"#book-name": "Spring client reception", "#book-venue": "State Library",
		"#book-address": "328 Swanston Street, Melbourne VIC", "#book-staff-count": "3",
		"#book-start": "", "#book-end": "",
	} {
		if got := value(t, ctx, sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](
		`document.querySelector("#book-profession").selectedOptions[0].textContent`)); got != "Waiter" {
		t.Errorf("profession = %q", got)
	}

	day := agencyDay(t, app, 2)
	if err := chromedp.Do(ctx,
		setValue("#book-start", day+"T18:00"),
		setValue("#book-end", day+"T22:00"),
		chromedp.Click(chromedp.CSS("#book-terms")),
		chromedp.Click(chromedp.CSS("#book-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "event")
	waitText(t, ctx, "#event-status", "Booked.")

	again, err := app.FindFirstRecordByFilter(collections.Events, "name = 'Spring client reception' && id != {:id}", dbx.Params{"id": past.Id})
	if err != nil {
		t.Fatalf("no new event: %v", err)
	}
	if got := again.GetString(collections.FieldRebookedFrom); got != past.Id {
		t.Errorf("rebooked_from = %q, want %q", got, past.Id)
	}
	if got := again.GetString(collections.FieldStatus); got != "to_be_confirmed" {
		t.Errorf("status = %q", got)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/client-portal/events/"+again.Id) {
		t.Errorf("not on the new event's page: %s", loc)
	}
}

// TestViewerCannotBook: a viewer is offered no booking anywhere, gets the
// forbidden page at the form's address, and the server refuses the booking.
func TestViewerCannotBook(t *testing.T) {
	ctx, base, app := demoPortal(t)
	signInHome(t, ctx, base, "viewer@northwind.test")
	if exists(t, ctx, `#portal-nav a[data-route="book"]`) || exists(t, ctx, `a[href="/client-portal/book"]`) {
		t.Error("the viewer's home offers booking")
	}
	openPage(t, ctx, base, "/client-portal/events", "events")
	if exists(t, ctx, `a[href="/client-portal/book"]`) {
		t.Error("the viewer's event list offers booking")
	}
	breakfast := demoEvent(t, app, "Product launch breakfast")
	openPage(t, ctx, base, "/client-portal/events/"+breakfast.Id, "event")
	for _, sel := range []string{"#book-again", "#change-open", "#cancel-open"} {
		if exists(t, ctx, sel) {
			t.Errorf("the viewer is offered %s", sel)
		}
	}
	openPage(t, ctx, base, "/client-portal/book", "forbidden")

	code, body := apiCall(t, base, http.MethodPost, "/api/portal/bookings", contactToken(t, app, "viewer@northwind.test"), map[string]any{
		"name": "Sneaky", "start": agencyDay(t, app, 1) + "T18:00", "end": agencyDay(t, app, 1) + "T22:00",
	})
	if code != http.StatusForbidden {
		t.Errorf("booking as a viewer: %d %v", code, body)
	}
	if n, _ := app.CountRecords(collections.Events, dbx.HashExp{"name": "Sneaky"}); n != 0 {
		t.Error("the viewer's booking was saved")
	}
}

// TestEventListFiltersAndExport: search and status filters live in the URL,
// and Export CSV downloads the filtered list as a file.
func TestEventListFiltersAndExport(t *testing.T) {
	ctx, base, _ := demoPortal(t)
	signInHome(t, ctx, base, "booker@northwind.test")
	openPage(t, ctx, base, "/client-portal/events", "events")
	list := waitText(t, ctx, "#events-table", "Product launch breakfast")
	for _, want := range []string{"Annual partner gala", "Summer street festival", "Estimated price"} {
		if !strings.Contains(list, want) {
			t.Errorf("the upcoming list lacks %q", want)
		}
	}

	// Search and filter; the URL keeps them, so a reload shows the same list.
	if err := chromedp.Do(ctx,
		fill("#filter-q", "breakfast"),
		chooseOption("#filter-status", "Confirmed"),
		chromedp.Click(chromedp.CSS("#filter-apply")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#events-summary", "1 upcoming event matching your filters.")
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "events")
	if got := text(t, ctx, "#events-table"); strings.Contains(got, "Annual partner gala") || !strings.Contains(got, "Product launch breakfast") {
		t.Errorf("after a reload the filtered list shows:\n%s", got)
	}
	if got := value(t, ctx, "#filter-q"); got != "breakfast" {
		t.Errorf("search box after reload = %q", got)
	}
	openPage(t, ctx, base, "/client-portal/events?q=nothing-like-this", "events")
	if got := text(t, ctx, cardOf("events")+" .empty-state"); !strings.Contains(got, "No events match your filters.") {
		t.Errorf("empty state = %q", got)
	}

	// The button saves the CSV of the current filters as a file.
	openPage(t, ctx, base, "/client-portal/events?q=breakfast", "events")
	csv := string(downloadByClicking(t, ctx, "#events-export"))
	if !strings.HasPrefix(csv, "Event,Venue,Address,Start,End,Status,Estimated price,Currency\n") || !strings.Contains(csv, "Product launch breakfast") {
		t.Errorf("downloaded CSV:\n%s", csv)
	}
	if strings.Contains(csv, "Annual partner gala") {
		t.Errorf("the CSV ignores the search:\n%s", csv)
	}
	waitText(t, ctx, "#events-export-status", "downloaded")

	// The same request from the page, as the button makes it.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/api/portal/events.csv?scope=upcoming", {
		headers: { Authorization: JSON.parse(localStorage.getItem("pocketbase_auth")).token },
	}).then((r) => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.Contains(got, "Product launch breakfast") || !strings.Contains(got, "Annual partner gala") {
		t.Errorf("in-page CSV fetch: %v\n%s", err, got)
	}
}

// TestChangeRequest: a booker asks for another venue and more staff on an
// atomic event, sees it pending next to the current values, withdraws it,
// then asks for a cancellation.
func TestChangeRequest(t *testing.T) {
	ctx, base, app := demoPortal(t)
	breakfast := demoEvent(t, app, "Product launch breakfast")
	signInHome(t, ctx, base, "booker@northwind.test")
	openPage(t, ctx, base, "/client-portal/events/"+breakfast.Id, "event")
	if exists(t, ctx, "#split-event-notice") {
		t.Error("an atomic event says it was split")
	}

	click(t, ctx, "#change-open")
	if got := value(t, ctx, "#change-venue"); got != "Northwind HQ" {
		t.Errorf("the change form's venue = %q", got)
	}
	if got := value(t, ctx, "#change-staff-count"); got != "3" {
		t.Errorf("the change form's staff count = %q", got)
	}
	if err := chromedp.Do(ctx,
		fill("#change-venue", "Harbour Hall"),
		setValue("#change-staff-count", "4"),
		fill("#change-reason", "More guests confirmed."),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#change-estimate", "New estimated price: AUD")
	click(t, ctx, "#change-submit")

	pending := waitText(t, ctx, "#pending-request", "Change requested")
	if got := text(t, ctx, `#pending-request tr[data-field="venue"]`); !strings.Contains(got, "Northwind HQ") || !strings.Contains(got, "Harbour Hall") {
		t.Errorf("venue row = %q", got)
	}
	if got := text(t, ctx, `#pending-request tr[data-field="staff_count"]`); !strings.Contains(got, "3") || !strings.Contains(got, "4") {
		t.Errorf("staff row = %q", got)
	}
	if !strings.Contains(pending, "More guests confirmed.") {
		t.Errorf("the pending block lacks the reason:\n%s", pending)
	}
	if exists(t, ctx, "#change-open") {
		t.Error("a second request is offered while one is pending")
	}
	request, err := app.FindFirstRecordByFilter(collections.ChangeRequests, "event = {:e} && status = 'pending'", dbx.Params{"e": breakfast.Id})
	if err != nil {
		t.Fatalf("no pending request: %v", err)
	}
	var proposed map[string]any
	if err := request.UnmarshalJSONField("proposed", &proposed); err != nil {
		t.Fatal(err)
	}
	if len(proposed) != 2 || proposed["venue"] != "Harbour Hall" || proposed["staff_count"] != float64(4) {
		t.Errorf("proposed = %v, want only venue and staff_count", proposed)
	}

	click(t, ctx, "#withdraw-request")
	waitText(t, ctx, "#changes-status", "withdrawn")
	waitGone(t, ctx, "#pending-request")
	if request, _ = app.FindRecordById(collections.ChangeRequests, request.Id); request.GetString(collections.FieldStatus) != "withdrawn" {
		t.Errorf("request status = %q", request.GetString(collections.FieldStatus))
	}

	click(t, ctx, "#cancel-open")
	if err := chromedp.Do(ctx, fill("#cancel-reason", "The launch moved online.")); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#cancel-submit")
	waitText(t, ctx, "#pending-request", "Cancellation requested")
	waitText(t, ctx, "#pending-request", "The launch moved online.")
	if n, _ := app.CountRecords(collections.ChangeRequests, dbx.HashExp{"event": breakfast.Id, "status": "pending", "kind": "cancellation"}); n != 1 {
		t.Errorf("%d pending cancellation requests", n)
	}
}

// TestSplitEvent: an event split into several positions explains that
// changes go through the agency and offers no form; the server refuses too.
func TestSplitEvent(t *testing.T) {
	ctx, base, app := demoPortal(t)
	gala := demoEvent(t, app, "Annual partner gala")
	signInHome(t, ctx, base, "booker@northwind.test")
	openPage(t, ctx, base, "/client-portal/events/"+gala.Id, "event")

	const split = "This event was split into several positions with different times or professions, so changes go through the agency."
	waitText(t, ctx, "#split-event-notice", split)
	// The server's sentence names the group's office and email.
	waitText(t, ctx, "#split-event-notice", "melbourne@agency.test")
	for _, sel := range []string{"#change-open", "#cancel-open", "#change-form", "#cancel-form"} {
		if exists(t, ctx, sel) {
			t.Errorf("a split event offers %s", sel)
		}
	}
	shifts := text(t, ctx, cardOf("event-shifts"))
	for _, want := range []string{"Waiter", "Bartender"} {
		if !strings.Contains(shifts, want) {
			t.Errorf("the shifts lack %s:\n%s", want, shifts)
		}
	}
	if got := text(t, ctx, cardOf("event-details")+` [data-field="tags"]`); got != "VIP" {
		t.Errorf("visible tags = %q", got)
	}

	code, body := apiCall(t, base, http.MethodPost, "/api/portal/events/"+gala.Id+"/change-requests",
		contactToken(t, app, "booker@northwind.test"),
		map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall"}, "reason": "Bigger room"})
	if code != http.StatusConflict {
		t.Fatalf("change request on a split event: %d %v", code, body)
	}
	if msg, _ := body["message"].(string); !strings.HasPrefix(msg, split) || !strings.Contains(msg, "melbourne@agency.test") {
		t.Errorf("refusal = %q", msg)
	}
}
