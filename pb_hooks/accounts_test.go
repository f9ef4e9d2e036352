package pb_hooks_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// accountServer is a running server over the small agency fixture, with
// rate limits off unless a test turns them on.
type accountServer struct {
	app  core.App
	base string
	a    agency
}

func newAccountServer(t *testing.T) *accountServer {
	t.Helper()
	app := portaltest.OpenApp(t, portaltest.NewDataDir(t), pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	settings.Meta.AppURL = "https://portal.agency.test"
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	s := &accountServer{app: app, a: newAgency(t, app)}
	s.base = portaltest.StartServer(t, app)
	return s
}

func (s *accountServer) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	return portaltest.CallJSON(t, method, s.base+path, token, body)
}

func (s *accountServer) signIn(t *testing.T, email, password string) (int, map[string]any) {
	t.Helper()
	return s.call(t, http.MethodPost, "/api/collections/contacts/auth-with-password", "",
		map[string]string{"identity": email, "password": password})
}

// linkToken pulls the token out of the newest queued email's link.
func linkToken(t *testing.T, app core.App, kind pb_hooks.NotificationKind, to string) string {
	t.Helper()
	mails := queued(t, app, dbx.HashExp{"kind": string(kind), "to": to})
	if len(mails) == 0 {
		t.Fatalf("no %s email to %s", kind, to)
	}
	text := mails[len(mails)-1].GetString(collections.FieldText)
	i := strings.Index(text, "token=")
	if i < 0 {
		t.Fatalf("no link in:\n%s", text)
	}
	return strings.Fields(text[i+len("token="):])[0]
}

func TestActivation(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	app := s.app

	// An admin invites a contact: the contact gets an activation link.
	sam := portaltest.Create(t, app, collections.Contacts, map[string]any{
		"name": "Sam New", "email": "sam@acme.test", "client": s.a.client.Id, "role": s.a.other.Id})
	if got := sam.GetString(collections.FieldStatus); got != "no_access" {
		t.Fatalf("new contact status = %s, want no_access", got)
	}
	if code, _ := s.signIn(t, "sam@acme.test", "whatever-password"); code != http.StatusBadRequest {
		t.Errorf("a contact without access signed in: %d", code)
	}
	sam.Set(collections.FieldStatus, "invited")
	if err := app.Save(sam); err != nil {
		t.Fatal(err)
	}
	first := linkToken(t, app, pb_hooks.NotifyActivation, "sam@acme.test")
	mail := queued(t, app, dbx.HashExp{"kind": "activation"})[0]
	if !strings.Contains(mail.GetString(collections.FieldText), "https://portal.agency.test/client-portal/activate?token=") {
		t.Errorf("activation link not to the portal:\n%s", mail.GetString(collections.FieldText))
	}

	// The page can check the link before the contact types anything.
	if code, body := s.call(t, http.MethodGet, "/api/portal/activation?token="+url.QueryEscape(first), "", nil); code != http.StatusOK || body["name"] != "Sam New" || body["activating"] != true {
		t.Errorf("link check: %d %v", code, body)
	}

	// Re-sending invalidates the first link.
	sam, _ = app.FindRecordById(collections.Contacts, sam.Id)
	sam.Set(collections.FieldSendActivation, true)
	if err := app.Save(sam); err != nil {
		t.Fatal(err)
	}
	second := linkToken(t, app, pb_hooks.NotifyActivation, "sam@acme.test")
	if second == first {
		t.Fatal("re-sending produced the same link")
	}
	if code, body := s.call(t, http.MethodGet, "/api/portal/activation?token="+url.QueryEscape(first), "", nil); code != http.StatusGone ||
		!strings.Contains(body["message"].(string), "expired or was already used") {
		t.Errorf("old link check: %d %v", code, body)
	}
	confirm := func(token string) int {
		code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/confirm-password-reset", "",
			map[string]string{"token": token, "password": "sams-own-password", "passwordConfirm": "sams-own-password"})
		return code
	}
	if code := confirm(first); code != http.StatusBadRequest {
		t.Errorf("the first link still worked after re-sending: %d", code)
	}

	// Choosing a password through the link activates the contact, once.
	if code := confirm(second); code != http.StatusNoContent {
		t.Fatalf("activation: %d", code)
	}
	sam, _ = app.FindRecordById(collections.Contacts, sam.Id)
	if sam.GetString(collections.FieldStatus) != "active" || !sam.Verified() {
		t.Errorf("after activation: status %s verified %v", sam.GetString(collections.FieldStatus), sam.Verified())
	}
	if code := confirm(second); code != http.StatusBadRequest {
		t.Errorf("the link worked twice: %d", code)
	}
	if code, _ := s.signIn(t, "sam@acme.test", "sams-own-password"); code != http.StatusOK {
		t.Errorf("sign-in after activation: %d", code)
	}
}

