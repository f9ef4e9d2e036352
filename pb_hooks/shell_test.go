package pb_hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestPortalSessionMatchesTheRecordAPI checks the portal session that comes
// with every demo contact's sign-in and token refresh against what the record
// API answers the same contact for the same questions: the role's
// permissions, the settings' time zone and locale, the company, the menu's
// pages and the snippets (both decided by their list rules).
func TestPortalSessionMatchesTheRecordAPI(t *testing.T) {
	t.Parallel()
	app := portaltest.OpenApp(t, portaltest.NewDemoDataDir(t), pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	base := portaltest.StartServer(t, app)
	records := func(collection string) string { return base + "/api/collections/" + collection + "/records" }
	items := func(token, collection string, query url.Values) []any {
		t.Helper()
		query.Set("perPage", "500")
		status, body := portaltest.CallJSON(t, http.MethodGet, records(collection)+"?"+query.Encode(), token, nil)
		if status != http.StatusOK {
			t.Fatalf("%s list: %d %v", collection, status, body)
		}
		list, _ := body["items"].([]any)
		if list == nil {
			list = []any{}
		}
		return list
	}

	for _, login := range demo.Logins {
		t.Run(login.Email, func(t *testing.T) {
			status, signIn := portaltest.CallJSON(t, http.MethodPost, base+"/api/collections/contacts/auth-with-password", "",
				map[string]any{"identity": login.Email, "password": demo.ContactPassword})
			if status != http.StatusOK {
				t.Fatalf("sign-in: %d %v", status, signIn)
			}
			token, _ := signIn["token"].(string)
			contact, _ := signIn["record"].(map[string]any)
			status, refresh := portaltest.CallJSON(t, http.MethodPost, base+"/api/collections/contacts/auth-refresh", token, nil)
			if status != http.StatusOK {
				t.Fatalf("refresh: %d %v", status, refresh)
			}
			session := sessionOf(t, signIn)
			if again := sessionOf(t, refresh); !reflect.DeepEqual(session, again) {
				t.Errorf("the refresh's session differs from the sign-in's:\n%v\n%v", again, session)
			}

			status, role := portaltest.CallJSON(t, http.MethodGet, records("roles")+"/"+contact["role"].(string), token, nil)
			if status != http.StatusOK {
				t.Fatalf("own role: %d %v", status, role)
			}
			want := role["permissions"]
			if len(want.([]any)) == 0 {
				want = []any{}
			}
			if !reflect.DeepEqual(session["permissions"], want) {
				t.Errorf("permissions = %v, the role says %v", session["permissions"], want)
			}

			settings := items(token, collections.PortalSettings, url.Values{"fields": {"time_zone,locale"}})[0].(map[string]any)
			if session["time_zone"] != settings["time_zone"] || session["locale"] != settings["locale"] {
				t.Errorf("time zone and locale = %v %v, the settings say %v", session["time_zone"], session["locale"], settings)
			}

			status, company := portaltest.CallJSON(t, http.MethodGet, records("clients")+"/"+contact["client"].(string)+"?fields=id,name", token, nil)
			if status != http.StatusOK {
				t.Fatalf("own company: %d %v", status, company)
			}
			if !reflect.DeepEqual(session["company"], company) || company["name"] != login.Client {
				t.Errorf("company = %v, the record API says %v", session["company"], company)
			}

			pages := items(token, collections.CMSPages, url.Values{"sort": {"menu_order,title"}, "fields": {"title,slug"}})
			if !reflect.DeepEqual(session["menu_pages"], pages) {
				t.Errorf("menu pages = %v, the record API lists %v", session["menu_pages"], pages)
			}
			snippets := items(token, collections.ClientSnippets,
				url.Values{"fields": {"key,content,tone,background_color,text_color,text_align"}})
			if !reflect.DeepEqual(asSet(t, session["snippets"]), asSet(t, snippets)) {
				t.Errorf("snippets = %v, the record API lists %v", session["snippets"], snippets)
			}
			if len(pages) == 0 || len(snippets) == 0 {
				t.Errorf("the demo should give %s pages and snippets to compare (%d, %d)", login.Email, len(pages), len(snippets))
			}
		})
	}

	// A refused sign-in carries no portal data, and a superuser's own
	// sign-in none either.
	northwind, err := app.FindFirstRecordByData(collections.Clients, collections.FieldName, "Northwind Events")
	if err != nil {
		t.Fatal(err)
	}
	disabled := portaltest.NewContact(t, app, collections.Wrap[collections.Client](northwind), nil, "off@northwind.test")
	disabled.SetStatus(collections.ContactDisabled)
	disabled.SetPassword(demo.ContactPassword)
	if err := app.Save(disabled); err != nil {
		t.Fatal(err)
	}
	status, body := portaltest.CallJSON(t, http.MethodPost, base+"/api/collections/contacts/auth-with-password", "",
		map[string]any{"identity": "off@northwind.test", "password": demo.ContactPassword})
	if status != http.StatusForbidden || body["meta"] != nil || body["token"] != nil {
		t.Errorf("a switched-off contact's sign-in: %d %v", status, body)
	}

	// An admin viewing the portal as a contact: the page load's refresh
	// brings the session and returns the same, non-refreshable token.
	status, admin := portaltest.CallJSON(t, http.MethodPost, base+"/api/collections/_superusers/auth-with-password", "",
		map[string]any{"identity": demo.AdminEmail, "password": demo.AdminPassword})
	if status != http.StatusOK {
		t.Fatalf("the admin's sign-in: %d %v", status, admin)
	}
	manager, err := app.FindAuthRecordByEmail(collections.Contacts, demo.Logins[0].Email)
	if err != nil {
		t.Fatal(err)
	}
	status, body = portaltest.CallJSON(t, http.MethodPost, base+"/api/portal/impersonate/"+manager.Id, admin["token"].(string), nil)
	if status != http.StatusOK {
		t.Fatalf("impersonate: %d %v", status, body)
	}
	token := body["token"].(string)
	status, refresh := portaltest.CallJSON(t, http.MethodPost, base+"/api/collections/contacts/auth-refresh", token, nil)
	if status != http.StatusOK || refresh["token"] != token {
		t.Errorf("an impersonation refresh: %d, a new token %v; want the same one back", status, refresh["token"] != token)
	}
	if session := sessionOf(t, refresh); session["company"].(map[string]any)["name"] != demo.Logins[0].Client {
		t.Errorf("an impersonation refresh's session: %v", session)
	}
}

func sessionOf(t *testing.T, auth map[string]any) map[string]any {
	t.Helper()
	meta, _ := auth["meta"].(map[string]any)
	session, _ := meta[pb_hooks.PortalSessionMeta].(map[string]any)
	if session == nil {
		t.Fatalf("no portal session in the auth answer: %v", auth["meta"])
	}
	return session
}

// asSet turns a list of snippets into their JSON texts, in no order: the
// record API lists them in storage order, the session too, but neither
// promises one.
func asSet(t *testing.T, list any) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	items, _ := list.([]any)
	for _, item := range items {
		raw, err := json.Marshal(item)
		if err != nil {
			t.Fatal(err)
		}
		out[string(raw)] = true
	}
	return out
}
