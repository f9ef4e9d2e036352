package pb_hooks_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// bookingServer adds to the account fixture a bookable profession priced
// 20/h on the basic list and 15/h on the client's own list, and a London
// agency time zone (for the daylight-saving cases).
type bookingServer struct {
	*accountServer
	waiter, chef, hidden *core.Record
	manager, booker      string // tokens: all permissions; book_events only
}

// ownClient is the booking contacts' client, as stored now.
func (s *bookingServer) ownClient(t *testing.T) *collections.Client {
	t.Helper()
	record, err := s.app.FindRecordById(collections.Clients, s.a.client.Id)
	if err != nil {
		t.Fatal(err)
	}
	return collections.Wrap[collections.Client](record)
}

func newBookingServer(t *testing.T) *bookingServer {
	t.Helper()
	s := &bookingServer{accountServer: newAccountServer(t)}
	app := s.app
	settings, _ := collections.LoadSettings(app)
	settings.Set(collections.FieldTimeZone, "Europe/London")
	save(t, app, settings.Record)
	s.waiter = portaltest.NewProfession(t, app, true).Record
	s.chef = portaltest.NewProfession(t, app, true).Record
	s.hidden = portaltest.NewProfession(t, app, false).Record
	basic := portaltest.Create(t, app, collections.PriceLists, map[string]any{"name": "Basic", "is_basic": true, "currency": "GBP"})
	own := portaltest.Create(t, app, collections.PriceLists, map[string]any{"name": "Acme rates", "currency": "GBP"})
	portaltest.Create(t, app, collections.Rates, map[string]any{"price_list": basic.Id, "profession": s.waiter.Id, "hourly_rate": 2000})
	portaltest.Create(t, app, collections.Rates, map[string]any{"price_list": basic.Id, "profession": s.chef.Id, "hourly_rate": 3000})
	portaltest.Create(t, app, collections.Rates, map[string]any{"price_list": own.Id, "profession": s.waiter.Id, "hourly_rate": 1500})
	client, _ := app.FindRecordById(collections.Clients, s.a.client.Id)
	client.Set(collections.FieldDefaultPriceList, own.Id)
	save(t, app, client)
	s.manager = portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]
	s.booker = portaltest.AuthHeaders(t, s.a.booker.Record)["Authorization"]
	return s
}

// form returns a valid booking a month ahead, with overrides.
func (s *bookingServer) form(overrides map[string]any) map[string]any {
	day := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	f := map[string]any{"name": "Summer party", "venue": "The Barn", "address": "1 Farm Lane",
		"start": day + "T18:00", "end": day + "T23:00", "profession": s.waiter.Id, "staff_count": 3,
		"resources": []map[string]any{{"name": "Radios", "quantity": 4}}, "notes": "Black tie"}
	for k, v := range overrides {
		if v == nil {
			delete(f, k)
		} else {
			f[k] = v
		}
	}
	return f
}

