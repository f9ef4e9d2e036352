package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// An integrator's "next events" (ends_at >= now, sorted by start, a page of
// five) searched the (client, ends_at) index, then read and sorted all of a
// client's upcoming events: 8,906 for the largest client, for five. Without
// it SQLite walks the (client, starts_at, ends_at) index in start order,
// checks ends_at in the index and stops after the page. Every other use of
// ends_at is answered from that index too: counting a client's upcoming
// events walks the client's entries in the index alone (issue 16).
func init() {
	m.Register(func(app core.App) error {
		return changeEvents(app, func(events *core.Collection) { events.RemoveIndex("idx_events_client_ends") })
	}, func(app core.App) error {
		return changeEvents(app, func(events *core.Collection) {
			events.AddIndex("idx_events_client_ends", false, "client, ends_at", "")
		})
	})
}

// changeEvents saves the events collection as change leaves it.
func changeEvents(app core.App, change func(events *core.Collection)) error {
	return changeCollection(app, collections.Events, change)
}
