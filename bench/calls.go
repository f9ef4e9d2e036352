package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Call is one request the portal makes, as a page makes it (the same path,
// query and body as the JS SDK sends them).
type Call struct {
	Name string // "page: what"
	Page string // the page that makes it ("shell" is every signed-in page)
	// Superuser calls run as the admin (the baseline); the rest as each contact.
	Superuser bool
	// Write calls change data; they run fewer requests per round.
	Write bool
	// Action calls follow a click on the page (another tab, an export),
	// so they are not part of the page's load.
	Action bool
	// Request builds the request for one contact.
	Request func(c *contact) (method, path string, body any)
	// Answer, when set, reads a successful answer (a booking's new event).
	Answer func(c *contact, data []byte)
}

// Baseline is PocketBase's own plain list as a superuser: every call is
// compared with its throughput in the same round.
var Baseline = Call{Name: "superuser: events list (baseline)", Page: "baseline", Superuser: true,
	Request: func(*contact) (string, string, any) {
		return get("/api/collections/events/records", "perPage", "20", "skipTotal", "1")
	}}

// get builds a GET of path with the query's key/value pairs.
func get(path string, kv ...string) (string, string, any) {
	if len(kv) == 0 {
		return http.MethodGet, path, nil
	}
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return http.MethodGet, path + "?" + q.Encode(), nil
}

// fullList is the SDK's getFullList: the first batch of 1000, no total.
func fullList(collection string, kv ...string) (string, string, any) {
	return get("/api/collections/"+collection+"/records", append([]string{"page", "1", "perPage", "1000", "skipTotal", "1"}, kv...)...)
}

func records(collection string) string { return "/api/collections/" + collection + "/records" }

// sdkDate is how the SDK's pb.filter writes a Date.
func sdkDate(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// Calls lists every call the portal's pages make (read from
// pb_public/client-portal/js), plus a contact's plain record-API list of
// each collection an integrator would page through.
var Calls = []Call{
	// Every signed-in page: the shell, the menu and the session.
	{Name: "shell: metadata", Page: "shell", Request: func(*contact) (string, string, any) { return get("/api/portal/metadata") }},
	{Name: "shell: token refresh with the portal session", Page: "shell", Request: func(*contact) (string, string, any) {
		return http.MethodPost, "/api/collections/contacts/auth-refresh", nil
	}},
	{Name: "api: role permissions", Page: "api", Request: func(c *contact) (string, string, any) {
		return get(records("roles")+"/"+c.Role, "fields", "permissions")
	}},
	{Name: "api: time zone", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("portal_settings"), "page", "1", "perPage", "1", "skipTotal", "1", "filter", "", "fields", "time_zone,locale")
	}},
	{Name: "api: client name", Page: "api", Request: func(c *contact) (string, string, any) {
		return get(records("clients")+"/"+c.Client, "fields", "name")
	}},
	{Name: "api: menu pages", Page: "api", Request: func(*contact) (string, string, any) {
		return fullList("cms_pages", "sort", "menu_order,title", "fields", "title,slug")
	}},
	{Name: "api: snippets", Page: "api", Request: func(*contact) (string, string, any) {
		return fullList("client_snippets", "fields", "key,content,tone,background_color,text_color,text_align")
	}},

	{Name: "home: company, upcoming 5, counters (one call)", Page: "home", Request: func(*contact) (string, string, any) {
		return get("/api/portal/home")
	}},
	// The record-API calls the home page made before /api/portal/home.
	{Name: "home: company", Page: "api", Request: func(c *contact) (string, string, any) {
		return get(records("clients")+"/"+c.Client, "fields", "id,name")
	}},
	{Name: "home: upcoming 5", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("events"), "page", "1", "perPage", "5", "skipTotal", "1", "sort", "starts_at",
			"fields", "id,name,venue,starts_at,ends_at,status",
			"filter", fmt.Sprintf(`ends_at >= '%s' && (status = 'to_be_confirmed' || status = 'confirmed')`, sdkDate(time.Now())))
	}},

	{Name: "events: upcoming", Page: "events", Request: func(*contact) (string, string, any) {
		return get("/api/portal/events", "scope", "upcoming", "perPage", "20")
	}},
	{Name: "events: past", Page: "events", Action: true, Request: func(*contact) (string, string, any) {
		return get("/api/portal/events", "scope", "past", "perPage", "20")
	}},
	{Name: "events: CSV export", Page: "events", Action: true, Request: func(*contact) (string, string, any) {
		return get("/api/portal/events.csv", "scope", "upcoming")
	}},

	// The event page: its one call (event, shifts, resource lines, change
	// requests, settings, roster, documents and the file token its links use).
	{Name: "event: page (one call)", Page: "event", Request: func(c *contact) (string, string, any) {
		return get("/api/portal/events/" + c.Event + "/page")
	}},

	// The documents page: all events' documents, with the events its filter
	// offers (those with documents and the next upcoming ones).
	{Name: "documents: list and event choices", Page: "documents", Request: func(*contact) (string, string, any) {
		return get("/api/portal/documents")
	}},

	{Name: "contacts: colleagues (first 50)", Page: "contacts", Request: func(c *contact) (string, string, any) {
		return get(records("contacts"), "page", "1", "perPage", "50", "filter", fmt.Sprintf("client = '%s'", c.Client), "sort", "name")
	}},
	{Name: "contacts: roles", Page: "contacts", Request: func(*contact) (string, string, any) {
		return fullList("roles", "sort", "name", "fields", "id,name,permissions")
	}},

	{Name: "book: professions", Page: "book", Request: func(*contact) (string, string, any) {
		return fullList("professions", "filter", "client_bookable = true && active = true", "sort", "name", "fields", "id,name")
	}},
	{Name: "book: estimate", Page: "book", Request: func(c *contact) (string, string, any) {
		return http.MethodPost, "/api/portal/estimate", c.bookingForm(0)
	}},
	{Name: "book: booking", Page: "book", Write: true, Request: func(c *contact) (string, string, any) {
		c.bookings++
		return http.MethodPost, "/api/portal/bookings", c.bookingForm(c.bookings)
	}, Answer: func(c *contact, data []byte) {
		var event struct{ ID string }
		if json.Unmarshal(data, &event) == nil && event.ID != "" {
			c.booked = append(c.booked, event.ID)
		}
	}},
	// One request per event the contact booked above (an event takes one
	// pending request at a time); with no booking run first it is refused.
	{Name: "event: change request", Page: "event", Write: true, Action: true, Request: func(c *contact) (string, string, any) {
		id := c.Event
		if c.changed < len(c.booked) {
			id = c.booked[c.changed]
		}
		c.changed++
		return http.MethodPost, "/api/portal/events/" + id + "/change-requests", map[string]any{
			"kind": "change", "proposed": map[string]any{"venue": fmt.Sprintf("Hall %d", c.changed)}, "reason": "More guests",
		}
	}},

	// The finance page: its one call (totals, a page of invoices and their
	// payments); the order history is the Manager's record-API list.
	{Name: "finance: page (one call)", Page: "finance", Request: func(*contact) (string, string, any) {
		return get("/api/portal/finance")
	}},

	// What an integrator pages through with the contact's token.
	{Name: "api: events list", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("events"), "perPage", "20", "skipTotal", "1")
	}},
	{Name: "api: shifts list", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("shifts"), "perPage", "20", "skipTotal", "1")
	}},
	{Name: "api: resource lines list", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("resource_lines"), "perPage", "20", "skipTotal", "1")
	}},
	{Name: "api: change requests list", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("change_requests"), "perPage", "20", "skipTotal", "1")
	}},
	{Name: "api: events list with total", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("events"), "perPage", "20")
	}},
	// The SDK's getList asks for the total unless told not to: the finance
	// records an integrator pages through, listed through their invoice.
	{Name: "api: invoices list with total", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("invoices"), "perPage", "20")
	}},
	{Name: "api: payments list with total", Page: "api", Request: func(*contact) (string, string, any) {
		return get(records("payments"), "perPage", "20")
	}},
	{Name: "api: an event's shifts", Page: "api", Request: func(c *contact) (string, string, any) {
		return get(records("shifts"), "perPage", "1000", "skipTotal", "1", "filter", fmt.Sprintf("event = '%s'", c.Event))
	}},
}

// bookingForm is a valid booking n days from now (n > 0 books a new day each time).
func (c *contact) bookingForm(n int) map[string]any {
	day := time.Now().AddDate(0, 1, n%600)
	return map[string]any{
		"name": fmt.Sprintf("Bench booking %d", n), "venue": "Town Hall",
		"start": day.Format("2006-01-02") + "T18:00", "end": day.Format("2006-01-02") + "T23:00",
		"profession": c.profession, "staff_count": 2, "terms_accepted": true,
	}
}
