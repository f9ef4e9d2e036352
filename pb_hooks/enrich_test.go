package pb_hooks

import (
	"errors"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// TestEnrichStepsRunInOneHandler checks bindEnrich: the portal's steps are
// one OnRecordEnrich handler, which runs a record's collection's steps in
// the order bound and then the handlers bound after it; a failing step
// stops the chain with its error.
func TestEnrichStepsRunInOneHandler(t *testing.T) {
	t.Parallel()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	p := &plugin{app: app}
	var ran []string
	step := func(name string) recordEnricher {
		return func(e *core.RecordEnrichEvent) error {
			ran = append(ran, name)
			if e.Record.GetString("fail") == name {
				return errors.New(name + " failed")
			}
			return nil
		}
	}
	p.bindEnrich(step("first"), "a")
	p.bindEnrich(step("second"), "a", "b")
	if n := app.OnRecordEnrich().Length(); n != 1 {
		t.Fatalf("%d OnRecordEnrich handlers, want the portal's one", n)
	}
	app.OnRecordEnrich().Bind(&hook.Handler[*core.RecordEnrichEvent]{Func: func(e *core.RecordEnrichEvent) error {
		ran = append(ran, "later")
		return e.Next()
	}})
	for _, c := range []struct {
		collection, fail string
		want             []string
	}{
		{"a", "", []string{"first", "second", "later"}},
		{"b", "", []string{"second", "later"}},
		{"c", "", []string{"later"}},
		{"a", "first", []string{"first"}},
	} {
		ran = nil
		record := core.NewRecord(core.NewBaseCollection(c.collection))
		record.Set("fail", c.fail)
		err := app.OnRecordEnrich().Trigger(&core.RecordEnrichEvent{App: app, Record: record})
		if !slices.Equal(ran, c.want) || (err != nil) != (c.fail != "") {
			t.Errorf("a record of %s failing in %q: ran %v, %v; want %v", c.collection, c.fail, ran, err, c.want)
		}
	}
}
