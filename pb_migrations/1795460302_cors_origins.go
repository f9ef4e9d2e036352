package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Lets the admin allow other sites to call the API from a browser (issue
// 12, item 9). By default only the application URL may: PocketBase's own
// default allows every origin. Hidden: contacts read the settings record.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.PortalSettings)
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "cors_origins", Hidden: true, Max: 2000,
			Help: "Other sites allowed to call the API from a browser, e.g. https://intranet.example.com (comma or line separated). The application URL is always allowed."})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.PortalSettings)
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("cors_origins")
		return app.Save(c)
	})
}