func TestSignInRefusals(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	app := s.app
	email := s.a.manager.Email()

	// Wrong password and unknown email get the same answer.
	_, wrong := s.signIn(t, email, "not-the-password")
	_, unknown := s.signIn(t, "nobody@acme.test", "not-the-password")
	if wrong["message"] != unknown["message"] {
		t.Errorf("wrong password %q vs unknown email %q", wrong["message"], unknown["message"])
	}
	if code, _ := s.signIn(t, email, portaltest.ContactPassword); code != http.StatusOK {
		t.Fatalf("normal sign-in: %d", code)
	}
	session := portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]

	cases := []struct {
		name, message string
		off, on       func()
	}{
		{"client portal off", "switched off for Acme Events",
			func() { setClientPortal(t, app, s.a.client.Id, false) },
			func() { setClientPortal(t, app, s.a.client.Id, true) }},
		{"whole portal off", "closed for maintenance",
			func() { setPortal(t, app, false) }, func() { setPortal(t, app, true) }},
		{"contact disabled", "access has been switched off",
			func() { setStatus(t, app, s.a.manager.Id, collections.ContactDisabled) },
			func() { setStatus(t, app, s.a.manager.Id, collections.ContactActive) }},
	}
	for _, c := range cases {
		c.off()
		code, body := s.signIn(t, email, portaltest.ContactPassword)
		if code != http.StatusForbidden || !strings.Contains(body["message"].(string), c.message) {
			t.Errorf("%s: sign-in %d %v, want 403 saying %q", c.name, code, body["message"], c.message)
		}
		// The reason is only given to whoever knows the password.
		if _, body := s.signIn(t, email, "not-the-password"); body["message"] != wrong["message"] {
			t.Errorf("%s: a wrong password learned %q", c.name, body["message"])
		}
		// Sessions opened before stop working.
		if code, _ := s.call(t, http.MethodGet, "/api/collections/events/records", session, nil); code == http.StatusOK {
			if _, body := s.call(t, http.MethodGet, "/api/collections/events/records", session, nil); body["totalItems"] != float64(0) {
				t.Errorf("%s: an old session still lists events", c.name)
			}
		}
		if code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/auth-refresh", session, nil); code == http.StatusOK {
			t.Errorf("%s: an old session could be refreshed", c.name)
		}
		c.on()
		if code, body := s.signIn(t, email, portaltest.ContactPassword); code != http.StatusOK {
			t.Fatalf("%s: sign-in after switching back on: %d %v", c.name, code, body)
		} else {
			session = body["token"].(string)
		}
	}
}

// TestLinksSurvivePortalSwitch switches the whole portal, then the
// company's, off and on: sessions opened before end, while the activation
// link of an invited contact and the reset link of an active one still work
// (issue 11, bug 3).
func TestLinksSurvivePortalSwitch(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	switches := []struct {
		name    string
		off, on func()
	}{
		{"whole portal", func() { setPortal(t, s.app, false) }, func() { setPortal(t, s.app, true) }},
		{"company portal", func() { setClientPortal(t, s.app, s.a.client.Id, false) },
			func() { setClientPortal(t, s.app, s.a.client.Id, true) }},
	}
	for i, sw := range switches {
		invited := portaltest.Create(t, s.app, collections.Contacts, map[string]any{"name": "Sam New",
			"email": fmt.Sprintf("sam%d@acme.test", i), "client": s.a.client.Id, "role": s.a.other.Id, "status": "invited"})
		activation := linkToken(t, s.app, pb_hooks.NotifyActivation, invited.Email())
		_, body := s.signIn(t, s.a.booker.Email(), portaltest.ContactPassword)
		session, _ := body["token"].(string)

		sw.off()
		sw.on()

		if code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/auth-refresh", session, nil); code == http.StatusOK {
			t.Errorf("%s: a session from before the switch-off was refreshed", sw.name)
		}
		if code, body := s.call(t, http.MethodGet, "/api/portal/activation?token="+url.QueryEscape(activation), "", nil); code != http.StatusOK {
			t.Errorf("%s: activation link check after the switch: %d %v", sw.name, code, body)
		}
		if code, body := s.call(t, http.MethodPost, "/api/collections/contacts/confirm-password-reset", "", map[string]string{
			"token": activation, "password": "sams-own-password", "passwordConfirm": "sams-own-password"}); code != http.StatusNoContent {
			t.Errorf("%s: activation after the switch: %d %v", sw.name, code, body)
		}
	}

	// An active contact's reset link survives either switch.
	for i, sw := range switches {
		before := len(queued(t, s.app, dbx.HashExp{"kind": "password_reset"}))
		if code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/request-password-reset", "",
			map[string]string{"email": s.a.manager.Email()}); code != http.StatusNoContent {
			t.Fatalf("reset request: %d", code)
		}
		waitFor(t, 5e9, func() bool { return len(queued(t, s.app, dbx.HashExp{"kind": "password_reset"})) > before })
		reset := linkToken(t, s.app, pb_hooks.NotifyPasswordReset, s.a.manager.Email())
		sw.off()
		sw.on()
		password := fmt.Sprintf("a-new-password-%d", i)
		if code, body := s.call(t, http.MethodPost, "/api/collections/contacts/confirm-password-reset", "", map[string]string{
			"token": reset, "password": password, "passwordConfirm": password}); code != http.StatusNoContent {
			t.Errorf("%s: reset link after the switch: %d %v", sw.name, code, body)
		}
	}
}

