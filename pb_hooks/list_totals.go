package pb_hooks

import (
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/search"

	"github.com/crewportal/crewportal/collections"
)

// A contact's list total is counted once and then kept until the collection
// changes. PocketBase counts a list's total on every page it answers
// (COUNT(DISTINCT rowid) over all the matching rows), which for the largest
// client's 26,718 events cost a fifth more than the page itself, on every
// page of an integrator's pagination and every visit to the Finance page.
//
// A total is kept only where it depends on nothing but the collection's own
// rows: the contact's list rule is exact (written with the contact's values,
// plain comparisons of the record's own fields, list_narrowing.go) and the
// caller's filter compares only the record's own visible fields with
// literals (no relation, no @request, @collection or date macro, no
// function). It is keyed by the rule and the filter, so a rule or role
// change counts anew. It is forgotten when a record of the collection
// changes, or of a collection whose saves also write its rows without its
// record hooks (totalsForgottenBy). Where the rule names the contact's
// client (`client = "c1" && …`: every record it lists is that client's),
// the totals are kept per client and forgotten only by changes of that
// client's records (forgetOnClientChange; every writer has a client field).

// totalsForgottenBy lists the collections whose list totals are kept, each
// with the collections whose changes forget them: itself, the parents whose
// moves rewrite its copied owner (moveChildrenWithParent, ownerFollowers),
// and for events the shifts, whose saves store the event's atomic flag
// (storeAtomicAfterShiftChange). TestListTotalsForgottenByEveryWriter checks
// it against ownerFollowers.
var totalsForgottenBy = map[string][]string{
	collections.Events:         {collections.Events, collections.Shifts},
	collections.Shifts:         {collections.Shifts, collections.Events},
	collections.ResourceLines:  {collections.ResourceLines, collections.Events},
	collections.EventDocuments: {collections.EventDocuments, collections.Events},
	collections.ChangeRequests: {collections.ChangeRequests, collections.Events},
	collections.Assignments:    {collections.Assignments, collections.Shifts, collections.Events},
	collections.Invoices:       {collections.Invoices},
	collections.InvoiceLines:   {collections.InvoiceLines, collections.Invoices},
	collections.Payments:       {collections.Payments, collections.Invoices},
}

// maxKeptTotals bounds the totals kept per collection: each distinct filter
// is a key, and integrators' filters are many (with maxKeptFilter, at most
// about a megabyte per collection; once full, totals are counted as before
// until the collection changes, or for totals kept per client, every
// client's are forgotten and kept afresh).
const maxKeptTotals = 2000

// maxKeptFilter is the longest caller's filter whose total is kept.
const maxKeptFilter = 300

func listTotalsOf(app core.App, collection string) *storeCache[*keptValues[int]] {
	return cacheOf[*keptValues[int]](app, "listTotals."+collection)
}

func clientListTotalsOf(app core.App, collection string) *byClient[*keptValues[int]] {
	return byClientOf[*keptValues[int]](app, "clientListTotals."+collection)
}

func (p *plugin) bindListTotals() {
	for name, writers := range totalsForgottenBy {
		p.forgetOnChange(func(app core.App) changeAware { return listTotalsOf(app, name) }, writers...)
		p.forgetOnClientChange(func(app core.App) clientAware { return clientListTotalsOf(app, name) }, writers...)
	}
	p.app.OnRecordsListRequest().Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id:   HookIDPrefix + "lists.totals",
		Func: answerKeptTotal,
	})
}

// listTotal is what the cache has of one list's total: the total when
// known, otherwise how to keep the total once counted (nil when it must not
// be kept).
type listTotal struct {
	collection string
	total      int
	known      bool
	keep       func(total int)
}

// keptListTotal looks up the total of the list of c that rule (an exact
// rule, written for the contact) and the caller's filter select.
func keptListTotal(app core.App, c *core.Collection, rule, filter string) listTotal {
	if _, kept := totalsForgottenBy[c.Name]; !kept || app.IsTransactional() ||
		len(filter) > maxKeptFilter || !ownFieldsOnly(c, filter) || !relationsForgetTotals(app, c, rule) {
		return listTotal{}
	}
	// The map is taken before the count runs, so a count racing a change
	// lands in the copy that change forgets.
	totals := keptValuesIn(app, listTotalsOf(app, c.Name), maxKeptTotals, one[int])
	if client, ok := collections.RuleClient(rule); ok {
		totals = keptClientValuesIn(app, clientListTotalsOf(app, c.Name), client, maxKeptTotals, one[int])
	}
	key := c.Id + "\x00" + rule + "\x00" + filter
	if total, ok := totals.find(key); ok {
		return listTotal{collection: c.Name, total: total, known: true}
	}
	return listTotal{collection: c.Name, keep: func(total int) {
		if total >= 0 {
			totals.keep(key, total)
		}
	}}
}

