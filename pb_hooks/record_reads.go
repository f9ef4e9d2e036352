package pb_hooks

import (
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"github.com/crewportal/crewportal/collections"
)

// Reading records inside a portal route exactly as the record API answers
// them to the same requester, so a route that gathers what a page needs
// into one answer (the event page) serves each part as its own record-API
// request would: the collection's API rule, applied by PocketBase's own
// resolver; the hooks bound to list and view requests (the plugin's shaping:
// split notices, colleagues' names, and any hook an integrator adds); and
// PocketBase's enrichment (expand, with each expanded collection's view
// rule, and OnRecordEnrich: visible tags only, prices by role, hidden
// fields). What it leaves out is the per-request work a combined answer
// saves: authenticating again, the 0–500 ms delay PocketBase adds to a
// client-filtered list that comes back empty (a guard against probing with
// filters; these filters are the route's own, on an event the requester was
// just allowed to view), and the query of an expand whose relation no
// record sets (it finds nothing, so the answer is the same).

// recordList is one record-API list as the portal's SDK sends it: a filter
// and sort in PocketBase's syntax, relations to expand, and one page (the
// first unless page is set), with its total when total is set.
type recordList struct {
	filter, sort, expand string
	perPage, page        int
	total                bool
}

// viewRecord answers as GET /api/collections/{collection}/records/{id}
// with ?expand= would: the record when the view rule lets the requester see
// it, otherwise the record API's own 404 (or 403 for a superusers-only
// collection).
func viewRecord(e *core.RequestEvent, collectionName, id, expand string) (*core.Record, error) {
	collection, info, err := readContext(e, collectionName)
	if err != nil {
		return nil, err
	}
	if collection.ViewRule == nil && !info.HasSuperuserAuth() {
		return nil, e.ForbiddenError("Only superusers can perform this action.", nil)
	}
	// A contact's view runs with the rule written for them where it can
	// be, as their lists and expands do: with no join of the contact.
	rule := collection.ViewRule
	if written, ok := writtenViewRuleOf(e.App, collection, e.Auth); ok {
		rule = &written
	}
	record, err := e.App.FindRecordById(collection, id, func(q *dbx.SelectQuery) error {
		resolver := core.NewRecordFieldResolver(e.App, collection, info, true)
		if err := applyRule(resolver, info, rule, q); err != nil {
			return err
		}
		return resolver.UpdateQuery(q)
	})
	if err != nil {
		return nil, e.NotFoundError("", err)
	}
	event := &core.RecordRequestEvent{RequestEvent: e, Record: record}
	event.Collection = collection
	enriched := false
	err = e.App.OnRecordViewRequest().Trigger(event, func(ve *core.RecordRequestEvent) error {
		record, enriched = ve.Record, true
		return apis.EnrichRecord(ve.RequestEvent, ve.Record, expandsToRun([]*core.Record{ve.Record}, expand)...)
	})
	return record, shaped(err, enriched)
}

// listRecords answers as GET /api/collections/{collection}/records with the
// list's filter, sort, expand and perPage (skipTotal) would: the records the
// list rule lets the requester see, with the rule and filter the
// list-narrowing middleware gives a contact's list (so SQLite searches the
// same indexes, with no join where the narrowing replaces the rule).
func listRecords(e *core.RequestEvent, collectionName string, list recordList) ([]*core.Record, error) {
	records, _, err := listRecordsPage(e, collectionName, list)
	return records, err
}

// listRecordsPage is listRecords with the list's page and, when asked for,
// its total.
func listRecordsPage(e *core.RequestEvent, collectionName string, list recordList) ([]*core.Record, *search.Result, error) {
	collection, info, err := readContext(e, collectionName)
	if err != nil {
		return nil, nil, err
	}
	if collection.ListRule == nil && !info.HasSuperuserAuth() {
		return nil, nil, e.ForbiddenError("Only superusers can perform this action.", nil)
	}
	rule, filter, exact := contactListRule(e.App, e.Auth, collection, list.filter)
	query := e.App.RecordQuery(collection)
	resolver := core.NewRecordFieldResolver(e.App, collection, info, true)
	// The search provider adds the resolver's joins when it runs the query.
	if err := applyRule(resolver, info, rule, query); err != nil {
		return nil, nil, err
	}
	resolver.SetAllowHiddenFields(info.HasSuperuserAuth())
	var kept listTotal
	if list.total && exact {
		kept = keptListTotal(e.App, collection, *rule, filter)
	}
	provider := search.NewProvider(resolver).Query(query).Page(max(list.page, 1)).PerPage(list.perPage).SkipTotal(!list.total || kept.known)
	if !collection.IsView() {
		provider.CountCol("_rowid_") // as the record API counts: no table read per row
	}
	if filter != "" {
		provider.AddFilter(search.FilterData(filter))
	}
	if list.sort != "" {
		provider.Sort(search.ParseSortFromString(list.sort))
	}
	records := []*core.Record{}
	result, err := provider.Exec(&records)
	if err != nil {
		return nil, nil, err
	}
	withKeptTotal(result, kept)
	event := &core.RecordsListRequestEvent{RequestEvent: e, Records: records, Result: result}
	event.Collection = collection
	enriched := false
	err = e.App.OnRecordsListRequest().Trigger(event, func(le *core.RecordsListRequestEvent) error {
		records, enriched = le.Records, true
		return apis.EnrichRecords(le.RequestEvent, le.Records, expandsToRun(le.Records, list.expand)...)
	})
	return records, result, shaped(err, enriched)
}

