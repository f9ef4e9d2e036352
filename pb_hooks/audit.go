package pb_hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/spf13/cast"

	"github.com/crewportal/crewportal/collections"
)

// auditEntry is one line of the audit log.
type auditEntry struct {
	actorType, actorID, actorName, impersonatedBy string
	action, collection, recordID, ip              string
	details                                       map[string]any
}

func writeAudit(app core.App, a auditEntry) error {
	_, err := createRecord(app, collections.AuditLog, map[string]any{
		collections.FieldActorType: a.actorType, collections.FieldActorID: a.actorID,
		collections.FieldActorName: a.actorName, collections.FieldImpersonatedBy: a.impersonatedBy,
		collections.FieldAction: a.action, collections.FieldCollection: a.collection,
		collections.FieldRecordID: a.recordID, collections.FieldIP: a.ip, collections.FieldDetails: a.details,
	})
	return err
}

// bindAudit records every record a contact creates, changes or deletes
// through the API, with the admin's identity when an admin acts as the
// contact (spec A7). It runs first, so it sees the final outcome.
func (p *plugin) bindAudit() {
	for _, h := range []struct {
		action string
		bind   func(*hook.Handler[*core.RecordRequestEvent]) string
	}{
		{"create", p.app.OnRecordCreateRequest().Bind},
		{"update", p.app.OnRecordUpdateRequest().Bind},
		{"delete", p.app.OnRecordDeleteRequest().Bind},
	} {
		h.bind(&hook.Handler[*core.RecordRequestEvent]{
			Id:       HookIDPrefix + "audit." + h.action,
			Func:     auditContactWrite(h.action),
			Priority: -100,
		})
	}
}

func auditContactWrite(action string) func(*core.RecordRequestEvent) error {
	return func(e *core.RecordRequestEvent) error {
		if !isContactAuth(e) || e.Record.Collection().Name == collections.AuditLog {
			return e.Next()
		}
		var changed []string
		if info, err := e.RequestInfo(); err == nil {
			for k := range info.Body {
				if k != core.FieldNamePassword && k != collections.FieldPasswordConfirm && k != collections.FieldOldPassword {
					changed = append(changed, k)
				}
			}
		}
		if err := e.Next(); err != nil {
			return err
		}
		return writeAudit(e.App, auditEntry{
			actorType: "contact", actorID: e.Auth.Id, actorName: e.Auth.GetString(collections.FieldName),
			impersonatedBy: cast.ToString(e.Get(impersonatorKey)),
			action:         action, collection: e.Record.Collection().Name, recordID: e.Record.Id, ip: e.RealIP(),
			details: map[string]any{"fields": changed},
		})
	}
}
