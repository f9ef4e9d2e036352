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
}

// nameColleagues returns a shaping that sets nameField to the name of the
// contact in the relation field, when that contact belongs to the record's
// own client (one query per request).
func nameColleagues(field, nameField string) func(*core.RequestEvent, ...*core.Record) {
	return func(e *core.RequestEvent, records ...*core.Record) {
		var ids []any
		for _, r := range records {
			if id := r.GetString(field); id != "" {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return
		}
		var contacts []*core.Record
		if err := e.App.RecordQuery(collections.Contacts).AndWhere(dbx.In("id", ids...)).All(&contacts); err != nil {
			e.App.Logger().Warn("Could not name who asked", "error", err)
			return
		}
		byID := make(map[string]*core.Record, len(contacts))
		for _, c := range contacts {
			byID[c.Id] = c
		}
		for _, r := range records {
			c := byID[r.GetString(field)]
			if c == nil || c.GetString(collections.FieldClient) != r.GetString(collections.FieldClient) {
				continue
			}
			r.WithCustomData(true)
			r.Set(nameField, c.GetString(collections.FieldName))
		}
	}
}
