package pb_hooks

import (
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// homeUpcomingLimit is how many upcoming events the home page lists.
const homeUpcomingLimit = 5

// homeEvent is an event as the home page lists it: no hidden or shaped field.
type homeEvent struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Venue    string `json:"venue"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Status   string `json:"status"`
}

// homeUpcomingQuery is the client's next events that will happen: not over,
// not in a final status, by start.
func homeUpcomingQuery(app core.App, clientID string, now types.DateTime) *dbx.SelectQuery {
	var open []any
	final := finalEventStatuses()
	for _, s := range collections.EventStatuses {
		if !slices.Contains(final, s) {
			open = append(open, string(s))
		}
	}
	return app.DB().Select("id", "name", "venue", "starts_at", "ends_at", "status").From(collections.Events).
		Where(dbx.HashExp{collections.FieldClient: clientID}).AndWhere(notOver(now)).AndWhere(dbx.In("status", open...)).
		OrderBy("starts_at ASC", "id ASC").Limit(homeUpcomingLimit)
}

// homePage answers the portal's home page in one call (instead of three
// record-API requests): the company's name, the next events that will happen
// (not over, not in a final status), and how many upcoming events and pending
// change requests the company has. Every query is scoped to the contact's
// client and searches its indexes.
func homePage(e *core.RequestEvent) error {
	clientID := e.Auth.GetString(collections.FieldClient)
	r, err := clientRecord(e.App, clientID)
	if err != nil {
		return e.NotFoundError("Your company could not be found.", err)
	}
	company := collections.Wrap[collections.Client](r)
	now, _ := types.ParseDateTime(time.Now().UTC())
	upcoming := []homeEvent{}
	if err := homeUpcomingQuery(e.App, clientID, now).All(&upcoming); err != nil {
		return err
	}
	var counters struct {
		Upcoming       int `json:"upcoming"`
		PendingChanges int `json:"pending_change_requests"`
	}
	if counters.Upcoming, _, err = countEvents(e.App, clientID, EventListQuery{}, time.UTC, now.Time()); err != nil {
		return err
	}
	if err := pendingChangesQuery(e.App, clientID).Row(&counters.PendingChanges); err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return writeJSON(e, http.StatusOK, map[string]any{
		"company":  map[string]string{"id": company.Id, "name": company.Name()},
		"upcoming": upcoming,
		"counters": counters,
	})
}

// pendingChangesQuery counts the client's pending change requests, from
// the (client, status) index alone.
func pendingChangesQuery(app core.App, clientID string) *dbx.SelectQuery {
	return app.DB().Select("COUNT(*)").From(collections.ChangeRequests).
		Where(dbx.HashExp{collections.FieldClient: clientID, collections.FieldStatus: "pending"})
}
