package pb_hooks

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/spf13/cast"
	"golang.org/x/crypto/bcrypt"

	"github.com/crewportal/crewportal/collections"
)

// Accounts (spec A1–A3): who may sign in and why not, and activation links;
// ending sessions when access is withdrawn is in sessions.go.
func (p *plugin) bindAccountHooks() {
	p.app.OnRecordAuthWithPasswordRequest(collections.Contacts).Bind(&hook.Handler[*core.RecordAuthWithPasswordRequestEvent]{
		Id:   HookIDPrefix + "accounts.explainRefusedSignIn",
		Func: explainRefusedSignIn,
	})
	p.app.OnRecordAuthRequest(collections.Contacts).Bind(&hook.Handler[*core.RecordAuthRequestEvent]{
		Id:   HookIDPrefix + "accounts.guardAuth",
		Func: guardContactAuth,
	})
	p.app.OnRecordCreate(collections.Contacts).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "accounts.contactDefaults",
		Func: contactDefaults,
	})
	p.app.OnRecordCreate(collections.Contacts).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "accounts.activateOnCreate",
		Func: sendActivationWhenInvited,
	})
	p.app.OnRecordUpdate(collections.Contacts).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "accounts.activateOnUpdate",
		Func: sendActivationWhenInvited,
	})
	p.app.OnRecordConfirmPasswordResetRequest(collections.Contacts).Bind(&hook.Handler[*core.RecordConfirmPasswordResetRequestEvent]{
		Id:   HookIDPrefix + "accounts.completeActivation",
		Func: completeActivation,
	})
	p.app.OnMailerRecordPasswordResetSend(collections.Contacts).Bind(&hook.Handler[*core.MailerRecordEvent]{
		Id:   HookIDPrefix + "accounts.passwordResetThroughOutbox",
		Func: queuePasswordReset,
	})
	p.app.OnMailerRecordEmailChangeSend(collections.Contacts).Bind(&hook.Handler[*core.MailerRecordEvent]{
		Id:   HookIDPrefix + "accounts.emailChangeThroughOutbox",
		Func: queueEmailChange,
	})
	p.app.OnRecordConfirmEmailChangeRequest(collections.Contacts).Bind(&hook.Handler[*core.RecordConfirmEmailChangeRequestEvent]{
		Id:   HookIDPrefix + "accounts.reportEmailChange",
		Func: reportEmailChange,
	})
}

// accessRefusal explains in plain words why a contact may not use the portal
// now, or returns "" when it may.
func accessRefusal(app core.App, contact *core.Record) (string, error) {
	settings, err := portalSettings(app)
	if err != nil {
		return "", err
	}
	if !settings.PortalEnabled() {
		if msg := settings.PortalDisabledMessage(); msg != "" {
			return msg, nil
		}
		return "The client portal is closed at the moment. Please contact the agency.", nil
	}
	c := collections.Wrap[collections.Contact](contact)
	switch c.Status() {
	case collections.ContactDisabled:
		return "Your portal access has been switched off. A colleague who manages contacts, or the agency, can restore it.", nil
	case collections.ContactNoAccess, collections.ContactInvited:
		return "Your portal access is not activated yet. Use the link in your invitation email, or ask the agency for a new one.", nil
	}
	client, err := collections.Find[collections.Client](app, collections.Clients, c.ClientID())
	if err != nil {
		return "", err
	}
	if !client.PortalEnabled() {
		return "The client portal is switched off for " + client.Name() + ". Please contact the agency.", nil
	}
	return "", nil
}

// explainRefusedSignIn decides every refused sign-in itself, so that each
// refusal costs the same single password comparison (issue 12, item 5):
// an unknown email is compared against a dummy hash, a contact whose access
// is refused is compared once, and the reason is given only once the
// password proved who is asking; a wrong password gets PocketBase's own
// answer whether or not the email exists (spec A3). A right password of a
// contact who may sign in goes on to PocketBase, which compares it again:
// only a successful sign-in pays twice.
func explainRefusedSignIn(e *core.RecordAuthWithPasswordRequestEvent) error {
	if e.Record == nil {
		comparePassword(e.App, e.Collection, nil, e.Password)
		return refuseSignIn(e)
	}
	reason, err := accessRefusal(e.App, e.Record)
	if err != nil {
		return err
	}
	if !comparePassword(e.App, e.Collection, e.Record, e.Password) {
		return refuseSignIn(e)
	}
	if reason != "" {
		return e.ForbiddenError(reason, nil)
	}
	return e.Next()
}

