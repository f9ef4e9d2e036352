package portaltest

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"
)

// ListRuleQuery builds the query PocketBase's list API runs for auth (nil
// for anonymous): the collection's list rule joined with the client's filter
// and sort, as the API builds them, ready for QueryPlan.
func ListRuleQuery(t testing.TB, app core.App, collection string, auth *core.Record, filter, sort string) *dbx.Query {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	q := app.RecordQuery(c)
	resolver := core.NewRecordFieldResolver(app, c, &core.RequestInfo{Auth: auth, Context: core.RequestInfoContextDefault}, true)
	for _, expr := range []string{deref(c.ListRule), filter} {
		if expr == "" {
			continue
		}
		where, err := search.FilterData(expr).BuildExpr(resolver)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		q.AndWhere(where)
	}
	if sort != "" {
		for _, field := range search.ParseSortFromString(sort) {
			by, err := field.BuildExpr(resolver)
			if err != nil {
				t.Fatal(err)
			}
			q.AndOrderBy(by)
		}
	}
	if err := resolver.UpdateQuery(q); err != nil {
		t.Fatal(err)
	}
	return q.Build()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
