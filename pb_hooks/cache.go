package pb_hooks

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"
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
	c.loaded = false
}

// get returns the cached value, loading it when needed. A change committed
// while loading makes the loaded copy stale: it is returned to this reader
// but not kept. A failed load is returned and not kept either. Inside a
// transaction the cache is bypassed: the transaction may have changed what
// the value derives from, and may still roll back.
func (c *storeCache[T]) get(app core.App, load func() (T, error)) T {
	if app.IsTransactional() {
		value, _ := load()
		return value
	}
	c.mu.Lock()
	if c.loaded {
		defer c.mu.Unlock()
		return c.value
	}
	version := c.version
	c.mu.Unlock()

	value, err := load()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && c.version == version {
		c.value, c.loaded = value, true
	}
	return value
}

// forgetOnChange forgets the cache whenever a record of the collections is
// created, updated or deleted.
func (p *plugin) forgetOnChange(forget func(app core.App), names ...string) {
	f := func(e *core.RecordEvent) error {
		forget(e.App)
		return e.Next()
	}
	for _, c := range names {
		p.app.OnRecordAfterCreateSuccess(c).BindFunc(f)
		p.app.OnRecordAfterUpdateSuccess(c).BindFunc(f)
		p.app.OnRecordAfterDeleteSuccess(c).BindFunc(f)
	}
}