// While a company's portal is off its contacts' sessions are refused on
// every route; once it is on again, a new sign-in works and an old session
// stays ended. Other companies are not touched.
func TestCompanySwitchOffEndsSessions(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	other := portaltest.NewContact(t, s.app, portaltest.NewClient(t, s.app, "Harbour Hotels"), s.a.other, "other@harbour.test")
	token := func(email string) string {
		t.Helper()
		code, body := s.signIn(t, email, portaltest.ContactPassword)
		if code != http.StatusOK {
			t.Fatalf("sign in %s: %d %v", email, code, body)
		}
		return body["token"].(string)
	}
	old, bystander := token(s.a.booker.Email()), token(other.Email())
	paths := []string{"/api/portal/events?scope=upcoming", "/api/collections/events/records", "/api/collections/clients/records"}
	expect := func(when, session string, want int) {
		t.Helper()
		for _, path := range paths {
			if code, body := s.call(t, http.MethodGet, path, session, nil); code != want {
				t.Errorf("%s: GET %s: %d %v, want %d", when, path, code, body, want)
			}
		}
	}
	expect("before", old, http.StatusOK)

	setClientPortal(t, s.app, s.a.client.Id, false)
	expect("while off", old, http.StatusUnauthorized)
	expect("while off, another company", bystander, http.StatusOK)

	setClientPortal(t, s.app, s.a.client.Id, true)
	expect("after, the old session", old, http.StatusUnauthorized)
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) // sessions are told apart by the second
	expect("after, a new sign-in", token(s.a.booker.Email()), http.StatusOK)
}

