package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Opens the reads every signed-in contact needs whatever its role: its own
// contact record, its own company, the portal settings, and the events and
// shifts of its own company (spec A4: every contact sees all events of its
// client). Everything else stays superuser-only until the issue that needs it
// opens exactly that.
func init() {
	const isContact = collections.RuleIsContact
	reads := map[string]string{
		collections.Contacts:       collections.RuleSelf,
		collections.Clients:        collections.RuleAnd(isContact, `id = @request.auth.client`),
		collections.PortalSettings: isContact,
		collections.Events:         collections.RuleAnd(isContact, collections.RuleOwnClient),
		collections.Shifts:         collections.RuleAnd(isContact, collections.RuleOwnClient),
	}

	m.Register(func(app core.App) error {
		return setReadRules(app, reads, func(rule string) *string { return types.Pointer(rule) })
	}, func(app core.App) error {
		return setReadRules(app, reads, func(string) *string { return nil })
	})
}

// setReadRules sets the list and view rules of each collection to rule(expr).
func setReadRules(app core.App, reads map[string]string, rule func(string) *string) error {
	for name, expr := range reads {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		c.ListRule = rule(expr)
		c.ViewRule = rule(expr)
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}
