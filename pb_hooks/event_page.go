package pb_hooks

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// eventPageListSize is how many shifts, resource lines and change requests
// the page's answer holds at most: one batch of the SDK's getFullList
// (PocketBase's largest page), which the page read them with before.
const eventPageListSize = 1000

// EventPage is the answer of the event page's route: everything the page
// shows, each part exactly as its own request served it before (the record
// API for the records, the roster and documents routes for theirs).
type EventPage struct {
	// Event is the event as GET /api/collections/events/records/{id}
	// ?expand=tags answers it. Who booked it is its created_by_name, given
	// to every contact; an expanded creator (for managers only) was a
	// fetch of its own that the page never needed.
	Event *core.Record `json:"event"`
	// Shifts are the event's shifts by start, expanded profession.
	Shifts []*core.Record `json:"shifts"`
	// ResourceLines are the event's resource lines in the order booked.
	ResourceLines []*core.Record `json:"resource_lines"`
	// ChangeRequests are the event's change requests, newest first; who
	// asked is each one's requested_by_name.
	ChangeRequests []*core.Record `json:"change_requests"`
	// Settings is the portal settings record as a contact reads it, or nil.
	Settings *core.Record `json:"settings"`
	// Roster is the roster route's answer for the event.
	Roster *EventRoster `json:"roster"`
	// Documents is the documents route's answer for the event.
	Documents *DocumentList `json:"documents"`
	// FileToken is a file token for the contact, as POST /api/files/token
	// gives it: the page's links to staff files and documents carry it.
	FileToken string `json:"file_token"`
}

// eventPage answers the event page in one call instead of eight. A contact
// who may not view the event gets the record API's 404 and nothing else.
// The number of queries does not grow with the event's shifts, lines or
// requests.
func (p *plugin) eventPage(e *core.RequestEvent) error {
	event, err := viewRecord(e, collections.Events, e.Request.PathValue("id"), "tags")
	if err != nil {
		return err
	}
	page := &EventPage{Event: event}
	// The id is the stored record's (PocketBase ids are [a-z0-9]), safe
	// inside the quotes, as the page's pb.filter wrote it.
	ofEvent := collections.FieldEvent + " = '" + event.Id + "'"
	for _, part := range []struct {
		into       *[]*core.Record
		collection string
		list       recordList
	}{
		{&page.Shifts, collections.Shifts, recordList{filter: ofEvent, sort: "starts_at", expand: "profession"}},
		{&page.ResourceLines, collections.ResourceLines, recordList{filter: ofEvent, sort: "created"}},
		{&page.ChangeRequests, collections.ChangeRequests, recordList{filter: ofEvent, sort: "-created"}},
	} {
		part.list.perPage = eventPageListSize
		if *part.into, err = listRecords(e, part.collection, part.list); err != nil {
			return err
		}
	}
	if page.Settings, err = settingsAsListed(e); err != nil {
		return err
	}
	// The roster reuses the listed shifts unless the list was cut short.
	var shifts []*core.Record
	if len(page.Shifts) < eventPageListSize {
		shifts = page.Shifts
	}
	if page.Roster, err = loadRoster(e.App, e.Auth, event, p.now(), shifts); err != nil {
		return err
	}
	if page.Documents, err = loadDocuments(e.App, e.Auth, event, p.now()); err != nil {
		return err
	}
	if page.FileToken, err = fileToken(e); err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return writeJSON(e, http.StatusOK, page)
}

// settingsAsListed is the settings record as the page's
// getFirstListItem("") read it through the record API. While the list rule
// is the plain "a contact" rule, that is the one settings record for every
// contact: it comes from the settings cache, enriched as the API enriches
// it, instead of a whole list request (a tenth of the page's call).
func settingsAsListed(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId(collections.PortalSettings)
	if err != nil {
		return nil, err
	}
	if e.Auth == nil || e.Auth.Collection().Name != collections.Contacts || c.ListRule == nil || *c.ListRule != collections.RuleIsContact {
		settings, err := listRecords(e, collections.PortalSettings, recordList{perPage: 1})
		if err != nil || len(settings) == 0 {
			return nil, err
		}
		return settings[0], nil
	}
	s, err := portalSettings(e.App)
	if err != nil {
		return nil, err
	}
	r := s.Fresh() // enriching changes the record; the cached one is shared
	if err := apis.EnrichRecord(e, r); err != nil {
		return nil, err
	}
	return r, nil
}

// fileToken issues a file token for the signed-in record as PocketBase's
// token route does, through the same OnFileTokenRequest hooks.
func fileToken(e *core.RequestEvent) (string, error) {
	token, err := e.Auth.NewFileToken()
	if err != nil {
		return "", err
	}
	event := &core.FileTokenRequestEvent{RequestEvent: e, Token: token}
	event.Record = e.Auth
	issued := false
	err = e.App.OnFileTokenRequest().Trigger(event, func(te *core.FileTokenRequestEvent) error {
		token, issued = te.Token, true
		return nil
	})
	if err == nil && !issued {
		return "", errors.New("a file token hook stopped the token")
	}
	return token, err
}
