package pb_hooks

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// storeCache holds a value derived from the database that hooks and
// middleware read on every record or request (roles, visible tags, which
// companies are switched off), so that reading it costs no query. It is
// loaded on first use and forgotten whenever a record it derives from
// changes.
type storeCache[T any] struct {
	mu      sync.Mutex
	version int
	loaded  bool
	value   T
	// changedIn holds the open transactions that have changed a record the
	// value derives from: they must not read the cache, which does not
	// have their change yet (and may never get it, if they roll back).
	changedIn map[*core.TxAppInfo]struct{}
}

// changeAware is a cache that forgetOnChange keeps right.
type changeAware interface {
	forget()
	changedBy(app core.App)
}

// cacheOf returns the app's cache under key, kept in the app's store (shared
// with its transactions) so that every hook and route reaches the same one.
func cacheOf[T any](app core.App, key string) *storeCache[T] {
	return app.Store().GetOrSet(HookIDPrefix+"cache."+key, func() any { return &storeCache[T]{} }).(*storeCache[T])
}

// forget drops what was loaded; the next reader loads it afresh.
func (c *storeCache[T]) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
	if c.loaded {
		dropped(c.value)
	}
	c.loaded = false
}

// dropped tells a value that shares a budget with others (keptValues)
// that no cache holds it: it gives its share back and keeps nothing more.
func dropped(value any) {
	if d, ok := value.(interface{ drop() }); ok {
		d.drop()
	}
}

// changedBy notes that app, if it is a transaction, has changed what the
// value derives from, until the transaction ends (its commit then forgets
// the value through forgetOnChange).
func (c *storeCache[T]) changedBy(app core.App) {
	tx := app.TxInfo()
	if tx == nil {
		return
	}
	c.mu.Lock()
	_, marked := c.changedIn[tx]
	if !marked {
		if c.changedIn == nil {
			c.changedIn = map[*core.TxAppInfo]struct{}{}
		}
		c.changedIn[tx] = struct{}{}
	}
	c.mu.Unlock()
	if marked {
		return
	}
	// Outside c.mu: the transaction runs its callbacks under its own lock,
	// and the callback takes c.mu.
	tx.OnComplete(func(error) error {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.changedIn, tx)
		return nil
	})
}

// get returns the cached value, loading it (through the app load is given)
// when needed. A change committed while loading makes the loaded copy
// stale: it is returned to this reader but not kept. A failed load is
// returned and not kept either. A transaction reads the cached value unless
// it has changed what the value derives from; then it loads its own, which
// is never kept (it may roll back). A transaction that finds nothing cached
// loads the committed value outside itself, and keeps it.
func (c *storeCache[T]) get(app core.App, load func(core.App) (T, error)) T {
	c.mu.Lock()
	if tx := app.TxInfo(); tx != nil {
		if _, changed := c.changedIn[tx]; changed {
			c.mu.Unlock()
			return loadedOnce(app, load)
		}
		if c.loaded {
			defer c.mu.Unlock()
			return c.value
		}
		c.mu.Unlock()
		root := rootApp(app)
		if root == nil {
			return loadedOnce(app, load)
		}
		return c.get(root, load)
	}
	if c.loaded {
		defer c.mu.Unlock()
		return c.value
	}
	version := c.version
	c.mu.Unlock()

	value, err := load(app)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && c.version == version {
		c.value, c.loaded = value, true
	} else {
		dropped(value)
	}
	return value
}

// loadedOnce is a value loaded for one reader and kept by no cache.
func loadedOnce[T any](app core.App, load func(core.App) (T, error)) T {
	value, _ := load(app)
	dropped(value)
	return value
}

// keyedValues is a cache's values by key, and how many there are.
type keyedValues struct {
	sync.Map
	count atomic.Int64
}

// maxKeyedValues bounds every cache of values by key: the contacts of a
// large agency who sign in over a day, say, would otherwise all stay in
// memory until one of them changes. A cache that reaches it is forgotten
// and fills afresh with the keys asked for from then on.
const maxKeyedValues = 5000

