package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Installs the default text of every notification (spec N1, N2). Admins edit
// them in the dashboard; the placeholders each kind may use are listed in
// pb_hooks/notifications.go and checked when a template is saved.
func init() {
	const admins, contacts = "group_admins", "client_contacts"
	defaults := []notificationTemplate{
		{"contact_details_changed", admins, "A contact changed their own details.",
			"{client_name}: {contact_name} updated their details",
			"{contact_name} of {client_name} changed their details in the client portal:\n\n{changes}\n\nThe change is already saved; nothing needs doing unless it looks wrong."},
		{"company_details_changed", admins, "A contact changed the company details.",
			"{client_name}: company details updated by {contact_name}",
			"{contact_name} changed the company details of {client_name}:\n\n{changes}\n\nThe change is already saved; check billing records if needed."},
		{"event_booked", admins, "A client booked a new event.",
			"New booking to confirm: {event_name} ({client_name})",
			"{contact_name} of {client_name} booked {event_name}.\n\nWhen: {event_dates}\nWhere: {event_venue}\n\nIt waits in the dashboard's To confirm list."},
		{"change_requested", admins, "A client requested a change or a cancellation.",
			"Change requested: {event_name} ({client_name})",
			"{contact_name} of {client_name} asked to change {event_name} ({event_dates}):\n\n{changes}\n\nReason: {reason}\n\nDecide it in the dashboard's To approve list."},
		{"change_withdrawn", admins, "A client withdrew a pending change request.",
			"Change request withdrawn: {event_name} ({client_name})",
			"{contact_name} of {client_name} withdrew their pending change request for {event_name} ({event_dates}). Nothing needs doing."},
		{"document_uploaded", admins, "A client uploaded a document to an event.",
			"New document for {event_name} ({client_name})",
			"{contact_name} of {client_name} uploaded \"{document_title}\" to {event_name} ({event_dates})."},
		{"activation", contacts, "Invites a contact to the portal (activation link).",
			"Your {agency_name} client portal access",
			"Hello {recipient_name},\n\n{agency_name} has given you access to the client portal of {client_name}. Choose your password here:\n\n{action_url}\n\nThe link works once and expires on {link_expires}."},
		{"booking_received", contacts, "Confirms to the contact that their booking arrived.",
			"We received your booking: {event_name}",
			"Hello {recipient_name},\n\nThank you for booking {event_name} ({event_dates}, {event_venue}). We will confirm it shortly.\n\nFollow it here: {event_url}"},
		{"event_confirmed", contacts, "Tells the contact their event is confirmed.",
			"Confirmed: {event_name}",
			"Hello {recipient_name},\n\n{event_name} ({event_dates}, {event_venue}) is confirmed.\n\nSee the details and, closer to the day, your team: {event_url}"},
		{"event_declined", contacts, "Tells the contact their booking was declined.",
			"We cannot staff {event_name}",
			"Hello {recipient_name},\n\nUnfortunately we cannot take on {event_name} ({event_dates}).\n\nReason: {reason}\n\nReply to this email or call us to find another way."},
		{"change_approved", contacts, "Tells the contact their change request was approved.",
			"Change approved: {event_name}",
			"Hello {recipient_name},\n\nYour requested change to {event_name} is approved and applied:\n\n{changes}\n\n{event_url}"},
		{"change_declined", contacts, "Tells the contact their change request was declined.",
			"Change declined: {event_name}",
			"Hello {recipient_name},\n\nWe could not apply your requested change to {event_name} ({event_dates}).\n\nReason: {reason}\n\nThe event stays as it was: {event_url}"},
		{"invoice_issued", contacts, "Sends a new invoice to contacts who may view invoices.",
			"Invoice {invoice_number} from {agency_name}",
			"Hello {recipient_name},\n\nInvoice {invoice_number} for {invoice_total} is issued to {client_name}, due on {invoice_due}.\n\nDownload it in the portal: {invoice_url}"},
		{"password_reset", contacts, "Lets a contact choose a new password.",
			"Reset your {agency_name} portal password",
			"Hello {recipient_name},\n\nSomeone asked to reset your client portal password. If it was you, choose a new one here:\n\n{action_url}\n\nThe link expires on {link_expires}. If it was not you, ignore this email."},
	}

	m.Register(func(app core.App) error {
		return installTemplates(app, defaults...)
	}, func(app core.App) error {
		_, err := app.DB().NewQuery("DELETE FROM " + collections.NotificationTemplates).Execute()
		return err
	})
}
