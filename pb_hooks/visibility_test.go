package pb_hooks_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// hiddenFixture is an event carrying a visible and a hidden tag and a price,
// with a pending change request that carries a price too.
type hiddenFixture struct {
	*accountServer
	event, request *core.Record
	visible, risk  string // tag ids
	booker         string // token of a contact without view_prices
	manager        string // token of a contact with view_prices
}

// The prices are distinctive numbers, so finding them in an answer means
// the price was served.
const eventPrice, requestPrice = "432150", "876525"

func newHiddenFixture(t *testing.T) *hiddenFixture {
	t.Helper()
	s := newAccountServer(t)
	f := &hiddenFixture{accountServer: s,
		booker:  portaltest.AuthHeaders(t, s.a.booker.Record)["Authorization"],
		manager: portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]}
	f.visible = portaltest.Create(t, s.app, collections.Tags, map[string]any{"name": "VIP", "client_visible": true}).Id
	f.risk = portaltest.Create(t, s.app, collections.Tags, map[string]any{"name": "Payment risk", "client_visible": false}).Id
	f.event = must(s.app.FindRecordById(collections.Events, s.a.event.Id))
	f.event.Set(collections.FieldTags, []string{f.visible, f.risk})
	f.event.Set(collections.FieldEstimatedPrice, 432150)
	save(t, s.app, f.event)
	f.request = portaltest.Create(t, s.app, collections.ChangeRequests, map[string]any{
		"event": f.event.Id, "kind": "cancellation", "reason": "Budget", "status": "pending", "estimated_price": 876525})
	return f
}

// checkShaped fails when an answer carries the hidden tag, or a price the
// requester may not see, or lacks one it may.
func (f *hiddenFixture) checkShaped(t *testing.T, where, raw string, prices bool, price string) {
	t.Helper()
	if strings.Contains(raw, f.risk) || strings.Contains(raw, "Payment risk") {
		t.Errorf("%s: the hidden tag reached a contact: %s", where, raw)
	}
	if strings.Contains(raw, price) != prices {
		t.Errorf("%s: price %s shown=%v, want %v: %s", where, price, !prices, prices, raw)
	}
}

// TestHiddenValuesOnEveryPath reads the event and the change request as a
// contact without view_prices and as one with it, through list, view, expand
// (from change requests and shifts), the portal's list and realtime: the
// hidden tag never arrives, and prices only for the role that may see them.
func TestHiddenValuesOnEveryPath(t *testing.T) {
	t.Parallel()
	f := newHiddenFixture(t)
	ev, cr := f.event.Id, f.request.Id
	paths := map[string]string{ // path → the price it carries
		"/api/collections/events/records":                           eventPrice,
		"/api/collections/events/records/" + ev + "?expand=tags":    eventPrice,
		"/api/collections/change_requests/records?expand=event":     eventPrice,
		"/api/collections/change_requests/records/" + cr:            requestPrice,
		"/api/collections/shifts/records?expand=event":              eventPrice,
		"/api/collections/resource_lines/records?expand=event.tags": "",
		"/api/portal/events?scope=upcoming":                         eventPrice,
	}
	for _, actor := range []struct {
		name, token string
		prices      bool
	}{{"booker", f.booker, false}, {"manager", f.manager, true}} {
		for path, price := range paths {
			status, body := portaltest.Call(t, http.MethodGet, f.base+path, actor.token, nil)
			if status != http.StatusOK {
				t.Fatalf("%s GET %s: %d %s", actor.name, path, status, body)
			}
			if price != "" {
				f.checkShaped(t, actor.name+" GET "+path, string(body), actor.prices, price)
			}
		}

		rt := portaltest.ConnectRealtime(t, f.base, actor.token)
		if status, body := rt.Subscribe("events/*", `events/*?options={"query":{"expand":"tags"}}`,
			"change_requests/*", `change_requests/*?options={"query":{"expand":"event"}}`); status != http.StatusNoContent {
			t.Fatalf("%s subscribe: %d %s", actor.name, status, body)
		}
		f.event.Set(collections.FieldName, "Renamed for "+actor.name)
		save(t, f.app, f.event)
		f.request.Set(collections.FieldReason, "Reason for "+actor.name)
		save(t, f.app, f.request)
		for range 4 {
			m := rt.Next(5 * time.Second)
			price := eventPrice
			if strings.HasPrefix(m.Topic, "change_requests") && !strings.Contains(m.Topic, "expand") {
				price = requestPrice
			}
			f.checkShaped(t, actor.name+" realtime "+m.Topic, m.Data, actor.prices, price)
		}
	}
}

// TestHiddenFieldsCannotBeQueried checks that no contact can filter or sort
// by a hidden field on any path, list or realtime subscription, however the
// field is reached, while a text that merely contains the word is fine.
func TestHiddenFieldsCannotBeQueried(t *testing.T) {
	t.Parallel()
	f := newHiddenFixture(t)
	q := func(collection, param, expr string) string {
		return "/api/collections/" + collection + "/records?" + param + "=" + url.QueryEscape(expr)
	}
	refused := []string{
		q("events", "filter", "tags ~ '"+f.risk+"'"),
		q("events", "filter", "tags:length > 1"),
		q("events", "filter", "tags.name ?= 'Payment risk'"),
		q("events", "sort", "-tags"),
		q("shifts", "filter", "event.tags ?~ '"+f.risk+"'"),
		q("change_requests", "filter", "event.tags:length > 1"),
		q("events", "filter", "@collection.events.tags ?= '"+f.risk+"'"),
		q("tags", "filter", "events_via_tags.id != ''"),
		q("change_requests", "filter", "estimated_price > 800000"),
		q("events", "sort", "estimated_price"),
		q("shifts", "filter", "event.estimated_price > 400000"),
	}
	for _, token := range []string{f.booker, f.manager} {
		for _, path := range refused {
			// PocketBase itself refuses @collection to contacts (403).
			if status, body := portaltest.Call(t, http.MethodGet, f.base+path, token, nil); status != http.StatusBadRequest && status != http.StatusForbidden {
				t.Errorf("GET %s: %d %s, want a refusal", path, status, body)
			}
		}
		if status, body := portaltest.Call(t, http.MethodGet, f.base+q("events", "filter", "name != 'tags'"), token, nil); status != http.StatusOK {
			t.Errorf("a filter with 'tags' in a text: %d %s", status, body)
		}
		rt := portaltest.ConnectRealtime(t, f.base, token)
		for _, topic := range []string{
			`events/*?options={"query":{"filter":"tags ~ '` + f.risk + `'"}}`,
			`events/` + f.event.Id + `?options={"query":{"filter":"tags:length > 1"}}`,
			`shifts/*?options={"query":{"filter":"event.tags ?= 'x'"}}`,
		} {
			if status, body := rt.Subscribe(topic); status != http.StatusBadRequest {
				t.Errorf("subscribe %s: %d %s, want 400", topic, status, body)
			}
		}
	}
	// The agency filters freely.
	admin := portaltest.AuthHeaders(t, f.a.admin1)["Authorization"]
	if status, body := portaltest.Call(t, http.MethodGet, f.base+refused[0], admin, nil); status != http.StatusOK ||
		!strings.Contains(string(body), f.event.Id) {
		t.Errorf("admin filter by tag: %d %s", status, body)
	}
}
