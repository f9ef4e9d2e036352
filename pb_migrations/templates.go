package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// notificationTemplate is the default text of one notification kind. Like
// the field helpers in schema.go, it only shortens the spelling of a
// migration: the texts themselves stay in each migration.
type notificationTemplate struct{ kind, audience, description, subject, body string }

// installTemplates saves the templates as new, enabled records.
func installTemplates(app core.App, templates ...notificationTemplate) error {
	c, err := app.FindCollectionByNameOrId(collections.NotificationTemplates)
	if err != nil {
		return err
	}
	for _, t := range templates {
		r := core.NewRecord(c)
		r.Load(map[string]any{"kind": t.kind, "audience": t.audience, "enabled": true,
			"description": t.description, "subject": t.subject, "body": t.body})
		if err := app.Save(r); err != nil {
			return err
		}
	}
	return nil
}

// removeTemplates deletes the templates of the kinds, when they exist.
func removeTemplates(app core.App, kinds ...string) error {
	for _, kind := range kinds {
		r, err := app.FindFirstRecordByData(collections.NotificationTemplates, "kind", kind)
		if err != nil {
			continue
		}
		if err := app.Delete(r); err != nil {
			return err
		}
	}
	return nil
}

// templateRewrite replaces a default text with a new one.
type templateRewrite struct{ from, to notificationTemplate }

// rewriteTemplates puts the new texts in place of the old defaults, leaving
// alone a template an admin has already edited.
func rewriteTemplates(app core.App, rewrites ...templateRewrite) error {
	for _, r := range rewrites {
		tpl, err := app.FindFirstRecordByData(collections.NotificationTemplates, "kind", r.from.kind)
		if err != nil {
			return err
		}
		if tpl.GetString("subject") != r.from.subject || tpl.GetString("body") != r.from.body {
			continue
		}
		tpl.Load(map[string]any{"subject": r.to.subject, "body": r.to.body})
		if r.to.description != "" {
			tpl.Set("description", r.to.description)
		}
		if err := app.Save(tpl); err != nil {
			return err
		}
	}
	return nil
}

// reversed swaps each rewrite's old and new text (down migrations).
func reversed(rewrites []templateRewrite) []templateRewrite {
	out := make([]templateRewrite, len(rewrites))
	for i, r := range rewrites {
		out[i] = templateRewrite{from: r.to, to: r.from}
	}
	return out
}
