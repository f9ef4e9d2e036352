// Package portaltest is Crewportal's test harness: fresh apps with every
// migration applied and the portal plugin registered, Go factories for the
// fixtures, a real server on 127.0.0.1 and a headless Chromium to drive it.
//
// Example usage:
//
//	func TestMain(m *testing.M) { portaltest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		app := portaltest.App(t)
//		client := portaltest.NewClient(t, app, "Acme")
//		...
//	}
package portaltest

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
	_ "github.com/crewportal/crewportal/pb_migrations"
	"github.com/crewportal/crewportal/pb_public"
)

// template is a data directory with every migration applied, made once per
// test binary and cloned by each test app, so a test pays for a file copy
// instead of running all migrations again.
var template struct {
	once sync.Once
	dir  string
	err  error
}

func templateDir() (string, error) {
	template.once.Do(func() {
		template.dir, template.err = os.MkdirTemp("", "crewportal_template_")
		if template.err != nil {
			return
		}
		app := core.NewBaseApp(appConfig(template.dir))
		if err := app.Bootstrap(); err != nil {
			template.err = fmt.Errorf("bootstrap template: %w", err)
			return
		}
		defer app.ClearBootstrap()
		if err := app.RunAllMigrations(); err != nil {
			template.err = fmt.Errorf("migrate template: %w", err)
		}
	})
	return template.dir, template.err
}

// appConfig is an app on the data directory that opens its databases as the
// crewportal binary does (pb_hooks.DatabaseConfig: page cache, kept
// statements), so every test runs on the production connection.
func appConfig(dir string) core.BaseAppConfig {
	return core.BaseAppConfig{DataDir: dir, DBConnect: pb_hooks.DatabaseConfig{}.Connect}
}

// Main runs the package's tests and removes the shared template afterwards.
// Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{template.dir, demoTemplate.dir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// NewTestApp returns a fresh app (its own temporary copy of the migrated
// template) with the portal plugin registered and the embedded portal pages.
// It does not register a cleanup, so it suits tests.ApiScenario's
// TestAppFactory, which cleans up itself; use App elsewhere.
func NewTestApp(t testing.TB) *tests.TestApp {
	t.Helper()
	return NewTestAppWithConfig(t, pb_hooks.Config{})
}

// NewTestAppWithConfig is NewTestApp with a plugin configuration; PublicFS
// defaults to the embedded portal pages.
func NewTestAppWithConfig(t testing.TB, config pb_hooks.Config) *tests.TestApp {
	t.Helper()
	dir, err := templateDir()
	if err != nil {
		t.Fatal(err)
	}
	return newTestApp(t, dir, config)
}

// newTestApp opens a test app on a copy of the data directory tpl (the test
// app makes the copy) with the portal plugin registered.
func newTestApp(t testing.TB, tpl string, config pb_hooks.Config) *tests.TestApp {
	t.Helper()
	if config.PublicFS == nil {
		config.PublicFS = pb_public.FS
	}
	app, err := tests.NewTestAppWithConfig(appConfig(tpl))
	if err != nil {
		t.Fatal(err)
	}
	pb_hooks.MustRegister(app, config)
	return app
}

// NewDataDir returns a fresh copy of the migrated template data directory,
// removed when the test ends. Open it with OpenApp, possibly several times.
func NewDataDir(t testing.TB) string {
	t.Helper()
	return cloneTemplate(t, templateDir)
}

// cloneTemplate copies the data directory the template function prepares
// (once per test binary) into a temporary one removed when the test ends.
func cloneTemplate(t testing.TB, template func() (string, error)) string {
	t.Helper()
	tpl, err := template()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := tests.TempDirClone(tpl)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// OpenApp bootstraps a production-shaped app (no test mailer: mail goes
// through the SMTP settings) on an existing data directory, with the portal
// plugin registered. Opening the same directory twice gives two processes'
// worth of apps on one database; opening it again after the first is closed
// is a restart. The app is closed when the test ends.
func OpenApp(t testing.TB, dir string, config pb_hooks.Config) *core.BaseApp {
	t.Helper()
	if config.PublicFS == nil {
		config.PublicFS = pb_public.FS
	}
	app := core.NewBaseApp(appConfig(dir))
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	app.Settings().Logs.MaxDays = 0 // no async log writes racing the cleanup
	pb_hooks.MustRegister(app, config)
	t.Cleanup(func() { Close(app) })
	return app
}

// Close stops an app the way the process would on exit: OnTerminate (which
// stops the server and the outbox worker), then its database connections.
// Closing an app twice is harmless.
func Close(app core.App) {
	if !app.IsBootstrapped() {
		return
	}
	_ = app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(e *core.TerminateEvent) error {
		return e.App.ClearBootstrap()
	})
}

// App is NewTestApp with the cleanup registered on t.
func App(t testing.TB) *tests.TestApp {
	t.Helper()
	app := NewTestApp(t)
	t.Cleanup(app.Cleanup)
	return app
}

// demoTemplate is a data directory with the demo agency seeded, made once per
// test binary from the migrated template.
var demoTemplate struct {
	once sync.Once
	dir  string
	err  error
}

func demoTemplateDir() (string, error) {
	demoTemplate.once.Do(func() {
		tpl, err := templateDir()
		if err != nil {
			demoTemplate.err = err
			return
		}
		if demoTemplate.dir, demoTemplate.err = tests.TempDirClone(tpl); demoTemplate.err != nil {
			return
		}
		app := core.NewBaseApp(appConfig(demoTemplate.dir))
		if demoTemplate.err = app.Bootstrap(); demoTemplate.err != nil {
			return
		}
		defer app.ClearBootstrap()
		pb_hooks.MustRegister(app, pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
		_, demoTemplate.err = demo.Seed(app)
	})
	return demoTemplate.dir, demoTemplate.err
}

// NewDemoDataDir returns a fresh copy of a data directory holding the demo
// agency (demo.Seed), removed when the test ends. Open it with OpenApp.
func NewDemoDataDir(t testing.TB) string {
	t.Helper()
	return cloneTemplate(t, demoTemplateDir)
}

// NewDemoTestApp is NewTestApp on a copy of the demo agency: the demo is
// seeded once per test binary, so a browser test pays for a file copy instead
// of seeding it again.
func NewDemoTestApp(t testing.TB) *tests.TestApp {
	t.Helper()
	tpl, err := demoTemplateDir()
	if err != nil {
		t.Fatal(err)
	}
	return newTestApp(t, tpl, pb_hooks.Config{})
}