// TestSessionsFollowContactChanges checks the contacts the portal keeps
// between a session's requests: once a session has made a request, every
// change to its contact (a new name or role, a new password, the contact
// disabled or deleted, the portal's session secret renewed) holds from the
// session's next request on.
func TestSessionsFollowContactChanges(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	manager := portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]
	session := func(email string) string {
		t.Helper()
		code, body := s.signIn(t, email, portaltest.ContactPassword)
		if code != http.StatusOK {
			t.Fatalf("sign in %s: %d %v", email, code, body)
		}
		token := body["token"].(string)
		if code, body := s.call(t, http.MethodGet, "/api/portal/events?scope=upcoming", token, nil); code != http.StatusOK {
			t.Fatalf("first request of %s: %d %v", email, code, body)
		}
		return token
	}
	refused := func(what, token string) {
		t.Helper()
		for _, c := range []struct{ method, path string }{
			{http.MethodGet, "/api/portal/events?scope=upcoming"},
			{http.MethodPost, "/api/collections/contacts/auth-refresh"},
		} {
			if code, body := s.call(t, c.method, c.path, token, nil); code != http.StatusUnauthorized {
				t.Errorf("%s: %s %s: %d %v, want 401", what, c.method, c.path, code, body)
			}
		}
	}
	change := func(id string, set func(*core.Record)) {
		t.Helper()
		r, err := s.app.FindRecordById(collections.Contacts, id)
		if err != nil {
			t.Fatal(err)
		}
		set(r)
		save(t, s.app, r)
	}

	// A new name and role: the next request has them.
	booker := session(s.a.booker.Email())
	for _, prefix := range []string{"Bearer ", "bearer "} { // as PocketBase reads the header
		if code, body := s.call(t, http.MethodGet, "/api/portal/events?scope=upcoming", prefix+booker, nil); code != http.StatusOK {
			t.Errorf("a session token after %q: %d %v", prefix, code, body)
		}
	}
	if code, _ := s.call(t, http.MethodGet, "/api/portal/finance", booker, nil); code != http.StatusForbidden {
		t.Fatalf("the finance page for a role without invoices: %d", code)
	}
	change(s.a.booker.Id, func(r *core.Record) {
		r.Set(collections.FieldName, "Bea Renamed")
		r.Set(collections.FieldRole, s.a.managerRole.Id)
	})
	if code, body := s.call(t, http.MethodGet, "/api/portal/finance", booker, nil); code != http.StatusOK {
		t.Errorf("the finance page right after the role got invoices: %d %v", code, body)
	}
	code, body := s.call(t, http.MethodPost, "/api/collections/contacts/auth-refresh", booker, nil)
	if record, _ := body["record"].(map[string]any); code != http.StatusOK || record["name"] != "Bea Renamed" {
		t.Errorf("refresh after the rename: %d %v", code, body)
	}

	// A new password ends the sessions from before it.
	changer := portaltest.NewContact(t, s.app, s.a.client, s.a.other, "changer@acme.test")
	old := session(changer.Email())
	change(changer.Id, func(r *core.Record) { r.SetPassword("a-brand-new-password") })
	refused("after a new password", old)

	// A colleague disabled by a manager, through the API.
	disabled := portaltest.NewContact(t, s.app, s.a.client, s.a.other, "leaver@acme.test")
	old = session(disabled.Email())
	if code, body := s.call(t, http.MethodPatch, "/api/collections/contacts/records/"+disabled.Id, manager,
		map[string]any{"status": "disabled"}); code != http.StatusOK {
		t.Fatalf("disable: %d %v", code, body)
	}
	refused("after the contact was disabled", old)

	// A deleted contact.
	deleted := portaltest.NewContact(t, s.app, s.a.client, s.a.other, "deleted@acme.test")
	old = session(deleted.Email())
	if err := s.app.Delete(deleted); err != nil {
		t.Fatal(err)
	}
	refused("after the contact was deleted", old)

	// The whole portal switched off and on renews the secret of sessions.
	old = session(s.a.manager.Email())
	setPortal(t, s.app, false)
	setPortal(t, s.app, true)
	refused("after the portal was switched off", old)
	session(s.a.manager.Email())
}

// TestRefusedSignInsCostTheSame counts the password comparisons of every
// refused sign-in: exactly one each, whether the email is unknown, the
// password wrong, or the contact not (yet) allowed in, so the time taken
// does not tell a not-yet-active contact from an unknown address (issue 12,
// item 5).
func TestRefusedSignInsCostTheSame(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	invited := portaltest.Create(t, s.app, collections.Contacts, map[string]any{"name": "Sam New",
		"email": "sam@acme.test", "client": s.a.client.Id, "role": s.a.other.Id, "status": "invited", "password": portaltest.ContactPassword})
	noAccess := portaltest.Create(t, s.app, collections.Contacts, map[string]any{"name": "Nia",
		"email": "nia@acme.test", "client": s.a.client.Id, "role": s.a.other.Id, "password": portaltest.ContactPassword})
	cases := []struct {
		name, email, password string
		status                int
	}{
		{"unknown email", "nobody@acme.test", "whatever-password", http.StatusBadRequest},
		{"active, wrong password", s.a.manager.Email(), "whatever-password", http.StatusBadRequest},
		{"invited, wrong password", invited.Email(), "whatever-password", http.StatusBadRequest},
		{"invited, right password", invited.Email(), portaltest.ContactPassword, http.StatusForbidden},
		{"no access, wrong password", noAccess.Email(), "whatever-password", http.StatusBadRequest},
		{"no access, right password", noAccess.Email(), portaltest.ContactPassword, http.StatusForbidden},
		{"disabled, wrong password", s.a.disabled.Email(), "whatever-password", http.StatusBadRequest},
		{"disabled, right password", s.a.disabled.Email(), portaltest.ContactPassword, http.StatusForbidden},
	}
	var refusal any
	for _, c := range cases {
		before := pb_hooks.PasswordComparisons(s.app)
		code, body := s.signIn(t, c.email, c.password)
		if code != c.status {
			t.Errorf("%s: %d %v, want %d", c.name, code, body, c.status)
		}
		if n := pb_hooks.PasswordComparisons(s.app) - before; n != 1 {
			t.Errorf("%s: %d password comparisons, want exactly 1", c.name, n)
		}
		if code == http.StatusBadRequest {
			if refusal == nil {
				refusal = body["message"]
			} else if body["message"] != refusal {
				t.Errorf("%s: answered %q, others %q", c.name, body["message"], refusal)
			}
		}
	}
	if code, _ := s.signIn(t, s.a.manager.Email(), portaltest.ContactPassword); code != http.StatusOK {
		t.Errorf("a right password of an active contact: %d", code)
	}
}

