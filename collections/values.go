package collections

// EventStatus is the life-cycle state of an event (spec B7).
type EventStatus string

// Event statuses. New portal bookings start as EventToBeConfirmed.
const (
	EventToBeConfirmed EventStatus = "to_be_confirmed"
	EventConfirmed     EventStatus = "confirmed"
	EventDeclined      EventStatus = "declined"
	EventCancelled     EventStatus = "cancelled"
	EventCompleted     EventStatus = "completed"
)

// EventStatuses lists every event status in life-cycle order.
var EventStatuses = []EventStatus{EventToBeConfirmed, EventConfirmed, EventDeclined, EventCancelled, EventCompleted}

// eventStatusLabels are the words clients read for each status: the portal
// pages (served by /api/portal/metadata), the CSV export and the emails.
var eventStatusLabels = map[EventStatus]string{
	EventToBeConfirmed: "To be confirmed",
	EventConfirmed:     "Confirmed",
	EventDeclined:      "Declined",
	EventCancelled:     "Cancelled",
	EventCompleted:     "Completed",
}

// EventStatusLabel is how people read the status, e.g. "To be confirmed"; an
// unknown value is shown as it is.
func EventStatusLabel(s EventStatus) string {
	if label, ok := eventStatusLabels[s]; ok {
		return label
	}
	return string(s)
}

// ContactStatus is the portal access state of a contact (spec A2).
type ContactStatus string

// Contact statuses, in the order an admin moves a contact through them.
const (
	ContactNoAccess ContactStatus = "no_access"
	ContactInvited  ContactStatus = "invited"
	ContactActive   ContactStatus = "active"
	ContactDisabled ContactStatus = "disabled"
)

// InvoiceStatus is the payment state of an invoice (spec F1).
type InvoiceStatus string

// Invoice statuses. Drafts never reach clients.
const (
	InvoiceDraft      InvoiceStatus = "draft"
	InvoiceIssued     InvoiceStatus = "issued"
	InvoicePartlyPaid InvoiceStatus = "partly_paid"
	InvoicePaid       InvoiceStatus = "paid"
	InvoiceOverdue    InvoiceStatus = "overdue"
	InvoiceVoid       InvoiceStatus = "void"
)

// ClientInvoiceStatuses are the statuses a client sees, in the order the
// Finance page offers them; drafts never reach clients.
var ClientInvoiceStatuses = []InvoiceStatus{InvoiceIssued, InvoicePartlyPaid, InvoiceOverdue, InvoicePaid, InvoiceVoid}

// invoiceStatusLabels are the words clients read for each invoice status.
var invoiceStatusLabels = map[InvoiceStatus]string{
	InvoiceDraft: "Draft", InvoiceIssued: "Issued", InvoicePartlyPaid: "Partly paid",
	InvoicePaid: "Paid", InvoiceOverdue: "Overdue", InvoiceVoid: "Void",
}

// InvoiceStatusLabel is how people read the status, e.g. "Partly paid"; an
// unknown value is shown as it is.
func InvoiceStatusLabel(s InvoiceStatus) string {
	if label, ok := invoiceStatusLabels[s]; ok {
		return label
	}
	return string(s)
}

// InvoiceStatusOpen reports whether an invoice in this status still has
// money to come: issued, partly paid or overdue.
func InvoiceStatusOpen(s InvoiceStatus) bool {
	return s == InvoiceIssued || s == InvoicePartlyPaid || s == InvoiceOverdue
}

// Permission is one right a role grants to its contacts (spec A4).
type Permission string

// The permissions a role can grant. Every contact sees all events of its
// client; these decide what else a contact may see and do.
const (
	PermBookEvents         Permission = "book_events"
	PermRequestChanges     Permission = "request_changes"
	PermViewRoster         Permission = "view_roster"
	PermViewStaffDocuments Permission = "view_staff_documents"
	PermUploadDocuments    Permission = "upload_documents"
	PermViewPrices         Permission = "view_prices"
	PermViewInvoices       Permission = "view_invoices"
	PermDownloadInvoices   Permission = "download_invoices"
	PermEditCompany        Permission = "edit_company"
	PermManageContacts     Permission = "manage_contacts"
)

// Permissions lists every permission in the order the dashboard shows them.
var Permissions = []Permission{
	PermBookEvents, PermRequestChanges, PermViewRoster, PermViewStaffDocuments,
	PermUploadDocuments, PermViewPrices, PermViewInvoices, PermDownloadInvoices,
	PermEditCompany, PermManageContacts,
}

// OutboxStatus is the delivery state of an email in the outbox (spec N4).
type OutboxStatus string

// Outbox statuses: queued → sending → sent, or back to queued with a later
// attempt time after a failure, or failed after the last attempt.
const (
	OutboxQueued  OutboxStatus = "queued"
	OutboxSending OutboxStatus = "sending"
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed"
)

// MailWorkerState is what the outbox worker is doing, as admins see it in
// the mail_worker collection.
type MailWorkerState string

// Worker states: running sends at full speed; paused waits for the mail
// server to answer a probe; stopped is a worker whose server shut down.
const (
	MailWorkerRunning MailWorkerState = "running"
	MailWorkerPaused  MailWorkerState = "paused"
	MailWorkerStopped MailWorkerState = "stopped"
)

// Audience says who receives a notification.
type Audience string

// Notification audiences.
const (
	AudienceGroupAdmins    Audience = "group_admins"
	AudienceClientContacts Audience = "client_contacts"
)
