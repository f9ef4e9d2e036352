package pb_hooks_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

func findContact(t *testing.T, app core.App, email string) *core.Record {
	t.Helper()
	r, err := app.FindAuthRecordByEmail(collections.Contacts, email)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func dbxClient(id string) dbx.Expression {
	return dbx.HashExp{collections.FieldClient: id}
}

// fillEmptyCollections adds one record to each collection the demo agency
// leaves empty, so access tests see every collection with data in it.
func fillEmptyCollections(t *testing.T, app core.App) {
	t.Helper()
	event, err := app.FindFirstRecordByData(collections.Events, collections.FieldName, "Annual partner gala")
	if err != nil {
		t.Fatal(err)
	}
	fill := map[string]map[string]any{
		collections.ChangeRequests: {"event": event.Id, "kind": "change", "status": "pending",
			"proposed": map[string]any{"name": "Partner gala 2026"}},
		collections.NotificationTemplates: {"kind": "booking_received", "audience": "client_contacts",
			"enabled": true, "subject": "We received {event_name}", "body": "Thank you."},
		collections.MailOutbox: {"to": "a@example.test", "subject": "Hi", "status": "sent"},
		collections.MailWorker: {"state": "running", "queued": 1},
		collections.AuditLog:   {"actor_type": "system", "action": "test"},
	}
	if contact, err := app.FindFirstRecordByFilter(collections.Contacts, ""); err == nil {
		fill[collections.IdempotencyKeys] = map[string]any{"contact": contact.Id, "scope": "POST /api/portal/bookings",
			"key": "submission-key", "request_hash": "0", "status": 200, "response": map[string]any{}}
	}
	for name, values := range fill {
		if n, _ := app.CountRecords(name); n == 0 {
			portaltest.Create(t, app, name, values)
		}
	}
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func toJSON(v any) string {
	s, _ := jsonString(v)
	return s
}

// errFailedOnPurpose makes a hook fail in tests of all-or-nothing writes.
var errFailedOnPurpose = errors.New("failed on purpose")
