package pb_hooks

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// How many of a client's events a filter matches, upcoming and past, is
// counted once and kept. Counting walks the client's entries of the
// (client, starts_at, ends_at) index: the largest client's 26,718 on every
// page of its event lists and every visit of the home page, where the page
// itself reads twenty rows.
//
// Both counts come from one walk (an event is past once it ends, so past is
// the rest), with the first end among the upcoming ones: the counts are
// good until then, when that event moves from upcoming to past. A client's
// counts are forgotten when one of its events changes; other clients' stay.

// maxKeptEventCounts bounds the counts kept, all clients' together (each
// filter of each client is a key; searches are many); once full, every
// client's are forgotten and kept afresh.
const maxKeptEventCounts = 5000

// eventCounts are a filter's counts of a client's events at a time.
type eventCounts struct {
	Upcoming int            `db:"upcoming"`
	All      int            `db:"total"`
	FirstEnd types.DateTime `db:"first_end"` // of the upcoming; zero when none
}

// goodAt reports whether the counts are still right at now.
func (c eventCounts) goodAt(now time.Time) bool {
	return c.FirstEnd.IsZero() || now.Before(c.FirstEnd.Time())
}

func eventCountsOf(app core.App) *byClient[*keptValues[eventCounts]] {
	return byClientOf[*keptValues[eventCounts]](app, "eventCounts")
}

func (p *plugin) bindEventCounts() {
	p.forgetOnClientChange(func(app core.App) clientAware { return eventCountsOf(app) }, collections.Events)
}

// countEvents returns how many of the client's events the filter matches
// (its scope aside) that are upcoming and past at now.
func countEvents(app core.App, clientID string, f EventListQuery, loc *time.Location, now time.Time) (upcoming, past int, err error) {
	kept := keptClientValuesIn(app, eventCountsOf(app), clientID, maxKeptEventCounts, one[eventCounts])
	zone := "" // the dates alone are read in the time zone
	if f.From != "" || f.To != "" {
		zone = loc.String()
	}
	key := strings.Join([]string{clientID, f.Search, string(f.Status), f.From, f.To, zone}, "\x00")
	if c, ok := kept.find(key); ok && c.goodAt(now) {
		return c.Upcoming, c.All - c.Upcoming, nil
	}
	var c eventCounts
	if err := eventCountsQuery(app, clientID, f, loc, now).One(&c); err != nil {
		return 0, 0, err
	}
	kept.keep(key, c)
	return c.Upcoming, c.All - c.Upcoming, nil
}

// eventCountsQuery counts the client's events the filter matches, and the
// upcoming ones at now with the first of their ends.
func eventCountsQuery(app core.App, clientID string, f EventListQuery, loc *time.Location, now time.Time) *dbx.SelectQuery {
	nowDT, _ := types.ParseDateTime(now.UTC())
	return eventFilterSelect(app.DB().Select(
		"COALESCE(SUM([[ends_at]] >= {:now}), 0) AS [[upcoming]]", "COUNT(*) AS [[total]]",
		"COALESCE(MIN(CASE WHEN [[ends_at]] >= {:now} THEN [[ends_at]] END), '') AS [[first_end]]",
	).From(collections.Events).Bind(dbx.Params{"now": nowDT.String()}), clientID, f, loc)
}
