package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Creates events and everything hanging off them: shifts, resource lines,
// assignments, documents and change requests. Every one stores its owning
// client directly, so each access rule is one indexed comparison
// (client = @request.auth.client) instead of a chain of joins.
func init() {
	m.Register(func(app core.App) error {
		superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}
		// A client with events cannot be deleted by accident: the relation is
		// required and does not cascade.
		owner := func() *core.RelationField { return relation("client", collections.Clients, true, false) }

		events := newCollection(collections.Events,
			owner(),
			text("name", true, 200),
			text("venue", false, 200),
			text("address", false, 500),
			date("starts_at", true),
			date("ends_at", true),
			text("notes", false, 5000),
			selectOne("status", true, "to_be_confirmed", "confirmed", "declined", "cancelled", "completed"),
			// Prices reach only roles allowed to view them (spec B3); the
			// hook that shows them to those roles unhides it per request.
			&core.NumberField{Name: "estimated_price", Hidden: true, Min: types.Pointer(0.0)},
			text("currency", false, 3),
			relation("created_by", collections.Contacts, false, false),
			selectOne("source", false, "portal", "dashboard"),
			relations("tags", collections.Tags, 20),
			relation("terms_agreed_by", collections.Contacts, false, false),
			date("terms_agreed_at", false),
			text("terms_version", false, 50),
			text("decision_reason", false, 1000),
			&core.TextField{Name: "admin_notes", Max: 5000, Hidden: true},
		)
		events.AddIndex("idx_events_client_starts", false, "client, starts_at", "")
		events.AddIndex("idx_events_client_ends", false, "client, ends_at", "")
		events.AddIndex("idx_events_status_created", false, "status, created", "")

		shifts := newCollection(collections.Shifts,
			relation("event", collections.Events, true, true),
			owner(),
			relation("profession", collections.Professions, true, false),
			date("starts_at", true),
			date("ends_at", true),
			number("staff_count", true, true, 1, 500),
			text("notes", false, 2000),
			relations("required_qualifications", collections.Qualifications, 20),
		)
		shifts.AddIndex("idx_shifts_event", false, "event, starts_at", "")
		shifts.AddIndex("idx_shifts_client", false, "client", "")

		resourceLines := newCollection(collections.ResourceLines,
			relation("event", collections.Events, true, true),
			owner(),
			text("name", true, 200),
			number("quantity", true, true, 1, 1000),
		)
		resourceLines.AddIndex("idx_resource_lines_event", false, "event", "")
		resourceLines.AddIndex("idx_resource_lines_client", false, "client", "")

		assignments := newCollection(collections.Assignments,
			relation("shift", collections.Shifts, true, true),
			relation("event", collections.Events, true, true),
			owner(),
			relation("staff", collections.Staff, true, false),
			&core.BoolField{Name: "team_leader", Help: "At most one team leader per event."},
			date("starts_at", false),
			date("ends_at", false),
			&core.TextField{Name: "admin_notes", Max: 2000, Hidden: true},
		)
		assignments.AddIndex("idx_assignments_shift_staff", true, "shift, staff", "")
		assignments.AddIndex("idx_assignments_event", false, "event", "")
		assignments.AddIndex("idx_assignments_client", false, "client", "")
		assignments.AddIndex("idx_assignments_staff", false, "staff", "")
		assignments.AddIndex("idx_assignments_one_leader", true, "event", "team_leader = TRUE")

		documents := newCollection(collections.EventDocuments,
			relation("event", collections.Events, true, true),
			owner(),
			text("title", true, 200),
			protectedFile("file", 50, 1, nil),
			&core.BoolField{Name: "visible_to_client", Help: "Agency documents are downloadable by the client only when ticked."},
			relation("uploaded_by", collections.Contacts, false, false),
			&core.RelationField{Name: "uploaded_by_admin", CollectionId: superusers.Id, MaxSelect: 1},
		)
		documents.AddIndex("idx_event_documents_event", false, "event, created", "")
		documents.AddIndex("idx_event_documents_client", false, "client", "")

		changeRequests := newCollection(collections.ChangeRequests,
			relation("event", collections.Events, true, true),
			owner(),
			relation("requested_by", collections.Contacts, false, false),
			selectOne("kind", true, "change", "cancellation"),
			&core.JSONField{Name: "proposed", MaxSize: 20000, Help: "Proposed new values, by event field name."},
			text("reason", false, 2000),
			&core.NumberField{Name: "estimated_price", Hidden: true, Min: types.Pointer(0.0)},
			selectOne("status", true, "pending", "approved", "declined", "withdrawn"),
			text("decision_reason", false, 1000),
			&core.RelationField{Name: "decided_by", CollectionId: superusers.Id, MaxSelect: 1},
			date("decided_at", false),
		)
		changeRequests.AddIndex("idx_change_requests_event", false, "event, created", "")
		changeRequests.AddIndex("idx_change_requests_client", false, "client", "")
		changeRequests.AddIndex("idx_change_requests_status", false, "status, created", "")
		// At most one pending request per event (spec C3), guaranteed by SQLite.
		changeRequests.AddIndex("idx_change_requests_one_pending", true, "event", "status = 'pending'")

		if err := saveAll(app, events, shifts, resourceLines, assignments, documents, changeRequests); err != nil {
			return err
		}

		// A self-relation can only point at a collection that already exists.
		events.Fields.Add(relation("rebooked_from", collections.Events, false, false))
		return app.Save(events)
	}, func(app core.App) error {
		return deleteAll(app, collections.Events, collections.Shifts, collections.ResourceLines,
			collections.Assignments, collections.EventDocuments, collections.ChangeRequests)
	})
}
