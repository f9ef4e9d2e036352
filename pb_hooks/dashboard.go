package pb_hooks

import (
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// The admin's path to a decision: every email about a client's action and
// every row of the To confirm and To approve lists links straight to the
// record's edit panel in the PocketBase dashboard, where one save decides.

// dashboardURL is the address that opens the record's edit panel in the
// dashboard, from the application URL admins set. The dashboard (v0.40,
// ui/src/collections/pageCollections.js) reads the collection and the
// record from the query of its hash route.
func dashboardURL(app core.App, collection, id string) string {
	return strings.TrimRight(app.Settings().Meta.AppURL, "/") + "/_/#/collections?collection=" +
		url.QueryEscape(collection) + "&record=" + url.QueryEscape(id)
}

// dashboardLinkTargets says which collection's record each collection's
// dashboard link opens: the record itself, or for a row of a list (a view)
// the record it lists, which has the row's id.
var dashboardLinkTargets = map[string]string{
	collections.Events:                  collections.Events,
	collections.EventsToConfirm:         collections.Events,
	collections.ChangeRequests:          collections.ChangeRequests,
	collections.ChangeRequestsToApprove: collections.ChangeRequests,
}

// addDashboardLink fills the computed dashboard_link for admins; it is a
// hidden field, so nobody else ever receives it.
func addDashboardLink(e *core.RecordEnrichEvent) error {
	if e.RequestInfo != nil && e.RequestInfo.Auth != nil && e.RequestInfo.Auth.IsSuperuser() {
		e.Record.Set(collections.FieldDashboardLink,
			dashboardURL(e.App, dashboardLinkTargets[e.Record.Collection().Name], e.Record.Id))
	}
	return nil
}

func (p *plugin) bindDashboardLinks() {
	for collection := range dashboardLinkTargets {
		p.bindEnrich(addDashboardLink, collection)
	}
}
