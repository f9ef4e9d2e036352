// Command crewportal runs the Crewportal client portal: PocketBase with the
// portal plugin, its migrations and its pages.
//
//	crewportal serve --demo    # start with the demo agency on an empty database
//	crewportal serve           # production: see docs/ADMIN.md
package main

import (
	"io/fs"
	"log"
	"os"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/osutils"

	"github.com/crewportal/crewportal/bench"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
	_ "github.com/crewportal/crewportal/pb_migrations"
	"github.com/crewportal/crewportal/pb_public"
)

func main() {
	// The database pool and page cache sized for the machine (docs/ADMIN.md).
	db, err := pb_hooks.DatabaseConfigFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	// Only a warning: a CLI command (migrate, superuser) run beside the
	// serving process finds the profiler's port taken and must still work.
	if err := startProfilerFromEnv(); err != nil {
		log.Println("Profiler not started:", err)
	}
	// Dev mode (SQL logging) only with --dev, so the demo banner stays readable under go run.
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDev: false,
		DataMaxOpenConns: db.MaxOpenConns, DataMaxIdleConns: db.MaxIdleConns, DBConnect: db.Connect})

	var seedDemo bool
	var publicDir string
	var mailTimeout time.Duration
	app.RootCmd.PersistentFlags().BoolVar(&seedDemo, "demo", false, "seed the demo agency when the database has no clients")
	app.RootCmd.PersistentFlags().StringVar(&publicDir, "publicDir", "",
		"serve the portal pages from this folder instead of the embedded copy (development)")
	app.RootCmd.PersistentFlags().DurationVar(&mailTimeout, "mailTimeout", 2*time.Minute,
		"how long to wait for the mail server per email; an email in hand at a crash is retried after 3× this")
	// Parse early, like PocketBase's own --dir, so the plugin config sees the values.
	_ = app.RootCmd.ParseFlags(os.Args[1:])

	var pages fs.FS = pb_public.FS
	if publicDir != "" {
		pages = os.DirFS(publicDir)
	}

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		Dir:         "pb_migrations",
		Automigrate: osutils.IsProbablyGoRun(),
	})
	pb_hooks.MustRegister(app, pb_hooks.Config{PublicFS: pages, Outbox: pb_hooks.OutboxConfig{SendTimeout: mailTimeout}})
	app.RootCmd.AddCommand(bench.NewDataCommand(app))
	if seedDemo {
		demo.Register(app, os.Stdout)
	}

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
