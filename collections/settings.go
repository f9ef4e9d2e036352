package collections

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Settings wraps the single portal_settings record: the agency's time zone and
// every switch the spec calls "configurable". Admins edit it in the dashboard
// and changes take effect on the next request, without a restart.
type Settings struct{ core.BaseRecordProxy }

// LoadSettings returns the portal settings record. The initial migration
// creates it and a hook refuses a second one, so it always exists.
func LoadSettings(app core.App) (*Settings, error) {
	r, err := app.FindFirstRecordByFilter(PortalSettings, "")
	if err != nil {
		return nil, fmt.Errorf("collections: load portal settings: %w", err)
	}
	return Wrap[Settings](r), nil
}

// PortalEnabled reports whether the portal is open for the whole install (spec A1).
func (s *Settings) PortalEnabled() bool { return s.GetBool(FieldPortalEnabled) }

// PortalDisabledMessage is shown on the sign-in page while the portal is off.
func (s *Settings) PortalDisabledMessage() string { return s.GetString(FieldPortalDisabledMessage) }

// TimeZone returns the agency's IANA time zone name (spec E3).
func (s *Settings) TimeZone() string { return s.GetString(FieldTimeZone) }

// Location returns the agency's time zone, or UTC when the name is unknown.
func (s *Settings) Location() *time.Location {
	name := s.TimeZone()
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	locations.Store(name, loc)
	return loc
}

// locations keeps the time zones loaded: time.LoadLocation reads and parses
// the zone's file on every call, and nearly every request needs the zone.
var locations sync.Map

// DefaultLocale is the locale of an agency that has not chosen one.
const DefaultLocale = "en-GB"

// Locale returns the BCP 47 language tag dates and times are written in
// (e.g. "en-AU"), DefaultLocale when none is set.
func (s *Settings) Locale() string {
	if l := s.GetString(FieldLocale); l != "" {
		return l
	}
	return DefaultLocale
}

// ClientsSetStaffCount reports whether clients may choose the number of staff (spec B1).
func (s *Settings) ClientsSetStaffCount() bool { return s.GetBool(FieldClientsSetStaffCount) }

// DefaultStaffCount is the staff count used when clients may not choose one.
func (s *Settings) DefaultStaffCount() int {
	if n := s.GetInt(FieldDefaultStaffCount); n > 0 {
		return n
	}
	return 1
}

// RosterVisible reports whether clients see the roster at all (spec R2).
func (s *Settings) RosterVisible() bool { return s.GetBool(FieldRosterVisible) }

// ClientUploadsEnabled reports whether contacts may upload event documents (spec D1).
func (s *Settings) ClientUploadsEnabled() bool { return s.GetBool(FieldClientUploadsEnabled) }

// ClientDownloadsEnabled reports whether contacts may download agency documents (spec D2).
func (s *Settings) ClientDownloadsEnabled() bool { return s.GetBool(FieldClientDownloadsEnabled) }

// DefaultUploadMaxMB is the size limit of a client upload when the setting
// is empty.
const DefaultUploadMaxMB = 20

// UploadMaxMB is the largest file, in MB, a contact may upload (spec D1).
func (s *Settings) UploadMaxMB() int {
	if n := s.GetInt(FieldUploadMaxMB); n > 0 {
		return n
	}
	return DefaultUploadMaxMB
}

// UploadAllowedTypes are the file extensions contacts may upload, lower
// case without dots (e.g. pdf, jpg), from the comma-separated setting.
func (s *Settings) UploadAllowedTypes() []string {
	var out []string
	separators := strings.NewReplacer(" ", ",", ";", ",", "\n", ",")
	for _, t := range strings.Split(separators.Replace(s.GetString(FieldUploadAllowedTypes)), ",") {
		t = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), "."))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// TermsVersion returns the version label of the uploaded T&C document (spec B4).
func (s *Settings) TermsVersion() string { return s.GetString(FieldTermsVersion) }

// FallbackRecipient returns where notifications go for clients without a group.
func (s *Settings) FallbackRecipient() string { return s.GetString(FieldFallbackRecipient) }

// DefaultBookingHorizonDays is how far ahead clients may book when the
// setting is empty: two years.
const DefaultBookingHorizonDays = 730

// BookingHorizonDays is how many days ahead an event (or a change request's
// new dates) may start.
func (s *Settings) BookingHorizonDays() int {
	if n := s.GetInt(FieldBookingHorizonDays); n > 0 {
		return n
	}
	return DefaultBookingHorizonDays
}
