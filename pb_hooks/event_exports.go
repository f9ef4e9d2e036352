package pb_hooks

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// A large client's events export is built once and kept until it would
// change. Building one costs about 9 µs a row (reading rows scattered over
// the events table, formatting times): 80 ms for the largest client's 8,906
// upcoming events, and the same again for every download of a team that
// shares the file or an integrator that polls it.
//
// What an export holds depends on the client's events (forgotten when one
// of its events or shifts changes: shifts because their saves write the
// event's atomic flag with plain SQL, as totalsForgottenBy says; other
// clients' exports stay), the filter, the
// time zone, whether the contact sees prices (all in the key), and the
// clock: an event that ends leaves the upcoming export and joins the past
// one. So a kept export is used only until the first end, at or after the
// time it was built, among the events that could move (keptAnswer.until).

// minKeptExportRows is the smallest export kept: smaller ones cost less to
// build than the memory they would hold is worth.
var minKeptExportRows = 500

// maxKeptExportBytes bounds the kept exports' bytes, all clients' together
// (about ten of the largest client's): once full, every client's are
// forgotten and kept afresh.
const maxKeptExportBytes = 8 << 20

func eventExportsOf(app core.App) *byClient[*keptValues[keptAnswer]] {
	return byClientOf[*keptValues[keptAnswer]](app, "eventExports")
}

func (p *plugin) bindEventExports() {
	p.forgetOnClientChange(func(app core.App) clientAware { return eventExportsOf(app) },
		collections.Events, collections.Shifts)
}

// exportKey names an export by everything its bytes depend on besides the
// client's events and the clock.
func exportKey(clientID string, f EventListQuery, loc *time.Location, prices bool) string {
	return strings.Join([]string{clientID, f.Scope, f.Search, string(f.Status), f.From, f.To, loc.String(),
		map[bool]string{true: "prices", false: ""}[prices]}, "\x00")
}

// keptEventExports returns the client's kept exports.
func keptEventExports(app core.App, clientID string) *keptValues[keptAnswer] {
	return keptClientValuesIn(app, eventExportsOf(app), clientID, maxKeptExportBytes, bodyBytes)
}

// exportGoodUntil says until when an export built at now stays right.
// Upcoming: until the first end among its rows (firstEnd, which the build
// noted), since filters other than the clock never move an event in or out
// of it. Past: until the first end at or after now among the client's
// events, which is when the first of them joins the past (any filter: a
// conservative bound, one index-only query).
func exportGoodUntil(app core.App, clientID string, f EventListQuery, now time.Time, firstEnd types.DateTime) (time.Time, error) {
	if f.Scope != "past" {
		return firstEnd.Time(), nil
	}
	var next types.DateTime
	err := firstEndQuery(app, clientID, now).Row(&next)
	return next.Time(), err
}

// firstEndQuery selects the first end at or after now among the client's
// events, from their entries in the (client, starts_at, ends_at) index.
func firstEndQuery(app core.App, clientID string, now time.Time) *dbx.SelectQuery {
	nowDT, _ := types.ParseDateTime(now.UTC())
	return app.DB().Select("MIN([[ends_at]])").From(collections.Events).
		Where(dbx.HashExp{collections.FieldClient: clientID}).AndWhere(notOver(nowDT))
}