// keyedValue returns the value under key in a cache of values by key (a
// client's contacts' names, a client record…), filled as keys are asked
// for: load runs on a miss, through the app it is given, and what it loads
// is kept. A transaction that has not changed what the values derive from
// loads a missing key outside itself (the committed value, which it keeps,
// as storeCache.get does); one that has loads its own view, never kept. The
// cache's map is taken before load runs, so a load racing a change lands in
// the copy that change forgets.
func keyedValue[V any](app core.App, cache *storeCache[*keyedValues], key string, load func(core.App) (V, error)) (V, error) {
	byKey := cache.get(app, func(core.App) (*keyedValues, error) { return &keyedValues{}, nil })
	if v, ok := byKey.Load(key); ok {
		return v.(V), nil
	}
	keep := true
	if app.TxInfo() != nil {
		if root := rootApp(app); root != nil && !cache.changedWithin(app) {
			app = root
		} else {
			keep = false
		}
	}
	v, err := load(app)
	if err != nil || !keep {
		return v, err
	}
	if _, raced := byKey.LoadOrStore(key, v); !raced && byKey.count.Add(1) > maxKeyedValues {
		cache.forget()
	}
	return v, nil
}

// changedWithin reports whether app is a transaction that has changed what
// the value derives from.
func (c *storeCache[T]) changedWithin(app core.App) bool {
	tx := app.TxInfo()
	if tx == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, changed := c.changedIn[tx]
	return changed
}

// rootAppKey keeps, in the app's store (shared with its transactions), the
// app the plugin was registered on.
const rootAppKey = HookIDPrefix + "rootApp"

// rootApp returns the app outside any transaction, nil if the plugin was
// not registered on app's store.
func rootApp(app core.App) core.App {
	root, _ := app.Store().Get(rootAppKey).(core.App)
	return root
}

// forgetOnChange keeps the cache right when a record of the collections is
// created, updated or deleted: a transaction that changes one stops reading
// the cache at once, and the cache is forgotten once the change is
// committed. The hooks are bound once, untagged, for every cache: a tagged
// hook per collection would make every save of any record build its tag
// list once per handler.
func (p *plugin) forgetOnChange(cache func(app core.App) changeAware, names ...string) {
	if p.cachesByCollection == nil {
		p.cachesByCollection = map[string][]func(core.App) changeAware{}
		p.bindCacheUpkeep()
	}
	for _, c := range names {
		p.cachesByCollection[c] = append(p.cachesByCollection[c], cache)
	}
}

// forgetOnClientChange is forgetOnChange for caches kept per client
// (byClient): a change of a record of the collections forgets only the
// caches of its client, before and after the change (an event an admin
// moves to another client changes both). The collections' records have a
// client field.
func (p *plugin) forgetOnClientChange(caches func(app core.App) clientAware, names ...string) {
	if p.cachesByCollection == nil {
		p.cachesByCollection = map[string][]func(core.App) changeAware{}
		p.bindCacheUpkeep()
	}
	if p.clientCachesByCollection == nil {
		p.clientCachesByCollection = map[string][]func(core.App) clientAware{}
	}
	for _, c := range names {
		p.clientCachesByCollection[c] = append(p.clientCachesByCollection[c], caches)
	}
}

