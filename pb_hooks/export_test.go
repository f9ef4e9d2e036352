package pb_hooks

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
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