// refuseSignIn answers a wrong email or password exactly as PocketBase does.
func refuseSignIn(e *core.RecordAuthWithPasswordRequestEvent) error {
	return e.BadRequestError("Failed to authenticate.", errors.New("invalid login credentials"))
}

// comparePassword compares a sign-in password with the contact's hash, or
// with a dummy hash of the same cost when there is no contact, and counts
// the comparison in the app's store (PasswordComparisons in the tests).
func comparePassword(app core.App, collection *core.Collection, contact *core.Record, password string) bool {
	app.Store().GetOrSet(passwordComparisonsKey, func() any { return new(atomic.Int64) }).(*atomic.Int64).Add(1)
	if contact != nil {
		return contact.ValidatePassword(password)
	}
	cost := bcrypt.DefaultCost
	if f, ok := collection.Fields.GetByName(core.FieldNamePassword).(*core.PasswordField); ok && f.Cost > 0 {
		cost = f.Cost
	}
	hash, _ := dummyHashes.LoadOrStore(cost, sync.OnceValue(func() []byte {
		h, err := bcrypt.GenerateFromPassword([]byte(security.RandomString(30)), cost)
		if err != nil {
			panic(err) // only for a cost outside bcrypt's range, which PocketBase refuses
		}
		return h
	}))
	_ = bcrypt.CompareHashAndPassword(hash.(func() []byte)(), []byte(password))
	return false
}

// passwordComparisonsKey keeps the count of sign-in password comparisons.
const passwordComparisonsKey = HookIDPrefix + "passwordComparisons"

// dummyHashes holds one dummy bcrypt hash per cost.
var dummyHashes sync.Map

// guardContactAuth refuses every other way of authenticating (token refresh,
// OTP) while access is withdrawn. Admins impersonating a contact pass: they
// may look at a closed portal.
func guardContactAuth(e *core.RecordAuthRequestEvent) error {
	if e.HasSuperuserAuth() {
		return e.Next()
	}
	reason, err := accessRefusal(e.App, e.Record)
	if err != nil {
		return err
	}
	if reason != "" {
		return e.ForbiddenError(reason, nil)
	}
	return e.Next()
}

// contactDefaults gives a new contact without a status "no access", and one
// without a password a random one nobody knows: contacts choose their own
// through the activation link, so admins never have to invent one.
func contactDefaults(e *core.RecordEvent) error {
	c := collections.Wrap[collections.Contact](e.Record)
	if c.Status() == "" {
		c.SetStatus(collections.ContactNoAccess)
	}
	if e.Record.GetString(core.FieldNamePassword) == "" {
		e.Record.SetRandomPassword()
	}
	return e.Next()
}

// activationLinkDuration is how long activation links stay valid.
func activationLinkDuration(app core.App) time.Duration {
	settings, err := portalSettings(app)
	if err != nil || settings.GetInt(collections.FieldActivationLinkHours) <= 0 {
		return 72 * time.Hour
	}
	return time.Duration(settings.GetInt(collections.FieldActivationLinkHours)) * time.Hour
}

// sendActivationWhenInvited emails an activation link when a contact becomes
// invited, or when an admin ticks send_activation on an invited contact. The
// contact's token key is renewed first, so every older link stops working,
// and the email is queued in the same transaction as the save (spec A2).
func sendActivationWhenInvited(e *core.RecordEvent) error {
	c := collections.Wrap[collections.Contact](e.Record)
	becameInvited := e.Record.IsNew() || collections.ContactStatus(stored(e.App, e.Record).GetString(collections.FieldStatus)) != collections.ContactInvited
	resend := e.Record.GetBool(collections.FieldSendActivation)
	e.Record.Set(collections.FieldSendActivation, false)
	if c.Status() != collections.ContactInvited || !(becameInvited || resend) {
		return e.Next()
	}
	e.Record.RefreshTokenKey()
	return withTransaction(&e.App, e.Next, func(tx core.App) error {
		d := activationLinkDuration(tx)
		token, err := passwordResetToken(e.Record, d)
		if err != nil {
			return err
		}
		return Notify(tx, NotifyActivation, e.Record, Values{
			"action_url":   portalURL(tx) + "activate?token=" + token,
			"link_expires": linkExpiry(tx, d),
		})
	})
}

