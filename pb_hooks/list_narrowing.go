package pb_hooks

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/dbx"
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
// index serves, and a join makes it read every row DISTINCT and count
// COUNT(DISTINCT rowid): for the largest client's 26,718 events, a total
// took 115 ms against 1 ms by the client index alone. So:
//
//   - where the rule, written for the contact, is plain comparisons of the
//     record's own fields (collections.ExactListRule: "a contact, client =
//     @request.auth.client, the role grants view_invoices, status !=
//     "draft"" is `client = "c1" && status != "draft"` for a contact whose
//     role grants it; a related record's field against a literal, such as
//     the payments' `invoice.status != "draft"`, stays and is joined by
//     id), the list runs with that in the rule's place: the same records,
//     by the index, with no join of the contact;
//   - a rule with || whose every branch has such a comparison
//     (collections.WrittenListRule: the colleagues, `id = "me" || client =
//     "c1"` for a manager) is written whole in its place too, its total
//     counted each time;
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
// rule's place where that is exact, otherwise added to the filter. Any
// contact's read (a record-API list or view, a portal page) expands
// relations with each expanded collection's view rule written for them.
func filterListsByAuthValues(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodGet || e.Auth == nil || e.Auth.Collection().Name != collections.Contacts {
		return e.Next()
	}
	app := e.App
	reads := &readsForContact{App: app, contact: e.Auth}
	e.App = reads
	defer func() { e.App = app }()
	if c, ok := viewedCollection(app, e.Request.URL.Path); ok {
		if rule, ok := writtenViewRuleOf(app, c, e.Auth); ok {
			reads.read = withViewRule(c, rule)
		}
		return e.Next()
	}
	c, ok := listedCollection(app, e.Request.URL.Path)
	if !ok {
		return e.Next()
	}
	if rule, ok := exactListRuleOf(app, c, e.Auth); ok {
		reads.read = withListRule(c, withStartBound(app, c, rule, e.Request.URL.Query().Get(search.FilterQueryParam), time.Now()))
		return countFromKeptTotal(e, c, rule)
	}
	if rule, ok := ruleWrittenFor(app, c, c.ListRule, e.Auth, collections.WrittenListRule); ok {
		// Exact too, with || (the colleagues): listed without the
		// join, its total counted each time.
		reads.read = withListRule(c, rule)
		return e.Next()
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

// readsForContact is the app as one contact's read request sees it. The
// collection a record-API list or view reads has its rule written for the
// contact in the rule's place, where that is exact. An expanded
// relation's collection has its view rule written for the contact
// (writtenViewRuleOf) where that can be done: PocketBase would otherwise
// resolve the rule for each expand with joins of the contact and its role
// (the event page's created_by joined the role's permissions through
// json_each for one row), and a rule every contact passes, such as the
// professions', becomes no condition at all. Everything else is the app's
// own.
type readsForContact struct {
	core.App
	contact *core.Record
	read    *core.Collection // nil unless a record-API list or view reads it with a written rule
}

// FindCachedCollectionByNameOrId implements core.App.
func (a *readsForContact) FindCachedCollectionByNameOrId(nameOrId string) (*core.Collection, error) {
	if a.read != nil && (nameOrId == a.read.Name || nameOrId == a.read.Id) {
		return a.read, nil
	}
	return a.App.FindCachedCollectionByNameOrId(nameOrId)
}

// ExpandRecords implements core.App. PocketBase's expand reads each related
// collection's view rule from the collection it hands the fetch.
func (a *readsForContact) ExpandRecords(records []*core.Record, expands []string, fetch core.ExpandFetchFunc) map[string]error {
	if fetch == nil {
		return a.App.ExpandRecords(records, expands, nil)
	}
	return a.App.ExpandRecords(records, expands, func(c *core.Collection, ids []string) ([]*core.Record, error) {
		if rule, ok := writtenViewRuleOf(a.App, c, a.contact); ok {
			c = withViewRule(c, rule)
		}
		return fetch(c, ids)
	})
}

// ExpandRecord implements core.App (PocketBase's own ExpandRecord would call
// its ExpandRecords, not this one's).
func (a *readsForContact) ExpandRecord(record *core.Record, expands []string, fetch core.ExpandFetchFunc) map[string]error {
	return a.ExpandRecords([]*core.Record{record}, expands, fetch)
}

// withListRule is a copy of the collection with another list rule (the
// cached collection is shared by every request and stays as it is).
func withListRule(c *core.Collection, rule string) *core.Collection {
	copied := *c
	copied.ListRule = &rule
	return &copied
}

// withViewRule is withListRule for the view rule.
func withViewRule(c *core.Collection, rule string) *core.Collection {
	copied := *c
	copied.ViewRule = &rule
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

// viewedCollection is the collection a record-API view path
// (/api/collections/{name}/records/{id}) reads.
func viewedCollection(app core.App, path string) (*core.Collection, bool) {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return nil, false
	}
	name, id, ok := strings.Cut(rest, "/records/")
	if !ok || name == "" || strings.Contains(name, "/") || id == "" || strings.Contains(id, "/") {
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

// writtenViewRuleOf is the collection's view rule written for a signed-in
// contact (collections.WrittenRule), when it can be and names no hidden
// field; auth may be anyone, or nobody.
func writtenViewRuleOf(app core.App, c *core.Collection, auth *core.Record) (string, bool) {
	if auth == nil || auth.Collection().Name != collections.Contacts {
		return "", false
	}
	return ruleWrittenFor(app, c, c.ViewRule, auth, collections.WrittenRule)
}

func exactRuleOf(app core.App, c *core.Collection, rule *string, contact *core.Record) (string, bool) {
	return ruleWrittenFor(app, c, rule, contact, collections.ExactListRule)
}

// ruleWrittenFor writes the rule for the contact with write, given the
// permissions of the contact's role.
func ruleWrittenFor(app core.App, c *core.Collection, rule *string, contact *core.Record,
	write func(string, collections.AuthValues, []string) (string, bool)) (string, bool) {
	if rule == nil || *rule == "" {
		return "", false
	}
	_, roles := loadVisibility(app)
	written, ok := write(*rule, authValuesOf(contact), roles[contact.GetString(collections.FieldRole)])
	if !ok || hiddenIn(c, written) {
		return "", false
	}
	return written, true
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

// withStartBound adds to a contact's events list rule the earliest start
// an event the caller's filter selects can have, where the filter says the
// events end at or after a date: an integrator's "next events" (`ends_at >=
// @now`, sorted by start) then walks the client's (client, starts_at,
// ends_at) index from now minus the longest event, as the portal's own
// upcoming lists do (notOver), instead of from the client's first event
// ever (17,800 past events before the first upcoming one for the largest
// client). The filter implies the bound, so the list is the same.
func withStartBound(app core.App, c *core.Collection, rule, filter string, now time.Time) string {
	if c.Name != collections.Events {
		return rule
	}
	day, ok := endsFromDay(filter, now)
	if !ok {
		return rule
	}
	var bound string
	err := app.DB().NewQuery("SELECT " + earliestStartEndingFrom("day")).Bind(dbx.Params{"day": day}).Row(&bound)
	if err != nil || bound == "" {
		return rule
	}
	return rule + ` && starts_at >= "` + bound + `"`
}

// endsFromDay is the latest day (YYYY-MM-DD, UTC) the filter says its
// records end on or after: from its top-level `ends_at >= X` (or >, =)
// comparisons with a date, or a date macro such as @now. Stored dates are
// "2006-01-02 15:04:05.000Z" and PocketBase compares them as text, so a
// value at or after any text that begins with a day is on or after that day.
// A filter with a top-level || says nothing.
func endsFromDay(filter string, now time.Time) (string, bool) {
	if strings.TrimSpace(filter) == "" {
		return "", false
	}
	groups, err := fexpr.Parse(filter)
	if err != nil {
		return "", false
	}
	return endsFromDayIn(groups, now.UTC())
}

func endsFromDayIn(groups []fexpr.ExprGroup, now time.Time) (string, bool) {
	latest := ""
	for i, g := range groups {
		if i > 0 && g.Join != fexpr.JoinAnd {
			return "", false
		}
		var day string
		switch item := g.Item.(type) {
		case []fexpr.ExprGroup:
			day, _ = endsFromDayIn(item, now)
		case fexpr.Expr:
			day = endsFromDayOf(item, now)
		}
		latest = max(latest, day)
	}
	return latest, latest != ""
}

// endsFromDayOf is the day of `ends_at >= X`, `ends_at > X`, `ends_at = X`
// or the same turned round (`X <= ends_at`), or "".
func endsFromDayOf(x fexpr.Expr, now time.Time) string {
	value := x.Right
	switch {
	case x.Left.Type == fexpr.TokenIdentifier && x.Left.Literal == collections.FieldEndsAt &&
		(x.Op == fexpr.SignGte || x.Op == fexpr.SignGt || x.Op == fexpr.SignEq):
	case x.Right.Type == fexpr.TokenIdentifier && x.Right.Literal == collections.FieldEndsAt &&
		(x.Op == fexpr.SignLte || x.Op == fexpr.SignLt || x.Op == fexpr.SignEq):
		value = x.Left
	default:
		return ""
	}
	text := value.Literal
	if value.Type == fexpr.TokenIdentifier {
		day, ok := dayMacros[text]
		if !ok {
			return ""
		}
		text = day(now).Format(time.DateOnly)
	} else if value.Type != fexpr.TokenText {
		return ""
	}
	if len(text) < len(time.DateOnly) {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, text[:len(time.DateOnly)]); err != nil {
		return ""
	}
	return text[:len(time.DateOnly)]
}

// dayMacros are the day of each of PocketBase's date macros (UTC), for
// endsFromDayOf.
var dayMacros = map[string]func(now time.Time) time.Time{
	"@now":        func(now time.Time) time.Time { return now },
	"@todayStart": func(now time.Time) time.Time { return now },
	"@todayEnd":   func(now time.Time) time.Time { return now },
	"@yesterday":  func(now time.Time) time.Time { return now.AddDate(0, 0, -1) },
	"@tomorrow":   func(now time.Time) time.Time { return now.AddDate(0, 0, 1) },
	"@monthStart": func(now time.Time) time.Time { return now.AddDate(0, 0, 1-now.Day()) },
	"@yearStart":  func(now time.Time) time.Time { return now.AddDate(0, 0, 1-now.YearDay()) },
}
