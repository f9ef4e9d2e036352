package pb_hooks

import (
	"testing"
	"time"
)

// TestEndsFromDay checks which filters say their events end on or after a
// day: only a comparison every record must pass, and the latest day of
// several.
func TestEndsFromDay(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 23, 30, 0, 0, time.FixedZone("AEST", 10*3600)) // 13:30 UTC
	cases := []struct {
		filter string
		day    string
	}{
		{`ends_at >= @now`, "2026-12-04"},
		{`ends_at > @todayStart`, "2026-12-04"},
		{`ends_at >= @yesterday`, "2026-12-03"},
		{`ends_at >= @tomorrow`, "2026-12-05"},
		{`ends_at >= @monthStart`, "2026-12-01"},
		{`ends_at >= @yearStart`, "2026-01-01"},
		{`ends_at = "2026-12-10 09:00:00.000Z"`, "2026-12-10"},
		{`ends_at >= '2026-12-04 17:55:00.000Z' && (status = 'to_be_confirmed' || status = 'confirmed')`, "2026-12-04"},
		{`@now <= ends_at`, "2026-12-04"},
		{`'2026-12-09' < ends_at`, "2026-12-09"},
		{`ends_at >= "2026-12-01" && ends_at >= "2026-12-08"`, "2026-12-08"},
		{`status = "confirmed" && (name ~ "x" && ends_at >= @now)`, "2026-12-04"},
		// Nothing said of every record.
		{``, ""},
		{`ends_at >= @now || status = "confirmed"`, ""},
		{`status = "confirmed" || ends_at >= @now`, ""},
		{`(ends_at >= @now || name = "x")`, ""},
		{`ends_at <= @now`, ""},
		{`ends_at != @now`, ""},
		{`ends_at ?>= @now`, ""},
		{`ends_at >= starts_at`, ""},
		{`ends_at >= @monthEnd`, ""},
		{`ends_at >= "soon"`, ""},
		{`ends_at >= "2026-13-01"`, ""},
		{`ends_at >= 20261201`, ""},
		{`starts_at >= @now`, ""},
		{`ends_at >=`, ""},
	}
	for _, c := range cases {
		day, ok := endsFromDay(c.filter, now)
		if day != c.day || ok != (c.day != "") {
			t.Errorf("%q: %q %v, want %q", c.filter, day, ok, c.day)
		}
	}
}
