// Package pb_hooks is the Crewportal plugin: the Go hooks and routes that turn
// a PocketBase app into the client portal of a staffing agency.
//
// It follows the shape of PocketBase's own plugins (migratecmd, jsvm): a
// documented Config, Register/MustRegister taking core.App, and an unexported
// plugin struct whose methods are bound as named hook handlers with stable ids,
// so another developer can Unbind or replace any of them without forking.
//
// Example usage:
//
//	app := pocketbase.New()
//	pb_hooks.MustRegister(app, pb_hooks.Config{PublicFS: pb_public.FS})
//	app.OnRecordCreate(collections.Events).BindFunc(func(e *core.RecordEvent) error {
//		// your own rule, running next to the portal's
//		return e.Next()
//	})
//	app.Start()
package pb_hooks

import (
	"io/fs"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	// The agency time zone must resolve on hosts without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// HookIDPrefix starts the id of every hook handler and route middleware the
// plugin binds, e.g. "crewportal.events.defaultStatus".
const HookIDPrefix = "crewportal."

// Config configures the portal plugin.
type Config struct {
	// PublicFS holds the portal pages: a client-portal/ folder served at
	// /client-portal/. Nil serves no pages (API only).
	PublicFS fs.FS

	// Outbox tunes the worker that sends queued emails.
	Outbox OutboxConfig

	// Now is the portal's clock for rules that depend on the time, such as
	// the team leader's phone shown only until the event ends and the
	// invoices' issue dates and overdue job. Nil is time.Now; tests set it
	// to move time.
	Now func() time.Time
}

type plugin struct {
	app    core.App
	config Config
	// cachesByCollection are the caches each collection's changes make
	// stale (forgetOnChange).
	cachesByCollection map[string][]func(core.App) changeAware
	// clientCachesByCollection are the per-client caches (byClient) each
	// collection's changes make stale, and clientsBefore the client each
	// stored record in the middle of a change had before it (by record).
	clientCachesByCollection map[string][]func(core.App) clientAware
	clientsBefore            sync.Map
	// enrichers are the portal's enrichment steps by collection (bindEnrich),
	// filled while the plugin registers and only read after.
	enrichers map[string][]recordEnricher
	// shapingHandlers are how many handlers shape records in a list's
	// answer once the portal's are bound (recordShapingHandlers).
	shapingHandlers [2]int
}

// MustRegister is like Register but panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register binds the portal's hooks and routes to app.
func Register(app core.App, config Config) error {
	config.Outbox = config.Outbox.withDefaults()
	if config.Now == nil {
		config.Now = time.Now
	}
	p := &plugin{app: app, config: config}
	app.Store().Set(rootAppKey, app)

	p.bindSettingsHooks()
	p.bindOwnershipHooks()
	p.bindEventHooks()
	p.bindEventShapeHooks()
	p.bindVisibilityHooks()
	p.bindChangeRequestHooks()
	p.bindProposalHooks()
	p.bindDashboardLinks()
	p.bindNameHooks()
	p.bindAudit()
	p.bindImpersonation()
	p.bindAccountHooks()
	p.bindSessionHooks()
	p.bindShellHooks()
	p.bindContactHooks()
	p.bindClientHooks()
	p.bindNotificationHooks()
	p.bindOutbox()
	p.bindContentHooks()
	p.bindRosterHooks()
	p.bindDocumentHooks()
	p.bindInvoiceHooks()
	p.bindRoutes()
	p.bindRateLimit()
	p.bindListNarrowing()
	p.bindListTotals()
	p.bindEventExports()
	p.bindEventCounts()
	p.bindPriceCaches()
	p.bindHeaders()
	p.shapingHandlers = recordShapingHandlers(app)
	return nil
}

// recordShapingHandlers counts the handlers bound to the hooks that shape
// the records a list answers (its list request and each record's enrich).
// An answer kept for more than one request (the Finance page's) is kept
// only while these are the portal's own: a handler bound after the plugin,
// as README's extension example binds them, may shape per request.
func recordShapingHandlers(app core.App) [2]int {
	return [2]int{app.OnRecordsListRequest().Length(), app.OnRecordEnrich().Length()}
}

// recordEnricher is one of the portal's OnRecordEnrich steps: it shapes
// e.Record and returns, leaving the chain to enrichRecord.
type recordEnricher func(*core.RecordEnrichEvent) error

// bindEnrich adds fn to the portal's enrichment of the records of the named
// collections. Every step runs in one OnRecordEnrich handler (enrichRecord),
// in the order bound: as a handler each, a dozen of them nested a dozen hook
// calls deep for every record of a list, and Go grew each request's stack
// there again after the collector had shrunk it (6% of a contact's events
// list, issue 16). The handler compares the collection's name itself:
// PocketBase's tagged hook builds the record's tag list once per hook per
// record.
func (p *plugin) bindEnrich(fn recordEnricher, names ...string) {
	if p.enrichers == nil {
		p.enrichers = map[string][]recordEnricher{}
		p.app.OnRecordEnrich().Bind(&hook.Handler[*core.RecordEnrichEvent]{
			Id:   HookIDPrefix + "enrich",
			Func: p.enrichRecord,
		})
	}
	for _, name := range names {
		p.enrichers[name] = append(p.enrichers[name], fn)
	}
}

// enrichRecord runs the portal's enrichment steps for the record's
// collection, then the handlers bound after the portal's.
func (p *plugin) enrichRecord(e *core.RecordEnrichEvent) error {
	if e.Record != nil {
		for _, step := range p.enrichers[e.Record.Collection().Name] {
			if err := step(e); err != nil {
				return err
			}
		}
	}
	return e.Next()
}