func TestSignInIsRateLimited(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	settings := s.app.Settings()
	settings.RateLimits.Enabled = true
	if err := s.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	limited := 0
	for i := 0; i < 15; i++ {
		if code, _ := s.signIn(t, s.a.manager.Email(), "guessing-"+string(rune('a'+i))); code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Error("15 sign-in attempts from one address were never refused with 429")
	}
}

func TestPasswordResetGoesThroughOutbox(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	for _, email := range []string{s.a.manager.Email(), "nobody@acme.test", s.a.disabled.Email()} {
		if code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/request-password-reset", "",
			map[string]string{"email": email}); code != http.StatusNoContent {
			t.Errorf("reset request for %s: %d (the answer must not depend on the address)", email, code)
		}
	}
	waitFor(t, 5e9, func() bool { return len(queued(t, s.app, dbx.HashExp{"kind": "password_reset"})) > 0 })
	mails := queued(t, s.app, dbx.HashExp{"kind": "password_reset"})
	if recipientsOf(mails) != s.a.manager.Email() {
		t.Fatalf("reset emails to %q, want only the active contact", recipientsOf(mails))
	}
	token := linkToken(t, s.app, pb_hooks.NotifyPasswordReset, s.a.manager.Email())
	if !strings.Contains(mails[0].GetString(collections.FieldText), "/client-portal/reset-password?token=") {
		t.Errorf("reset link:\n%s", mails[0].GetString(collections.FieldText))
	}
	code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/confirm-password-reset", "",
		map[string]string{"token": token, "password": "a-new-password-1", "passwordConfirm": "a-new-password-1"})
	if code != http.StatusNoContent {
		t.Fatalf("confirm reset: %d", code)
	}
	if code, _ := s.signIn(t, s.a.manager.Email(), "a-new-password-1"); code != http.StatusOK {
		t.Errorf("sign-in with the new password: %d", code)
	}
}

func TestCompanyDetailsChange(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	path := "/api/collections/clients/records/" + s.a.client.Id
	manager := portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]
	booker := portaltest.AuthHeaders(t, s.a.booker.Record)["Authorization"]

	if code, _ := s.call(t, http.MethodPatch, path, booker, map[string]any{"vat_id": "GB1"}); code != http.StatusNotFound {
		t.Errorf("a contact without edit_company changed the company: %d", code)
	}
	code, body := s.call(t, http.MethodPatch, path, manager, map[string]any{"name": "Acme Ltd", "portal_enabled": false})
	data, _ := body["data"].(map[string]any)
	if code != http.StatusBadRequest || data["name"] == nil || data["portal_enabled"] == nil {
		t.Errorf("agency-only fields: %d %v", code, body)
	}
	code, _ = s.call(t, http.MethodPatch, path, manager, map[string]any{"vat_id": "GB123456789", "billing_email": "ap@acme.test"})
	if code != http.StatusOK {
		t.Fatalf("company details: %d", code)
	}
	mails := queued(t, s.app, dbx.HashExp{"kind": "company_details_changed"})
	if recipientsOf(mails) != "ops1@agency.test,ops2@agency.test" {
		t.Fatalf("recipients %q", recipientsOf(mails))
	}
	text := mails[0].GetString(collections.FieldText)
	for _, want := range []string{"VAT id: (none) → GB123456789", "Billing email: (none) → ap@acme.test", s.a.manager.GetString("name")} {
		if !strings.Contains(text, want) {
			t.Errorf("email lacks %q:\n%s", want, text)
		}
	}
}

