package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Event documents (spec D1, D2): contacts download their own client's
// documents with a file token; the view rule matches only that
// (protectedFile) context, so the records are read through the portal's
// documents route, and which documents a contact may download (colleagues'
// uploads, the agency's marked ones while downloads are on) is decided in Go
// by the query the list uses (pb_hooks/documents.go). The file may be as
// large as the largest upload limit admins can set (100 MB), and the
// client's documents are listed newest first through one index.
func init() {
	rule := collections.RuleAnd(collections.RuleProtectedFile, collections.RuleIsContact, collections.RuleOwnClient)
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.EventDocuments)
		if err != nil {
			return err
		}
		c.ViewRule = types.Pointer(rule)
		if f, ok := c.Fields.GetByName("file").(*core.FileField); ok {
			f.MaxSize = 100 * mb
		}
		c.RemoveIndex("idx_event_documents_client")
		c.AddIndex("idx_event_documents_client_created", false, "client, created", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collections.EventDocuments)
		if err != nil {
			return err
		}
		c.ViewRule = nil
		if f, ok := c.Fields.GetByName("file").(*core.FileField); ok {
			f.MaxSize = 50 * mb
		}
		c.RemoveIndex("idx_event_documents_client_created")
		c.AddIndex("idx_event_documents_client", false, "client", "")
		return app.Save(c)
	})
}
