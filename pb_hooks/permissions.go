package pb_hooks

import (
	"net/http"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// contactCan reports whether the contact's role grants the permission. It
// is the Go twin of collections.RuleHasPermission, which the API rules use;
// TestContactCanAgreesWithTheRules holds the two together. It reads the
// roles the visibility cache holds, so a permission check costs no query.
func contactCan(app core.App, contact *core.Record, perm collections.Permission) bool {
	if contact == nil || contact.Collection().Name != collections.Contacts {
		return false
	}
	_, roles := loadVisibility(app)
	return slices.Contains(roles[contact.GetString(collections.FieldRole)], string(perm))
}

// permissionMessages say in plain words what a missing permission stops.
var permissionMessages = map[collections.Permission]string{
	collections.PermBookEvents:      "Your role does not allow booking events. Ask a colleague who manages contacts.",
	collections.PermViewPrices:      "Your role does not allow seeing prices.",
	collections.PermRequestChanges:  "Your role does not allow requesting changes.",
	collections.PermUploadDocuments: "Your role does not allow uploading documents.",
}

// requireContactPermission lets a route through only for an active contact
// whose role grants the permission.
func requireContactPermission(perm collections.Permission) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: HookIDPrefix + "requirePermission." + string(perm),
		Func: func(e *core.RequestEvent) error {
			if e.Auth == nil || e.Auth.Collection().Name != collections.Contacts {
				return e.UnauthorizedError("Please sign in to the portal.", nil)
			}
			allowed := contactCan(e.App, e.Auth, perm)
			if perm == collections.PermViewPrices {
				allowed = maySeePrices(e.App, e.Auth) // the one answer about prices
			}
			if !allowed {
				msg, ok := permissionMessages[perm]
				if !ok {
					msg = "Your role does not allow this."
				}
				return e.Error(http.StatusForbidden, msg, nil)
			}
			return e.Next()
		},
	}
}
