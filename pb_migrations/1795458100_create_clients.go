package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Creates the client companies, the roles that carry portal permissions and
// the contacts auth collection (the people who sign in to the portal).
func init() {
	m.Register(func(app core.App) error {
		clients := newCollection(collections.Clients,
			text("name", true, 200),
			relation("group", collections.Groups, false, false),
			&core.BoolField{Name: "portal_enabled", Help: "Contacts of a client with the portal off cannot sign in."},
			relation("default_price_list", collections.PriceLists, false, false),
			text("phone", false, 50),
			text("address", false, 300),
			text("city", false, 100),
			text("postcode", false, 20),
			text("country", false, 100),
			email("billing_email", false),
			text("billing_address", false, 500),
			text("vat_id", false, 50),
			&core.TextField{Name: "admin_notes", Max: 5000, Hidden: true},
		)
		clients.AddIndex("idx_clients_name", false, "name", "")
		clients.AddIndex("idx_clients_group", false, `"group"`, "")

		roles := newCollection(collections.Roles,
			text("name", true, 60),
			&core.RelationField{Name: "client", CollectionId: collections.ID(collections.Clients),
				MaxSelect: 1, CascadeDelete: true, Help: "Empty for a role shared by every client."},
			&core.SelectField{Name: "permissions", MaxSelect: 10, Values: []string{
				"book_events", "request_changes", "view_roster", "view_staff_documents",
				"upload_documents", "view_prices", "view_invoices", "download_invoices",
				"edit_company", "manage_contacts",
			}},
		)
		roles.AddIndex("idx_roles_client_name", true, "client, name", "")

		contacts := core.NewAuthCollection(collections.Contacts, collections.ID(collections.Contacts))
		contacts.Fields.Add(
			text("name", true, 120),
			text("phone", false, 50),
			text("job_title", false, 100),
			protectedFile("photo", imageMaxMB, 1, imageTypes, "100x100", "300x300"),
			relation("client", collections.Clients, true, true),
			relation("role", collections.Roles, false, false),
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1,
				Values: []string{"no_access", "invited", "active", "disabled"},
				Help:   "no_access → invited → active; disabled contacts cannot sign in."},
		)
		addTimestamps(contacts)
		contacts.AddIndex("idx_contacts_client", false, "client, status", "")
		contacts.AddIndex("idx_contacts_role", false, "role", "")
		// Only active contacts may authenticate; later migrations add the
		// per-client portal switch.
		contacts.AuthRule = types.Pointer(`status = "active"`)
		contacts.PasswordAuth.Enabled = true
		contacts.PasswordAuth.IdentityFields = []string{"email"}

		return saveAll(app, clients, roles, contacts)
	}, func(app core.App) error {
		return deleteAll(app, collections.Clients, collections.Roles, collections.Contacts)
	})
}
