package pb_hooks

import (
	"strconv"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// TestKeyedValuesAreBounded checks keyedValue's bound: a cache keeps up to
// maxKeyedValues keys; the key past it forgets the cache, which then fills
// afresh.
func TestKeyedValuesAreBounded(t *testing.T) {
	t.Parallel()
	app := bootstrappedApp(t)
	cache := cacheOf[*keyedValues](app, "test.keyed")
	loads := 0
	get := func(key int) {
		t.Helper()
		v, err := keyedValue(app, cache, strconv.Itoa(key), func(core.App) (int, error) { loads++; return key, nil })
		if err != nil || v != key {
			t.Fatalf("key %d: %v %v", key, v, err)
		}
	}
	for key := range maxKeyedValues {
		get(key)
	}
	for key := range maxKeyedValues {
		get(key)
	}
	if loads != maxKeyedValues {
		t.Fatalf("%d loads for %d keys asked twice, want one each", loads, maxKeyedValues)
	}
	get(maxKeyedValues)
	get(0)
	get(1)
	if loads != maxKeyedValues+3 {
		t.Errorf("%d loads: the key past the bound left the cache kept", loads-maxKeyedValues)
	}
	get(0)
	if loads != maxKeyedValues+3 {
		t.Error("a cache forgotten at the bound keeps nothing afresh")
	}
}

// bootstrappedApp is a bare PocketBase app (no collections, no plugin) for
// the tests of the portal's own machinery.
func bootstrappedApp(t *testing.T) core.App {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ResetBootstrapState() })
	return app
}
