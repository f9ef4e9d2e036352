package pb_hooks

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/money"
)

// Booking from the portal (spec B1–B5): one request creates the event, its
// first shift and its resource lines in one transaction, with the status,
// price and terms decided by the server.

// LocalTimeLayout is how the booking form sends times: the agency's wall
// clock, without a zone, so the server applies the agency's time zone and
// its daylight-saving rules.
const LocalTimeLayout = "2006-01-02T15:04"

// Booking limits.
const (
	maxBookingSpan     = 14 * 24 * time.Hour
	maxStaffCount      = 200
	maxResourceLines   = 20
	maxResourceQty     = 1000
	maxBookingNotesLen = 5000
)

// BookingInput is the booking form as the portal sends it.
type BookingInput struct {
	Name       string `json:"name"`
	Venue      string `json:"venue"`
	Address    string `json:"address"`
	Start      string `json:"start"`
	End        string `json:"end"`
	Profession string `json:"profession"`
	StaffCount *int   `json:"staff_count"`
	// StartOccurrence and EndOccurrence answer which of the two a
	// wall-clock time means when the clocks go back and it happens twice:
	// "earlier" or "later" (empty otherwise).
	StartOccurrence string          `json:"start_occurrence"`
	EndOccurrence   string          `json:"end_occurrence"`
	Resources       []ResourceInput `json:"resources"`
	Notes           string          `json:"notes"`
	TermsAccepted   bool            `json:"terms_accepted"`
	RebookedFrom    string          `json:"rebooked_from"`
}

// ResourceInput is one "resources needed" line of the booking form.
type ResourceInput struct {
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
}

// Estimate is the server's price estimate of a booking (spec B3). Amounts
// are minor units of Currency (package money).
type Estimate struct {
	Hours      float64 `json:"hours"`
	StaffCount int     `json:"staff_count"`
	HourlyRate int64   `json:"hourly_rate"`
	Total      int64   `json:"total"`
	Currency   string  `json:"currency"`
	PriceList  string  `json:"price_list"`
}

// booking is a booking form read as far as it is valid: the parsed times,
// the profession and the staff count, ready to save once no field has an
// error.
type booking struct {
	in         BookingInput
	start, end time.Time
	profession profession
	staffCount int
	settings   *collections.Settings
}

// pricingFields are the fields an estimate needs; the others may still be
// unfinished while the form is being filled in.
var pricingFields = []string{"form", "start", "end", "profession", "staff_count"}

// validateBooking checks the input field by field and returns every problem
// at once, keyed by the form's field names (per line for resources:
// "resources.0"). The booking it returns holds what could be read even when
// some fields have errors, so the estimate can price a form whose other
// fields are unfinished.
func validateBooking(app core.App, contact *core.Record, in BookingInput, now time.Time) (*booking, validation.Errors) {
	settings, err := portalSettings(app)
	if err != nil {
		return nil, validation.Errors{"form": validation.NewError("validation_settings", "The portal settings could not be read.")}
	}
	b := &booking{in: in, settings: settings}
	loc := settings.Location()
	var startErr, endErr error
	b.start, startErr = parseLocalTime(in.Start, in.StartOccurrence, loc)
	b.end, endErr = parseLocalTime(in.End, in.EndOccurrence, loc)
	days := settings.BookingHorizonDays()
	horizon := now.AddDate(0, 0, days)
	clientsCount := settings.ClientsSetStaffCount()
	termsRequired := settings.GetString(collections.FieldTermsFile) != ""

	errs := validation.Errors{
		"name": validation.Validate(strings.TrimSpace(in.Name), required("Please fill this in."), plainText(200)),
		"venue": validation.Validate(strings.TrimSpace(in.Venue), plainText(200),
			validation.When(strings.TrimSpace(in.Address) == "", validation.Required.ErrorObject(validation.NewError(
				"validation_location_required", "Give the venue or the address, so the staff know where to go.")))),
		"address":          validation.Validate(in.Address, plainText(500)),
		"notes":            validation.Validate(in.Notes, plainText(maxBookingNotesLen)),
		"start_occurrence": validation.Validate(in.StartOccurrence, occurrenceRule),
		"end_occurrence":   validation.Validate(in.EndOccurrence, occurrenceRule),
		"start": firstError(startErr, validation.Validate(b.start,
			validation.Min(now).Exclusive().ErrorObject(validation.NewError("validation_in_past", "The start must be in the future.")),
			validation.Max(horizon).ErrorObject(validation.NewError("validation_beyond_horizon", fmt.Sprintf(
				"Bookings can start at most %d days ahead, by %s.", days, DatesOf(settings).Date(horizon)))))),
		"end": firstError(endErr, validation.Validate(b.end, validation.When(startErr == nil,
			validation.Min(b.start).Exclusive().ErrorObject(validation.NewError("validation_end_before_start", "The end must be after the start.")),
			validation.Max(b.start.Add(maxBookingSpan)).ErrorObject(validation.NewError("validation_too_long",
				"An event can last at most 14 days; book longer ones as several events."))))),
		"profession": validation.Validate(in.Profession, required("Choose the kind of staff you need."),
			plainText(50), validation.By(b.bookableProfession(app))),
		"staff_count": validation.Validate(in.StaffCount,
			validation.When(!clientsCount, validation.Nil.ErrorObject(validation.NewError("validation_not_allowed",
				"The agency sets the number of staff for your bookings; leave this out."))),
			validation.When(clientsCount, validation.NotNil.Error("How many staff do you need?"),
				inRange(1, maxStaffCount, fmt.Sprintf("Choose between 1 and %d staff.", maxStaffCount)))),
		"resources": validation.Validate(in.Resources, validation.Length(0, maxResourceLines).ErrorObject(
			validation.NewError("validation_too_many", fmt.Sprintf("At most %d resource lines.", maxResourceLines)))),
		"terms_accepted": validation.Validate(in.TermsAccepted, validation.When(termsRequired, validation.Required.ErrorObject(
			validation.NewError("validation_terms", "Please accept the terms and conditions to book.")))),
		"rebooked_from": validation.Validate(in.RebookedFrom, plainText(50), validation.By(ownEvent(app, contact))),
	}
	for i, r := range in.Resources {
		errs[fmt.Sprintf("resources.%d", i)] = firstError(
			validation.Validate(strings.TrimSpace(r.Name), required("Name the resource, or remove the line."), plainText(200)),
			validation.Validate(r.Quantity, inRange(1, maxResourceQty, fmt.Sprintf("The quantity must be between 1 and %d.", maxResourceQty))))
	}
	b.staffCount = settings.DefaultStaffCount()
	if clientsCount && in.StaffCount != nil {
		b.staffCount = *in.StaffCount
	}
	if errs = nonNil(errs); errs != nil {
		return b, errs
	}
	return b, nil
}

