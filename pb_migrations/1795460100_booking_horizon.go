package pb_migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// How far ahead clients may book (issue 11, bug 6: a booking in year 9999
// was accepted): a number of days on the portal settings, two years on the
// existing record.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.PortalSettings)
		if err != nil {
			return err
		}
		f := number("booking_horizon_days", false, true, 1, 3660)
		f.Help = "How many days ahead clients may book an event or move one to. Empty means 730 (two years)."
		c.Fields.Add(f)
		if err := app.Save(c); err != nil {
			return err
		}
		// The one settings record takes the default; a plain UPDATE, as no
		// hook has anything to say about a new setting.
		_, err = app.DB().Update(collections.PortalSettings, dbx.Params{"booking_horizon_days": 730}, nil).Execute()
		return err
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.PortalSettings)
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("booking_horizon_days")
		return app.Save(c)
	})
}