func TestBookingValidation(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	other := portaltest.NewClient(t, s.app, "Other Co")
	otherEvent, _ := portaltest.NewEvent(t, s.app, other, time.Now().Add(-48*time.Hour), time.Hour, portaltest.NewProfession(t, s.app, true))
	cases := []struct {
		name   string
		form   map[string]any
		fields []string
	}{
		{"everything missing", map[string]any{"name": nil, "start": nil, "end": nil, "profession": nil, "staff_count": nil},
			[]string{"name", "start", "end", "profession", "staff_count"}},
		{"end before start", map[string]any{"end": time.Now().AddDate(0, 1, 0).Format(time.DateOnly) + "T17:00"}, []string{"end"}},
		{"start in the past", map[string]any{"start": "2020-01-01T10:00", "end": "2020-01-01T12:00"}, []string{"start"}},
		{"not a date", map[string]any{"start": "tomorrow"}, []string{"start"}},
		{"a time skipped by the clock change", map[string]any{"start": "2099-03-29T01:30", "end": "2099-03-29T05:00"}, []string{"start"}},
		{"longer than 14 days", map[string]any{"end": time.Now().AddDate(0, 2, 0).Format(time.DateOnly) + "T23:00"}, []string{"end"}},
		{"profession not bookable", map[string]any{"profession": s.hidden.Id}, []string{"profession"}},
		{"unknown profession", map[string]any{"profession": "nope"}, []string{"profession"}},
		{"staff count out of range", map[string]any{"staff_count": 0}, []string{"staff_count"}},
		{"too many staff", map[string]any{"staff_count": 1000}, []string{"staff_count"}},
		{"oversized notes", map[string]any{"notes": strings.Repeat("n", 5001)}, []string{"notes"}},
		{"empty resource line", map[string]any{"resources": []map[string]any{{"name": "", "quantity": 1}}}, []string{"resources.0"}},
		{"resource quantity", map[string]any{"resources": []map[string]any{{"name": "Vans", "quantity": 0}}}, []string{"resources.0"}},
		{"re-book another client's event", map[string]any{"rebooked_from": otherEvent.Id}, []string{"rebooked_from"}},
	}
	before, _ := s.app.CountRecords(collections.Events)
	for _, c := range cases {
		code, body := s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(c.form))
		data, _ := body["data"].(map[string]any)
		if code != http.StatusBadRequest || len(data) != len(c.fields) {
			t.Errorf("%s: %d, errors %v, want 400 on %v", c.name, code, data, c.fields)
			continue
		}
		for _, f := range c.fields {
			if e, ok := data[f].(map[string]any); !ok || e["message"] == "" {
				t.Errorf("%s: no message for %s in %v", c.name, f, data)
			}
		}
	}
	if after, _ := s.app.CountRecords(collections.Events); after != before {
		t.Errorf("invalid bookings created %d events", after-before)
	}

	// When clients may not choose the number of staff, a sent count is
	// refused and the agency's default used.
	settings, _ := collections.LoadSettings(s.app)
	settings.Set(collections.FieldClientsSetStaffCount, false)
	settings.Set(collections.FieldDefaultStaffCount, 2)
	save(t, s.app, settings.Record)
	if code, body := s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(nil)); code != http.StatusBadRequest ||
		body["data"].(map[string]any)["staff_count"] == nil {
		t.Errorf("a client-sent count was accepted: %d %v", code, body)
	}
	code, body := s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(map[string]any{"staff_count": nil}))
	if code != http.StatusOK {
		t.Fatalf("booking without a count: %d %v", code, body)
	}
	// One shift: the answer is an atomic event, with no split notice.
	if body[pb_hooks.FieldAtomic] != true || body[pb_hooks.FieldSplitNotice] != nil {
		t.Errorf("the booking's answer: atomic %v, split notice %v; want an atomic event", body[pb_hooks.FieldAtomic], body[pb_hooks.FieldSplitNotice])
	}
	shift, _ := s.app.FindFirstRecordByData(collections.Shifts, collections.FieldEvent, body["id"])
	if shift.GetInt(collections.FieldStaffCount) != 2 {
		t.Errorf("staff count %d, want the agency default 2", shift.GetInt(collections.FieldStaffCount))
	}

	// With a T&C document, booking needs the agreement, which is recorded.
	settings.Set(collections.FieldTermsFile, mustFile(t, "terms.pdf"))
	settings.Set(collections.FieldTermsVersion, "2026-02")
	if err := s.app.Save(settings); err != nil {
		// The terms field only takes PDFs; store the name directly.
		if _, err := s.app.NonconcurrentDB().Update(collections.PortalSettings, dbx.Params{"terms_file": "terms.pdf", "terms_version": "2026-02"}, nil).Execute(); err != nil {
			t.Fatal(err)
		}
		pb_hooks.ForgetSettings(s.app)
	}
	noCount := map[string]any{"staff_count": nil}
	if code, body := s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(noCount)); code != http.StatusBadRequest ||
		body["data"].(map[string]any)["terms_accepted"] == nil {
		t.Errorf("booking without agreeing to the T&C: %d %v", code, body)
	}
	noCount["terms_accepted"] = true
	code, body = s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(noCount))
	if code != http.StatusOK {
		t.Fatalf("booking with agreement: %d %v", code, body)
	}
	ev, _ := s.app.FindRecordById(collections.Events, body["id"].(string))
	if ev.GetString(collections.FieldTermsAgreedBy) != s.a.booker.Id || ev.GetString(collections.FieldTermsVersion) != "2026-02" ||
		ev.GetDateTime(collections.FieldTermsAgreedAt).IsZero() {
		t.Errorf("T&C record: by %q version %q at %v", ev.GetString(collections.FieldTermsAgreedBy),
			ev.GetString(collections.FieldTermsVersion), ev.GetDateTime(collections.FieldTermsAgreedAt))
	}
}