// occurrenceRule accepts the answers to "which one?" for a time the clocks
// pass twice.
var occurrenceRule = validation.In(occurrenceEarlier, occurrenceLater).ErrorObject(
	validation.NewError("validation_invalid", `Use "earlier" or "later".`))

// bookableProfession checks the profession is one the form offers and
// keeps it on the booking.
func (b *booking) bookableProfession(app core.App) validation.RuleFunc {
	return func(v any) error {
		id, _ := v.(string)
		if id == "" {
			return nil
		}
		p, ok := cachedProfessions(app)[id]
		if !ok || !p.bookable {
			return validation.NewError("validation_not_bookable", "Choose one of the professions offered in the form.")
		}
		b.profession = p
		return nil
	}
}

// ownEvent checks an event id names an event of the contact's client.
func ownEvent(app core.App, contact *core.Record) validation.RuleFunc {
	return func(v any) error {
		id, _ := v.(string)
		if id == "" {
			return nil
		}
		if ev, err := app.FindRecordById(collections.Events, id); err != nil ||
			ev.GetString(collections.FieldClient) != contact.GetString(collections.FieldClient) {
			return validation.NewError("validation_unknown_event", "The event to book again was not found.")
		}
		return nil
	}
}

// Answers to "which one?" for a wall-clock time the clocks pass twice.
const (
	occurrenceEarlier = "earlier"
	occurrenceLater   = "later"
)

// parseLocalTime reads the agency's wall-clock time. A time that does not
// exist that day (the hour skipped when clocks go forward) is refused
// rather than silently moved; a time that happens twice (the hour repeated
// when they go back) needs the occurrence, "earlier" or "later", and its
// error names both offsets so the form can ask.
func parseLocalTime(s, occurrence string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, validation.NewError("validation_required", "Choose a date and time.")
	}
	t, err := time.ParseInLocation(LocalTimeLayout, s, loc)
	if err != nil || len(s) != len(LocalTimeLayout) {
		return time.Time{}, validation.NewError("validation_invalid_time", "Use a date and time like 2026-12-31T18:30.")
	}
	if t.Format(LocalTimeLayout) != s {
		return time.Time{}, validation.NewError("validation_nonexistent_time",
			"This time does not exist on that day because the clocks change; choose another time.")
	}
	earlier, later, twice := occurrencesOf(t, loc)
	switch {
	case !twice:
		return t, nil
	case occurrence == occurrenceEarlier:
		return earlier, nil
	case occurrence == occurrenceLater:
		return later, nil
	}
	return time.Time{}, validation.NewError("validation_ambiguous_time", fmt.Sprintf(
		"This time happens twice that night because the clocks go back: choose the earlier one (UTC%s) or the later one (UTC%s).",
		earlier.Format("-07:00"), later.In(loc).Format("-07:00"))).
		SetParams(map[string]any{"earlier": earlier.Format("-07:00"), "later": later.In(loc).Format("-07:00")})
}

