package pb_hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// contentFixture is two clients (Northwind in an admin group, Harbour in
// none), a contact of each, and a page of every kind of visibility.
type contentFixture struct {
	app                core.App
	base               string
	northwind, harbour *collections.Client
	insider, outsider  string // auth tokens of Northwind's and Harbour's contacts
	admin              string
	pages              map[string]*core.Record // by slug
	visibleToNorthwind []string                // slugs, in menu order
	visibleToHarbour   []string
	hiddenFromEveryone []string
}

func newContentFixture(t *testing.T) *contentFixture {
	t.Helper()
	app := portaltest.NewTestApp(t)
	f := &contentFixture{app: app, base: portaltest.StartServer(t, app), pages: map[string]*core.Record{}}
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	group := portaltest.Create(t, app, collections.Groups, map[string]any{"name": "Melbourne office"})
	f.northwind = portaltest.NewClient(t, app, "Northwind")
	f.northwind.SetGroupID(group.Id)
	if err := app.Save(f.northwind); err != nil {
		t.Fatal(err)
	}
	f.harbour = portaltest.NewClient(t, app, "Harbour")
	token := func(c *collections.Client, email string) string {
		contact := portaltest.NewContact(t, app, c, portaltest.NewRole(t, app, c.Id), email)
		return portaltest.AuthHeaders(t, contact.Record)["Authorization"]
	}
	f.insider, f.outsider = token(f.northwind, "a@northwind.test"), token(f.harbour, "a@harbour.test")
	f.admin = portaltest.AuthHeaders(t, portaltest.NewSuperuser(t, app, "content-admin@agency.test"))["Authorization"]

	page := func(slug, audience string, published bool, order int, clients, groups []string) {
		f.pages[slug] = portaltest.Create(t, app, collections.CMSPages, map[string]any{
			"title": slug, "slug": slug, "audience": audience, "published": published, "menu_order": order,
			"clients": clients, "groups": groups, "body": "<p>" + slug + "</p>"})
	}
	page("for-everyone", collections.PageForClients, true, 1, nil, nil)
	page("for-both", collections.PageForBoth, true, 2, nil, nil)
	page("melbourne-only", collections.PageForClients, true, 3, nil, []string{group.Id})
	// Harbour has no group: its contacts must not match the empty group list.
	page("northwind-only", collections.PageForClients, true, 4, []string{f.northwind.Id}, nil)
	page("harbour-only", collections.PageForClients, true, 5, []string{f.harbour.Id}, nil)
	page("draft", collections.PageForClients, false, 6, nil, nil)
	page("northwind-draft", collections.PageForBoth, false, 7, []string{f.northwind.Id}, nil)
	page("staff-only", collections.PageForStaff, true, 8, nil, nil)
	page("staff-northwind", collections.PageForStaff, true, 9, []string{f.northwind.Id}, []string{group.Id})
	f.visibleToNorthwind = []string{"for-everyone", "for-both", "melbourne-only", "northwind-only"}
	f.visibleToHarbour = []string{"for-everyone", "for-both", "harbour-only"}
	f.hiddenFromEveryone = []string{"draft", "northwind-draft", "staff-only", "staff-northwind"}
	return f
}

func (f *contentFixture) get(t *testing.T, token, path string) (int, map[string]any) {
	t.Helper()
	return portaltest.CallJSON(t, http.MethodGet, f.base+path, token, nil)
}

// slugs returns the slugs of a list answer's items, in order.
func slugs(body map[string]any) []string {
	var out []string
	items, _ := body["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["slug"].(string))
	}
	return out
}

