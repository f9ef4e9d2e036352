package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The past events list walks a client's events by start, newest first, and
// counts those that ended: with ends_at in the (client, starts_at) index both
// are answered from the index alone, without reading each event (issue 16).
func init() {
	m.Register(func(app core.App) error {
		return setEventStartsIndex(app, "`client`, `starts_at`, `ends_at`")
	}, func(app core.App) error {
		return setEventStartsIndex(app, "`client`, `starts_at`")
	})
}

func setEventStartsIndex(app core.App, columns string) error {
	return changeEvents(app, func(events *core.Collection) {
		events.AddIndex("idx_events_client_starts", false, columns, "")
	})
}
