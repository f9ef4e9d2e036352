package pb_hooks

import (
	"strings"
	"testing"
	"time"
)

func TestAgencyDatesWriteTheLocalesWay(t *testing.T) {
	t.Parallel()
	sydney, _ := time.LoadLocation("Australia/Sydney")
	morning := time.Date(2026, 12, 9, 6, 0, 0, 0, sydney)
	cases := []struct {
		tag  string
		at   time.Time
		want string
	}{
		{"en-GB", morning, "Wed 9 Dec 2026, 06:00"},
		{"en-AU", morning, "Wed 9 Dec 2026, 6:00 am"},
		{"en-US", morning, "Wed Dec 9, 2026, 6:00 am"},
		{"en-US", morning.Add(7*time.Hour + 5*time.Minute), "Wed Dec 9, 2026, 1:05 pm"},
		{"en-US", morning.Add(-6*time.Hour + 5*time.Minute), "Wed Dec 9, 2026, 12:05 am"},
		{"en-AU", morning.Add(-6*time.Hour + 5*time.Minute), "Wed 9 Dec 2026, 12:05 am"},
		{"de-DE", morning, "Mi. 09.12.2026, 06:00"},
		{"fr-FR", morning, "mer. 9 déc. 2026, 06:00"},
		{"nl-NL", morning, "wo 9 dec. 2026, 06:00"},
		// unknown regions fall back to the language, unknown languages to the default
		{"de-LU", morning, "Mi. 09.12.2026, 06:00"},
		{"xx-YY", morning, "Wed 9 Dec 2026, 06:00"},
		{"", morning, "Wed 9 Dec 2026, 06:00"},
		{"en_au", morning, "Wed 9 Dec 2026, 6:00 am"},
	}
	for _, c := range cases {
		if got := NewAgencyDates(sydney, c.tag).DateTime(c.at); got != c.want {
			t.Errorf("%q: DateTime = %q, want %q", c.tag, got, c.want)
		}
	}
}

func TestAgencyDatesSpan(t *testing.T) {
	t.Parallel()
	london, _ := time.LoadLocation("Europe/London")
	d := NewAgencyDates(london, "en-GB")
	start := time.Date(2027, 1, 3, 17, 0, 0, 0, london)
	if got, want := d.Span(start, start.Add(6*time.Hour+30*time.Minute)), "Sun 3 Jan 2027, 17:00–23:30"; got != want {
		t.Errorf("same-day span = %q, want %q", got, want)
	}
	if got, want := d.Span(start, start.Add(8*time.Hour)), "Sun 3 Jan 2027, 17:00 – Mon 4 Jan 2027, 01:00"; got != want {
		t.Errorf("overnight span = %q, want %q", got, want)
	}
	// the zone is the agency's, whatever the moment's own zone
	if got, want := d.Date(start.UTC()), "Sun 3 Jan 2027"; got != want {
		t.Errorf("Date = %q, want %q", got, want)
	}
}

// Every linked locale writes a complete clock: 12-hour ones with their day
// period and 12 after midnight, so no generated-data gap reaches an email.
func TestEveryDateLocaleWritesACompleteClock(t *testing.T) {
	t.Parallel()
	for tag := range dateLocales {
		d := NewAgencyDates(time.UTC, tag)
		afternoon := d.Time(time.Date(2026, 12, 9, 13, 5, 0, 0, time.UTC))
		night := d.Time(time.Date(2026, 12, 9, 0, 5, 0, 0, time.UTC))
		if !strings.Contains(afternoon, "05") || !strings.Contains(night, "05") {
			t.Errorf("%s: %q / %q lack the minutes", tag, afternoon, night)
		}
		if d.twelveHour() {
			if strings.TrimSpace(strings.TrimLeft(afternoon, "0123456789:.")) == "" {
				t.Errorf("%s: 12-hour clock %q has no day period", tag, afternoon)
			}
			if !strings.HasPrefix(night, "12") {
				t.Errorf("%s: 00:05 written %q", tag, night)
			}
		}
		if d.Date(time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC)) == "" {
			t.Errorf("%s: empty date", tag)
		}
	}
}
