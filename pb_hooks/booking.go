package pb_hooks

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
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
	Name          string          `json:"name"`
	Venue         string          `json:"venue"`
	Address       string          `json:"address"`
	Start         string          `json:"start"`
	End           string          `json:"end"`
	Profession    string          `json:"profession"`
	StaffCount    *int            `json:"staff_count"`
	Resources     []ResourceInput `json:"resources"`
	Notes         string          `json:"notes"`
	TermsAccepted bool            `json:"terms_accepted"`
	RebookedFrom  string          `json:"rebooked_from"`
}

// ResourceInput is one "resources needed" line of the booking form.
type ResourceInput struct {
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
}

// Estimate is the server's price estimate of a booking (spec B3).
type Estimate struct {
	Hours      float64 `json:"hours"`
	StaffCount int     `json:"staff_count"`
	HourlyRate float64 `json:"hourly_rate"`
	Total      float64 `json:"total"`
	Currency   string  `json:"currency"`
	PriceList  string  `json:"price_list"`
}

// booking is a validated booking, ready to save.
type booking struct {
	in         BookingInput
	start, end time.Time
	profession *core.Record
	staffCount int
	settings   *collections.Settings
}

// validateBooking checks the input field by field and returns every problem
// at once, keyed by the form's field names.
func validateBooking(app core.App, contact *core.Record, in BookingInput, now time.Time) (*booking, validation.Errors) {
	errs := validation.Errors{}
	settings, err := collections.LoadSettings(app)
	if err != nil {
		errs["form"] = validation.NewError("validation_settings", "The portal settings could not be read.")
		return nil, errs
	}
	b := &booking{in: in, settings: settings}
	loc := settings.Location()

	in.Name = strings.TrimSpace(in.Name)
	textLimits := []struct {
		field, value string
		max          int
		required     bool
	}{{"name", in.Name, 200, true}, {"venue", in.Venue, 200, false}, {"address", in.Address, 500, false},
		{"notes", in.Notes, maxBookingNotesLen, false}}
	for _, f := range textLimits {
		switch {
		case f.required && f.value == "":
			errs[f.field] = validation.NewError("validation_required", "Please fill this in.")
		case len([]rune(f.value)) > f.max:
			errs[f.field] = validation.NewError("validation_too_long", fmt.Sprintf("Keep this under %d characters.", f.max))
		}
	}

	var startErr, endErr error
	b.start, startErr = parseLocalTime(in.Start, loc)
	b.end, endErr = parseLocalTime(in.End, loc)
	if startErr != nil {
		errs["start"] = startErr
	} else if !b.start.After(now) {
		errs["start"] = validation.NewError("validation_in_past", "The start must be in the future.")
	}
	switch {
	case endErr != nil:
		errs["end"] = endErr
	case startErr == nil && !b.end.After(b.start):
		errs["end"] = validation.NewError("validation_end_before_start", "The end must be after the start.")
	case startErr == nil && b.end.Sub(b.start) > maxBookingSpan:
		errs["end"] = validation.NewError("validation_too_long", "An event can last at most 14 days; book longer ones as several events.")
	}

	if in.Profession == "" {
		errs["profession"] = validation.NewError("validation_required", "Choose the kind of staff you need.")
	} else if p, err := app.FindRecordById(collections.Professions, in.Profession); err != nil ||
		!p.GetBool(collections.FieldClientBookable) || !p.GetBool(collections.FieldActive) {
		errs["profession"] = validation.NewError("validation_not_bookable", "Choose one of the professions offered in the form.")
	} else {
		b.profession = p
	}

	switch {
	case !settings.ClientsSetStaffCount() && in.StaffCount != nil:
		errs["staff_count"] = validation.NewError("validation_not_allowed",
			"The agency sets the number of staff for your bookings; leave this out.")
	case !settings.ClientsSetStaffCount():
		b.staffCount = settings.DefaultStaffCount()
	case in.StaffCount == nil:
		errs["staff_count"] = validation.NewError("validation_required", "How many staff do you need?")
	case *in.StaffCount < 1 || *in.StaffCount > maxStaffCount:
		errs["staff_count"] = validation.NewError("validation_out_of_range", fmt.Sprintf("Choose between 1 and %d staff.", maxStaffCount))
	default:
		b.staffCount = *in.StaffCount
	}

	if len(in.Resources) > maxResourceLines {
		errs["resources"] = validation.NewError("validation_too_many", fmt.Sprintf("At most %d resource lines.", maxResourceLines))
	}
	for i, r := range in.Resources {
		key := fmt.Sprintf("resources.%d", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			errs[key] = validation.NewError("validation_required", "Name the resource, or remove the line.")
		case len([]rune(r.Name)) > 200:
			errs[key] = validation.NewError("validation_too_long", "Keep this under 200 characters.")
		case r.Quantity < 1 || r.Quantity > maxResourceQty:
			errs[key] = validation.NewError("validation_out_of_range", fmt.Sprintf("The quantity must be between 1 and %d.", maxResourceQty))
		}
	}

	if settings.GetString(collections.FieldTermsFile) != "" && !in.TermsAccepted {
		errs["terms_accepted"] = validation.NewError("validation_terms", "Please accept the terms and conditions to book.")
	}
	if in.RebookedFrom != "" {
		if ev, err := app.FindRecordById(collections.Events, in.RebookedFrom); err != nil ||
			ev.GetString(collections.FieldClient) != contact.GetString(collections.FieldClient) {
			errs["rebooked_from"] = validation.NewError("validation_unknown_event", "The event to book again was not found.")
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return b, nil
}

// parseLocalTime reads the agency's wall-clock time. A time that does not
// exist that day (the hour skipped when clocks go forward) is refused
// rather than silently moved.
func parseLocalTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, validation.NewError("validation_required", "Choose a date and time.")
	}
	t, err := time.ParseInLocation(LocalTimeLayout, s, loc)
	if err != nil {
		return time.Time{}, validation.NewError("validation_invalid_time", "Use a date and time like 2026-12-31T18:30.")
	}
	if t.Format(LocalTimeLayout) != s {
		return time.Time{}, validation.NewError("validation_nonexistent_time",
			"This time does not exist on that day because the clocks change; choose another time.")
	}
	return t, nil
}

