package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Installs the template of the email that confirms a contact's new address
// (spec A5: email change with re-verification).
func init() {
	m.Register(func(app core.App) error {
		return installTemplates(app, notificationTemplate{
			kind: "email_change", audience: "client_contacts",
			description: "Asks a contact to confirm the new email address they chose.",
			subject:     "Confirm your new email address for the {agency_name} portal",
			body: "Hello {recipient_name},\n\nYou asked to use {new_email} for the {agency_name} client portal. " +
				"Confirm it here:\n\n{action_url}\n\nThe link expires on {link_expires}. Until then your old address keeps working.",
		})
	}, func(app core.App) error {
		return removeTemplates(app, "email_change")
	})
}
