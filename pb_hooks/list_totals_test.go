package pb_hooks

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// TestListTotalsForgottenByEveryWriter checks that a kept total is
// forgotten by every collection whose saves write the kept collection's
// rows: itself, and each parent whose move rewrites its children's owner.
func TestListTotalsForgottenByEveryWriter(t *testing.T) {
	t.Parallel()
	for name, writers := range totalsForgottenBy {
		if !slices.Contains(writers, name) {
			t.Errorf("%s's totals are not forgotten when %s changes", name, name)
		}
	}
	for _, parent := range []string{collections.Events, collections.Shifts, collections.Invoices} {
		for _, follower := range ownerFollowers(parent) {
			writers, kept := totalsForgottenBy[follower.collection]
			if kept && !slices.Contains(writers, parent) {
				t.Errorf("%s's totals are not forgotten when a %s moves its children", follower.collection, parent)
			}
		}
	}
	if !slices.Contains(totalsForgottenBy[collections.Events], collections.Shifts) {
		t.Error("events' totals are not forgotten when a shift stores its event's atomic flag")
	}
}

// TestOwnFieldsOnly checks which filters' totals may be kept: those that
// compare the record's own visible fields with literals or each other.
func TestOwnFieldsOnly(t *testing.T) {
	t.Parallel()
	c := core.NewBaseCollection("things")
	c.Fields.Add(&core.TextField{Name: "name"}, &core.TextField{Name: "status"}, &core.NumberField{Name: "total"},
		&core.BoolField{Name: "atomic"}, &core.RelationField{Name: "event", CollectionId: "x"},
		&core.NumberField{Name: collections.FieldEstimatedPrice}, &core.TextField{Name: "secret", Hidden: true})
	for filter, want := range map[string]bool{
		``:                  true,
		`status = "issued"`: true,
		`(total > 0 || atomic = true) && name ~ 'a'`: true,
		`event = "abc" && total != null`:             true,
		`name = status`:                              true,
		`event.name = "x"`:                           false,
		`event.client.name = "x"`:                    false,
		`name = @request.auth.id`:                    false,
		`@request.auth.id != ""`:                     false,
		`total > 0 && created >= @now`:               false,
		`name:lower = "x"`:                           false,
		`@collection.clients.name = "x"`:             false,
		`estimated_price > 100`:                      false,
		`secret = "x"`:                               false,
		`unknown = 1`:                                false,
		`strftime('%Y', name) = "2026"`:              false,
		`status = `:                                  false,
	} {
		if got := ownFieldsOnly(c, filter); got != want {
			t.Errorf("ownFieldsOnly(%q) = %v, want %v", filter, got, want)
		}
	}
}

// TestRelationsForgetTotals checks which rules' totals may be kept when the
// rule compares a related record: only through a relation to a collection
// whose changes forget the totals. A dotted name anywhere, even in a
// literal, is taken for one.
func TestRelationsForgetTotals(t *testing.T) {
	t.Parallel()
	app := bootstrappedApp(t)
	invoices, professions := core.NewBaseCollection(collections.Invoices), core.NewBaseCollection(collections.Professions)
	for _, c := range []*core.Collection{invoices, professions} {
		if err := app.Save(c); err != nil {
			t.Fatal(err)
		}
	}
	payments := core.NewBaseCollection(collections.Payments)
	payments.Fields.Add(&core.TextField{Name: "status"}, &core.RelationField{Name: "invoice", CollectionId: invoices.Id},
		&core.RelationField{Name: "profession", CollectionId: professions.Id})
	for rule, want := range map[string]bool{
		`client = "c1"`: true,
		`client = "c1" && invoice.status != "draft"`:  true,
		`client = "c1" && profession.active != false`: false, // professions do not forget payments' totals
		`client = "c1" && status != "a.b"`:            false,
		`client = "c1" && unknown.status != "draft"`:  false,
		`client = "c1" && invoice.client.name != "x"`: false, // every dotted name must be such a relation
	} {
		if got := relationsForgetTotals(app, payments, rule); got != want {
			t.Errorf("relationsForgetTotals(%s) = %v, want %v", rule, got, want)
		}
	}
}
