package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Adds the agency's locale to the portal settings: the BCP 47 language tag
// (e.g. "en-AU") the portal's pages write dates and times in (emails do not
// use it yet), with the existing record set to "en-GB".
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.PortalSettings)
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "locale", Max: 35,
			Help: "How dates and times are written, as a language tag: en-GB (Wed 9 Dec 2026, 18:00), en-AU, en-US, de-DE… Empty means en-GB."})
		if err := app.Save(c); err != nil {
			return err
		}
		records, err := app.FindAllRecords(c)
		if err != nil {
			return err
		}
		for _, r := range records {
			r.Set("locale", "en-GB")
			if err := app.SaveNoValidate(r); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.PortalSettings)
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("locale")
		return app.Save(c)
	})
}
