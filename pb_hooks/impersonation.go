package pb_hooks

import (
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/spf13/cast"

	"github.com/crewportal/crewportal/collections"
)

// Sign in as client (spec A7): an admin opens the portal as a contact from
// the contact's dashboard record. The token carries the admin's id, so
// every action taken with it is recorded under the admin's identity.

// impersonationClaim names the admin in an impersonation token.
const impersonationClaim = "impersonatedBy"

// impersonationDuration bounds an impersonation session; the token cannot
// be refreshed.
const impersonationDuration = time.Hour

// impersonatorKey is where a request remembers the impersonating admin.
const impersonatorKey = HookIDPrefix + "impersonator"

// impersonate issues a one-hour, non-refreshable auth token of the contact
// to a signed-in admin and records the start in the audit log.
func impersonate(e *core.RequestEvent) error {
	contact, err := e.App.FindRecordById(collections.Contacts, e.Request.PathValue("id"))
	if err != nil {
		return e.NotFoundError("No contact with this id.", err)
	}
	token, err := security.NewJWT(jwt.MapClaims{
		core.TokenClaimType:         core.TokenTypeAuth,
		core.TokenClaimId:           contact.Id,
		core.TokenClaimCollectionId: contact.Collection().Id,
		core.TokenClaimRefreshable:  false,
		impersonationClaim:          e.Auth.Id,
		"iat":                       time.Now().Unix(), // see tokenIssuedAt
	}, contact.TokenKey()+contact.Collection().AuthToken.Secret, impersonationDuration)
	if err != nil {
		return e.InternalServerError("", err)
	}
	if err := writeAudit(e.App, auditEntry{
		actorType: "admin", actorID: e.Auth.Id, actorName: e.Auth.Email(), action: "impersonation.start",
		collection: collections.Contacts, recordID: contact.Id, ip: e.RealIP(),
		details: map[string]any{"contact": contact.GetString(collections.FieldName)},
	}); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{
		"token":  token,
		"record": contact.PublicExport(),
		"admin":  map[string]string{"id": e.Auth.Id, "email": e.Auth.Email()},
	})
}

// rememberImpersonator marks requests made with an impersonation token.
// The token's signature has already been verified (e.Auth is set), so its
// claims can be trusted here.
func rememberImpersonator(e *core.RequestEvent) error {
	if e.Auth != nil && e.Auth.Collection().Name == collections.Contacts {
		if claims, err := security.ParseUnverifiedJWT(requestToken(e)); err == nil {
			if by := cast.ToString(claims[impersonationClaim]); by != "" {
				e.Set(impersonatorKey, by)
			}
		}
	}
	return e.Next()
}

// impersonatorID returns the id of the admin acting as the request's
// contact, or "" when the contact acts themselves.
func impersonatorID(e *core.RequestEvent) string {
	return cast.ToString(e.Get(impersonatorKey))
}

// actingContactName names who acts for emails to the agency: the contact,
// or the contact and the admin who acted on their behalf, so an email never
// says a client did what an admin did.
func actingContactName(e *core.RequestEvent) string {
	name := e.Auth.GetString(collections.FieldName)
	id := impersonatorID(e)
	if id == "" {
		return name
	}
	admin := id
	if r, err := e.App.FindRecordById(core.CollectionNameSuperusers, id); err == nil {
		admin = r.Email()
	}
	return name + " (entered by " + admin + " on their behalf)"
}

// addPortalLink gives admins reading a contact the link that opens the
// portal as that contact, computed from the current application URL.
func addPortalLink(e *core.RecordEnrichEvent) error {
	if e.RequestInfo != nil && e.RequestInfo.Auth != nil && e.RequestInfo.Auth.IsSuperuser() {
		e.Record.Set(collections.FieldPortalLink, portalURL(e.App)+"impersonate/"+e.Record.Id)
	} else {
		e.Record.Set(collections.FieldPortalLink, "")
	}
	return nil
}

func (p *plugin) bindImpersonation() {
	p.bindEnrich(addPortalLink, collections.Contacts)
	p.bindRouterMiddleware("impersonation.middleware", &hook.Handler[*core.RequestEvent]{
		Id:   HookIDPrefix + "impersonation.remember",
		Func: rememberImpersonator,
	})
}
