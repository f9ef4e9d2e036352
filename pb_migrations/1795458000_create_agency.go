package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Creates the agency-wide collections: admin groups, the portal settings
// record, professions, price lists with their rates, and the skill,
// qualification and tag catalogues. It also removes PocketBase's starter
// "users" collection while it is empty: portal users are contacts.
func init() {
	m.Register(func(app core.App) error {
		if err := dropEmptyUsers(app); err != nil {
			return err
		}
		superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}

		groups := newCollection(collections.Groups,
			text("name", true, 120),
			email("email", false),
			&core.RelationField{Name: "admins", CollectionId: superusers.Id, MaxSelect: 50,
				Help: "Admins who receive this group's client notifications."},
		)
		groups.AddIndex("idx_groups_name", true, "name", "")

		settings := newCollection(collections.PortalSettings,
			boolean("portal_enabled"),
			text("portal_disabled_message", false, 500),
			&core.TextField{Name: "time_zone", Required: true, Max: 64,
				Help: "IANA time zone of the agency, e.g. Europe/London. Every portal time is shown in it."},
			boolean("clients_set_staff_count"),
			number("default_staff_count", false, true, 0, 500),
			boolean("roster_visible"),
			boolean("roster_show_photo"),
			boolean("roster_show_photo_id"),
			boolean("roster_show_qualifications"),
			boolean("roster_show_vehicle"),
			boolean("show_required_qualifications"),
			boolean("client_uploads_enabled"),
			number("upload_max_mb", false, true, 0, 100),
			&core.TextField{Name: "upload_allowed_types", Max: 500,
				Help: "Comma-separated file extensions clients may upload, e.g. pdf,jpg,png,docx."},
			boolean("client_downloads_enabled"),
			boolean("notify_invoice_issued"),
			// Not protected: the T&C are a public document every client reads before booking.
			&core.FileField{Name: "terms_file", MaxSelect: 1, MaxSize: 20 * mb, MimeTypes: []string{"application/pdf"}},
			text("terms_version", false, 50),
			&core.EmailField{Name: "fallback_recipient", Hidden: true,
				Help: "Receives notifications of clients that have no group."},
			number("activation_link_hours", false, true, 1, 720),
		)

		professions := newCollection(collections.Professions,
			text("name", true, 100),
			text("description", false, 1000),
			boolean("client_bookable"),
			boolean("active"),
		)
		professions.AddIndex("idx_professions_name", true, "name", "")
		professions.AddIndex("idx_professions_bookable", false, "client_bookable, active", "")

		priceLists := newCollection(collections.PriceLists,
			text("name", true, 100),
			&core.BoolField{Name: "is_basic", Help: "The basic list prices clients that have no default list."},
			&core.TextField{Name: "currency", Required: true, Min: 3, Max: 3, Pattern: "^[A-Z]{3}$"},
			text("notes", false, 1000),
		)
		priceLists.AddIndex("idx_price_lists_name", true, "name", "")
		priceLists.AddIndex("idx_price_lists_basic", true, "is_basic", "is_basic = TRUE")

		rates := newCollection(collections.Rates,
			relation("price_list", collections.PriceLists, true, true),
			relation("profession", collections.Professions, true, true),
			number("hourly_rate", true, false, 0, -1),
		)
		rates.AddIndex("idx_rates_list_profession", true, "price_list, profession", "")

		skills := newCollection(collections.Skills, text("name", true, 100))
		skills.AddIndex("idx_skills_name", true, "name", "")

		qualifications := newCollection(collections.Qualifications,
			text("name", true, 100),
			text("description", false, 1000),
		)
		qualifications.AddIndex("idx_qualifications_name", true, "name", "")

		tags := newCollection(collections.Tags,
			text("name", true, 60),
			&core.BoolField{Name: "client_visible", Help: "Only tags marked here ever reach the client portal."},
			text("color", false, 20),
		)
		tags.AddIndex("idx_tags_name", true, "name", "")

		if err := saveAll(app, groups, settings, professions, priceLists, rates, skills, qualifications, tags); err != nil {
			return err
		}

		// The one settings record, with the defaults an agency expects.
		record := core.NewRecord(settings)
		record.Load(map[string]any{
			"portal_enabled":               true,
			"portal_disabled_message":      "The client portal is closed for maintenance. Please contact your agency.",
			"time_zone":                    "Europe/London",
			"clients_set_staff_count":      true,
			"default_staff_count":          1,
			"roster_visible":               true,
			"roster_show_photo":            true,
			"roster_show_photo_id":         false,
			"roster_show_qualifications":   true,
			"roster_show_vehicle":          false,
			"show_required_qualifications": true,
			"client_uploads_enabled":       true,
			"upload_max_mb":                20,
			"upload_allowed_types":         "pdf,jpg,jpeg,png,webp,docx,xlsx,txt",
			"client_downloads_enabled":     true,
			"notify_invoice_issued":        true,
			"activation_link_hours":        72,
		})
		return app.Save(record)
	}, func(app core.App) error {
		return deleteAll(app, collections.Groups, collections.PortalSettings, collections.Professions,
			collections.PriceLists, collections.Rates, collections.Skills, collections.Qualifications, collections.Tags)
	})
}

func dropEmptyUsers(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return nil // already gone
	}
	n, err := app.CountRecords(users)
	if err != nil || n > 0 {
		return err
	}
	return app.Delete(users)
}