// passwordResetToken signs a PocketBase password-reset token with a lifetime
// of our choosing, so PocketBase's own confirm-password-reset endpoint
// verifies it (signature, expiry, unchanged email) and, by changing the
// password, makes it single-use.
func passwordResetToken(contact *core.Record, d time.Duration) (string, error) {
	return security.NewJWT(jwt.MapClaims{
		core.TokenClaimType:         core.TokenTypePasswordReset,
		core.TokenClaimId:           contact.Id,
		core.TokenClaimCollectionId: contact.Collection().Id,
		core.TokenClaimEmail:        contact.Email(),
	}, contact.TokenKey()+contact.Collection().PasswordResetToken.Secret, d)
}

// portalURL is the absolute address of the portal, from the application URL
// admins set in the dashboard.
func portalURL(app core.App) string {
	return strings.TrimRight(app.Settings().Meta.AppURL, "/") + PortalPath
}

// completeActivation makes an invited contact active when they choose their
// password through the link, and refuses links of contacts whose access was
// withdrawn or never granted.
func completeActivation(e *core.RecordConfirmPasswordResetRequestEvent) error {
	c := collections.Wrap[collections.Contact](e.Record)
	switch c.Status() {
	case collections.ContactNoAccess, collections.ContactDisabled:
		return e.BadRequestError("This link is no longer valid. Please contact the agency.", nil)
	case collections.ContactInvited:
		c.SetStatus(collections.ContactActive)
	}
	return e.Next()
}

// queuePasswordReset sends PocketBase's password-reset email through the
// outbox and the editable template instead of directly; contacts without
// portal access get nothing (the API answers the same either way).
func queuePasswordReset(e *core.MailerRecordEvent) error {
	status := collections.ContactStatus(e.Record.GetString(collections.FieldStatus))
	if status != collections.ContactActive && status != collections.ContactInvited {
		return nil
	}
	return Notify(e.App, NotifyPasswordReset, e.Record, Values{
		"action_url":   portalURL(e.App) + "reset-password?token=" + cast.ToString(e.Meta["token"]),
		"link_expires": linkExpiry(e.App, e.Record.Collection().PasswordResetToken.DurationTime()),
	})
}

// queueEmailChange sends the confirm-your-new-address email through the
// outbox, to the new address (spec A5: email with re-verification).
func queueEmailChange(e *core.MailerRecordEvent) error {
	return Notify(e.App, NotifyEmailChange, e.Record, Values{
		"action_url":   portalURL(e.App) + "confirm-email?token=" + cast.ToString(e.Meta["token"]),
		"link_expires": linkExpiry(e.App, e.Record.Collection().EmailChangeToken.DurationTime()),
		"new_email":    cast.ToString(e.Meta["newEmail"]),
	})
}

// reportEmailChange emails the group's admins the old and new address in
// the same transaction as the confirmed change.
func reportEmailChange(e *core.RecordConfirmEmailChangeRequestEvent) error {
	old := e.Record.Email()
	return withTransaction(&e.App, e.Next, func(tx core.App) error {
		return Notify(tx, NotifyContactDetailsChanged, e.Record, Values{
			"changes": "Email: " + old + " → " + e.NewEmail,
		})
	})
}

// linkExpiry writes when a link sent now expires, in the agency's time zone.
func linkExpiry(app core.App, d time.Duration) string {
	dates := NewAgencyDates(time.UTC, collections.DefaultLocale)
	if s, err := portalSettings(app); err == nil {
		dates = DatesOf(s)
	}
	t := time.Now().Add(d)
	return dates.DateTime(t) + " " + t.In(dates.Zone).Format("MST")
}

// checkActivationLink answers whether an activation or reset link still
// works, so the page can say so before the contact types a password.
func checkActivationLink(e *core.RequestEvent) error {
	record, err := e.App.FindAuthRecordByToken(e.Request.URL.Query().Get("token"), core.TokenTypePasswordReset)
	if err != nil || record.Collection().Name != collections.Contacts {
		return e.JSON(http.StatusGone, map[string]string{
			"message": "This link has expired or was already used.",
		})
	}
	c := collections.Wrap[collections.Contact](record)
	if c.Status() == collections.ContactNoAccess || c.Status() == collections.ContactDisabled {
		return e.JSON(http.StatusGone, map[string]string{
			"message": "This link is no longer valid.",
		})
	}
	return e.JSON(http.StatusOK, map[string]any{
		"name": c.Name(), "email": record.Email(), "activating": c.Status() == collections.ContactInvited,
	})
}
