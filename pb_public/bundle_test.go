package pb_public_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
	"github.com/crewportal/crewportal/pb_public"
)

// TestUpgradeWhileThePortalIsOpen: the server's bundle changes while a page
// is open (an upgrade; here an edit served with --publicDir), so the next
// page's chunk has a new name and the old one is gone: the portal reloads
// once and shows the page instead of an error.
func TestUpgradeWhileThePortalIsOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	err := fs.WalkDir(pb_public.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := fs.ReadFile(pb_public.FS, name)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name), content, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{PublicFS: os.DirFS(dir)})
	base := portaltest.StartServer(t, app)
	ctx := portaltest.NewBrowser(t, 60*time.Second)

	openPage(t, ctx, base, "/client-portal/sign-in", "sign-in")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.beforeTheUpgrade = true`)); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "client-portal", "js", "pages", "forgot-password.js")
	f, err := os.OpenFile(page, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\nexport const upgraded = true;\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[href$="/forgot-password"]`))); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "forgot-password")
	if reloaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.beforeTheUpgrade === undefined`)); err != nil || !reloaded {
		t.Errorf("the page was not reloaded (%v): the old chunk was still served?", err)
	}
}
