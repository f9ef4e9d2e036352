package portaltest

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// QueryPlan returns SQLite's EXPLAIN QUERY PLAN details for a query, one
// line per step, e.g. "SEARCH mail_outbox USING INDEX idx_mail_outbox_due (status=? AND next_attempt_at<?)".
func QueryPlan(t testing.TB, app core.App, query *dbx.Query) string {
	t.Helper()
	return QueryPlanOn(t, app.DB(), query)
}

// QueryPlanOn is QueryPlan as db plans it: a connection of its own has its
// own statistics.
func QueryPlanOn(t testing.TB, db dbx.Builder, query *dbx.Query) string {
	t.Helper()
	var rows []struct {
		ID     int    `db:"id"`
		Parent int    `db:"parent"`
		NotUse int    `db:"notused"`
		Detail string `db:"detail"`
	}
	sql := query.SQL()
	plan := db.NewQuery("EXPLAIN QUERY PLAN " + sql).Bind(query.Params())
	if err := plan.All(&rows); err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	details := make([]string, len(rows))
	for i, r := range rows {
		details[i] = r.Detail
	}
	return strings.Join(details, "\n")
}

// AssertUsesIndex fails the test unless the query's plan searches the table
// through the named index (and never scans it).
func AssertUsesIndex(t testing.TB, app core.App, query *dbx.Query, index string) {
	t.Helper()
	plan := QueryPlan(t, app, query)
	if !strings.Contains(plan, "USING INDEX "+index) && !strings.Contains(plan, "USING COVERING INDEX "+index) {
		t.Errorf("query does not use index %s:\n%s\nplan:\n%s", index, query.SQL(), plan)
	}
}
