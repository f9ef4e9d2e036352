package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Lets a contact update their own record (spec A5). Which fields they may
// send is checked by the contacts.ownDetails hook, a whitelist the rule
// language cannot express.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.Contacts)
		if err != nil {
			return err
		}
		c.UpdateRule = types.Pointer(collections.RuleSelf)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.Contacts)
		if err != nil {
			return err
		}
		c.UpdateRule = nil
		return app.Save(c)
	})
}
