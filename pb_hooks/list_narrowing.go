package pb_hooks

import (
	"net/http"
	"net/url"
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
// index serves, and a join makes it read every row DISTINCT and count
// COUNT(DISTINCT rowid): for the largest client's 26,718 events, a total
// took 115 ms against 1 ms by the client index alone. So:
//
//   - where the rule, written for the contact, is plain comparisons of the
//     record's own fields (collections.ExactListRule: "a contact, client =
//     @request.auth.client, the role grants view_invoices, status !=
//     "draft"" is `client = "c1" && status != "draft"` for a contact whose
//     role grants it), the list runs with that in the rule's place: the
//     same records, by the index, with no join;
//   - elsewhere the narrowing (implied by the rule) is added to the list's
//     filter, and the rule is still applied: the same records, with an
//     indexed comparison SQLite can search by.

func (p *plugin) bindListNarrowing() {
	p.bindRouterMiddleware("lists.middleware", &hook.Handler[*core.RequestEvent]{
		Id:   HookIDPrefix + "lists.authValues",
		Func: filterListsByAuthValues,
	})
}

// filterListsByAuthValues writes the list rule with the contact's values
// into a contact's record-API list, for the time of the request: in the
// rule's place where that is exact, otherwise added to the filter.
func filterListsByAuthValues(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodGet || e.Auth == nil || e.Auth.Collection().Name != collections.Contacts {
		return e.Next()
	}
	c, ok := listedCollection(e.App, e.Request.URL.Path)
	if !ok {
		return e.Next()
	}
	if rule, ok := exactListRuleOf(e.App, c, e.Auth); ok {
		app := e.App
		e.App = &listedByNarrowing{App: app, collection: withListRule(c, rule)}
		defer func() { e.App = app }()
		return countFromKeptTotal(e, c, rule)
	}
	filter, ok := listNarrowingOf(c, e.Auth)
	if !ok {
		return e.Next()
	}
	q := e.Request.URL.Query()
	q.Set("filter", narrowed(q.Get("filter"), filter))
	return nextWithQuery(e, q)
}

// nextWithQuery runs the rest of the request with its query set to q.
// PocketBase reads the request's query once (RequestInfo), for rules and to
// delay an empty answer to a filtered list: the copy it keeps is the
// caller's own (an unfiltered list is not delayed because of a narrowing),
// and so is what the request log shows.
func nextWithQuery(e *core.RequestEvent, q url.Values) error {
	if _, err := e.RequestInfo(); err != nil {
		return e.Next()
	}
	original := e.Request.URL.RawQuery
	e.Request.URL.RawQuery = q.Encode()
	defer func() { e.Request.URL.RawQuery = original }()
	return e.Next()
}

// listedByNarrowing is the app as one contact's list request sees it: the
// listed collection's list rule is its narrowing for the contact. Everything
// else, other collections included, is the app's own.
type listedByNarrowing struct {
	core.App
	collection *core.Collection
}

// FindCachedCollectionByNameOrId implements core.App.
func (a *listedByNarrowing) FindCachedCollectionByNameOrId(nameOrId string) (*core.Collection, error) {
	if nameOrId == a.collection.Name || nameOrId == a.collection.Id {
		return a.collection, nil
	}
	return a.App.FindCachedCollectionByNameOrId(nameOrId)
}

// withListRule is a copy of the collection with another list rule (the
// cached collection is shared by every request and stays as it is).
func withListRule(c *core.Collection, rule string) *core.Collection {
	copied := *c
	copied.ListRule = &rule
	return &copied
}

// listedCollection is the collection a record-API list path lists.
func listedCollection(app core.App, path string) (*core.Collection, bool) {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return nil, false
	}
	name, ok := strings.CutSuffix(rest, "/records")
	if !ok || name == "" || strings.Contains(name, "/") {
		return nil, false
	}
	c, err := app.FindCachedCollectionByNameOrId(name)
	return c, err == nil
}

// exactListRuleOf is the collection's list rule written for the contact,
// with the permissions of its role, when that selects exactly what the rule
// does with plain comparisons (collections.ExactListRule) and names no
// hidden field.
func exactListRuleOf(app core.App, c *core.Collection, contact *core.Record) (string, bool) {
	return exactRuleOf(app, c, c.ListRule, contact)
}

// exactViewRuleOf is exactListRuleOf for the collection's view rule, for a
// signed-in contact only (auth may be anyone, or nobody).
func exactViewRuleOf(app core.App, c *core.Collection, auth *core.Record) (string, bool) {
	if auth == nil || auth.Collection().Name != collections.Contacts {
		return "", false
	}
	return exactRuleOf(app, c, c.ViewRule, auth)
}

func exactRuleOf(app core.App, c *core.Collection, written *string, contact *core.Record) (string, bool) {
	if written == nil || *written == "" {
		return "", false
	}
	_, roles := loadVisibility(app)
	rule, ok := collections.ExactListRule(*written, authValuesOf(contact), roles[contact.GetString(collections.FieldRole)])
	if !ok || hiddenIn(c, rule) {
		return "", false
	}
	return rule, true
}

// authValuesOf is the contact's ids a rule is written with.
func authValuesOf(contact *core.Record) collections.AuthValues {
	return collections.AuthValues{ID: contact.Id, Client: contact.GetString(collections.FieldClient),
		Role: contact.GetString(collections.FieldRole)}
}

// listNarrowingOf is the narrowing of the collection's list rule for the
// contact (collections.ListNarrowing), unless it names a hidden field, which
// PocketBase refuses in a contact's filter.
func listNarrowingOf(c *core.Collection, contact *core.Record) (string, bool) {
	if c.ListRule == nil || *c.ListRule == "" {
		return "", false
	}
	filter, ok := collections.ListNarrowing(*c.ListRule, authValuesOf(contact))
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
