package pb_hooks

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/search"

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
	p.app.OnRecordsListRequest().Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id:   HookIDPrefix + "lists.total",
		Func: countListedByNarrowing,
	})
}

// The total of a contact's list is where the rule's join hurts most:
// PocketBase counts COUNT(DISTINCT rowid) over the LEFT JOIN of the
// contact, one lookup and one temporary b-tree entry per record of the
// client (115 ms for the largest client's 26,718 events, against 1 ms for
// the same count by the client index alone). When the narrowing says exactly
// what the rule says (collections.ListNarrowingIsExact: the rule is "a
// contact, and client = @request.auth.client"), the list runs without its
// total and the total is counted with the narrowing in place of the rule:
// the same number, by the index.

// totalByNarrowing is the request store key naming the collection whose
// list total countListedByNarrowing counts.
const totalByNarrowing = "crewportal.totalByNarrowing"

// filterListsByAuthValues adds the list rule written with the contact's
// values to a contact's record-API list, for the time of the request.
func filterListsByAuthValues(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodGet || e.Auth == nil || e.Auth.Collection().Name != collections.Contacts {
		return e.Next()
	}
	c, filter, ok := listFilterWithAuthValues(e.App, e.Request.URL.Path, e.Auth)
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
	if skip, err := strconv.ParseBool(cmp.Or(q.Get("skipTotal"), "false")); err == nil && !skip &&
		!c.IsView() && collections.ListNarrowingIsExact(*c.ListRule) {
		q.Set("skipTotal", "true")
		e.Set(totalByNarrowing, c.Id)
	}
	e.Request.URL.RawQuery = q.Encode()
	defer func() { e.Request.URL.RawQuery = original }() // the request log shows what the caller sent
	return e.Next()
}

// listFilterWithAuthValues is the collection the path lists and the
// narrowing of its list rule (collections.ListNarrowing), unless it names a
// hidden field, which PocketBase refuses in a contact's filter.
func listFilterWithAuthValues(app core.App, path string, contact *core.Record) (*core.Collection, string, bool) {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return nil, "", false
	}
	name, ok := strings.CutSuffix(rest, "/records")
	if !ok || name == "" || strings.Contains(name, "/") {
		return nil, "", false
	}
	c, err := app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return nil, "", false
	}
	filter, ok := listNarrowingOf(c, contact)
	return c, filter, ok
}

// countListedByNarrowing fills in the total of a list the middleware ran
// without one: the records the list's filter (the caller's, narrowed)
// matches, counted by PocketBase's own filter resolver for the requester.
// A filter through a relation joins other tables, and then rows are
// counted once each, as PocketBase counts them.
func countListedByNarrowing(e *core.RecordsListRequestEvent) error {
	if id, _ := e.Get(totalByNarrowing).(string); id == "" || e.Collection == nil || e.Collection.Id != id || e.Result == nil {
		return e.Next()
	}
	e.Set(totalByNarrowing, nil) // this list's alone
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	resolver := core.NewRecordFieldResolver(e.App, e.Collection, info, true)
	resolver.SetAllowHiddenFields(info.HasSuperuserAuth())
	q := e.App.RecordQuery(e.Collection)
	if filter := e.Request.URL.Query().Get("filter"); filter != "" {
		expr, err := search.FilterData(filter).BuildExpr(resolver)
		if err != nil {
			return err
		}
		q.AndWhere(expr)
	}
	if err := resolver.UpdateQuery(q); err != nil {
		return err
	}
	count := "COUNT(*)"
	if len(q.Info().Join) > 0 {
		count = "COUNT(DISTINCT [[" + e.Collection.Name + "._rowid_]])"
	}
	var total int
	if err := q.Distinct(false).Select(count).GroupBy().OrderBy().Row(&total); err != nil {
		return err
	}
	e.Result.TotalItems = total
	e.Result.TotalPages = (total + e.Result.PerPage - 1) / max(e.Result.PerPage, 1)
	return e.Next()
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
