package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/dbutils"

	"github.com/crewportal/crewportal/collections"
)

// Makes a contact's email unique whatever its letter case: "Sam@Acme.test"
// and "sam@acme.test" are one mailbox, so they must be one contact. With
// COLLATE NOCASE on the unique index PocketBase also finds the account
// case-insensitively at sign-in and password reset, and an invitation of a
// taken address is refused the same way in either case (issue 11, bug 5).
func init() {
	m.Register(func(app core.App) error {
		return setContactEmailIndex(app, " COLLATE NOCASE")
	}, func(app core.App) error {
		return setContactEmailIndex(app, "")
	})
}

func setContactEmailIndex(app core.App, collate string) error {
	c, err := app.FindCollectionByNameOrId(collections.Contacts)
	if err != nil {
		return err
	}
	index, ok := dbutils.FindSingleColumnUniqueIndex(c.Indexes, core.FieldNameEmail)
	if !ok {
		return fmt.Errorf("contacts has no unique email index")
	}
	c.RemoveIndex(index.IndexName)
	c.AddIndex(index.IndexName, true, "`email`"+collate, "`email` != ''")
	return app.Save(c)
}
