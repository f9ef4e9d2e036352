package pb_hooks_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestExpandsToRun checks that the combined reads skip only the expands of
// relations no record sets, and always run one, which gives every record
// its "expand" key as the record API does.
func TestExpandsToRun(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	events, err := app.FindCachedCollectionByNameOrId(collections.Events)
	if err != nil {
		t.Fatal(err)
	}
	event := func(tags []string, createdBy string) *core.Record {
		r := core.NewRecord(events)
		r.Set(collections.FieldTags, tags)
		r.Set(collections.FieldCreatedBy, createdBy)
		return r
	}
	tagged, booked, bare := event([]string{"t1"}, ""), event(nil, "c1"), event(nil, "")
	for _, c := range []struct {
		records []*core.Record
		expand  string
		want    []string
	}{
		{[]*core.Record{tagged}, "tags,created_by", []string{"tags"}},
		{[]*core.Record{booked}, "tags,created_by", []string{"created_by"}},
		{[]*core.Record{bare, tagged, booked}, "tags,created_by", []string{"tags", "created_by"}},
		{[]*core.Record{bare}, "tags,created_by", []string{"created_by"}},
		{[]*core.Record{bare}, "created_by.role,tags", []string{"tags"}},
		{[]*core.Record{bare}, "shifts_via_event,tags", []string{"shifts_via_event"}},
		{nil, "tags", []string{"tags"}},
		{[]*core.Record{tagged}, "", nil},
	} {
		if got := pb_hooks.ExpandsToRun(c.records, c.expand); !slices.Equal(got, c.want) {
			t.Errorf("%q on %d records: %v, want %v", c.expand, len(c.records), got, c.want)
		}
	}
}