func TestContactManagement(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	manager := portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]
	booker := portaltest.AuthHeaders(t, s.a.booker.Record)["Authorization"]
	other := portaltest.NewClient(t, s.app, "Other Co")
	foreignRole := portaltest.NewRole(t, s.app, other.Id, collections.Permissions...)
	stranger := portaltest.NewContact(t, s.app, other, nil, "x@other.test")

	invite := map[string]any{"name": "Zoe", "email": "zoe@acme.test", "client": s.a.client.Id, "role": s.a.other.Id}
	if code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/records", booker, invite); code != http.StatusBadRequest && code != http.StatusForbidden {
		t.Errorf("a contact without manage_contacts invited someone: %d", code)
	}
	code, body := s.call(t, http.MethodPost, "/api/collections/contacts/records", manager, invite)
	if code != http.StatusOK || body["status"] != "invited" {
		t.Fatalf("invite: %d %v", code, body)
	}
	if n := len(queued(t, s.app, dbx.HashExp{"kind": "activation", "to": "zoe@acme.test"})); n != 1 {
		t.Errorf("%d activation emails to the invited contact", n)
	}
	zoe := "/api/collections/contacts/records/" + body["id"].(string)

	checks := []struct {
		name  string
		path  string
		body  map[string]any
		code  int
		field string
	}{
		{"invite into another company", "/api/collections/contacts/records", map[string]any{"name": "Y", "email": "y@acme.test", "client": other.Id}, http.StatusBadRequest, ""},
		{"give a role of another company", zoe, map[string]any{"role": foreignRole.Id}, http.StatusBadRequest, "role"},
		{"make an invited contact active", zoe, map[string]any{"status": "active"}, http.StatusBadRequest, "status"},
		{"change a colleague's email", zoe, map[string]any{"email": "evil@acme.test"}, http.StatusBadRequest, "email"},
		{"raise their own role", "/api/collections/contacts/records/" + s.a.booker.Id, map[string]any{"role": s.a.managerRole.Id}, http.StatusBadRequest, "role"},
		{"touch another company's contact", "/api/collections/contacts/records/" + stranger.Id, map[string]any{"name": "Z"}, http.StatusNotFound, ""},
		{"disable a colleague", zoe, map[string]any{"status": "disabled"}, http.StatusOK, ""},
	}
	for _, c := range checks {
		token := manager
		if strings.Contains(c.name, "own role") {
			token = booker
		}
		method := http.MethodPatch
		if strings.HasSuffix(c.path, "/records") {
			method = http.MethodPost
		}
		code, body := s.call(t, method, c.path, token, c.body)
		data, _ := body["data"].(map[string]any)
		if code != c.code || (c.field != "" && data[c.field] == nil) {
			t.Errorf("%s: %d %v, want %d with a %q error", c.name, code, body, c.code, c.field)
		}
	}
}

