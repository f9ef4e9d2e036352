package pb_migrations

import "github.com/crewportal/crewportal/collections"

// How far ahead clients may book (issue 11, bug 6: a booking in year 9999
// was accepted): a number of days on the portal settings, two years on the
// existing record.
func init() {
	f := number("booking_horizon_days", false, true, 1, 3660)
	f.Help = "How many days ahead clients may book an event or move one to. Empty means 730 (two years)."
	registerNewField(collections.PortalSettings, f, 730)
}