// contactListRule is the list rule and filter a contact's list of the
// collection runs with, as filterListsByAuthValues gives them to the record
// API's list: the rule written for the contact in the rule's place where
// that is exact, otherwise the rule, with its narrowing added to the filter.
// Anyone else's list runs with the collection's rule and the filter as is.
// exact says the rule is the one written for the contact.
func contactListRule(app core.App, auth *core.Record, c *core.Collection, filter string) (rule *string, _ string, exact bool) {
	if auth == nil || auth.Collection().Name != collections.Contacts {
		return c.ListRule, filter, false
	}
	if rule, ok := exactListRuleOf(app, c, auth); ok {
		return &rule, filter, true
	}
	narrowing, ok := listNarrowingOf(c, auth)
	if !ok {
		return c.ListRule, filter, false
	}
	return c.ListRule, narrowed(filter, narrowing), false
}

// readContext is the collection and the request's info, the latter without
// the route's own query: a part's expand is the part's, never the caller's.
func readContext(e *core.RequestEvent, collectionName string) (*core.Collection, *core.RequestInfo, error) {
	collection, err := e.App.FindCachedCollectionByNameOrId(collectionName)
	if err != nil {
		return nil, nil, err
	}
	info, err := e.RequestInfo()
	if err != nil {
		return nil, nil, err
	}
	clear(info.Query)
	return collection, info, nil
}

// applyRule adds the rule, resolved for the requester by PocketBase, to the
// query (superusers pass every rule; a nil rule was refused before). The
// caller applies the resolver's joins, as the record API does.
func applyRule(resolver *core.RecordFieldResolver, info *core.RequestInfo, rule *string, q *dbx.SelectQuery) error {
	if info.HasSuperuserAuth() || rule == nil || *rule == "" {
		return nil
	}
	expr, err := search.FilterData(*rule).BuildExpr(resolver)
	if err != nil {
		return err
	}
	q.AndWhere(expr)
	return nil
}

// errNotShaped is a request hook that ended the chain before enrichment:
// the records would go out without their shaping, so they do not go out.
var errNotShaped = errors.New("a request hook stopped the records' enrichment")

// shaped is the outcome of a request hook chain whose final handler enriches.
func shaped(err error, enriched bool) error {
	if err == nil && !enriched {
		return errNotShaped
	}
	return err
}

// expandsToRun splits an expand parameter ("tags,created_by") and leaves
// out the relations that no record sets (an event without tags): PocketBase
// would run a query for them that finds nothing and changes nothing. One
// path always stays, as running any expand gives every record its (maybe
// empty) "expand" key.
func expandsToRun(records []*core.Record, expand string) []string {
	if expand == "" {
		return nil
	}
	paths := strings.Split(expand, ",")
	run := make([]string, 0, len(paths))
	for i, path := range paths {
		if len(run) == 0 && i == len(paths)-1 || !noneRelates(records, strings.SplitN(path, ".", 2)[0]) {
			run = append(run, path)
		}
	}
	return run
}

// noneRelates reports whether field is a direct relation of the records'
// collection that none of them sets.
func noneRelates(records []*core.Record, field string) bool {
	if len(records) == 0 {
		return false
	}
	if _, ok := records[0].Collection().Fields.GetByName(field).(*core.RelationField); !ok {
		return false // a back-relation (x_via_y) or not a relation: PocketBase decides
	}
	for _, r := range records {
		if len(r.GetStringSlice(field)) > 0 {
			return false
		}
	}
	return true
}
