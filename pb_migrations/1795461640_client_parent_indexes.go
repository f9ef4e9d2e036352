package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// A contact's list of one parent's children (the event page's shifts,
// resource lines and change requests; an integrator's invoice lines) is
// searched by client and parent: the list rule's client and the filter's
// parent. With an index on each alone SQLite took the client's, having no
// statistics to tell them apart, and walked all of a large client's
// children for one parent's few: 13,290 resource lines for the largest
// generated client, whose event page took 6.6 ms instead of 2. Led by the
// client, each client index now also holds the parent (and the order the
// portal lists them in), so it finds the parent's children in one seek,
// and every list by client alone reads it as before (issue 16).
var clientParentIndexes = []struct{ collection, index, parentAndOrder string }{
	{collections.Shifts, "idx_shifts_client", "event, starts_at"},
	{collections.ResourceLines, "idx_resource_lines_client", "event, created"},
	{collections.ChangeRequests, "idx_change_requests_client", "event, created"},
	{collections.InvoiceLines, "idx_invoice_lines_client", "invoice"},
}

// The home page counts the client's pending change requests on every call:
// by client and status in the index, not by reading each of the client's
// requests (1,374 for the largest generated client, 1-3 ms).
const pendingRequestsIndex = "idx_change_requests_client_status"

func init() {
	m.Register(func(app core.App) error {
		for _, idx := range clientParentIndexes {
			err := changeCollection(app, idx.collection, func(c *core.Collection) {
				c.AddIndex(idx.index, false, "client, "+idx.parentAndOrder, "")
				if idx.collection == collections.ChangeRequests {
					c.AddIndex(pendingRequestsIndex, false, "client, status", "")
				}
			})
			if err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, idx := range clientParentIndexes {
			err := changeCollection(app, idx.collection, func(c *core.Collection) {
				c.AddIndex(idx.index, false, "client", "")
				c.RemoveIndex(pendingRequestsIndex)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// changeCollection saves the named collection as change leaves it.
func changeCollection(app core.App, name string, change func(c *core.Collection)) error {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		return err
	}
	change(c)
	return app.Save(c)
}