func (p *plugin) bindCacheUpkeep() {
	each := func(e *core.RecordEvent, do func(changeAware)) {
		for _, cache := range p.cachesByCollection[e.Record.Collection().Name] {
			do(cache(e.App))
		}
	}
	// eachOfClients runs do for the per-client caches of clients (all of
	// them when clients is nil: the client before the change is unknown).
	eachOfClients := func(e *core.RecordEvent, clients []string, do func(changeAware)) {
		for _, caches := range p.clientCachesByCollection[e.Record.Collection().Name] {
			if clients == nil {
				caches(e.App).eachChangeAware(do)
			}
			for _, client := range clients {
				do(caches(e.App).changeAwareOf(client))
			}
		}
	}
	changing := func(stored bool) func(e *core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			each(e, func(c changeAware) { c.changedBy(e.App) })
			if _, ok := p.clientCachesByCollection[e.Record.Collection().Name]; !ok {
				return e.Next()
			}
			// The stored record's client is read before the write; the
			// new one is marked before the chain and again after it, which
			// may set it (ownership derives a child's).
			before := []string(nil)
			if stored {
				before = storedClient(e)
				p.clientsBefore.Store(e.Record, before)
			}
			mark := func() {
				eachOfClients(e, clientsOf(e.Record, before, stored), func(c changeAware) { c.changedBy(e.App) })
			}
			mark()
			if err := e.Next(); err != nil {
				p.clientsBefore.Delete(e.Record)
				return err
			}
			mark()
			return nil
		}
	}
	changed := func(stored bool) func(e *core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			each(e, func(c changeAware) { c.forget() })
			if _, ok := p.clientCachesByCollection[e.Record.Collection().Name]; ok {
				var before []string
				if v, found := p.clientsBefore.LoadAndDelete(e.Record); found {
					before = v.([]string)
				}
				eachOfClients(e, clientsOf(e.Record, before, stored), func(c changeAware) { c.forget() })
			}
			return e.Next()
		}
	}
	failed := func(e *core.RecordErrorEvent) error {
		p.clientsBefore.Delete(e.Record)
		return e.Next()
	}
	p.app.OnRecordCreate().BindFunc(changing(false))
	p.app.OnRecordUpdate().BindFunc(changing(true))
	p.app.OnRecordDelete().BindFunc(changing(true))
	p.app.OnRecordAfterCreateSuccess().BindFunc(changed(false))
	p.app.OnRecordAfterUpdateSuccess().BindFunc(changed(true))
	p.app.OnRecordAfterDeleteSuccess().BindFunc(changed(true))
	p.app.OnRecordAfterUpdateError().BindFunc(failed)
	p.app.OnRecordAfterDeleteError().BindFunc(failed)
}

// storedClient is the client of the record as stored, read before a change
// (the record in hand may have been loaded, changed and saved before: its
// Original() is what was loaded); nil when it cannot be read.
func storedClient(e *core.RecordEvent) []string {
	var client string
	err := e.App.DB().Select(collections.FieldClient).From(e.Record.Collection().Name).
		Where(dbx.HashExp{"id": e.Record.Id}).Row(&client)
	if err != nil {
		return nil
	}
	return []string{client}
}

// clientsOf are the clients whose caches a change of the record concerns:
// its client, and for a stored record the client it had (nil, meaning
// every client, when that is unknown, when the record has no client field,
// or when its client is empty: a shared record, such as a role every
// client may use).
func clientsOf(record *core.Record, before []string, stored bool) []string {
	if stored && before == nil || record.Collection().Fields.GetByName(collections.FieldClient) == nil {
		return nil
	}
	clients := append([]string{record.GetString(collections.FieldClient)}, before...)
	if slices.Contains(clients, "") {
		return nil
	}
	return clients
}

// byClient is a set of caches, one per client, each kept right by the
// changes of that client's records (forgetOnClientChange), so a change of
// one client's records leaves every other client's values kept.
type byClient[T any] struct {
	caches sync.Map // client id → *storeCache[T]
	// pool is the budget the clients' kept values share (keptValues).
	pool atomic.Int64
}

// clientAware is a byClient that forgetOnClientChange keeps right.
type clientAware interface {
	changeAwareOf(client string) changeAware
	eachChangeAware(do func(changeAware))
}

// byClientOf returns the app's per-client caches under key.
func byClientOf[T any](app core.App, key string) *byClient[T] {
	return app.Store().GetOrSet(HookIDPrefix+"cache."+key, func() any { return &byClient[T]{} }).(*byClient[T])
}

// of returns the client's cache.
func (b *byClient[T]) of(client string) *storeCache[T] {
	c, _ := b.caches.LoadOrStore(client, &storeCache[T]{})
	return c.(*storeCache[T])
}

func (b *byClient[T]) changeAwareOf(client string) changeAware { return b.of(client) }

func (b *byClient[T]) eachChangeAware(do func(changeAware)) {
	b.caches.Range(func(_, c any) bool {
		do(c.(*storeCache[T]))
		return true
	})
}