// occurrencesOf finds both instants of t's wall-clock time when the clocks
// pass it twice: the same reading under the zone's offsets on either side
// of a change within a day.
func occurrencesOf(t time.Time, loc *time.Location) (earlier, later time.Time, twice bool) {
	_, before := t.Add(-24 * time.Hour).Zone()
	_, after := t.Add(24 * time.Hour).Zone()
	if before == after {
		return t, t, false
	}
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	a := wall.Add(-time.Duration(before) * time.Second).In(loc)
	b := wall.Add(-time.Duration(after) * time.Second).In(loc)
	reading := t.Format(LocalTimeLayout)
	if a.Equal(b) || a.Format(LocalTimeLayout) != reading || b.Format(LocalTimeLayout) != reading {
		return t, t, false
	}
	if b.Before(a) {
		a, b = b, a
	}
	return a, b, true
}

// dateTimeOf is t as a record's date value (UTC). ParseDateTime can fail
// only on text, never on a time.Time.
func dateTimeOf(t time.Time) types.DateTime {
	dt, _ := types.ParseDateTime(t.UTC())
	return dt
}

// occurrenceOf says which of the two a stored instant is when its
// wall-clock time happens twice ("" when it happens once).
func occurrenceOf(t time.Time, loc *time.Location) string {
	earlier, _, twice := occurrencesOf(t.In(loc), loc)
	switch {
	case !twice:
		return ""
	case t.Equal(earlier):
		return occurrenceEarlier
	}
	return occurrenceLater
}

// EstimatePrice computes hours × staff × hourly rate of the profession, from
// the client's default price list, or the basic list when the client has none
// or its list has no rate for the profession. Hours are real elapsed time, so
// a night that crosses a daylight-saving change counts the hour gained or
// lost. It returns nil when no list prices the profession.
func EstimatePrice(app core.App, clientID, professionID string, start, end time.Time, staff int) (*Estimate, error) {
	r, err := clientRecord(app, clientID)
	if err != nil {
		return nil, err
	}
	client := collections.Wrap[collections.Client](r)
	catalogue, err := cachedPriceLists(app)
	if err != nil {
		return nil, err
	}
	var lists []string
	if id := client.DefaultPriceListID(); id != "" {
		lists = append(lists, id)
	}
	if catalogue.basic != "" {
		lists = append(lists, catalogue.basic)
	}
	for _, listID := range lists {
		rate, err := cachedRate(app, listID, professionID)
		if err != nil {
			return nil, err
		}
		if !rate.found {
			continue
		}
		list, ok := catalogue.byID[listID]
		if !ok {
			return nil, fmt.Errorf("price list %q is missing", listID)
		}
		total, err := money.StaffCost(end.Sub(start), staff, rate.cents)
		if err != nil {
			return nil, err
		}
		return &Estimate{
			Hours: end.Sub(start).Hours(), StaffCount: staff, HourlyRate: rate.cents, Total: total,
			Currency: list.currency, PriceList: list.name,
		}, nil
	}
	return nil, nil
}

// estimateBooking answers the booking form's live price (roles that may
// view prices only). Incomplete input gets the field errors, as a booking.
func estimateBooking(e *core.RequestEvent) error {
	var in BookingInput
	if err := bindForm(e, &in); err != nil {
		return err
	}
	// Only what prices the booking matters here: the form may still lack
	// its name, location, T&C tick or have an unfinished resource line.
	b, errs := validateBooking(e.App, e.Auth, in, time.Now())
	if errs = pick(errs, pricingFields...); errs != nil {
		return e.BadRequestError("The estimate needs the dates, the profession and the number of staff.", errs)
	}
	est, err := EstimatePrice(e.App, e.Auth.GetString(collections.FieldClient), b.profession.id, b.start, b.end, b.staffCount)
	if err != nil {
		return err
	}
	if est == nil {
		return e.JSON(http.StatusOK, map[string]any{"estimate": nil,
			"message": "No price is set for this profession yet; the agency will quote it."})
	}
	return e.JSON(http.StatusOK, map[string]any{"estimate": est})
}

