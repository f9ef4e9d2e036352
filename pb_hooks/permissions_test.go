package pb_hooks_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// The routes' permission check (Go) and the API rules' fragment must give
// the same answer for every permission and role, including a role changed
// after the first check and a contact with no role.
func TestContactCanAgreesWithTheRules(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	client := portaltest.NewClient(t, app, "Acme Events")
	all := portaltest.NewRole(t, app, "", collections.Permissions...)
	some := portaltest.NewRole(t, app, "", collections.PermBookEvents, collections.PermViewPrices)
	none := portaltest.NewRole(t, app, "")
	contacts := []*collections.Contact{
		portaltest.NewContact(t, app, client, all, "all@acme.test"),
		portaltest.NewContact(t, app, client, some, "some@acme.test"),
		portaltest.NewContact(t, app, client, none, "none@acme.test"),
	}
	check := func(when string) {
		t.Helper()
		for _, c := range contacts {
			for _, p := range collections.Permissions {
				rule := collections.RuleAnd(collections.RuleIsContact, collections.RuleHasPermission(p))
				byRule, err := app.CanAccessRecord(c.Record, &core.RequestInfo{Auth: c.Record}, &rule)
				if err != nil {
					t.Fatal(err)
				}
				if byGo := pb_hooks.ContactCan(app, c.Record, p); byGo != byRule {
					t.Errorf("%s: %s %s: Go says %v, the rule %v", when, c.Email(), p, byGo, byRule)
				}
			}
		}
	}
	check("at first")
	some.Set(collections.FieldPermissions, []string{string(collections.PermViewRoster)})
	if err := app.Save(some); err != nil {
		t.Fatal(err)
	}
	check("after a role change")
	if pb_hooks.ContactCan(app, contacts[1].Record, collections.PermViewPrices) {
		t.Error("a withdrawn permission is still granted")
	}
}
