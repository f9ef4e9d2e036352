package collections_test

import (
	"testing"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestRulesUseTheFragments checks the live API rules of a migrated database
// against their composition from the fragments of rules.go, so a migration
// that spells a rule differently, or a fragment that drifts, fails here.
func TestRulesUseTheFragments(t *testing.T) {
	app := portaltest.App(t)
	is, own, self := collections.RuleIsContact, collections.RuleOwnClient, collections.RuleSelf
	canManage := collections.RuleAnd(is, collections.RuleHasPermission(collections.PermManageContacts))
	colleagues := self + ` || (` + canManage + ` && ` + own + `)`
	cases := []struct{ collection, rule, want string }{
		{collections.Events, "list", collections.RuleAnd(is, own)},
		{collections.Shifts, "view", collections.RuleAnd(is, own)},
		{collections.ResourceLines, "list", collections.RuleAnd(is, own)},
		{collections.ChangeRequests, "list", collections.RuleAnd(is, own)},
		{collections.PortalSettings, "view", is},
		{collections.Contacts, "list", colleagues},
		{collections.Contacts, "update", colleagues},
		{collections.Contacts, "create", collections.RuleAnd(canManage, `@request.body.client = @request.auth.client`)},
		{collections.Contacts, "auth", collections.RuleContactActive},
		{collections.Staff, "view", collections.RuleAnd(collections.RuleProtectedFile, is, collections.RuleRosteredForOwnClient("id"))},
		{collections.StaffQualifications, "view", collections.RuleAnd(collections.RuleProtectedFile, is, collections.RuleRosteredForOwnClient("staff"))},
		{collections.Clients, "update", collections.RuleAnd(is, collections.RuleHasPermission(collections.PermEditCompany), `id = @request.auth.client`)},
		{collections.Invoices, "list", collections.RuleAnd(is, own, collections.RuleHasPermission(collections.PermViewInvoices), `status != "draft"`)},
		{collections.Payments, "view", collections.RuleAnd(is, own, collections.RuleHasPermission(collections.PermViewInvoices), `invoice.status != "draft"`)},
	}
	for _, c := range cases {
		col, err := app.FindCollectionByNameOrId(c.collection)
		if err != nil {
			t.Fatal(err)
		}
		rule := map[string]*string{"list": col.ListRule, "view": col.ViewRule, "create": col.CreateRule,
			"update": col.UpdateRule, "auth": col.AuthRule}[c.rule]
		if rule == nil || *rule != c.want {
			t.Errorf("%s %s rule = %v, want %q", c.collection, c.rule, rule, c.want)
		}
	}
}

// TestListNarrowing checks the filters the list rules imply, written with a
// contact's values, and that rules implying none give none.
func TestListNarrowing(t *testing.T) {
	is, own, self := collections.RuleIsContact, collections.RuleOwnClient, collections.RuleSelf
	canManage := collections.RuleAnd(is, collections.RuleHasPermission(collections.PermManageContacts))
	auth := collections.AuthValues{ID: "me", Client: "c1", Role: "r1"}
	cases := []struct{ rule, want string }{
		{collections.RuleAnd(is, own), `client = "c1"`},
		{self + ` || (` + canManage + ` && ` + own + `)`, `(id = "me" || client = "c1")`},
		{is + ` && (id = @request.auth.role || (` + canManage + ` && (client = "" || ` + own + `)))`,
			`(id = "r1" || (client = "" || client = "c1"))`},
		{collections.RuleAnd(is, `id = @request.auth.client`), `id = "c1"`},
		{is, ""}, // nothing to narrow by
		{own + ` || published = true`, `(client = "c1" || published = true)`},
		{own + ` || audience != "staff"`, ""}, // a branch without a plain comparison implies nothing
		{`client.group = @request.auth.client`, ""},
	}
	for _, c := range cases {
		got, ok := collections.ListNarrowing(c.rule, auth)
		if !ok {
			got = ""
		}
		if got != c.want && !(c.want == "" && !ok) {
			t.Errorf("ListNarrowing(%s) = %q, %v; want %q", c.rule, got, ok, c.want)
		}
	}
	exact := map[string]bool{
		collections.RuleAnd(is, own):                                                              true,
		collections.RuleAnd(is, `id = @request.auth.client`):                                      true,
		collections.RuleAnd(is, own, `published = true`):                                          true,
		collections.RuleAnd(is, own, collections.RuleHasPermission(collections.PermViewInvoices)): false,
		collections.RuleAnd(is, own, `status != "draft"`):                                         false,
		self + ` || (` + canManage + ` && ` + own + `)`:                                           false,
		own + ` || published = true`:                                                              false,
		collections.RuleAnd(is, `(client = "" || `+own+`)`):                                       false,
	}
	for rule, want := range exact {
		if got := collections.ListNarrowingIsExact(rule); got != want {
			t.Errorf("ListNarrowingIsExact(%s) = %v, want %v", rule, got, want)
		}
	}
	if _, ok := collections.ListNarrowing(collections.RuleAnd(is, own), collections.AuthValues{ID: "me", Client: `c1" || true || "`}); ok {
		t.Error("an unusual client id was written into a filter")
	}
}
