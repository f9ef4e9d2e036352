package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A client's upcoming events (ends_at >= now, by start) were found by
// walking its (client, starts_at, ends_at) index entries from its first
// event ever: 17,800 past ones for the largest client before the first
// upcoming, on every events page, home page and integrator's "next events".
// An event that has not ended started at most its own length ago, so the
// walk can begin at now minus the longest event, which this index of each
// event's length answers in one seek (notOver, issue 16). It is not led by
// client: SQLite would then take it for any query of a client's events,
// where the start index also holds ends_at and reads no row to check it.
func init() {
	m.Register(func(app core.App) error {
		return changeEvents(app, func(events *core.Collection) {
			events.AddIndex("idx_events_length", false, "(julianday(ends_at) - julianday(starts_at))", "")
		})
	}, func(app core.App) error {
		return changeEvents(app, func(events *core.Collection) { events.RemoveIndex("idx_events_length") })
	})
}
