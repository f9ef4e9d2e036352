package portaltest

import (
	"testing"
	"time"
)

// ClockChangeDay returns the next day (from tomorrow, within two years, so
// inside the default booking horizon) on which the clocks of loc go back
// (back) or forward, as midnight local time. Tests of times the clocks skip
// or pass twice use it instead of a fixed date that would one day be past.
func ClockChangeDay(t testing.TB, loc *time.Location, back bool) time.Time {
	t.Helper()
	now := time.Now().In(loc)
	for d := 1; d < 700; d++ {
		day := time.Date(now.Year(), now.Month(), now.Day()+d, 0, 0, 0, 0, loc)
		_, before := day.Zone()
		_, after := day.Add(24 * time.Hour).Zone()
		if (back && after < before) || (!back && after > before) {
			return day
		}
	}
	t.Fatalf("no clock change in %s within two years", loc)
	return time.Time{}
}