// TestPagesOnlyReachTheirReaders checks list, view and filter: a contact gets
// exactly the published pages for clients (or both) that are not limited to
// other clients or groups, in menu order, without the limit fields;
// anonymous visitors get none.
func TestPagesOnlyReachTheirReaders(t *testing.T) {
	t.Parallel()
	f := newContentFixture(t)
	records := "/api/collections/cms_pages/records"
	for _, reader := range []struct {
		name, token string
		visible     []string
	}{
		{"Northwind's contact", f.insider, f.visibleToNorthwind},
		{"Harbour's contact", f.outsider, f.visibleToHarbour},
		{"anonymous", "", nil},
	} {
		t.Run(reader.name, func(t *testing.T) {
			status, body := f.get(t, reader.token, records+"?sort=menu_order")
			if got := slugs(body); status != http.StatusOK || !slices.Equal(got, reader.visible) {
				t.Errorf("list: status %d, pages %v, want %v", status, got, reader.visible)
			}
			for _, it := range body["items"].([]any) {
				for _, hidden := range []string{"clients", "groups"} {
					if _, ok := it.(map[string]any)[hidden]; ok {
						t.Errorf("list item carries the hidden field %s", hidden)
					}
				}
			}
			for slug, page := range f.pages {
				status, _ := f.get(t, reader.token, records+"/"+page.Id)
				if want := slices.Contains(reader.visible, slug); (status == http.StatusOK) != want {
					t.Errorf("view %s: status %d, visible should be %v", slug, status, want)
				}
			}
			// Filters can neither widen the rule nor probe the hidden limits.
			for _, filter := range []string{`audience = "staff"`, `published = false`, `slug = "draft"`, `slug ~ "staff"`} {
				status, body := f.get(t, reader.token, records+"?filter="+url.QueryEscape(filter))
				if got := slugs(body); status != http.StatusOK || len(got) > 0 {
					t.Errorf("filter %s: status %d, pages %v", filter, status, got)
				}
			}
			for _, filter := range []string{`clients ?= "` + f.northwind.Id + `"`, `groups:length > 0`} {
				if status, body := f.get(t, reader.token, records+"?filter="+url.QueryEscape(filter)); len(slugs(body)) > 0 {
					t.Errorf("filter on a hidden field %s: status %d, pages %v", filter, status, slugs(body))
				}
			}
		})
	}
}

// TestPagesHiddenThroughExpand checks the back-relation from a contact's own
// client to the pages limited to it: expand applies the pages' rule too.
func TestPagesHiddenThroughExpand(t *testing.T) {
	t.Parallel()
	f := newContentFixture(t)
	for _, expand := range []string{"cms_pages_via_clients", "cms_pages_via_groups"} {
		path := "/api/collections/clients/records/" + f.northwind.Id + "?expand=" + expand
		status, body := f.get(t, f.insider, path)
		if status != http.StatusOK {
			t.Fatalf("own client: status %d", status)
		}
		if raw := toJSON(body); strings.Contains(raw, f.pages["northwind-draft"].Id) ||
			strings.Contains(raw, f.pages["staff-northwind"].Id) {
			t.Errorf("expand %s returned a hidden page: %s", expand, raw)
		}
	}
}

// TestPagesHiddenFromRealtime subscribes a contact to every page and to a
// hidden one, then changes them all: only the visible pages' changes arrive.
func TestPagesHiddenFromRealtime(t *testing.T) {
	t.Parallel()
	f := newContentFixture(t)
	hiddenIDs := map[string]bool{}
	topics := []string{"cms_pages/*"}
	for _, slug := range append(slices.Clone(f.hiddenFromEveryone), "harbour-only") { // hidden from Northwind
		hiddenIDs[f.pages[slug].Id] = true
		topics = append(topics, "cms_pages/"+f.pages[slug].Id)
	}
	rt := portaltest.ConnectRealtime(t, f.base, f.insider)
	if status, body := rt.Subscribe(topics...); status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", status, body)
	}

	for id := range hiddenIDs {
		r := must(f.app.FindRecordById(collections.CMSPages, id))
		r.Set(collections.FieldTitle, "Changed")
		if err := f.app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.app.Delete(f.pages["draft"]); err != nil {
		t.Fatal(err)
	}
	created := portaltest.Create(t, f.app, collections.CMSPages, map[string]any{"title": "New staff page",
		"slug": "new-staff", "audience": collections.PageForStaff, "published": true, "body": "<p>x</p>"})
	hiddenIDs[created.Id] = true
	// The last change is visible: once it arrives, every earlier one would have.
	sentinel := f.pages["for-everyone"]
	sentinel.Set(collections.FieldTitle, "Changed")
	if err := f.app.Save(sentinel); err != nil {
		t.Fatal(err)
	}
	for {
		msg := rt.Next(10 * time.Second)
		var data struct{ Record map[string]any }
		if err := json.Unmarshal([]byte(msg.Data), &data); err != nil {
			t.Fatal(err)
		}
		record := data.Record
		if hiddenIDs[record["id"].(string)] {
			t.Errorf("realtime %s delivered hidden page %v", msg.Topic, record["slug"])
		}
		if _, leaked := record["clients"]; leaked {
			t.Errorf("realtime record carries the hidden clients field")
		}
		if record["id"] == sentinel.Id {
			return
		}
	}
}

