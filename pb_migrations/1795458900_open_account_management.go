package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Accounts and access (spec A1–A6): contacts see their own role; contacts
// allowed to manage contacts see and manage their company's contacts and the
// roles they may give; contacts allowed to edit company details update their
// own company. Which fields each may send is checked by hooks (whitelists the
// rule language cannot express). Only active contacts of clients with the
// portal on may authenticate. Sign-in and password-reset requests are
// rate-limited per IP.
func init() {
	var (
		isContact  = collections.RuleIsContact
		canManage  = collections.RuleAnd(isContact, collections.RuleHasPermission(collections.PermManageContacts))
		canEditCo  = collections.RuleAnd(isContact, collections.RuleHasPermission(collections.PermEditCompany))
		ownCompany = collections.RuleOwnClient
	)

	m.Register(func(app core.App) error {
		roles, err := app.FindCollectionByNameOrId(collections.Roles)
		if err != nil {
			return err
		}
		roleRead := isContact + ` && (id = @request.auth.role || (` + canManage + ` && (client = "" || ` + ownCompany + `)))`
		roles.ListRule, roles.ViewRule = types.Pointer(roleRead), types.Pointer(roleRead)

		contacts, err := app.FindCollectionByNameOrId(collections.Contacts)
		if err != nil {
			return err
		}
		colleagues := collections.RuleSelf + ` || (` + canManage + ` && ` + ownCompany + `)`
		contacts.ListRule = types.Pointer(colleagues)
		contacts.ViewRule = types.Pointer(colleagues)
		contacts.UpdateRule = types.Pointer(colleagues)
		contacts.CreateRule = types.Pointer(canManage + ` && @request.body.client = @request.auth.client`)
		contacts.AuthRule = types.Pointer(collections.RuleContactActive)
		contacts.Fields.Add(&core.BoolField{Name: "send_activation",
			Help: "Tick and save to (re)send the activation email to an invited contact; older links stop working."})

		clients, err := app.FindCollectionByNameOrId(collections.Clients)
		if err != nil {
			return err
		}
		clients.UpdateRule = types.Pointer(canEditCo + ` && id = @request.auth.client`)

		if err := saveAll(app, roles, contacts, clients); err != nil {
			return err
		}

		settings := app.Settings()
		settings.RateLimits.Enabled = true
		settings.RateLimits.Rules = append(settings.RateLimits.Rules,
			core.RateLimitRule{Label: "contacts:authWithPassword", MaxRequests: 10, Duration: 60},
			core.RateLimitRule{Label: "contacts:requestPasswordReset", MaxRequests: 3, Duration: 300},
			core.RateLimitRule{Label: "contacts:confirmPasswordReset", MaxRequests: 10, Duration: 300},
			core.RateLimitRule{Label: "/api/portal/activation/", MaxRequests: 20, Duration: 60},
		)
		return app.Save(settings)
	}, nil)
}
