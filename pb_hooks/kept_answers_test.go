package pb_hooks

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// TestKeptValuesShareABudget checks the per-client sets' shared budget: a
// set takes only what the pool has left, a forgotten set gives its share
// back and keeps nothing more, a full budget forgets every client's set,
// and a set a transaction loads for itself (it changed what the values
// derive from) keeps nothing at all.
func TestKeptValuesShareABudget(t *testing.T) {
	t.Parallel()
	app := bootstrappedApp(t)
	caches := byClientOf[*keptValues[keptAnswer]](app, "test.kept")
	body := func(n int) keptAnswer { return keptAnswer{body: make([]byte, n)} }
	set := func(client string) *keptValues[keptAnswer] {
		return keptClientValuesIn(app, caches, client, 10, bodyBytes)
	}
	a := set("a")
	a.keep("x", body(6))
	a.keep("x", body(4)) // a replacement gives the old value's share back
	if caches.pool.Load() != 4 {
		t.Errorf("pool %d after a replacement, want 4", caches.pool.Load())
	}
	caches.of("a").forget()
	if caches.pool.Load() != 0 {
		t.Errorf("pool %d after a's set was forgotten, want 0", caches.pool.Load())
	}
	a.keep("y", body(1))
	if _, ok := a.find("y"); ok || caches.pool.Load() != 0 {
		t.Error("a forgotten set kept a value")
	}
	set("b").keep("x", body(6))
	if caches.pool.Load() != 6 {
		t.Errorf("pool %d after b kept 6, want 6", caches.pool.Load())
	}
	// Full: a value that does not fit the shared budget forgets every
	// client's set, which fill afresh.
	set("d").keep("x", body(5))
	if _, ok := set("b").find("x"); ok || caches.pool.Load() != 0 {
		t.Errorf("a full budget left b's value kept (pool %d)", caches.pool.Load())
	}
	if set("d").keep("x", body(5)); caches.pool.Load() != 5 {
		t.Errorf("pool %d after d kept 5 in a fresh set, want 5", caches.pool.Load())
	}

	err := app.RunInTransaction(func(tx core.App) error {
		caches.of("c").changedBy(tx)
		own := keptClientValuesIn(tx, caches, "c", 10, bodyBytes)
		own.keep("x", body(1))
		if _, ok := own.find("x"); ok || caches.pool.Load() != 5 {
			t.Errorf("a transaction's own set kept a value (pool %d)", caches.pool.Load())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
