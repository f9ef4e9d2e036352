package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Stores on each event whether it is atomic (every shift the same
// profession, start and end; spec C1), kept true by the shift hooks
// (pb_hooks/event_shape.go), so lists read a column instead of grouping the
// shifts of every listed event. Existing events are filled in from their shifts.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.Events)
		if err != nil {
			return err
		}
		c.Fields.Add(&core.BoolField{Name: "atomic",
			Help: "Set by the portal from the shifts: every shift has the same profession, start and end, so clients may request changes."})
		if err := app.Save(c); err != nil {
			return err
		}
		_, err = app.DB().NewQuery(`UPDATE {{events}} SET [[atomic]] = (SELECT COUNT(DISTINCT [[profession]] || '|' ||
			[[starts_at]] || '|' || [[ends_at]]) = 1 FROM {{shifts}} WHERE [[shifts.event]] = [[events.id]])`).Execute()
		return err
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.Events)
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("atomic")
		return app.Save(c)
	})
}
