// Package collections is the Go source of truth for Crewportal's data model:
// collection names, field names, enumerated values and typed record wrappers.
//
// Hooks and routes use these names instead of loose strings, so a renamed field
// is a compile error rather than a silent bug. The schema itself is created by
// the frozen migrations in pb_migrations; schema_test.go checks that every field
// the wrappers use exists there.
package collections

// Collection names. One concept, one name: the same word is used for the
// collection, its Go wrapper, the hook file that guards it and the portal page.
const (
	Groups                = "groups"
	PortalSettings        = "portal_settings"
	Professions           = "professions"
	PriceLists            = "price_lists"
	Rates                 = "rates"
	Clients               = "clients"
	Roles                 = "roles"
	Contacts              = "contacts"
	Skills                = "skills"
	Qualifications        = "qualifications"
	Staff                 = "staff"
	StaffQualifications   = "staff_qualifications"
	StaffVehicles         = "staff_vehicles"
	Tags                  = "tags"
	Events                = "events"
	Shifts                = "shifts"
	ResourceLines         = "resource_lines"
	Assignments           = "assignments"
	EventDocuments        = "event_documents"
	ChangeRequests        = "change_requests"
	Invoices              = "invoices"
	InvoiceLines          = "invoice_lines"
	Payments              = "payments"
	NotificationTemplates = "notification_templates"
	MailOutbox            = "mail_outbox"
	MailWorker            = "mail_worker"
	CMSPages              = "cms_pages"
	ClientSnippets        = "client_snippets"
	AuditLog              = "audit_log"
	// IdempotencyKeys remembers the first answer to a retried portal request.
	IdempotencyKeys = "idempotency_keys"

	// EventsToConfirm is the admins' read-only "To confirm" list (a view).
	EventsToConfirm = "events_to_confirm"
	// ChangeRequestsToApprove is the admins' "To approve" list (a view).
	ChangeRequestsToApprove = "change_requests_to_approve"
)

// All lists every Crewportal collection in dependency order (a collection
// comes after every collection it relates to). Tests iterate it so that a new
// collection cannot be forgotten by the schema and access checks.
var All = []string{
	Groups, PortalSettings, Professions, PriceLists, Rates, Clients, Roles, Contacts,
	Skills, Qualifications, Staff, StaffQualifications, StaffVehicles, Tags,
	Events, Shifts, ResourceLines, Assignments, EventDocuments, ChangeRequests,
	Invoices, InvoiceLines, Payments, NotificationTemplates, MailOutbox, MailWorker,
	CMSPages, ClientSnippets, AuditLog, IdempotencyKeys, EventsToConfirm, ChangeRequestsToApprove,
}

// ID returns the explicit, stable collection id used for a collection name.
// Relation fields must reference ids, not names, so every collection gets a
// predictable one instead of PocketBase's hash-derived default.
func ID(name string) string {
	return "pbc_" + name
}
