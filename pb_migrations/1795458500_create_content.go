package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Creates the content and plumbing collections: notification templates, the
// mail outbox, CMS pages, client snippets and the audit log.
func init() {
	m.Register(func(app core.App) error {
		superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}

		templates := newCollection(collections.NotificationTemplates,
			&core.TextField{Name: "kind", Required: true, Max: 60, Pattern: `^[a-z0-9_]+$`,
				Help: "Which notification this template renders; fixed by the code."},
			selectOne("audience", true, "group_admins", "client_contacts"),
			&core.BoolField{Name: "enabled", Help: "Switch this notification off to stop sending it."},
			text("subject", true, 300),
			&core.TextField{Name: "body", Required: true, Max: 20000,
				Help: "Plain text with {placeholders}; the email is rendered as HTML and text."},
			text("description", false, 500),
		)
		templates.AddIndex("idx_notification_templates_kind", true, "kind", "")

		outbox := newCollection(collections.MailOutbox,
			text("kind", false, 60),
			email("to", true),
			text("to_name", false, 200),
			text("subject", true, 500),
			&core.TextField{Name: "html", Max: 200000},
			&core.TextField{Name: "text", Max: 200000},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1,
				Values: []string{"queued", "sending", "sent", "failed"},
				Help:   "Set a failed email back to queued to send it again."},
			number("attempts", false, true, 0, -1),
			date("next_attempt_at", false),
			date("claimed_at", false),
			text("last_error", false, 2000),
			date("sent_at", false),
			&core.TextField{Name: "record_ref", Max: 200, Help: "The record the email is about (collection/id)."},
		)
		outbox.AddIndex("idx_mail_outbox_due", false, "status, next_attempt_at", "")

		pages := newCollection(collections.CMSPages,
			text("title", true, 200),
			&core.TextField{Name: "slug", Required: true, Max: 100, Pattern: `^[a-z0-9]+(?:-[a-z0-9]+)*$`},
			&core.EditorField{Name: "body"},
			&core.BoolField{Name: "client_visible", Help: "Only pages ticked here appear in the client portal."},
			number("sort", false, true, 0, 10000),
		)
		pages.AddIndex("idx_cms_pages_slug", true, "slug", "")
		pages.AddIndex("idx_cms_pages_visible", false, "client_visible, sort", "")

		snippets := newCollection(collections.ClientSnippets,
			&core.TextField{Name: "key", Required: true, Max: 60, Pattern: `^[a-z0-9_]+$`,
				Help: "The fixed place in the portal where this snippet shows."},
			&core.EditorField{Name: "content"},
			selectOne("style", false, "plain", "info", "success", "warning"),
			text("background_color", false, 20),
			text("text_color", false, 20),
			boolean("enabled"),
		)
		snippets.AddIndex("idx_client_snippets_key", true, "key", "")

		audit := newCollection(collections.AuditLog,
			selectOne("actor_type", true, "contact", "admin", "system"),
			text("actor_id", false, 30),
			text("actor_name", false, 200),
			&core.RelationField{Name: "impersonated_by", CollectionId: superusers.Id, MaxSelect: 1,
				Help: "The admin who acted while signed in as this contact."},
			text("action", true, 100),
			text("collection", false, 100),
			text("record_id", false, 30),
			&core.JSONField{Name: "details", MaxSize: 50000},
			text("ip", false, 60),
		)
		audit.AddIndex("idx_audit_log_created", false, "created", "")
		audit.AddIndex("idx_audit_log_record", false, "collection, record_id", "")
		audit.AddIndex("idx_audit_log_actor", false, "actor_id, created", "")

		return saveAll(app, templates, outbox, pages, snippets, audit)
	}, func(app core.App) error {
		return deleteAll(app, collections.NotificationTemplates, collections.MailOutbox,
			collections.CMSPages, collections.ClientSnippets, collections.AuditLog)
	})
}
