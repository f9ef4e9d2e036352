package pb_hooks

import (
	"database/sql"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// RouteTable exposes the route table to the black-box tests, which check
// that every route has a line in the authorization matrix.
func RouteTable(app core.App, config Config) [][2]string {
	p := &plugin{app: app, config: config}
	var out [][2]string
	for _, r := range p.routes() {
		out = append(out, [2]string{r.method, r.path})
	}
	return out
}

// OutboxQueries exposes the worker's own queries to the query-plan test.
func OutboxQueries(app core.App) map[string]*dbx.Query {
	return map[string]*dbx.Query{
		"due emails":     dueEmailsQuery(app).Build(),
		"expired leases": releaseLeasesQuery(app, time.Minute),
	}
}

// GrowingTableWrites exposes the writes every booking or worker round runs
// on the tables that grow without bound (the outbox keeps every email, the
// idempotency keys a day of writes), each with the index it must search.
func GrowingTableWrites(app core.App) map[string][2]any {
	return map[string][2]any{
		"outbox: due emails":        {dueEmailsQuery(app).Build(), "idx_mail_outbox_due"},
		"outbox: expired leases":    {releaseLeasesQuery(app, time.Minute), "idx_mail_outbox_due"},
		"outbox: one claim":         {app.NonconcurrentDB().NewQuery(claimEmailSQL).Bind(dbx.Params{"id": "x", "now": "x", "queued": "queued", "sending": "sending"}), "sqlite_autoindex_mail_outbox_1"},
		"idempotency: expired keys": {expiredKeysQuery(app, time.Now()), "idx_idempotency_keys_created"},
	}
}

// EventListQueries exposes the portal's event list queries (each scope,
// with every filter) to the query-plan test.
func EventListQueries(app core.App) map[string]*dbx.Query {
	all := EventListQuery{Search: "gala", Status: "confirmed", From: "2026-01-01", To: "2026-12-31"}
	upcoming, past := all, all
	upcoming.Scope, past.Scope = "upcoming", "past"
	return map[string]*dbx.Query{
		"upcoming events":       eventListSelect(app, "client", upcoming, time.UTC, time.Now()).Build(),
		"past events":           eventListSelect(app, "client", past, time.UTC, time.Now()).Build(),
		"upcoming, no filter":   eventListSelect(app, "client", EventListQuery{Scope: "upcoming"}, time.UTC, time.Now()).Build(),
		"counts, no filter":     eventCountsQuery(app, "client", EventListQuery{}, time.UTC, time.Now()).Build(),
		"counts":                eventCountsQuery(app, "client", all, time.UTC, time.Now()).Build(),
		"home's next events":    homeUpcomingQuery(app, "client", types.NowDateTime()).Build(),
		"an export's first end": firstEndQuery(app, "client", time.Now()).Build(),
	}
}

// HomeQueries exposes the home page's own counts, each with the index it
// must search.
func HomeQueries(app core.App) map[string][2]any {
	return map[string][2]any{
		"pending change requests": {pendingChangesQuery(app, "client").Build(), "idx_change_requests_client_status"},
	}
}

// CatalogueKinds exposes the notification kinds, sorted.
func CatalogueKinds() []string { return catalogueKinds() }

// PasswordComparisons is how many sign-in password comparisons the
// portal's sign-in hook made in app.
func PasswordComparisons(app core.App) int64 {
	n, _ := app.Store().Get(passwordComparisonsKey).(*atomic.Int64)
	if n == nil {
		return 0
	}
	return n.Load()
}

// ContactCan exposes the Go permission check, which must agree with the
// API rules' collections.RuleHasPermission.
func ContactCan(app core.App, contact *core.Record, perm collections.Permission) bool {
	return contactCan(app, contact, perm)
}

// RosterQueries exposes the roster route's lookups to the query-plan test,
// with the index each must use.
func RosterQueries(app core.App) map[string][2]any {
	everything := RosterView{Roster: true, Qualifications: true, Vehicle: true}
	return map[string][2]any{
		"an event's assignments":          {assignmentsWithStaff(app, "x", everything), "idx_assignments_event"},
		"an event's shifts":               {byEvent(app, collections.Shifts, "x").Build(), "idx_shifts_event"},
		"rostered staff's qualifications": {assignmentsWithStaff(app, "x", everything), "idx_staff_qualifications_staff"},
		"rostered staff's vehicles":       {assignmentsWithStaff(app, "x", everything), "idx_staff_vehicles_staff"},
	}
}

// DocumentQueries exposes the documents list's queries (all events, one
// event) to the query-plan test, with the index each must use.
func DocumentQueries(app core.App) map[string][2]any {
	settings, err := collections.LoadSettings(app)
	if err != nil {
		panic(err)
	}
	return map[string][2]any{
		"a client's documents, newest first": {visibleDocuments(app, "client", settings).OrderBy("created DESC", "id DESC").Build(),
			"idx_event_documents_client_created"},
		"one event's documents": {visibleDocuments(app, "client", settings).AndWhere(dbx.HashExp{"event": "x"}).
			OrderBy("created DESC").Build(), "idx_event_documents_"},
		"the events with a client's documents": {eventsWithDocuments(app, "client", settings).Build(), "idx_event_documents_"},
	}
}

// ForgetSettings drops the cached portal settings, for tests that change the
// settings row with SQL (past the hooks that would do it).
func ForgetSettings(app core.App) { settingsCacheOf(app).forget() }

// PortalSettings exposes the cached settings to the cache's test.
func PortalSettings(app core.App) (*collections.Settings, error) { return portalSettings(app) }

// KeptStatements is how many statements the connection keeps prepared.
func KeptStatements(conn *sql.Conn) (n int, err error) {
	err = conn.Raw(func(dc any) error {
		n = dc.(*statementCachingConn).order.Len()
		return nil
	})
	return n, err
}

// ExpandsToRun exposes which expand paths the combined reads run.
func ExpandsToRun(records []*core.Record, expand string) []string {
	return expandsToRun(records, expand)
}

// FinanceQueries are the finance page's totals, each with the index its
// plan must search.
func FinanceQueries(app core.App) map[string][2]any {
	return map[string][2]any{
		"what a client owes per currency":    {financeOwedQuery(app, "client").Build(), "idx_invoices_client_status"},
		"a client's invoices to export":      {invoiceExportQuery(app, "client").Build(), "idx_invoices_client_issued"},
		"the payments of a page of invoices": {invoicePaymentsQuery(app, "client", "a", "b").Build(), "idx_payments_invoice"},
		"what a client paid in a year":       {financePaidQuery(app, "client", 2026).Build(), "idx_payments_client"},
	}
}

// KeepEventExportsFrom keeps events exports of at least rows rows, so that a
// test's few events are kept, until the restore it returns runs. A test that
// calls it must not run in parallel: the threshold is the package's.
func KeepEventExportsFrom(rows int) (restore func()) {
	old := minKeptExportRows
	minKeptExportRows = rows
	return func() { minKeptExportRows = old }
}
