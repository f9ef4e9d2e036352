package pb_hooks

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/cs"
	"github.com/go-playground/locales/da"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/de_AT"
	"github.com/go-playground/locales/de_CH"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/en_AU"
	"github.com/go-playground/locales/en_CA"
	"github.com/go-playground/locales/en_GB"
	"github.com/go-playground/locales/en_IE"
	"github.com/go-playground/locales/en_IN"
	"github.com/go-playground/locales/en_NZ"
	"github.com/go-playground/locales/en_SG"
	"github.com/go-playground/locales/en_ZA"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/es_MX"
	"github.com/go-playground/locales/fi"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/fr_BE"
	"github.com/go-playground/locales/fr_CA"
	"github.com/go-playground/locales/it"
	"github.com/go-playground/locales/nb"
	"github.com/go-playground/locales/nl"
	"github.com/go-playground/locales/nl_BE"
	"github.com/go-playground/locales/pl"
	"github.com/go-playground/locales/pt"
	"github.com/go-playground/locales/pt_PT"
	"github.com/go-playground/locales/sv"

	"github.com/crewportal/crewportal/collections"
)

// dateLocales are the locales the server writes dates in (emails, audit
// summaries, error messages), by BCP 47 tag in lower case. CLDR data comes
// from go-playground/locales; each locale is a package of its own, so only
// those an agency is likely to use are linked in. A locale not listed falls
// back to its language, then to collections.DefaultLocale (DatesOf).
var dateLocales = map[string]func() locales.Translator{
	"cs": cs.New, "da": da.New, "de": de.New, "de-at": de_AT.New, "de-ch": de_CH.New,
	"en": en.New, "en-au": en_AU.New, "en-ca": en_CA.New, "en-gb": en_GB.New, "en-ie": en_IE.New,
	"en-in": en_IN.New, "en-nz": en_NZ.New, "en-sg": en_SG.New, "en-us": en.New, "en-za": en_ZA.New,
	"es": es.New, "es-mx": es_MX.New, "fi": fi.New, "fr": fr.New, "fr-be": fr_BE.New, "fr-ca": fr_CA.New,
	"it": it.New, "nb": nb.New, "no": nb.New, "nl": nl.New, "nl-be": nl_BE.New, "pl": pl.New,
	"pt": pt.New, "pt-br": pt.New, "pt-pt": pt_PT.New, "sv": sv.New,
}

// clockLocales replace a locale's time format where its generated CLDR data
// lost the day periods (en_AU writes "1:05 " for 13:05); the language's own
// clock is the same pattern with the periods present.
var clockLocales = map[string]func() locales.Translator{
	"en-au": en.New,
}

// AgencyDates writes moments as the agency's people read them: in its time
// zone (spec E3) and its locale (portal_settings.locale), the same parts the
// portal shows through Intl: "Wed 9 Dec 2026, 06:00" for en-GB, "Wed Dec 9,
// 2026, 6:00 am" for en-US.
type AgencyDates struct {
	// Zone is the agency's time zone.
	Zone  *time.Location
	date  locales.Translator
	clock locales.Translator
}

// DatesOf returns the agency's way of writing dates.
func DatesOf(settings *collections.Settings) AgencyDates {
	return NewAgencyDates(settings.Location(), settings.Locale())
}

// NewAgencyDates writes dates in zone and in the BCP 47 locale tag, falling
// back to the tag's language and then to collections.DefaultLocale.
func NewAgencyDates(zone *time.Location, tag string) AgencyDates {
	key := dateLocaleKey(tag)
	if made, ok := translators.Load(key); ok {
		pair := made.([2]locales.Translator)
		return AgencyDates{Zone: zone, date: pair[0], clock: pair[1]}
	}
	date := dateLocales[key]
	clock := clockLocales[key]
	if clock == nil {
		clock = date
	}
	pair := [2]locales.Translator{date(), clock()}
	translators.Store(key, pair)
	return AgencyDates{Zone: zone, date: pair[0], clock: pair[1]}
}

// translators keeps the CLDR translators made, by dateLocales key: making
// one builds all of a locale's tables, and they are only read afterwards.
var translators sync.Map

// dateLocaleKey finds the dateLocales entry for a tag: the tag itself, its
// language, or the default.
func dateLocaleKey(tag string) string {
	key := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	if _, ok := dateLocales[key]; ok {
		return key
	}
	if lang, _, ok := strings.Cut(key, "-"); ok {
		if _, ok := dateLocales[lang]; ok {
			return lang
		}
	}
	return strings.ToLower(collections.DefaultLocale)
}

// Date writes the day only, e.g. "Wed 9 Dec 2026".
func (d AgencyDates) Date(t time.Time) string {
	t = t.In(d.Zone)
	return d.date.WeekdayAbbreviated(t.Weekday()) + " " + d.date.FmtDateMedium(t)
}

// Time writes the wall-clock time, e.g. "06:00" or "6:00 am".
func (d AgencyDates) Time(t time.Time) string {
	t = t.In(d.Zone)
	s := d.clock.FmtTimeShort(t)
	// The generated 12-hour formats write the hour after midnight as 0
	// ("0:05 am"); people write 12.
	if t.Hour() == 0 && d.twelveHour() {
		if rest, ok := strings.CutPrefix(s, "0"); ok {
			s = "12" + rest
		}
	}
	return s
}

// twelveHour reports whether the locale writes the afternoon on a 12-hour clock.
func (d AgencyDates) twelveHour() bool {
	return !strings.Contains(d.clock.FmtTimeShort(time.Date(2000, 1, 1, 13, 5, 0, 0, time.UTC)), "13")
}

// DateTime writes a moment, e.g. "Wed 9 Dec 2026, 06:00".
func (d AgencyDates) DateTime(t time.Time) string {
	return d.Date(t) + ", " + d.Time(t)
}

// Span writes an event's time span the way people read it: the date once
// when start and end fall on the same day.
func (d AgencyDates) Span(start, end time.Time) string {
	s, e := start.In(d.Zone), end.In(d.Zone)
	if s.Year() == e.Year() && s.YearDay() == e.YearDay() {
		return fmt.Sprintf("%s, %s–%s", d.Date(s), d.Time(s), d.Time(e))
	}
	return fmt.Sprintf("%s – %s", d.DateTime(s), d.DateTime(e))
}