// bookEvent creates the event, its first shift and its resource lines in one
// transaction and queues the booking emails with them. The status is always
// "to be confirmed" and the price the server's estimate (spec B2, B3).
func bookEvent(e *core.RequestEvent) error {
	var in BookingInput
	if err := bindForm(e, &in); err != nil {
		return err
	}
	b, errs := validateBooking(e.App, e.Auth, in, time.Now())
	if errs != nil {
		return e.BadRequestError("Please correct the highlighted fields.", errs)
	}
	var event *core.Record
	err := e.App.RunInTransaction(func(tx core.App) error {
		var err error
		event, err = saveBooking(tx, e.Auth, b)
		if err != nil {
			return err
		}
		if err := auditPortalWrite(tx, e, "create", event, bookingSummary(b)); err != nil {
			return err
		}
		if err := Notify(tx, NotifyEventBooked, event, Values{"contact_name": actingContactName(e)}); err != nil {
			return err
		}
		// The contact did not book it themselves: the email must not thank them.
		if impersonatorID(e) != "" {
			return Notify(tx, NotifyBookedOnBehalf, event, nil)
		}
		return Notify(tx, NotifyBookingReceived, event, nil)
	})
	if err != nil {
		var verrs validation.Errors
		if errors.As(err, &verrs) {
			return e.BadRequestError("Please correct the highlighted fields.", verrs)
		}
		return e.InternalServerError("The booking could not be saved; nothing was booked. Please try again.", err)
	}
	if err := apis.EnrichRecord(e, event); err != nil {
		return err
	}
	prepareEventsForClient(e, event)
	return writeJSON(e, http.StatusOK, event)
}

// bookingSummary is a booking in a few words for the audit log.
func bookingSummary(b *booking) []string {
	return []string{strings.TrimSpace(b.in.Name), DatesOf(b.settings).Span(b.start, b.end),
		fmt.Sprintf("%d × %s", b.staffCount, b.profession.name)}
}

func saveBooking(tx core.App, contact *core.Record, b *booking) (*core.Record, error) {
	in := b.in
	clientID := contact.GetString(collections.FieldClient)
	start, end := dateTimeOf(b.start), dateTimeOf(b.end)
	est, err := EstimatePrice(tx, clientID, b.profession.id, b.start, b.end, b.staffCount)
	if err != nil {
		return nil, err
	}
	values := map[string]any{
		collections.FieldClient: clientID, collections.FieldName: strings.TrimSpace(in.Name),
		collections.FieldVenue: in.Venue, collections.FieldAddress: in.Address, collections.FieldNotes: in.Notes,
		collections.FieldStartsAt: start, collections.FieldEndsAt: end,
		collections.FieldStatus: string(collections.EventToBeConfirmed), collections.FieldSource: "portal",
		collections.FieldCreatedBy: contact.Id, collections.FieldRebookedFrom: in.RebookedFrom,
	}
	if est != nil {
		values[collections.FieldEstimatedPrice] = est.Total
		values[collections.FieldCurrency] = est.Currency
	}
	if b.settings.GetString(collections.FieldTermsFile) != "" {
		values[collections.FieldTermsAgreedBy] = contact.Id
		values[collections.FieldTermsAgreedAt] = types.NowDateTime()
		values[collections.FieldTermsVersion] = b.settings.TermsVersion()
	}
	event, err := createRecord(tx, collections.Events, values)
	if err != nil {
		return nil, err
	}
	if _, err := createRecord(tx, collections.Shifts, map[string]any{
		collections.FieldEvent: event.Id, collections.FieldProfession: b.profession.id,
		collections.FieldStartsAt: start, collections.FieldEndsAt: end, collections.FieldStaffCount: b.staffCount,
	}); err != nil {
		return nil, err
	}
	for _, r := range in.Resources {
		if _, err := createRecord(tx, collections.ResourceLines, map[string]any{
			collections.FieldEvent: event.Id, collections.FieldName: strings.TrimSpace(r.Name), collections.FieldQuantity: r.Quantity,
		}); err != nil {
			return nil, err
		}
	}
	// The shift's hook stored the event's atomic flag with SQL; the answer
	// must say what is stored, not the "no shifts yet" of the event's own
	// save (a booking answered as a split event otherwise).
	var atomic bool
	if err := tx.DB().Select(FieldAtomic).From(collections.Events).Where(dbx.HashExp{"id": event.Id}).Row(&atomic); err != nil {
		return nil, err
	}
	event.Set(FieldAtomic, atomic)
	return event, nil
}

// createRecord saves a new record of the collection with the given values.
func createRecord(app core.App, collection string, values map[string]any) (*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Load(values)
	if err := app.Save(r); err != nil {
		return nil, fmt.Errorf("save %s: %w", collection, err)
	}
	return r, nil
}
