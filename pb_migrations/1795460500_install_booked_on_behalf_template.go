package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Installs the email a contact gets when an admin, signed in as them (spec
// A7), books an event for them: it says the agency booked it on their
// behalf instead of thanking them for a booking they did not make.
func init() {
	m.Register(func(app core.App) error {
		return installTemplates(app, notificationTemplate{
			kind: "booked_on_behalf", audience: "client_contacts",
			description: "Tells the contact the agency booked an event on their behalf.",
			subject:     "{agency_name} booked {event_name} for you",
			body: "Hello {recipient_name},\n\n{agency_name} booked {event_name} ({event_dates}, {event_venue}) " +
				"on your behalf in the client portal. We will confirm it shortly; if anything is wrong, reply to this email.\n\n" +
				"Follow it here: {event_url}",
		})
	}, func(app core.App) error {
		return removeTemplates(app, "booked_on_behalf")
	})
}