func TestBookingServerDecides(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	other := portaltest.NewClient(t, s.app, "Other Co")
	form := s.form(map[string]any{"status": "confirmed", "estimated_price": 1, "client": other.Id, "source": "dashboard"})
	code, body := s.call(t, http.MethodPost, "/api/portal/bookings", s.manager, form)
	if code != http.StatusOK {
		t.Fatalf("booking: %d %v", code, body)
	}
	ev, _ := s.app.FindRecordById(collections.Events, body["id"].(string))
	// 5 h × 3 staff × 15.00/h on the client's own list, in cents.
	if ev.GetString(collections.FieldStatus) != "to_be_confirmed" || ev.GetString(collections.FieldClient) != s.a.client.Id ||
		ev.GetInt(collections.FieldEstimatedPrice) != 22500 || ev.GetString(collections.FieldCurrency) != "GBP" {
		t.Errorf("event status %s client %s price %v %s", ev.GetString(collections.FieldStatus), ev.GetString(collections.FieldClient),
			ev.GetInt(collections.FieldEstimatedPrice), ev.GetString(collections.FieldCurrency))
	}
	if body["estimated_price"] != float64(22500) {
		t.Errorf("a manager (view_prices) does not see the price: %v", body["estimated_price"])
	}
	shifts, _ := s.app.FindAllRecords(collections.Shifts, dbx.HashExp{"event": ev.Id})
	lines, _ := s.app.FindAllRecords(collections.ResourceLines, dbx.HashExp{"event": ev.Id})
	if len(shifts) != 1 || shifts[0].GetInt(collections.FieldStaffCount) != 3 || len(lines) != 1 {
		t.Errorf("%d shifts, %d resource lines", len(shifts), len(lines))
	}
	kinds := map[string]string{}
	for _, m := range queued(t, s.app) {
		kinds[m.GetString(collections.FieldKind)] += m.GetString(collections.FieldTo) + " "
	}
	if kinds["event_booked"] != "ops1@agency.test ops2@agency.test " && kinds["event_booked"] != "ops2@agency.test ops1@agency.test " {
		t.Errorf("admins' booking emails: %q", kinds["event_booked"])
	}
	if kinds["booking_received"] != "manager@acme.test " {
		t.Errorf("booking received email: %q", kinds["booking_received"])
	}

	// A booker without view_prices books but never sees a price.
	code, body = s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(nil))
	if _, seen := body["estimated_price"]; code != http.StatusOK || seen {
		t.Errorf("booker: %d, price in response: %v", code, seen)
	}
	if code, _ := s.call(t, http.MethodPost, "/api/portal/estimate", s.booker, s.form(nil)); code != http.StatusForbidden {
		t.Errorf("estimate without view_prices: %d", code)
	}
	_, list := s.call(t, http.MethodGet, "/api/collections/events/records", s.booker, nil)
	for _, it := range list["items"].([]any) {
		if _, seen := it.(map[string]any)["estimated_price"]; seen {
			t.Error("the events list shows prices to a role without view_prices")
		}
	}

	// Contacts cannot write events directly: not status, price nor anything.
	if code, _ := s.call(t, http.MethodPost, "/api/collections/events/records", s.manager,
		map[string]any{"client": s.a.client.Id, "name": "x", "starts_at": "2099-01-01 10:00:00Z", "ends_at": "2099-01-01 12:00:00Z"}); code != http.StatusForbidden {
		t.Errorf("direct event create: %d", code)
	}
	if code, _ := s.call(t, http.MethodPatch, "/api/collections/events/records/"+ev.Id, s.manager,
		map[string]any{"status": "confirmed", "estimated_price": 1}); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("direct event update: %d", code)
	}
	if code, _ := s.call(t, http.MethodPost, "/api/collections/assignments/records", s.manager, map[string]any{}); code != http.StatusForbidden {
		t.Errorf("direct assignment create: %d", code)
	}

	// All or nothing: if the shift cannot be saved, no event exists.
	before, _ := s.app.CountRecords(collections.Events)
	s.app.OnRecordCreate(collections.Shifts).BindFunc(func(e *core.RecordEvent) error { return io.ErrUnexpectedEOF })
	if code, _ := s.call(t, http.MethodPost, "/api/portal/bookings", s.manager, s.form(nil)); code != http.StatusInternalServerError {
		t.Errorf("failing shift: %d", code)
	}
	if after, _ := s.app.CountRecords(collections.Events); after != before {
		t.Error("an event was saved without its shift")
	}
}

