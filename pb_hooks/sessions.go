package pb_hooks

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/spf13/cast"

	"github.com/crewportal/crewportal/collections"
)

// Sessions end when access is withdrawn (spec A1, A4): a contact's, their
// company's or the whole portal's. Links sent by email survive it (issue 11,
// bug 3): a maintenance window must not break invitations or password
// resets. A contact's token key signs both their sessions and their links,
// so only a contact losing access renews it; a company switched off
// instead refuses its contacts' sessions from before the switch-off, and
// the whole portal switched off renews the secret that signs sessions only.
func (p *plugin) bindSessionHooks() {
	p.app.OnRecordUpdate(collections.Contacts).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "sessions.endOfContact",
		Func: endSessionsWhenDisabled,
	})
	p.app.OnRecordUpdate(collections.Clients).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "sessions.endOfClient",
		Func: endSessionsWhenPortalOff,
	})
	p.app.OnRecordUpdate(collections.PortalSettings).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "sessions.endAll",
		Func: endSessionsWhenPortalOff,
	})
	p.forgetOnChange(func(app core.App) changeAware { return companySessionsOf(app) }, collections.Clients)
	p.forgetOnChange(func(app core.App) changeAware { return signedInContactsOf(app) }, collections.Contacts)
	// Just before PocketBase reads the auth token, which it then leaves be.
	p.bindRouterMiddleware("sessions.contactsMiddleware", &hook.Handler[*core.RequestEvent]{
		Id:       HookIDPrefix + "sessions.contacts",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
		Func:     authenticateKeptContact,
	})
	// Right after PocketBase has read the auth token, before anything uses it.
	p.bindRouterMiddleware("sessions.middleware", &hook.Handler[*core.RequestEvent]{
		Id:       HookIDPrefix + "sessions.companies",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
		Func:     refuseEndedCompanySessions,
	})
}

// endSessionsWhenDisabled signs a contact out everywhere when their access is
// withdrawn: renewing the token key invalidates every token issued before,
// their emailed links too, which they may no longer use anyway.
func endSessionsWhenDisabled(e *core.RecordEvent) error {
	was := collections.ContactStatus(stored(e.App, e.Record).GetString(collections.FieldStatus))
	is := collections.ContactStatus(e.Record.GetString(collections.FieldStatus))
	if was == collections.ContactActive && is != collections.ContactActive {
		e.Record.RefreshTokenKey()
		id := e.Record.Id
		defer closeRealtimeStreamsOf(e.App, func(c *core.Record) bool { return c.Id == id })()
	}
	return e.Next()
}

// endSessionsWhenPortalOff signs out every contact concerned when the
// portal is switched off: for one client (a clients record, whose
// sessions_ended_at refuseEndedCompanySessions checks) or for everyone (the
// settings record).
func endSessionsWhenPortalOff(e *core.RecordEvent) error {
	if !stored(e.App, e.Record).GetBool(collections.FieldPortalEnabled) || e.Record.GetBool(collections.FieldPortalEnabled) {
		return e.Next()
	}
	if e.Record.Collection().Name == collections.Clients {
		clientID := e.Record.Id
		defer closeRealtimeStreamsOf(e.App, func(c *core.Record) bool { return c.GetString(collections.FieldClient) == clientID })()
		e.Record.Set(collections.FieldSessionsEndedAt, types.NowDateTime())
		return e.Next()
	}
	defer closeRealtimeStreamsOf(e.App, func(*core.Record) bool { return true })()
	return withTransaction(&e.App, e.Next, renewSessionSecret)
}

// renewSessionSecret ends every contact session at once by renewing the
// secret that signs contacts' auth tokens. Activation and reset links are
// signed with another secret (and the contact's unchanged token key), so
// they keep working.
func renewSessionSecret(tx core.App) error {
	contacts, err := tx.FindCollectionByNameOrId(collections.Contacts)
	if err != nil {
		return err
	}
	contacts.AuthToken.Secret = security.RandomString(50)
	return tx.Save(contacts)
}

// closeRealtimeStreamsOf picks the open realtime streams of the contacts
// that match now and returns the function that closes them, to be deferred
// until after the save. Ending a contact's sessions does not reach a stream
// already open: PocketBase keeps the contact it authenticated and goes on
// sending it whatever the rules let that contact see. Closed, the portal's
// SDK reconnects with a token that no longer works and sees what a guest
// sees. The streams are picked before the save because renewing the
// contacts' token secret makes PocketBase forget who they belonged to.
// Closing a stream for a save that then fails costs a reconnect, no more.
func closeRealtimeStreamsOf(app core.App, match func(contact *core.Record) bool) (closeThem func()) {
	broker := app.SubscriptionsBroker()
	var picked []string
	for id, client := range broker.Clients() {
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth != nil && auth.Collection().Name == collections.Contacts && match(auth) {
			picked = append(picked, id)
		}
	}
	return func() {
		for _, id := range picked {
			broker.Unregister(id)
		}
	}
}

// companySessions is, for each company whose portal is off or was switched
// off before, whether it is off and when its sessions ended.
type companySessions map[string]struct {
	off   bool
	ended time.Time
}

// companySessionsOf returns the app's cache of companySessions: read on
// every request of a contact, so it must not cost a query.
func companySessionsOf(app core.App) *storeCache[companySessions] {
	return cacheOf[companySessions](app, "companySessions")
}

