// Package pb_migrations holds Crewportal's Go migrations. Each file registers
// one timestamped, self-contained step with m.Register; main.go and the test
// harness blank-import the package so every step runs.
//
// Until the first release the schema migrations may still be edited in place;
// after it they are frozen and every change is a new file. The small field
// helpers below are frozen with them: they only shorten the spelling of a
// field, they never decide what a migration creates.
package pb_migrations

import (
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

const (
	mb         = 1 << 20
	imageMaxMB = 5
)

// imageTypes are the photo formats PocketBase can thumbnail.
var imageTypes = []string{"image/jpeg", "image/png", "image/webp", "image/gif"}

// newCollection returns a base collection with Crewportal's explicit id and the
// created/updated autodate fields that NewBaseCollection leaves out. Its API
// rules are nil: superusers only until a rules migration opens them.
func newCollection(name string, fields ...core.Field) *core.Collection {
	c := core.NewBaseCollection(name, collections.ID(name))
	c.Fields.Add(fields...)
	addTimestamps(c)
	return c
}

func addTimestamps(c *core.Collection) {
	c.Fields.Add(
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
}

func text(name string, required bool, max int) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max}
}

func boolean(name string) *core.BoolField { return &core.BoolField{Name: name} }

func date(name string, required bool) *core.DateField {
	return &core.DateField{Name: name, Required: required}
}

func email(name string, required bool) *core.EmailField {
	return &core.EmailField{Name: name, Required: required}
}

// number returns a number field limited to [min, max]; max < 0 means unbounded.
func number(name string, required, onlyInt bool, min, max float64) *core.NumberField {
	f := &core.NumberField{Name: name, Required: required, OnlyInt: onlyInt, Min: types.Pointer(min)}
	if max >= 0 {
		f.Max = types.Pointer(max)
	}
	return f
}

func selectOne(name string, required bool, values ...string) *core.SelectField {
	return &core.SelectField{Name: name, Required: required, MaxSelect: 1, Values: values}
}

// relation links to one record of the target collection (by name).
func relation(name, target string, required, cascade bool) *core.RelationField {
	return &core.RelationField{
		Name: name, CollectionId: collections.ID(target), Required: required,
		CascadeDelete: cascade, MaxSelect: 1,
	}
}

// relations links to up to max records of the target collection (by name).
func relations(name, target string, max int) *core.RelationField {
	return &core.RelationField{Name: name, CollectionId: collections.ID(target), MaxSelect: max}
}

// protectedFile returns a file field served only with a short-lived file token.
func protectedFile(name string, maxMB int64, maxSelect int, mimeTypes []string, thumbs ...string) *core.FileField {
	return &core.FileField{
		Name: name, Protected: true, MaxSize: maxMB * mb, MaxSelect: maxSelect,
		MimeTypes: mimeTypes, Thumbs: thumbs,
	}
}

// saveAll saves the collections in order, stopping at the first error.
func saveAll(app core.App, cs ...*core.Collection) error {
	for _, c := range cs {
		if err := app.Save(c); err != nil {
			return fmt.Errorf("save collection %s: %w", c.Name, err)
		}
	}
	return nil
}

// deleteAll deletes the named collections in reverse order (down migrations).
func deleteAll(app core.App, names ...string) error {
	for i := len(names) - 1; i >= 0; i-- {
		c, err := app.FindCollectionByNameOrId(names[i])
		if err != nil {
			return err
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}
	return nil
}

// registerNewField registers, under the calling file's name, the migration
// that adds one field to a collection and gives the existing records its
// initial value (none when initial is nil); down removes the field. A plain
// UPDATE sets the value, as no hook has anything to say about a field that
// did not exist.
func registerNewField(collection string, field core.Field, initial any) {
	_, file, _, _ := runtime.Caller(1)
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			return err
		}
		c.Fields.Add(field)
		if err := app.Save(c); err != nil {
			return err
		}
		if initial == nil {
			return nil
		}
		_, err = app.DB().Update(collection, dbx.Params{field.GetName(): initial}, nil).Execute()
		return err
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			return err
		}
		c.Fields.RemoveByName(field.GetName())
		return app.Save(c)
	}, filepath.Base(file))
}
