package pb_hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

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

// contactWrite is the audit entry of a contact's write: who (the contact,
// and the admin when one acts as the contact, spec A7) and what.
func contactWrite(e *core.RequestEvent, action string, record *core.Record, details map[string]any) auditEntry {
	return auditEntry{
		actorType: "contact", actorID: e.Auth.Id, actorName: e.Auth.GetString(collections.FieldName),
		impersonatedBy: impersonatorID(e), action: action, collection: record.Collection().Name,
		recordID: record.Id, ip: e.RealIP(), details: details,
	}
}

// auditPortalWrite records a write a contact made through a portal route,
// through tx, the transaction of the write itself: a write that rolls back
// leaves no entry, and an entry that cannot be written rolls the write back.
// The summary says in a few words what was written.
func auditPortalWrite(tx core.App, e *core.RequestEvent, action string, record *core.Record, summary []string) error {
	return writeAudit(tx, contactWrite(e, action, record, map[string]any{
		"route": e.Request.Method + " " + e.Request.URL.Path, "summary": summary,
	}))
}

// bindAudit records every record a contact creates, changes or deletes
// through the record API, with the admin's identity when an admin acts as
// the contact (spec A7). It runs first and wraps the rest of the request in
// one transaction with the entry, so it sees the final outcome and the entry
// exists if and only if the write does. Portal routes audit their own writes
// with auditPortalWrite.
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
		return withTransaction(&e.App, e.Next, func(tx core.App) error {
			return writeAudit(tx, contactWrite(e.RequestEvent, action, e.Record, map[string]any{"fields": changed}))
		})
	}
}
