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
	// The rule written for a contact whose role grants view_invoices: "" when
	// it is not exact.
	view := collections.RuleHasPermission(collections.PermViewInvoices)
	perms := []string{string(collections.PermViewInvoices)}
	exact := map[string]string{
		collections.RuleAnd(is, own):                                                                `client = "c1"`,
		collections.RuleAnd(is, `id = @request.auth.client`):                                        `id = "c1"`,
		collections.RuleAnd(is, own, `published = true`):                                            `client = "c1" && published = true`,
		collections.RuleAnd(is, own, view):                                                          `client = "c1"`,
		collections.RuleAnd(is, own, view, `status != "draft"`):                                     `client = "c1" && status != "draft"`,
		collections.RuleAnd(is, own, collections.RuleHasPermission(collections.PermManageContacts)): "", // not granted
		collections.RuleAnd(is, own, view, `invoice.status != "draft"`):                             `client = "c1" && invoice.status != "draft"`,
		collections.RuleAnd(is, own, `invoice.status = "paid"`):                                     "", // only != through a relation
		collections.RuleAnd(is, own, `invoice.client.name != "x"`):                                  "", // one relation deep
		collections.RuleAnd(is, `status != "draft"`):                                                "", // names no id of the contact
		collections.RuleAnd(is, own, `status != @request.auth.id`):                                  "",
		self + ` || (` + canManage + ` && ` + own + `)`:                                             "",
		own + ` || published = true`:                                                                "",
		collections.RuleAnd(is, `(client = "" || `+own+`)`):                                         "",
		collections.RuleAnd(is, own, `total > 5`):                                                   "",
	}
	for rule, want := range exact {
		got, ok := collections.ExactListRule(rule, auth, perms)
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("ExactListRule(%s) = %q, %v; want %q", rule, got, ok, want)
		}
	}
	// Written whole, with && and || and parentheses, for the same contact
	// (WrittenRule), and for a list (WrittenListRule: only where every branch
	// has an indexed comparison naming the contact): "-" when not written.
	manage := []string{string(collections.PermManageContacts)}
	colleagues := self + ` || (` + canManage + ` && ` + own + `)`
	roles := is + ` && (id = @request.auth.role || (` + canManage + ` && (client = "" || ` + own + `)))`
	writtenCases := []struct {
		rule       string
		perms      []string
		want, list string
	}{
		{colleagues, manage, `id = "me" || client = "c1"`, `id = "me" || client = "c1"`},
		{colleagues, perms, `id = "me"`, `id = "me"`},
		{roles, manage, `(id = "r1" || (client = "" || client = "c1"))`, `(id = "r1" || (client = "" || client = "c1"))`},
		{roles, perms, `id = "r1"`, `id = "r1"`},
		{`a = "1" && b = "2" || c = "3"`, nil, `(a = "1" && b = "2") || c = "3"`, "-"}, // names no id of the contact
		{is, nil, "", "-"}, // every record, for a contact: nothing to search by
		{collections.RuleAnd(is, `client_visible = true`), nil, `client_visible = true`, "-"},
		{collections.RuleAnd(is, own, view), perms, `client = "c1"`, `client = "c1"`},
		{collections.RuleAnd(is, own, view), nil, "-", "-"},                                 // allows nothing
		{own + ` || ` + is, nil, "", "-"},                                                   // one branch holds for every record
		{own + ` || audience = "staff" && ` + view, nil, `client = "c1"`, `client = "c1"`},  // a branch drops out
		{own + ` || audience != "staff"`, nil, `client = "c1" || audience != "staff"`, "-"}, // a branch with no indexed comparison
		{own + ` || audience != @request.auth.id`, nil, "-", "-"},                           // not a plain comparison
		{collections.RuleAnd(is, `(client.group = "g" || `+own+`)`), nil, "-", "-"},         // a relation
		{own + ` || ` + collections.RuleProtectedFile, nil, "-", "-"},
	}
	for _, c := range writtenCases {
		for _, w := range []struct {
			name  string
			write func(string, collections.AuthValues, []string) (string, bool)
			want  string
		}{{"WrittenRule", collections.WrittenRule, c.want}, {"WrittenListRule", collections.WrittenListRule, c.list}} {
			got, ok := w.write(c.rule, auth, c.perms)
			if !ok {
				got = "-"
			}
			if got != w.want {
				t.Errorf("%s(%s) with %v = %q; want %q", w.name, c.rule, c.perms, got, w.want)
			}
		}
	}
	for rule, want := range map[string]string{
		`client = "c1"`: "c1", `client = "c1" && status != "draft"`: "c1", `status != "draft" && client = "c1"`: "c1",
		`id = "c1"`: "", `client = "c1" || id = "me"`: "", `(client = "c1")`: "", `client != "c1"`: "", `client.group = "c1"`: "",
	} {
		if got, ok := collections.RuleClient(rule); got != want || ok != (want != "") {
			t.Errorf("RuleClient(%s) = %q, %v; want %q", rule, got, ok, want)
		}
	}
	if _, ok := collections.ExactListRule(collections.RuleAnd(is, own), collections.AuthValues{ID: "me", Client: `c1" || true || "`}, nil); ok {
		t.Error("an unusual client id was written into a rule")
	}
	if _, ok := collections.ListNarrowing(collections.RuleAnd(is, own), collections.AuthValues{ID: "me", Client: `c1" || true || "`}); ok {
		t.Error("an unusual client id was written into a filter")
	}
}
