package pb_hooks

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// The stored `atomic` flag of events (spec C1: every shift the same
// profession, start and end) is kept true by the shift hooks, in the same
// transaction as the shift's change, so event lists read one column instead
// of grouping the shifts of every listed event. A saved event recomputes its
// own flag, so a value typed into the dashboard never sticks.

// atomicOfEvents is the SQL of an event's flag, from its shifts.
const atomicOfEvents = `(SELECT COUNT(DISTINCT [[s.profession]] || '|' || [[s.starts_at]] || '|' || [[s.ends_at]]) = 1
	FROM {{shifts}} s WHERE [[s.event]] = [[events.id]])`

func (p *plugin) bindEventShapeHooks() {
	p.app.OnRecordCreate(collections.Events).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "eventShape.event", Func: computeEventAtomic,
	})
	p.app.OnRecordUpdate(collections.Events).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "eventShape.event", Func: computeEventAtomic,
	})
	for _, bind := range []func(...string) *hook.TaggedHook[*core.RecordEvent]{
		p.app.OnRecordCreate, p.app.OnRecordUpdate, p.app.OnRecordDelete,
	} {
		bind(collections.Shifts).Bind(&hook.Handler[*core.RecordEvent]{
			Id: HookIDPrefix + "eventShape.shifts", Func: storeAtomicAfterShiftChange,
		})
	}
}

// computeEventAtomic sets a saved event's flag from its stored shifts.
func computeEventAtomic(e *core.RecordEvent) error {
	if e.Record.IsNew() {
		e.Record.Set(FieldAtomic, false) // no shifts yet: the first one sets it
		return e.Next()
	}
	var atomic bool
	err := e.App.DB().Select(atomicOfEvents + " AS atomic").From(collections.Events).
		Where(dbx.HashExp{"id": e.Record.Id}).Row(&atomic)
	if err != nil {
		return err
	}
	e.Record.Set(FieldAtomic, atomic)
	return e.Next()
}

// storeAtomicAfterShiftChange recomputes the flag of the shift's event (and
// of the event it left, when it moved) once the change is written.
func storeAtomicAfterShiftChange(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	events := []any{e.Record.GetString(collections.FieldEvent)}
	if old := e.Record.Original().GetString(collections.FieldEvent); old != "" && old != events[0] {
		events = append(events, old)
	}
	_, err := e.App.DB().NewQuery("UPDATE {{events}} SET [[atomic]] = " + atomicOfEvents + " WHERE " +
		"[[id]] IN ({:a}, {:b})").Bind(dbx.Params{"a": events[0], "b": events[len(events)-1]}).Execute()
	return err
}