// TestContentCleanedOnSaveAndServe stores hostile HTML through the API (it
// is cleaned on save) and straight into the database (it is cleaned when
// served): neither reaches a reader, through a list, a view or the closed
// portal's status.
func TestContentCleanedOnSaveAndServe(t *testing.T) {
	t.Parallel()
	f := newContentFixture(t)
	page := f.pages["for-everyone"]
	status, saved := portaltest.CallJSON(t, http.MethodPatch, f.base+"/api/collections/cms_pages/records/"+page.Id,
		f.admin, map[string]any{"body": hostileHTML})
	if status != http.StatusOK {
		t.Fatalf("admin save: %d %v", status, saved)
	}
	stored := must(f.app.FindRecordById(collections.CMSPages, page.Id)).GetString(collections.FieldBody)
	assertHarmless(t, "stored page", stored)

	snippet := portaltest.Create(t, f.app, collections.ClientSnippets, map[string]any{
		"key": collections.SnippetPortalClosed, "enabled": true, "content": "<p>Closed</p>"})
	for _, r := range []struct{ table, field, id string }{
		{collections.CMSPages, collections.FieldBody, page.Id},
		{collections.ClientSnippets, collections.FieldContent, snippet.Id},
	} {
		if _, err := f.app.DB().Update(r.table, map[string]any{r.field: hostileHTML}, nil).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	_, list := f.get(t, f.insider, "/api/collections/cms_pages/records")
	assertHarmless(t, "listed page", toJSON(list))
	_, view := f.get(t, f.insider, "/api/collections/cms_pages/records/"+page.Id)
	assertHarmless(t, "viewed page", view["body"].(string))
	if !strings.Contains(view["body"].(string), "Safe text") {
		t.Errorf("the page's harmless text was lost: %s", view["body"])
	}

	settings := must(collections.LoadSettings(f.app))
	settings.Set(collections.FieldPortalEnabled, false)
	if err := f.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	_, portal := f.get(t, "", "/api/portal/status")
	closed, _ := portal["snippet"].(map[string]any)
	if closed == nil || closed["id"] != snippet.Id {
		t.Fatalf("closed portal status has no snippet: %v", portal)
	}
	assertHarmless(t, "closed portal snippet", closed["content"].(string))
}

func assertHarmless(t *testing.T, what, html string) {
	t.Helper()
	lower := strings.ToLower(html)
	for _, banned := range []string{"<script", "onerror", "onclick", "javascript:", "data:", "<iframe", "<style", "style=", "url(", "__pwned"} {
		if strings.Contains(lower, banned) {
			t.Errorf("%s holds %q: %s", what, banned, html)
		}
	}
}

// TestSnippetVisibility checks who reads which snippet: contacts read the
// enabled ones inside their window; anonymous visitors only the sign-in
// message.
func TestSnippetVisibility(t *testing.T) {
	t.Parallel()
	f := newContentFixture(t)
	hour := time.Hour
	snippet := func(key string, enabled bool, from, until time.Duration) *core.Record {
		values := map[string]any{"key": key, "enabled": enabled, "content": "<p>" + key + "</p>"}
		if from != 0 {
			values["visible_from"] = types.NowDateTime().Add(from)
		}
		if until != 0 {
			values["visible_until"] = types.NowDateTime().Add(until)
		}
		return portaltest.Create(t, f.app, collections.ClientSnippets, values)
	}
	all := map[string]*core.Record{
		collections.SnippetHomeWelcome:   snippet(collections.SnippetHomeWelcome, true, -hour, hour),
		collections.SnippetBookingHelp:   snippet(collections.SnippetBookingHelp, false, 0, 0),
		collections.SnippetFinanceNote:   snippet(collections.SnippetFinanceNote, true, hour, 0),
		collections.SnippetDocumentsNote: snippet(collections.SnippetDocumentsNote, true, 0, -hour),
		collections.SnippetSignIn:        snippet(collections.SnippetSignIn, true, 0, 0),
		collections.SnippetPortalClosed:  snippet(collections.SnippetPortalClosed, true, 0, 0),
	}
	for _, reader := range []struct {
		name, token string
		visible     []string
	}{
		{"contact", f.insider, []string{collections.SnippetHomeWelcome, collections.SnippetSignIn, collections.SnippetPortalClosed}},
		{"anonymous", "", []string{collections.SnippetSignIn}},
	} {
		t.Run(reader.name, func(t *testing.T) {
			status, body := f.get(t, reader.token, "/api/collections/client_snippets/records?sort=key")
			var got []string
			for _, it := range body["items"].([]any) {
				got = append(got, it.(map[string]any)["key"].(string))
			}
			want := slices.Sorted(slices.Values(reader.visible))
			if status != http.StatusOK || !slices.Equal(got, want) {
				t.Errorf("list: status %d, keys %v, want %v", status, got, want)
			}
			for key, r := range all {
				status, _ := f.get(t, reader.token, "/api/collections/client_snippets/records/"+r.Id)
				if (status == http.StatusOK) != slices.Contains(reader.visible, key) {
					t.Errorf("view %s: status %d", key, status)
				}
			}
		})
	}
}

// TestSnippetSettingsChecked checks what an admin may save: a key of the
// catalogue, readable custom colours in pairs, a window that ends after it
// starts; a refusal names the field.
func TestSnippetSettingsChecked(t *testing.T) {
	t.Parallel()
	f := newContentFixture(t)
	cases := []struct {
		name     string
		body     map[string]any
		badField string // "" when the save must succeed
	}{
		{"unknown place", map[string]any{"key": "footer_banner"}, "key"},
		{"low contrast", map[string]any{"key": "finance_note", "background_color": "#ffffff", "text_color": "#999999"}, "text_color"},
		{"one colour only", map[string]any{"key": "finance_note", "background_color": "#ffffff"}, "text_color"},
		{"not a colour", map[string]any{"key": "finance_note", "background_color": "red", "text_color": "#000000"}, "background_color"},
		{"window ends first", map[string]any{"key": "finance_note", "visible_from": "2030-01-02 00:00:00.000Z",
			"visible_until": "2030-01-01 00:00:00.000Z"}, "visible_until"},
		{"unknown tone", map[string]any{"key": "finance_note", "tone": "danger"}, "tone"},
		{"readable colours", map[string]any{"key": "finance_note", "background_color": "#1d3557", "text_color": "#f1faee",
			"text_align": "center", "tone": "info"}, ""},
	}
	for _, c := range cases {
		c.body["content"] = "<p>Note</p>"
		c.body["enabled"] = true
		status, body := portaltest.CallJSON(t, http.MethodPost, f.base+"/api/collections/client_snippets/records", f.admin, c.body)
		data, _ := body["data"].(map[string]any)
		switch {
		case c.badField == "" && status != http.StatusOK:
			t.Errorf("%s: status %d: %v", c.name, status, body)
		case c.badField != "" && (status != http.StatusBadRequest || data[c.badField] == nil):
			t.Errorf("%s: status %d, want a 400 naming %s: %v", c.name, status, c.badField, body)
		}
	}
	// The saved style reaches the contact as set.
	_, list := f.get(t, f.insider, "/api/collections/client_snippets/records")
	raw, _ := json.Marshal(list)
	for _, want := range []string{`"background_color":"#1d3557"`, `"text_color":"#f1faee"`, `"text_align":"center"`, `"tone":"info"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the contact's snippet lacks %s: %s", want, raw)
		}
	}
}

// hiddenContent reports whether a page or snippet is one that no contact
// of another client may read, for the cross-client test (access_test.go),
// which otherwise treats content as shared by every contact. A page limited
// to some clients or groups counts as hidden: the fixtures never limit one
// to the outsider's client.
func hiddenContent(r *core.Record) bool {
	now := types.NowDateTime()
	switch r.Collection().Name {
	case collections.CMSPages:
		return !r.GetBool(collections.FieldPublished) || r.GetString(collections.FieldAudience) == collections.PageForStaff ||
			len(r.GetStringSlice(collections.FieldClients))+len(r.GetStringSlice(collections.FieldGroups)) > 0
	case collections.ClientSnippets:
		from, until := r.GetDateTime(collections.FieldVisibleFrom), r.GetDateTime(collections.FieldVisibleUntil)
		return !r.GetBool(collections.FieldEnabled) || (!from.IsZero() && from.After(now)) || (!until.IsZero() && !until.After(now))
	}
	return false
}
