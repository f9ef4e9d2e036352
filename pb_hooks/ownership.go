package pb_hooks

import (
	"fmt"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// ownerSource names the relation through which a client-owned record gets its
// owning client, and the extra fields it copies from that parent.
type ownerSource struct {
	parentField      string
	parentCollection string
	copies           []string
}

// ownerSources lists every record type that stores its owning client
// denormalised (so its access rule is one indexed comparison). The client is
// always derived from the parent, whatever the dashboard or API sent, so the
// copy can never disagree with the record it was copied from.
var ownerSources = map[string]ownerSource{
	collections.Shifts:         {collections.FieldEvent, collections.Events, nil},
	collections.ResourceLines:  {collections.FieldEvent, collections.Events, nil},
	collections.EventDocuments: {collections.FieldEvent, collections.Events, nil},
	collections.ChangeRequests: {collections.FieldEvent, collections.Events, nil},
	collections.Assignments:    {collections.FieldShift, collections.Shifts, []string{collections.FieldEvent}},
	collections.InvoiceLines:   {collections.FieldInvoice, collections.Invoices, nil},
	collections.Payments:       {collections.FieldInvoice, collections.Invoices, nil},
}

func (p *plugin) bindOwnershipHooks() {
	tags := make([]string, 0, len(ownerSources))
	for name := range ownerSources {
		tags = append(tags, name)
	}
	p.app.OnRecordCreate(tags...).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "ownership.create",
		Func: copyOwner,
	})
	p.app.OnRecordUpdate(tags...).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "ownership.update",
		Func: copyOwner,
	})
}

// copyOwner sets the record's client (and the other copied fields) from its
// parent record before validation runs.
func copyOwner(e *core.RecordEvent) error {
	src := ownerSources[e.Record.Collection().Name]
	parentID := e.Record.GetString(src.parentField)
	if parentID == "" {
		return e.Next() // the required-field validation reports it
	}
	parent, err := e.App.FindRecordById(src.parentCollection, parentID)
	if err != nil {
		return validation.Errors{src.parentField: validation.NewError("validation_missing_parent",
			fmt.Sprintf("No %s with this id exists.", src.parentCollection))}
	}
	e.Record.Set(collections.FieldClient, parent.GetString(collections.FieldClient))
	for _, f := range src.copies {
		e.Record.Set(f, parent.GetString(f))
	}
	return e.Next()
}