func save(t *testing.T, app core.App, r *core.Record) {
	t.Helper()
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

// setWithoutHooks writes one field of a record with plain SQL, which no
// hook sees: tests of kept answers use it to tell a kept answer from one
// built afresh.
func setWithoutHooks(t *testing.T, app core.App, table, id, field string, value any) {
	t.Helper()
	if _, err := app.DB().Update(table, dbx.Params{field: value}, dbx.HashExp{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func setPortal(t *testing.T, app core.App, on bool) {
	t.Helper()
	settings, err := collections.LoadSettings(app)
	if err != nil {
		t.Fatal(err)
	}
	settings.Set(collections.FieldPortalEnabled, on)
	save(t, app, settings.Record)
}

func setStatus(t *testing.T, app core.App, id string, status collections.ContactStatus) {
	t.Helper()
	r, err := app.FindRecordById(collections.Contacts, id)
	if err != nil {
		t.Fatal(err)
	}
	r.Set(collections.FieldStatus, string(status))
	save(t, app, r)
}

// setClientPortal switches a client's portal, on a fresh copy of the record
// as the dashboard would load it.
func setClientPortal(t *testing.T, app core.App, id string, on bool) {
	t.Helper()
	r, err := app.FindRecordById(collections.Clients, id)
	if err != nil {
		t.Fatal(err)
	}
	r.Set(collections.FieldPortalEnabled, on)
	save(t, app, r)
}

func TestImpersonationIsAudited(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	admin := portaltest.AuthHeaders(t, s.a.admin1)["Authorization"]
	contact := portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]
	path := "/api/portal/impersonate/" + s.a.booker.Id

	if code, _ := s.call(t, http.MethodPost, path, contact, nil); code != http.StatusForbidden {
		t.Errorf("a contact impersonated someone: %d", code)
	}
	code, body := s.call(t, http.MethodPost, path, admin, nil)
	if code != http.StatusOK {
		t.Fatalf("impersonate: %d %v", code, body)
	}
	token := body["token"].(string)
	if rec := body["record"].(map[string]any); rec["id"] != s.a.booker.Id {
		t.Errorf("impersonated record %v", rec["id"])
	}

	// Acting as the contact works, and is recorded under the admin.
	if code, _ := s.call(t, http.MethodPatch, "/api/collections/contacts/records/"+s.a.booker.Id, token,
		map[string]any{"phone": "+44 20 7946 0000"}); code != http.StatusOK {
		t.Fatalf("update as the impersonated contact: %d", code)
	}
	entries, err := s.app.FindAllRecords(collections.AuditLog, dbx.HashExp{"record_id": s.a.booker.Id})
	if err != nil {
		t.Fatal(err)
	}
	var started, acted bool
	for _, e := range entries {
		switch e.GetString("action") {
		case "impersonation.start":
			started = e.GetString("actor_id") == s.a.admin1.Id
		case "update":
			acted = e.GetString("actor_id") == s.a.booker.Id && e.GetString("impersonated_by") == s.a.admin1.Id &&
				strings.Contains(e.GetString("details"), "phone")
		}
	}
	if !started || !acted {
		t.Errorf("audit log: start=%v update-with-admin=%v (%d entries)", started, acted, len(entries))
	}

	// The contact's own session is recorded without an admin.
	if code, _ := s.call(t, http.MethodPatch, "/api/collections/contacts/records/"+s.a.manager.Id, contact,
		map[string]any{"job_title": "Director"}); code != http.StatusOK {
		t.Fatal(code)
	}
	own, _ := s.app.FindFirstRecordByData(collections.AuditLog, "record_id", s.a.manager.Id)
	if own == nil || own.GetString("impersonated_by") != "" {
		t.Errorf("own change audit: %v", own)
	}
}

func TestEmailChangeIsConfirmedAndReported(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	token := portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]
	old := s.a.manager.Email()
	if code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/request-email-change", token,
		map[string]string{"newEmail": "olivia@acme-new.test"}); code != http.StatusNoContent {
		t.Fatalf("request email change: %d", code)
	}
	waitFor(t, 5e9, func() bool { return len(queued(t, s.app, dbx.HashExp{"kind": "email_change"})) > 0 })
	mails := queued(t, s.app, dbx.HashExp{"kind": "email_change"})
	if recipientsOf(mails) != "olivia@acme-new.test" {
		t.Fatalf("confirmation sent to %q, want the new address", recipientsOf(mails))
	}
	link := linkToken(t, s.app, pb_hooks.NotifyEmailChange, "olivia@acme-new.test")
	if code, _ := s.call(t, http.MethodPost, "/api/collections/contacts/confirm-email-change", "",
		map[string]string{"token": link, "password": portaltest.ContactPassword}); code != http.StatusNoContent {
		t.Fatalf("confirm: %d", code)
	}
	reports := queued(t, s.app, dbx.HashExp{"kind": "contact_details_changed"})
	if len(reports) != 2 || !strings.Contains(reports[0].GetString(collections.FieldText), "Email: "+old+" → olivia@acme-new.test") {
		t.Errorf("admins' report: %d emails", len(reports))
	}
}

func TestPortalStatus(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	if _, body := s.call(t, http.MethodGet, "/api/portal/status", "", nil); body["enabled"] != true || body["message"] != "" {
		t.Errorf("open portal: %v", body)
	}
	setPortal(t, s.app, false)
	if _, body := s.call(t, http.MethodGet, "/api/portal/status", "", nil); body["enabled"] != false ||
		!strings.Contains(body["message"].(string), "closed") {
		t.Errorf("closed portal: %v", body)
	}
}

func TestDashboardPortalLink(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	path := "/api/collections/contacts/records/" + s.a.booker.Id
	_, asAdmin := s.call(t, http.MethodGet, path, portaltest.AuthHeaders(t, s.a.admin1)["Authorization"], nil)
	if want := "https://portal.agency.test/client-portal/impersonate/" + s.a.booker.Id; asAdmin["portal_link"] != want {
		t.Errorf("admin sees portal_link %v, want %s", asAdmin["portal_link"], want)
	}
	_, asManager := s.call(t, http.MethodGet, path, portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"], nil)
	if v, ok := asManager["portal_link"]; ok && v != "" {
		t.Errorf("a contact sees portal_link %v", v)
	}
}

// TestEveryOwnDetailChangeIsReported covers each A5 field one by one: the
// group's admins get an email naming it (never the password itself).
func TestEveryOwnDetailChangeIsReported(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	token := portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]
	path := "/api/collections/contacts/records/" + s.a.manager.Id
	cases := []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"name": "Olivia Hart"}, "Name: "},
		{map[string]any{"phone": "+44 1632 960000"}, "Phone: (none) → +44 1632 960000"},
		{map[string]any{"job_title": "Head of events"}, "Job title: (none) → Head of events"},
		{map[string]any{"oldPassword": portaltest.ContactPassword, "password": "another-pass-1", "passwordConfirm": "another-pass-1"}, "Password: changed"},
	}
	for _, c := range cases {
		before := len(queued(t, s.app, dbx.HashExp{"kind": "contact_details_changed"}))
		if code, body := s.call(t, http.MethodPatch, path, token, c.body); code != http.StatusOK {
			t.Fatalf("%v: %d %v", c.body, code, body)
		}
		mails := queued(t, s.app, dbx.HashExp{"kind": "contact_details_changed"})[before:]
		if len(mails) != 2 || !strings.Contains(mails[0].GetString(collections.FieldText), c.want) {
			t.Errorf("%v: %d emails, want 2 saying %q", c.body, len(mails), c.want)
		}
		if strings.Contains(toJSON(mails), "another-pass-1") {
			t.Error("the new password appears in an email")
		}
	}
	// The photo: a multipart upload, reported as changed.
	token = portaltest.AuthHeaders(t, must(s.app.FindRecordById(collections.Contacts, s.a.manager.Id)))["Authorization"]
	body, contentType := multipartPhoto(t)
	req, _ := http.NewRequest(http.MethodPatch, s.base+path, body)
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("photo upload: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	mails := queued(t, s.app, dbx.HashExp{"kind": "contact_details_changed"})
	if !strings.Contains(mails[len(mails)-1].GetString(collections.FieldText), "Photo: changed") {
		t.Error("no email for the photo change")
	}
}

