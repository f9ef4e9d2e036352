package pb_hooks

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// FieldRequestedByName and FieldCreatedByName carry, on a contact's copy of a
// change request or an event, the name of the colleague who asked for it, so
// the portal can say "Requested by Sam Patel" to every role: only contact
// managers may read their colleagues' records, and a name is all it needs.
const (
	FieldRequestedByName = "requested_by_name"
	FieldCreatedByName   = "created_by_name"
)

func (p *plugin) bindNameHooks() {
	p.bindShaping(collections.ChangeRequests, "names.requestedBy", nameColleagues(collections.FieldRequestedBy, FieldRequestedByName))
	p.bindShaping(collections.Events, "names.createdBy", nameColleagues(collections.FieldCreatedBy, FieldCreatedByName))
	p.forgetOnChange(func(app core.App) changeAware { return colleagueNamesOf(app) }, collections.Contacts)
}

// nameColleagues returns a shaping that sets nameField to the name of the
// contact in the relation field, when that contact belongs to the record's
// own client. The names come from a cache of each client's contacts
// (colleagueNames): looking them up was a twelfth of a contact's event list.
func nameColleagues(field, nameField string) func(*core.RequestEvent, ...*core.Record) {
	return func(e *core.RequestEvent, records ...*core.Record) {
		for _, r := range records {
			id := r.GetString(field)
			if id == "" {
				continue
			}
			names, err := colleagueNames(e.App, r.GetString(collections.FieldClient))
			if err != nil {
				e.App.Logger().Warn("Could not name a colleague", "error", err)
				return
			}
			if name, ok := names[id]; ok {
				// Not a field: SetRaw, as Set would after looking for a
				// field of that name through every field's modifiers.
				r.WithCustomData(true)
				r.SetRaw(nameField, name)
			}
		}
	}
}

// colleagueNamesOf is the cache of each client's contacts' names, by client
// (filled as clients are asked for), forgotten when any contact changes.
func colleagueNamesOf(app core.App) *storeCache[*keyedValues] {
	return cacheOf[*keyedValues](app, "colleagueNames")
}

// colleagueNames returns the names of the client's contacts by id.
func colleagueNames(app core.App, clientID string) (map[string]string, error) {
	return keyedValue(app, colleagueNamesOf(app), clientID, func(app core.App) (map[string]string, error) {
		var rows []struct {
			ID   string `db:"id"`
			Name string `db:"name"`
		}
		// By idx_contacts_client; only the two columns it needs.
		if err := app.DB().Select("id", collections.FieldName).From(collections.Contacts).
			Where(dbx.HashExp{collections.FieldClient: clientID}).All(&rows); err != nil {
			return nil, err
		}
		names := make(map[string]string, len(rows))
		for _, row := range rows {
			names[row.ID] = row.Name
		}
		return names, nil
	})
}
