package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Change requests (spec C1–C4): every contact sees the requests of its own
// client's events (the event page shows a pending one next to the current
// values); contacts make and withdraw them through the portal routes only.
// Admins get a "To approve" list: pending requests, oldest first.
func init() {
	reads := map[string]string{
		collections.ChangeRequests: collections.RuleAnd(collections.RuleIsContact, collections.RuleOwnClient),
	}
	m.Register(func(app core.App) error {
		if err := setReadRules(app, reads, func(rule string) *string { return types.Pointer(rule) }); err != nil {
			return err
		}
		toApprove := core.NewViewCollection(collections.ChangeRequestsToApprove, collections.ID(collections.ChangeRequestsToApprove))
		toApprove.ViewQuery = `SELECT r.id, r.created AS requested_at, c.name AS client_name, e.name AS event_name,
			e.starts_at, r.kind, r.proposed, r.reason, r.estimated_price
			FROM change_requests r JOIN events e ON e.id = r.event JOIN clients c ON c.id = r.client
			WHERE r.status = 'pending'
			ORDER BY r.created`
		return app.Save(toApprove)
	}, func(app core.App) error {
		if c, err := app.FindCollectionByNameOrId(collections.ChangeRequestsToApprove); err == nil {
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		return setReadRules(app, reads, func(string) *string { return nil })
	})
}
