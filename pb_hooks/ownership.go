package pb_hooks

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

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
// always derived from the parent, whatever the dashboard or API sent, and
// follows the parent when it moves (moveChildrenWithParent), so the copy
// never disagrees with the record it was copied from.
var ownerSources = map[string]ownerSource{
	collections.Shifts:         {collections.FieldEvent, collections.Events, nil},
	collections.ResourceLines:  {collections.FieldEvent, collections.Events, nil},
	collections.EventDocuments: {collections.FieldEvent, collections.Events, nil},
	collections.ChangeRequests: {collections.FieldEvent, collections.Events, nil},
	collections.Assignments:    {collections.FieldShift, collections.Shifts, []string{collections.FieldEvent}},
	collections.InvoiceLines:   {collections.FieldInvoice, collections.Invoices, nil},
	collections.Payments:       {collections.FieldInvoice, collections.Invoices, nil},
}

// ownerFollowers lists, for each parent, the child collections whose copied
// owner must follow when the parent moves (to another client, or a shift to
// another event): the children named in ownerSources, plus assignments,
// which also store their event directly.
func ownerFollowers(parent string) []struct{ collection, field string } {
	var out []struct{ collection, field string }
	for child, src := range ownerSources {
		if src.parentCollection == parent {
			out = append(out, struct{ collection, field string }{child, src.parentField})
		}
	}
	if parent == collections.Events {
		out = append(out, struct{ collection, field string }{collections.Assignments, collections.FieldEvent})
	}
	return out
}

func (p *plugin) bindOwnershipHooks() {
	p.app.OnRecordUpdate(collections.Events, collections.Shifts, collections.Invoices).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "ownership.follow",
		Func: moveChildrenWithParent,
	})
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
	// Only the copied columns: a whole record costs PocketBase a dozen field
	// values to build, for every shift a booking creates.
	copied := append([]string{collections.FieldClient}, src.copies...)
	parent := dbx.NullStringMap{}
	err := e.App.DB().Select(copied...).From(src.parentCollection).
		Where(dbx.HashExp{collections.FieldID: parentID}).Limit(1).One(&parent)
	if errors.Is(err, sql.ErrNoRows) {
		return validation.Errors{src.parentField: validation.NewError("validation_missing_parent",
			fmt.Sprintf("No %s with this id exists.", src.parentField))}
	}
	if err != nil {
		return fmt.Errorf("read the %s of %s %s: %w", src.parentField, e.Record.Collection().Name, e.Record.Id, err)
	}
	for _, f := range copied {
		e.Record.Set(f, parent[f].String)
	}
	return e.Next()
}

// moveChildrenWithParent keeps the children's copied owner equal to their
// parent's when the parent's client (or a shift's event) changes, in the
// same transaction as the parent's save.
func moveChildrenWithParent(e *core.RecordEvent) error {
	old := stored(e.App, e.Record)
	changed := false
	for _, f := range []string{collections.FieldClient, collections.FieldEvent} {
		changed = changed || old.GetString(f) != e.Record.GetString(f)
	}
	if !changed {
		return e.Next()
	}
	return withTransaction(&e.App, e.Next, func(tx core.App) error {
		for _, follower := range ownerFollowers(e.Record.Collection().Name) {
			set := dbx.Params{collections.FieldClient: e.Record.GetString(collections.FieldClient),
				collections.FieldUpdated: types.NowDateTime().String()}
			for _, f := range ownerSources[follower.collection].copies {
				if ownerSources[follower.collection].parentCollection == e.Record.Collection().Name {
					set[f] = e.Record.GetString(f)
				}
			}
			if _, err := tx.NonconcurrentDB().Update(follower.collection, set,
				dbx.HashExp{follower.field: e.Record.Id}).Execute(); err != nil {
				return fmt.Errorf("move %s with %s %s: %w", follower.collection, e.Record.Collection().Name, e.Record.Id, err)
			}
		}
		return nil
	})
}

// stored returns the record as it is in the database, to compare a pending
// save with. Record.Original only knows a record loaded from the database:
// one created in memory and saved keeps an empty original, so it is read
// back then. New records have no stored version: an empty one is returned.
func stored(app core.App, r *core.Record) *core.Record {
	if r.IsNew() || r.Original().Id != "" {
		return r.Original()
	}
	if fresh, err := app.FindRecordById(r.Collection(), r.Id); err == nil {
		return fresh
	}
	return r.Original()
}
