package pb_hooks

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// keptValues are values kept in memory by key (a list's total, a client's
// event counts, an export's file, a page's JSON) within a budget: of
// entries, or of bytes, as cost says. Each set of them lives in a
// storeCache forgotten when what they derive from changes (forgetOnChange,
// or per client forgetOnClientChange: then the clients' sets share one
// budget, their pool); the set is taken before a value is made, so one made
// while a record changes lands in the set that change forgets. A set no
// cache holds any more is dropped: it gives its share of the pool back and
// keeps nothing more.
type keptValues[V any] struct {
	byKey sync.Map
	pool  *atomic.Int64
	max   int64
	cost  func(V) int64
	// full, when set, is called when a value does not fit the budget.
	full func()

	mu      sync.Mutex // used, dropped; keeping is rare (a miss)
	used    int64
	dropped bool
}

// keptValuesIn returns the cache's current set, a new one with a budget of
// max (as cost counts it) once a change has forgotten the last.
func keptValuesIn[V any](app core.App, cache *storeCache[*keptValues[V]], max int64, cost func(V) int64) *keptValues[V] {
	return keptValuesSharing(app, cache, new(atomic.Int64), max, cost, nil)
}

// keptClientValuesIn returns the client's current set of the per-client
// caches, the clients' sets sharing a budget of max. Once the budget is
// full every client's set is forgotten, and they fill afresh: clients
// whose records seldom change would otherwise hold it for good.
func keptClientValuesIn[V any](app core.App, caches *byClient[*keptValues[V]], client string, max int64, cost func(V) int64) *keptValues[V] {
	return keptValuesSharing(app, caches.of(client), &caches.pool, max, cost, func() {
		caches.eachChangeAware(func(c changeAware) { c.forget() })
	})
}

func keptValuesSharing[V any](app core.App, cache *storeCache[*keptValues[V]], pool *atomic.Int64, max int64, cost func(V) int64,
	full func()) *keptValues[V] {
	return cache.get(app, func(core.App) (*keptValues[V], error) {
		return &keptValues[V]{pool: pool, max: max, cost: cost, full: full}, nil
	})
}

// one is the cost of a value counted by entries.
func one[V any](V) int64 { return 1 }

// find returns the value kept under key.
func (k *keptValues[V]) find(key string) (V, bool) {
	v, ok := k.byKey.Load(key)
	if !ok {
		var none V
		return none, false
	}
	return v.(V), true
}

// keep stores v under key when it fits the budget left; once full, values
// are made on each request until a change empties a set (or, with full,
// until full has made room).
func (k *keptValues[V]) keep(key string, v V) {
	if !k.kept(key, v) && k.full != nil {
		k.full()
	}
}

// kept is keep without full; it reports false when the budget was full.
func (k *keptValues[V]) kept(key string, v V) bool {
	cost := k.cost(v)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dropped {
		return true
	}
	if k.pool.Add(cost) > k.max {
		k.pool.Add(-cost)
		return false
	}
	k.used += cost
	if old, replaced := k.byKey.Swap(key, v); replaced {
		c := k.cost(old.(V))
		k.used -= c
		k.pool.Add(-c)
	}
	return true
}

// drop gives the set's share of the pool back; it keeps nothing more.
func (k *keptValues[V]) drop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.dropped = true
	k.pool.Add(-k.used)
	k.used = 0
}

// keptAnswer is one answer's body, good until until (zero: until a change).
type keptAnswer struct {
	body  []byte
	until time.Time
}

// goodAt reports whether the answer is still right at now.
func (a keptAnswer) goodAt(now time.Time) bool {
	return a.until.IsZero() || now.Before(a.until)
}

// bodyBytes is a kept answer's cost.
func bodyBytes(a keptAnswer) int64 { return int64(len(a.body)) }
