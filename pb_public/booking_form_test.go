package pb_public_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestBookingFormEstimatesOnlyCompleteFormsAndAsksWhichTime: the live
// estimate asks the server only once dates, profession and staff are filled
// in (no 400 per keystroke); a start the clocks pass twice brings up the
// question "which one?", whose answer books the right instant; and a retry
// after a lost answer books once.
func TestBookingFormEstimatesOnlyCompleteFormsAndAsksWhichTime(t *testing.T) {
	ctx, base, app := demoPortal(t)
	settings, err := collections.LoadSettings(app)
	if err != nil {
		t.Fatal(err)
	}
	loc := settings.Location()
	signInHome(t, ctx, base, "manager@northwind.test")
	openPage(t, ctx, base, "/client-portal/book", "book")
	// Count the estimate calls the page makes, and lose the answer to the
	// first successful booking, as a broken connection would.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		window.estimates = [];
		let lost = false;
		const original = window.fetch;
		window.fetch = async (...args) => {
			const res = await original(...args);
			if (String(args[0]).includes("/api/portal/estimate")) window.estimates.push(res.status);
			if (String(args[0]).includes("/api/portal/bookings") && res.ok && !lost) {
				lost = true;
				throw new TypeError("Failed to fetch");
			}
			return res;
		};
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}

	clocksBack := portaltest.ClockChangeDay(t, loc, true)
	day := clocksBack.Format(time.DateOnly)
	if err := chromedp.Do(ctx,
		fill("#book-name", "Clock night"),
		fill("#book-venue", "Town Hall"),
		setValue("#book-start", day+"T02:30"),
		chooseOption("#book-profession", "Waiter"),
		chromedp.Sleep(700*time.Millisecond), // past the estimate's debounce
	); err != nil {
		t.Fatal(err)
	}
	calls, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`window.estimates`))
	if err != nil || len(calls) != 0 {
		t.Errorf("an incomplete form was priced: %v (%v)", calls, err)
	}
	if err := chromedp.Do(ctx, setValue("#book-end", day+"T06:00"), setValue("#book-staff-count", "2")); err != nil {
		t.Fatal(err)
	}
	// Booking at 02:30 that night: the server asks which one.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#book-terms")), chromedp.Click(chromedp.CSS("#book-submit"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#book-start-error", "happens twice")
	question := waitText(t, ctx, `label[for="book-start-occurrence"]`, "02:30 happens twice that night")
	if !exists(t, ctx, "#book-start-occurrence") {
		t.Fatalf("the question %q is not shown", question)
	}
	// The answer prices the form too.
	if err := chromedp.Do(ctx, setValue("#book-start-occurrence", "later")); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#book-estimate", "Estimated price: AUD")
	click(t, ctx, "#book-submit")
	// The answer is lost; trying again sends the same Idempotency-Key and
	// gets the first booking, not a second one.
	waitText(t, ctx, "#book-error", "unreachable")
	click(t, ctx, "#book-submit")
	waitRoute(t, ctx, "event")
	if n, _ := app.CountRecords(collections.Events, dbx.HashExp{"name": "Clock night"}); n != 1 {
		t.Errorf("%d events booked by one submission and its retry", n)
	}
	event := demoEvent(t, app, "Clock night")
	// The later 02:30 is read with the offset after the change.
	_, after := clocksBack.Add(24 * time.Hour).Zone()
	later := time.Date(clocksBack.Year(), clocksBack.Month(), clocksBack.Day(), 2, 30, 0, 0, time.UTC).Add(-time.Duration(after) * time.Second)
	if got := event.GetDateTime(collections.FieldStartsAt).Time(); !got.Equal(later) {
		t.Errorf("booked start %v, want the later 02:30 (%v)", got.UTC(), later.UTC())
	}
}
