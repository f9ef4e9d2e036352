package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"

	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestBackupRestoresIntoAFreshServer takes a PocketBase backup (what the
// dashboard's Backups page and its cron make) of the demo agency, with its
// photos and PDFs, unpacks it into an empty data folder as a restore does,
// and serves it: every table holds the same rows and every stored file the
// same bytes, and the demo's users sign in.
func TestBackupRestoresIntoAFreshServer(t *testing.T) {
	t.Parallel()
	config := pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}}
	dir := portaltest.NewDemoDataDir(t)
	app := portaltest.OpenApp(t, dir, config)
	if err := app.CreateBackup(context.Background(), "nightly.zip"); err != nil {
		t.Fatal(err)
	}

	fresh := t.TempDir()
	if err := archive.Extract(filepath.Join(dir, core.LocalBackupsDirName, "nightly.zip"), fresh); err != nil {
		t.Fatal(err)
	}
	restored := portaltest.OpenApp(t, fresh, config)

	tables := tableNames(t, app)
	if len(tables) < 30 {
		t.Fatalf("only %d tables in the original: %v", len(tables), tables)
	}
	if got := tableNames(t, restored); !reflect.DeepEqual(got, tables) {
		t.Errorf("restored tables %v, want %v", got, tables)
	}
	rows := 0
	for _, table := range tables {
		want, got := tableRows(t, app, table), tableRows(t, restored, table)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("table %s: %d rows restored, %d in the original, or their values differ", table, len(got), len(want))
		}
		rows += len(want)
	}

	files := storedFiles(t, filepath.Join(dir, "storage"))
	if len(files) == 0 {
		t.Fatal("the demo has no stored files to back up")
	}
	if got := storedFiles(t, filepath.Join(fresh, "storage")); !reflect.DeepEqual(got, files) {
		t.Errorf("%d files restored, %d in the original, or their bytes differ", len(got), len(files))
	}
	t.Logf("%d tables, %d rows and %d files restored", len(tables), rows, len(files))

	base := portaltest.StartServer(t, restored)
	for _, who := range []struct{ collection, email, password string }{
		{core.CollectionNameSuperusers, demo.AdminEmail, demo.AdminPassword},
		{"contacts", "manager@northwind.test", demo.ContactPassword},
	} {
		if status, body := portaltest.Call(t, http.MethodPost, base+"/api/collections/"+who.collection+"/auth-with-password", "",
			map[string]any{"identity": who.email, "password": who.password}); status != http.StatusOK {
			t.Errorf("%s cannot sign in to the restored server: %d %s", who.email, status, body)
		}
	}
}

func tableNames(t *testing.T, app core.App) []string {
	t.Helper()
	var names []string
	if err := app.DB().NewQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").
		Column(&names); err != nil {
		t.Fatal(err)
	}
	return names
}

func tableRows(t *testing.T, app core.App, table string) []dbx.NullStringMap {
	t.Helper()
	var rows []dbx.NullStringMap
	if err := app.DB().Select("*").From(table).OrderBy("rowid").All(&rows); err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return rows
}

// storedFiles maps each file under root to a digest of its bytes.
func storedFiles(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