// EstimatePrice computes hours × staff × hourly rate of the profession, from
// the client's default price list, or the basic list when the client has none
// or its list has no rate for the profession. Hours are real elapsed time, so
// a night that crosses a daylight-saving change counts the hour gained or
// lost. It returns nil when no list prices the profession.
func EstimatePrice(app core.App, clientID, professionID string, start, end time.Time, staff int) (*Estimate, error) {
	client, err := collections.Find[collections.Client](app, collections.Clients, clientID)
	if err != nil {
		return nil, err
	}
	var lists []string
	if id := client.DefaultPriceListID(); id != "" {
		lists = append(lists, id)
	}
	if basic, err := app.FindFirstRecordByFilter(collections.PriceLists, "is_basic = true"); err == nil {
		lists = append(lists, basic.Id)
	}
	for _, listID := range lists {
		rate, err := app.FindFirstRecordByFilter(collections.Rates, "price_list = {:l} && profession = {:p}",
			dbx.Params{"l": listID, "p": professionID})
		if err != nil {
			continue
		}
		list, err := app.FindRecordById(collections.PriceLists, listID)
		if err != nil {
			return nil, err
		}
		hours := end.Sub(start).Hours()
		hourly := rate.GetFloat(collections.FieldHourlyRate)
		return &Estimate{
			Hours: hours, StaffCount: staff, HourlyRate: hourly,
			Total:    math.Round(hours*float64(staff)*hourly*100) / 100,
			Currency: list.GetString(collections.FieldCurrency), PriceList: list.GetString(collections.FieldName),
		}, nil
	}
	return nil, nil
}

// estimateBooking answers the booking form's live price (roles that may
// view prices only). Incomplete input gets the field errors, as a booking.
func estimateBooking(e *core.RequestEvent) error {
	var in BookingInput
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("The form could not be read.", err)
	}
	// Only what prices the booking matters here: the form may still lack
	// the T&C tick or have an unfinished resource line.
	in.TermsAccepted, in.Resources = true, nil
	b, errs := validateBooking(e.App, e.Auth, in, time.Now())
	if errs != nil {
		return e.BadRequestError("The estimate needs a complete, valid form.", errs)
	}
	est, err := EstimatePrice(e.App, e.Auth.GetString(collections.FieldClient), b.profession.Id, b.start, b.end, b.staffCount)
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
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("The form could not be read.", err)
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
	return e.JSON(http.StatusOK, event)
}

// bookingSummary is a booking in a few words for the audit log.
func bookingSummary(b *booking) []string {
	return []string{strings.TrimSpace(b.in.Name), FormatSpan(b.start, b.end, b.settings.Location()),
		fmt.Sprintf("%d × %s", b.staffCount, b.profession.GetString(collections.FieldName))}
}

func saveBooking(tx core.App, contact *core.Record, b *booking) (*core.Record, error) {
	in := b.in
	clientID := contact.GetString(collections.FieldClient)
	start, _ := types.ParseDateTime(b.start.UTC())
	end, _ := types.ParseDateTime(b.end.UTC())
	est, err := EstimatePrice(tx, clientID, b.profession.Id, b.start, b.end, b.staffCount)
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
		collections.FieldEvent: event.Id, collections.FieldProfession: b.profession.Id,
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
