package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Adds the "open the portal as this contact" link to contact records (spec
// A7). It is computed for admins when the record is read (never stored), so
// the dashboard shows a fresh, clickable link: one click opens the portal's
// confirmation page, a second opens the portal as the contact.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.Contacts)
		if err != nil {
			return err
		}
		c.Fields.Add(&core.URLField{Name: "portal_link", Hidden: true,
			Help: "Open the client portal as this contact (admins only; actions are recorded under your name)."})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.Contacts)
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("portal_link")
		return app.Save(c)
	})
}
