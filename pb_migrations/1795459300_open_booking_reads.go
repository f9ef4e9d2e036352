package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Booking and event pages (spec B1, E2): contacts read the professions (the
// booking form offers the client-bookable ones; event pages name any), the
// tags admins marked visible to clients (others never reach them, not even
// through expand), and their own events' resource lines. Admins get a
// "To confirm" list: events waiting for confirmation, oldest first.
func init() {
	const isContact = collections.RuleIsContact
	reads := map[string]string{
		collections.Professions:   isContact,
		collections.Tags:          collections.RuleAnd(isContact, `client_visible = true`),
		collections.ResourceLines: collections.RuleAnd(isContact, collections.RuleOwnClient),
	}
	m.Register(func(app core.App) error {
		if err := setReadRules(app, reads, func(rule string) *string { return types.Pointer(rule) }); err != nil {
			return err
		}
		toConfirm := core.NewViewCollection(collections.EventsToConfirm, collections.ID(collections.EventsToConfirm))
		toConfirm.ViewQuery = `SELECT e.id, e.created AS booked_at, c.name AS client_name, e.name, e.venue,
			e.starts_at, e.ends_at, e.estimated_price, e.currency
			FROM events e JOIN clients c ON c.id = e.client
			WHERE e.status = 'to_be_confirmed'
			ORDER BY e.created`
		return app.Save(toConfirm)
	}, func(app core.App) error {
		if c, err := app.FindCollectionByNameOrId(collections.EventsToConfirm); err == nil {
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		return setReadRules(app, reads, func(string) *string { return nil })
	})
}