// TestBookingFollowsTheProfessionsAtOnce checks that the professions, which
// bookings read from a cache, follow the dashboard at once: a profession
// switched off, or no longer offered to clients, is refused on the next
// booking, and accepted again once it is offered.
func TestBookingFollowsTheProfessionsAtOnce(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	book := func() (int, map[string]any) {
		return s.call(t, http.MethodPost, "/api/portal/bookings", s.manager, s.form(nil))
	}
	if code, body := book(); code != http.StatusOK {
		t.Fatalf("a bookable profession: %d %v", code, body)
	}
	s.waiter.Set(collections.FieldActive, false)
	save(t, s.app, s.waiter)
	if code, body := book(); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "profession") {
		t.Errorf("a profession switched off: %d %v, want a 400 naming the profession", code, body)
	}
	s.waiter.Set(collections.FieldActive, true)
	s.waiter.Set(collections.FieldClientBookable, false)
	save(t, s.app, s.waiter)
	if code, _ := book(); code != http.StatusBadRequest {
		t.Errorf("a profession no longer offered to clients: %d, want 400", code)
	}
	s.waiter.Set(collections.FieldClientBookable, true)
	save(t, s.app, s.waiter)
	if code, body := book(); code != http.StatusOK {
		t.Errorf("offered again: %d %v", code, body)
	}
}

