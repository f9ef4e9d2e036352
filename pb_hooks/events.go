package pb_hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

func (p *plugin) bindEventHooks() {
	p.app.OnRecordCreate(collections.Events).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "events.defaultStatus",
		Func: defaultEventStatus,
	})
}

// defaultEventStatus gives a new event the "to be confirmed" status when none
// was set: PocketBase fields have no schema defaults, and this model hook
// covers the API, the dashboard and Go code alike.
func defaultEventStatus(e *core.RecordEvent) error {
	event := collections.Wrap[collections.Event](e.Record)
	if event.Status() == "" {
		event.SetStatus(collections.EventToBeConfirmed)
	}
	return e.Next()
}