// loadCompanySessions returns the companies whose contacts' sessions may be
// refused.
func loadCompanySessions(app core.App) companySessions {
	return companySessionsOf(app).get(app, func(app core.App) (companySessions, error) {
		var rows []struct {
			ID      string         `db:"id"`
			Enabled bool           `db:"portal_enabled"`
			Ended   types.DateTime `db:"sessions_ended_at"`
		}
		out := companySessions{}
		err := app.DB().Select("id", collections.FieldPortalEnabled, collections.FieldSessionsEndedAt).
			From(collections.Clients).
			Where(dbx.Or(dbx.HashExp{collections.FieldPortalEnabled: false}, dbx.Not(dbx.HashExp{collections.FieldSessionsEndedAt: ""}))).
			All(&rows)
		if err != nil {
			app.Logger().Warn("Could not load the companies switched off; refusing no session", "error", err)
			return out, err
		}
		for _, r := range rows {
			out[r.ID] = struct {
				off   bool
				ended time.Time
			}{!r.Enabled, r.Ended.Time()}
		}
		return out, nil
	})
}

// refuseEndedCompanySessions answers a contact's request with a 401, as for
// an expired session (the portal then signs out), while their company's
// portal is off, and afterwards for a token from before it was switched
// off. Companies are checked rather than token keys renewed because the key
// that signs a session also signs the links already emailed.
func refuseEndedCompanySessions(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != collections.Contacts {
		return e.Next()
	}
	company, listed := loadCompanySessions(e.App)[e.Auth.GetString(collections.FieldClient)]
	switch {
	case !listed:
	case company.off:
		return e.UnauthorizedError("The client portal is switched off for your company. Please contact the agency.", nil)
	case !tokenIssuedAt(e).After(company.ended.Truncate(time.Second)):
		return e.UnauthorizedError("Your session has ended. Please sign in again.", nil)
	}
	return e.Next()
}

// tokenIssuedAt tells when the request's auth token (already verified by
// PocketBase) was issued: its iat claim where the plugin signs one
// (impersonation), otherwise its expiry less the collection's token
// duration, as PocketBase's session tokens carry no iat. Times are whole
// seconds, so a session started in the very second of a switch-off ends
// with it: better a second sign-in than a session that should have ended.
func tokenIssuedAt(e *core.RequestEvent) time.Time {
	claims, err := security.ParseUnverifiedJWT(requestToken(e))
	if err != nil {
		return time.Time{}
	}
	if iat, ok := claims["iat"]; ok {
		return time.Unix(cast.ToInt64(iat), 0)
	}
	duration := time.Duration(e.Auth.Collection().AuthToken.Duration) * time.Second
	return time.Unix(cast.ToInt64(claims["exp"]), 0).Add(-duration)
}

// signedInContactsOf returns the app's cache of the contacts who made a
// request, by id, as read from the database. PocketBase reads the token's
// record on every request; for a contact, whose every page makes a few
// calls, that read was about a twentieth of a plain list's CPU. Any change
// to any contact forgets them all (contacts change seldom), and the
// collection's settings are checked on every use.
func signedInContactsOf(app core.App) *storeCache[*keyedValues] {
	return cacheOf[*keyedValues](app, "signedInContacts")
}

// authenticateKeptContact does what PocketBase's loadAuthToken does for a
// contact's session token, from the kept contact: it checks the token's
// signature against the contact's current token key and the collection's
// current secret, and gives the request a copy of the contact (handlers may
// change e.Auth). Anything else (another collection's token, an unknown or
// changed collection, a contact not found, a bad signature) is left to
// PocketBase, which then answers as it always does.
func authenticateKeptContact(e *core.RequestEvent) error {
	if e.Auth != nil {
		return e.Next()
	}
	token := requestToken(e)
	if token == "" {
		return e.Next()
	}
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil || claims[core.TokenClaimType] != core.TokenTypeAuth {
		return e.Next()
	}
	id, _ := claims[core.TokenClaimId].(string)
	contacts, err := e.App.FindCachedCollectionByNameOrId(collections.Contacts)
	if err != nil || id == "" || claims[core.TokenClaimCollectionId] != contacts.Id {
		return e.Next()
	}
	kept := signedInContactsOf(e.App)
	load := func(app core.App) (*core.Record, error) { return app.FindRecordById(contacts, id) }
	contact, err := keyedValue(e.App, kept, id, load)
	if err == nil && contact.Collection() != contacts {
		// The collections were saved since (the contacts' secret renewed,
		// say): every kept contact has the old settings.
		kept.forget()
		contact, err = keyedValue(e.App, kept, id, load)
	}
	if err != nil || contact.Collection() != contacts {
		return e.Next()
	}
	if _, err := security.ParseJWT(token, contact.TokenKey()+contacts.AuthToken.Secret); err != nil {
		return e.Next()
	}
	e.Auth = contact.Clone()
	return e.Next()
}

// requestToken is the request's auth token as PocketBase reads it: the
// Authorization header, without a "Bearer " prefix in any case.
func requestToken(e *core.RequestEvent) string {
	token := e.Request.Header.Get("Authorization")
	if len(token) > 7 && strings.EqualFold(token[:7], "Bearer ") {
		return token[7:]
	}
	return token
}
