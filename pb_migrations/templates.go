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
