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
// storeCache forgotten when what they derive from changes (forgetOnChange);
// the set is taken before a value is made, so one made while a record
// changes lands in the set that change forgets.
type keptValues[V any] struct {
	byKey sync.Map
	used  atomic.Int64
	max   int64
	cost  func(V) int64
}

// keptValuesIn returns the cache's current set, a new one with a budget of
// max (as cost counts it) once a change has forgotten the last.
func keptValuesIn[V any](app core.App, cache *storeCache[*keptValues[V]], max int64, cost func(V) int64) *keptValues[V] {
	return cache.get(app, func(core.App) (*keptValues[V], error) { return &keptValues[V]{max: max, cost: cost}, nil })
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
// are made on each request until a change empties the set.
func (k *keptValues[V]) keep(key string, v V) {
	cost := k.cost(v)
	if k.used.Add(cost) > k.max {
		k.used.Add(-cost)
		return
	}
	if old, replaced := k.byKey.Swap(key, v); replaced {
		k.used.Add(-k.cost(old.(V)))
	}
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
