package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Roster files (spec R2, R4): a contact downloads, with a short-lived file
// token, the photo, photo ID and certificates of staff rostered on its own
// client's events, and nothing else of them. The view rules match only the
// protectedFile context, so staff records stay unreadable through list, view,
// expand and realtime; which file fields the settings and the contact's role
// allow is decided in Go (pb_hooks/roster.go), as for the roster itself.
//
// A shift's required qualifications reach contacts as names through the
// roster route, behind their setting; the shift records' ids are hidden.
func init() {
	const isContact = collections.RuleIsContact
	rules := map[string]string{
		collections.Staff: collections.RuleAnd(collections.RuleProtectedFile, isContact,
			collections.RuleRosteredForOwnClient("id")),
		collections.StaffQualifications: collections.RuleAnd(collections.RuleProtectedFile, isContact,
			collections.RuleRosteredForOwnClient("staff")),
	}
	m.Register(func(app core.App) error {
		for name, rule := range rules {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.ViewRule = types.Pointer(rule)
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for name := range rules {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.ViewRule = nil
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	})
}