func multipartPhoto(t *testing.T) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("photo", "me.png")
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	if err := png.Encode(part, img); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

// Withdrawing access reaches a realtime stream that is already open: it is
// closed, so nothing more is sent to it, whether the contact, their company
// or the whole portal is switched off. Other contacts' streams stay open.
func TestSwitchingAccessOffClosesRealtimeStreams(t *testing.T) {
	t.Parallel()
	cases := map[string]func(app core.App, target, bystander *collections.Contact) (bystanderKept bool, err error){
		"contact disabled": func(app core.App, target, _ *collections.Contact) (bool, error) {
			target.SetStatus(collections.ContactDisabled)
			return true, app.Save(target)
		},
		"company switched off": func(app core.App, target, _ *collections.Contact) (bool, error) {
			client, err := app.FindRecordById(collections.Clients, target.ClientID())
			if err != nil {
				return true, err
			}
			client.Set(collections.FieldPortalEnabled, false)
			return true, app.Save(client)
		},
		"portal switched off": func(app core.App, _, _ *collections.Contact) (bool, error) {
			settings, err := app.FindFirstRecordByFilter(collections.PortalSettings, "")
			if err != nil {
				return false, err
			}
			settings.Set(collections.FieldPortalEnabled, true)
			if err := app.Save(settings); err != nil {
				return false, err
			}
			settings.Set(collections.FieldPortalEnabled, false)
			return false, app.Save(settings)
		},
	}
	for name, switchOff := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			app := portaltest.NewTestApp(t)
			base := portaltest.StartServer(t, app)
			role := portaltest.NewRole(t, app, "", collections.Permissions...)
			target := portaltest.NewContact(t, app, portaltest.NewClient(t, app, "Acme Events"), role, "target@acme.test")
			bystander := portaltest.NewContact(t, app, portaltest.NewClient(t, app, "Harbour Hotels"), role, "other@harbour.test")
			streams := map[*collections.Contact]*portaltest.Realtime{}
			for _, c := range []*collections.Contact{target, bystander} {
				rt := portaltest.ConnectRealtime(t, base, portaltest.AuthHeaders(t, c.Record)["Authorization"])
				if status, body := rt.Subscribe(collections.Events + "/*"); status != http.StatusNoContent {
					t.Fatalf("subscribe: %d %s", status, body)
				}
				streams[c] = rt
			}
			bystanderKept, err := switchOff(app, target, bystander)
			if err != nil {
				t.Fatal(err)
			}
			if !streams[target].Closes(5 * time.Second) {
				t.Error("the contact's open realtime stream stayed open")
			}
			if closed := streams[bystander].Closes(300 * time.Millisecond); closed == bystanderKept {
				t.Errorf("the other company's stream closed = %v, want %v", closed, !bystanderKept)
			}
		})
	}
}
