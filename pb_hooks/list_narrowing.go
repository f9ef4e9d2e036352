package pb_hooks

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// A contact's plain record-API list (GET /api/collections/{name}/records,
// what the portal's pages and any integrator call) searches the client index
// instead of scanning the table. PocketBase compiles a rule's
// `client = @request.auth.client` into `COALESCE(client, '') =
// COALESCE(__auth.client, '')` behind a LEFT JOIN of the contact, which no
// index serves; so the list's filter gets the comparisons the collection's list rule implies, written with the
// contact's own ids (collections.ListNarrowing), which SQLite can search an
// index by. The collection's rule is untouched and still applied: the extra
// filter is implied by it, so a contact sees exactly the records it saw before.

func (p *plugin) bindListNarrowing() {
	p.bindRouterMiddleware("lists.middleware", &hook.Handler[*core.RequestEvent]{
		Id:   HookIDPrefix + "lists.authValues",
		Func: filterListsByAuthValues,
	})
}

// filterListsByAuthValues adds the list rule written with the contact's
// values to a contact's record-API list, for the time of the request.
func filterListsByAuthValues(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodGet || e.Auth == nil || e.Auth.Collection().Name != collections.Contacts {
		return e.Next()
	}
	filter, ok := listFilterWithAuthValues(e.App, e.Request.URL.Path, e.Auth)
	if !ok {
		return e.Next()
	}
	// PocketBase reads the request's query once (RequestInfo) and delays an
	// empty answer to a filtered list; the cached copy keeps the caller's
	// own filter, so an unfiltered list is not delayed because of this one.
	if _, err := e.RequestInfo(); err != nil {
		return e.Next()
	}
	original := e.Request.URL.RawQuery
	q := e.Request.URL.Query()
	q.Set("filter", narrowed(q.Get("filter"), filter))
	e.Request.URL.RawQuery = q.Encode()
	defer func() { e.Request.URL.RawQuery = original }() // the request log shows what the caller sent
	return e.Next()
}

// listFilterWithAuthValues is the narrowing of the list rule of the
// collection the path lists (collections.ListNarrowing), unless it names a
// hidden field, which PocketBase refuses in a contact's filter.
func listFilterWithAuthValues(app core.App, path string, contact *core.Record) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return "", false
	}
	name, ok := strings.CutSuffix(rest, "/records")
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	c, err := app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return "", false
	}
	return listNarrowingOf(c, contact)
}

// listNarrowingOf is the narrowing of the collection's list rule for the
// contact (collections.ListNarrowing), unless it names a hidden field, which
// PocketBase refuses in a contact's filter.
func listNarrowingOf(c *core.Collection, contact *core.Record) (string, bool) {
	if c.ListRule == nil || *c.ListRule == "" {
		return "", false
	}
	filter, ok := collections.ListNarrowing(*c.ListRule, collections.AuthValues{ID: contact.Id,
		Client: contact.GetString(collections.FieldClient), Role: contact.GetString(collections.FieldRole)})
	if !ok || hiddenFieldIn(filter) != "" || hiddenIn(c, filter) {
		return "", false
	}
	return filter, true
}

// narrowed is the caller's own filter (may be empty) with the narrowing
// added, as the record-API list runs it.
func narrowed(own, narrowing string) string {
	if own = strings.TrimSpace(own); own != "" {
		return "(" + own + ") && (" + narrowing + ")"
	}
	return narrowing
}

// hiddenIn reports whether the filter names a hidden field of the collection.
func hiddenIn(c *core.Collection, filter string) bool {
	for _, f := range c.Fields {
		if f.GetHidden() && strings.Contains(filter, f.GetName()+" =") {
			return true
		}
	}
	return false
}
