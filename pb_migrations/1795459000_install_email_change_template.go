package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Installs the template of the email that confirms a contact's new address
// (spec A5: email change with re-verification).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.NotificationTemplates)
		if err != nil {
			return err
		}
		r := core.NewRecord(c)
		r.Load(map[string]any{
			"kind": "email_change", "audience": "client_contacts", "enabled": true,
			"description": "Asks a contact to confirm the new email address they chose.",
			"subject":     "Confirm your new email address for the {agency_name} portal",
			"body": "Hello {recipient_name},\n\nYou asked to use {new_email} for the {agency_name} client portal. " +
				"Confirm it here:\n\n{action_url}\n\nThe link expires on {link_expires}. Until then your old address keeps working.",
		})
		return app.Save(r)
	}, func(app core.App) error {
		r, err := app.FindFirstRecordByData(collections.NotificationTemplates, "kind", "email_change")
		if err != nil {
			return nil
		}
		return app.Delete(r)
	})
}