func TestEstimateAcrossClockChangesAndMidnight(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	basicOnly := portaltest.NewClient(t, s.app, "No list Ltd")
	cases := []struct {
		name, start, end string
		client           string
		profession       string
		hours            float64
		total            int64 // cents
	}{
		{"overnight", "2099-07-10T22:00", "2099-07-11T06:00", s.a.client.Id, s.waiter.Id, 8, 8 * 2 * 1500},
		{"clocks go back (an hour longer)", "2099-10-24T22:00", "2099-10-25T06:00", s.a.client.Id, s.waiter.Id, 9, 9 * 2 * 1500},
		{"clocks go forward (an hour shorter)", "2099-03-28T22:00", "2099-03-29T06:00", s.a.client.Id, s.waiter.Id, 7, 7 * 2 * 1500},
		{"no own list: basic list", "2099-07-10T10:00", "2099-07-10T14:30", basicOnly.Id, s.waiter.Id, 4.5, 9 * 2000},
		{"own list lacks the profession: basic list", "2099-07-10T10:00", "2099-07-10T12:00", s.a.client.Id, s.chef.Id, 2, 2 * 2 * 3000},
	}
	loc, _ := time.LoadLocation("Europe/London")
	for _, c := range cases {
		start, _ := time.ParseInLocation(pb_hooks.LocalTimeLayout, c.start, loc)
		end, _ := time.ParseInLocation(pb_hooks.LocalTimeLayout, c.end, loc)
		est, err := pb_hooks.EstimatePrice(s.app, c.client, c.profession, start, end, 2)
		if err != nil || est == nil || est.Hours != c.hours || est.Total != c.total {
			t.Errorf("%s: %+v %v, want %v h, total %v", c.name, est, err, c.hours, c.total)
		}
	}
	// The live estimate route applies the same rules to the form.
	back := portaltest.ClockChangeDay(t, loc, true)
	code, body := s.call(t, http.MethodPost, "/api/portal/estimate", s.manager,
		s.form(map[string]any{"start": back.AddDate(0, 0, -1).Format(time.DateOnly) + "T22:00",
			"end": back.Format(time.DateOnly) + "T06:00", "staff_count": 2}))
	est, _ := body["estimate"].(map[string]any)
	if code != http.StatusOK || est["hours"] != float64(9) || est["total"] != float64(27000) || est["hourly_rate"] != float64(1500) {
		t.Errorf("estimate route: %d %v", code, body)
	}

	// The price lists and rates are cached until one changes: a changed rate
	// or list shows at once, to a transaction too, and so does the
	// transaction's own change.
	start := time.Date(2099, 7, 10, 10, 0, 0, 0, loc)
	priced := func(app core.App, what string, rate int64, list string) {
		t.Helper()
		est, err := pb_hooks.EstimatePrice(app, s.a.client.Id, s.waiter.Id, start, start.Add(time.Hour), 1)
		if err != nil || est == nil || est.HourlyRate != rate || est.PriceList != list {
			t.Errorf("%s: %+v %v, want %d an hour from %q", what, est, err, rate, list)
		}
	}
	client, _ := s.app.FindRecordById(collections.Clients, s.a.client.Id)
	own, _ := s.app.FindRecordById(collections.PriceLists, client.GetString(collections.FieldDefaultPriceList))
	rate, err := s.app.FindFirstRecordByFilter(collections.Rates, "price_list = {:l} && profession = {:p}",
		dbx.Params{"l": own.Id, "p": s.waiter.Id})
	if err != nil {
		t.Fatal(err)
	}
	priced(s.app, "before any change", 1500, "Acme rates")
	rate.Set(collections.FieldHourlyRate, 1600)
	own.Set(collections.FieldName, "Acme 2099")
	save(t, s.app, rate)
	save(t, s.app, own)
	priced(s.app, "a changed rate and list", 1600, "Acme 2099")
	if err := s.app.RunInTransaction(func(tx core.App) error {
		priced(tx, "in a transaction, before its change", 1600, "Acme 2099")
		rate, err := tx.FindRecordById(collections.Rates, rate.Id)
		if err != nil {
			return err
		}
		rate.Set(collections.FieldHourlyRate, 1700)
		if err := tx.Save(rate); err != nil {
			return err
		}
		priced(tx, "in a transaction, after its change", 1700, "Acme 2099")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	priced(s.app, "after the transaction", 1700, "Acme 2099")
	if err := s.app.Delete(rate); err != nil {
		t.Fatal(err)
	}
	priced(s.app, "the client's rate removed: the basic list", 2000, "Basic")
}

func TestEventStatusLifeCycle(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	admin := portaltest.AuthHeaders(t, s.a.admin1)["Authorization"]
	_, body := s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(nil))
	path := "/api/collections/events/records/" + body["id"].(string)

	code, resp := s.call(t, http.MethodPatch, path, admin, map[string]any{"status": "declined"})
	if data, _ := resp["data"].(map[string]any); code != http.StatusBadRequest || data["decision_reason"] == nil {
		t.Errorf("decline without a reason: %d %v", code, resp)
	}
	if code, _ := s.call(t, http.MethodPatch, path, admin, map[string]any{"status": "completed"}); code != http.StatusBadRequest {
		t.Errorf("to be confirmed → completed: %d", code)
	}
	if code, _ := s.call(t, http.MethodPatch, path, admin, map[string]any{"status": "confirmed"}); code != http.StatusOK {
		t.Fatalf("confirm: %d", code)
	}
	if to := recipientsOf(queued(t, s.app, dbx.HashExp{"kind": "event_confirmed"})); to != "booker@acme.test" {
		t.Errorf("confirmation emailed to %q", to)
	}
	code, resp = s.call(t, http.MethodPatch, path, admin, map[string]any{"status": "to_be_confirmed"})
	data, _ := resp["data"].(map[string]any)
	msg, _ := data["status"].(map[string]any)
	if code != http.StatusBadRequest || !strings.Contains(msg["message"].(string), "can become cancelled or completed") {
		t.Errorf("confirmed → to be confirmed: %d %v", code, resp)
	}

	_, body = s.call(t, http.MethodPost, "/api/portal/bookings", s.booker, s.form(nil))
	if code, _ := s.call(t, http.MethodPatch, "/api/collections/events/records/"+body["id"].(string), admin,
		map[string]any{"status": "declined", "decision_reason": "No staff that weekend"}); code != http.StatusOK {
		t.Fatalf("decline: %d", code)
	}
	declined := queued(t, s.app, dbx.HashExp{"kind": "event_declined"})
	if len(declined) != 1 || !strings.Contains(declined[0].GetString(collections.FieldText), "No staff that weekend") {
		t.Errorf("decline email: %d", len(declined))
	}
}

func TestEventListsAndExport(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	for _, name := range []string{"Alpha gala", "Beta fair", "Gamma =SUM(A1)"} {
		if code, _ := s.call(t, http.MethodPost, "/api/portal/bookings", s.manager, s.form(map[string]any{"name": name})); code != http.StatusOK {
			t.Fatal(code)
		}
	}
	past, _ := portaltest.NewEvent(t, s.app, s.a.client, time.Now().AddDate(0, -1, 0), 2*time.Hour, collections.Wrap[collections.Profession](s.waiter))
	portaltest.NewEvent(t, s.app, portaltest.NewClient(t, s.app, "Other"), time.Now().AddDate(0, 1, 0), time.Hour, collections.Wrap[collections.Profession](s.waiter))

	names := func(token, query string) string {
		code, body := s.call(t, http.MethodGet, "/api/portal/events?"+query, token, nil)
		if code != http.StatusOK {
			t.Fatalf("list %s: %d %v", query, code, body)
		}
		var out []string
		for _, it := range body["items"].([]any) {
			out = append(out, it.(map[string]any)["name"].(string))
		}
		return strings.Join(out, ",")
	}
	// The demo agency's fixture event (a week ahead) and the three bookings.
	if got := names(s.booker, "scope=upcoming&q=a"); !strings.Contains(got, "Alpha gala") || strings.Contains(got, past.Name()) {
		t.Errorf("upcoming search: %s", got)
	}
	if got := names(s.booker, "scope=upcoming&q=beta"); got != "Beta fair" {
		t.Errorf("search by name: %s", got)
	}
	if got := names(s.booker, "scope=past"); got != past.Name() {
		t.Errorf("past: %s", got)
	}
	if got := names(s.booker, "scope=upcoming&status=confirmed&q=a"); strings.Contains(got, "Alpha") {
		t.Errorf("status filter: %s", got)
	}
	if got := names(s.booker, "scope=upcoming&q=gala&perPage=1&page=2"); got != "" && !strings.Contains(got, "gala") {
		t.Errorf("pagination: %s", got)
	}
	if code, body := s.call(t, http.MethodGet, "/api/portal/events?status=nonsense&from=yesterday", s.booker, nil); code != http.StatusBadRequest ||
		body["data"].(map[string]any)["status"] == nil || body["data"].(map[string]any)["from"] == nil {
		t.Errorf("bad filters: %d %v", code, body)
	}

	csvOf := func(token string) [][]string {
		req, _ := http.NewRequest(http.MethodGet, s.base+"/api/portal/events.csv?scope=upcoming&q=a", nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("csv: %v %v", res.StatusCode, err)
		}
		defer res.Body.Close()
		rows, err := csv.NewReader(res.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	withPrices, withoutPrices := csvOf(s.manager), csvOf(s.booker)
	if !strings.Contains(strings.Join(withPrices[0], ","), "Estimated price") || strings.Contains(strings.Join(withoutPrices[0], ","), "Estimated price") {
		t.Errorf("price column: %v / %v", withPrices[0], withoutPrices[0])
	}
	if len(withPrices) != len(withoutPrices) || len(withPrices) < 4 {
		t.Errorf("csv rows %d / %d", len(withPrices), len(withoutPrices))
	}
	labels := map[string]bool{}
	for _, status := range pb_hooks.Metadata().EventStatuses {
		labels[status.Label] = true
	}
	for i, row := range withPrices {
		if strings.HasPrefix(row[0], "=") {
			t.Errorf("formula cell exported as is: %q", row[0])
		}
		if i > 0 && !labels[row[5]] {
			t.Errorf("status exported as %q, not in the page's words", row[5])
		}
	}
}

// TestHiddenTags checks that tags admins did not mark for clients never
// reach them, listed or expanded on an event.
func TestHiddenTags(t *testing.T) {
	t.Parallel()
	s := newBookingServer(t)
	vip := portaltest.Create(t, s.app, collections.Tags, map[string]any{"name": "VIP", "client_visible": true})
	risk := portaltest.Create(t, s.app, collections.Tags, map[string]any{"name": "Payment risk", "client_visible": false})
	ev, _ := s.app.FindRecordById(collections.Events, s.a.event.Id)
	ev.Set(collections.FieldTags, []string{vip.Id, risk.Id})
	save(t, s.app, ev)

	_, list := s.call(t, http.MethodGet, "/api/collections/tags/records", s.booker, nil)
	_, view := s.call(t, http.MethodGet, "/api/collections/events/records/"+ev.Id+"?expand=tags", s.booker, nil)
	_, events := s.call(t, http.MethodGet, "/api/collections/events/records?expand=tags", s.booker, nil)
	_, portal := s.call(t, http.MethodGet, "/api/portal/events?scope=upcoming", s.booker, nil)
	for i, got := range []map[string]any{list, view, events, portal} {
		raw, _ := jsonString(got)
		if strings.Contains(raw, "Payment risk") || strings.Contains(raw, risk.Id) || !strings.Contains(raw, vip.Id) ||
			(i < 3 && !strings.Contains(raw, "VIP")) {
			t.Errorf("client sees: %s", raw)
		}
	}
}
