package pb_hooks

import (
	"fmt"
	"time"
)

// FormatSpan writes an event's time span in the agency's time zone the way
// people read it: the date once when start and end fall on the same day.
func FormatSpan(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	const day, clock = "Mon 2 Jan 2006", "15:04"
	if s.Year() == e.Year() && s.YearDay() == e.YearDay() {
		return fmt.Sprintf("%s, %s–%s", s.Format(day), s.Format(clock), e.Format(clock))
	}
	return fmt.Sprintf("%s %s – %s %s", s.Format(day), s.Format(clock), e.Format(day), e.Format(clock))
}

// FormatDateTime writes a moment in the agency's time zone.
func FormatDateTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04")
}

// FormatDate writes a date in the agency's time zone.
func FormatDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 2006")
}

// FormatMoney writes an amount with its ISO currency code.
func FormatMoney(amount float64, currency string) string {
	return fmt.Sprintf("%s %.2f", currency, amount)
}