// relationsForgetTotals reports whether the changes of every collection
// the rule compares a related record of (collections.RelationInequality:
// the payments' invoice.status) forget c's totals: a related record's
// change may change which records the rule selects. Any dotted name in the
// rule counts, even inside a literal: a total not kept is only counted.
func relationsForgetTotals(app core.App, c *core.Collection, rule string) bool {
	for _, m := range dottedName.FindAllStringSubmatch(rule, -1) {
		relation, ok := c.Fields.GetByName(m[1]).(*core.RelationField)
		if !ok {
			return false
		}
		related, err := app.FindCachedCollectionByNameOrId(relation.CollectionId)
		if err != nil || !slices.Contains(totalsForgottenBy[c.Name], related.Name) {
			return false
		}
	}
	return true
}

// dottedName is a name with a path (`invoice.status`); its group is the
// first name.
var dottedName = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]`)

// ownFieldsOnly reports whether the filter (empty, or PocketBase's syntax)
// compares only c's own fields, none hidden from contacts, with each other
// or with literals: then which records it selects depends on nothing but
// the records themselves.
func ownFieldsOnly(c *core.Collection, filter string) bool {
	if filter == "" {
		return true
	}
	groups, err := fexpr.Parse(filter)
	return err == nil && ownFieldsIn(c, groups)
}

func ownFieldsIn(c *core.Collection, groups []fexpr.ExprGroup) bool {
	for _, g := range groups {
		switch item := g.Item.(type) {
		case []fexpr.ExprGroup:
			if !ownFieldsIn(c, item) {
				return false
			}
		case fexpr.Expr:
			if !ownOperand(c, item.Left) || !ownOperand(c, item.Right) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// ownOperand: a literal, or a plain name of one of c's visible fields.
func ownOperand(c *core.Collection, t fexpr.Token) bool {
	switch t.Type {
	case fexpr.TokenText, fexpr.TokenNumber:
		return true
	case fexpr.TokenIdentifier:
		switch t.Literal {
		case "true", "false", "null":
			return true
		}
		f := c.Fields.GetByName(t.Literal)
		return f != nil && !f.GetHidden() && !slices.Contains(hiddenFromQueries, t.Literal)
	}
	return false
}

// countFromKeptTotal runs a contact's record-API list (whose list rule is
// the exact rule) with its kept total: PocketBase skips the count and
// answerKeptTotal puts the kept total in the answer; or, when none is kept
// yet, answerKeptTotal keeps the one PocketBase counts.
func countFromKeptTotal(e *core.RequestEvent, c *core.Collection, rule string) error {
	q := e.Request.URL.Query()
	if raw := q.Get(search.SkipTotalQueryParam); raw != "" {
		if skip, err := strconv.ParseBool(raw); err != nil || skip {
			return e.Next() // no total asked for, or PocketBase's own 400
		}
	}
	t := keptListTotal(e.App, c, rule, q.Get(search.FilterQueryParam))
	if !t.known {
		if t.keep != nil {
			e.Set(keptTotalKey, t)
		}
		return e.Next()
	}
	e.Set(keptTotalKey, t)
	q.Set(search.SkipTotalQueryParam, "1")
	return nextWithQuery(e, q)
}

// keptTotalKey holds, in a record-API list request's store, the listTotal
// countFromKeptTotal found.
const keptTotalKey = HookIDPrefix + "lists.keptTotal"

// answerKeptTotal puts a kept total in a record-API list's answer, or keeps
// the total PocketBase counted.
func answerKeptTotal(e *core.RecordsListRequestEvent) error {
	t, ok := e.Get(keptTotalKey).(listTotal)
	if !ok || e.Result == nil || e.Collection == nil || e.Collection.Name != t.collection || e.Request.Method != http.MethodGet {
		return e.Next()
	}
	e.Set(keptTotalKey, nil)
	withKeptTotal(e.Result, t)
	return e.Next()
}

// withKeptTotal sets the result's total from t when it is known, and keeps
// the result's counted total otherwise.
func withKeptTotal(result *search.Result, t listTotal) {
	switch {
	case t.known:
		result.TotalItems = t.total
		result.TotalPages = int(math.Ceil(float64(t.total) / float64(max(result.PerPage, 1))))
	case t.keep != nil:
		t.keep(result.TotalItems)
	}
}
