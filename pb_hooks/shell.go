package pb_hooks

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// PortalSessionMeta is the key, in the meta of a contact's sign-in and token
// refresh answers, of what every signed-in portal page needs besides its
// own data. The portal refreshes the token once per page load anyway, so the
// role's permissions, the agency's time zone and locale, the menu's pages,
// the snippets and the company's name ride along instead of costing five
// more requests on every visit (issue 16).
const PortalSessionMeta = "portal"

// portalSession is that meta. Each part is what the record API would give
// the contact for the same question: the role's permissions (the cached
// roles, which contactCan reads and TestContactCanAgreesWithTheRules ties
// to the roles' rule), the settings' display fields, the contact's own
// company, and the pages and snippets their list rules allow.
type portalSession struct {
	Permissions []string      `json:"permissions"`
	TimeZone    string        `json:"time_zone"`
	Locale      string        `json:"locale"`
	Company     sessionClient `json:"company"`
	MenuPages   []menuPage    `json:"menu_pages"`
	Snippets    []snippetView `json:"snippets"`
}

type sessionClient struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// menuPage is a CMS page as the menu lists it.
type menuPage struct {
	Title string `db:"title" json:"title"`
	Slug  string `db:"slug" json:"slug"`
}

// snippetView is a snippet as the portal shows it; its HTML is cleaned as
// when it is served through the record API.
type snippetView struct {
	Key             string `db:"key" json:"key"`
	Content         string `db:"content" json:"content"`
	Tone            string `db:"tone" json:"tone"`
	BackgroundColor string `db:"background_color" json:"background_color"`
	TextColor       string `db:"text_color" json:"text_color"`
	TextAlign       string `db:"text_align" json:"text_align"`
}

func (p *plugin) bindShellHooks() {
	// Bound after accounts.guardAuth (registration order): a refused contact
	// gets its refusal, not the portal's data.
	p.app.OnRecordAuthRequest(collections.Contacts).Bind(&hook.Handler[*core.RecordAuthRequestEvent]{
		Id:   HookIDPrefix + "shell.sessionMeta",
		Func: addPortalSession,
	})
}

// addPortalSession puts the portal session into the meta of a contact's
// auth answer. Meta that PocketBase already set (an OAuth2 sign-in's
// profile) is kept; an admin signing in as a contact gets none.
func addPortalSession(e *core.RecordAuthRequestEvent) error {
	if e.HasSuperuserAuth() {
		return e.Next()
	}
	session, err := loadPortalSession(e.RequestEvent, e.Record)
	if err != nil {
		return err
	}
	switch meta := e.Meta.(type) {
	case nil:
		e.Meta = map[string]any{PortalSessionMeta: session}
	case map[string]any:
		meta[PortalSessionMeta] = session
	}
	return e.Next()
}

func loadPortalSession(e *core.RequestEvent, contact *core.Record) (*portalSession, error) {
	settings, err := portalSettings(e.App)
	if err != nil {
		return nil, err
	}
	_, roles := loadVisibility(e.App)
	s := &portalSession{
		Permissions: roles[contact.GetString(collections.FieldRole)],
		TimeZone:    settings.TimeZone(),
		Locale:      settings.Locale(),
		MenuPages:   []menuPage{},
		Snippets:    []snippetView{},
	}
	if s.Permissions == nil {
		s.Permissions = []string{}
	}
	r, err := clientRecord(e.App, contact.GetString(collections.FieldClient))
	if err != nil {
		return nil, err
	}
	client := collections.Wrap[collections.Client](r)
	s.Company = sessionClient{ID: client.Id, Name: client.Name()}

	err = selectListedFor(e, contact, collections.CMSPages, &s.MenuPages, func(q *dbx.SelectQuery) {
		q.Select("[[cms_pages.title]]", "[[cms_pages.slug]]").OrderBy("[[cms_pages.menu_order]] ASC", "[[cms_pages.title]] ASC")
	})
	if err != nil {
		return nil, err
	}
	err = selectListedFor(e, contact, collections.ClientSnippets, &s.Snippets, func(q *dbx.SelectQuery) {
		q.Select("[[client_snippets.key]]", "[[client_snippets.content]]", "[[client_snippets.tone]]",
			"[[client_snippets.background_color]]", "[[client_snippets.text_color]]", "[[client_snippets.text_align]]")
	})
	if err != nil {
		return nil, err
	}
	appURL := e.App.Settings().Meta.AppURL
	for i := range s.Snippets {
		s.Snippets[i].Content = CleanHTML(s.Snippets[i].Content, appURL)
	}
	return s, nil
}

// selectListedFor reads into dest the records of the collection that its
// list rule lets the contact list, as PocketBase's record API decides it for
// that contact (a collection without a list rule lists nothing). shape picks
// the columns and the order.
func selectListedFor(e *core.RequestEvent, contact *core.Record, name string, dest any, shape func(*dbx.SelectQuery)) error {
	collection, err := e.App.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return err
	}
	if collection.ListRule == nil {
		return nil
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	// At sign-in the request carries no auth yet: the rule is for the contact.
	asContact := *info
	asContact.Auth = contact
	q := e.App.RecordQuery(collection)
	resolver := core.NewRecordFieldResolver(e.App, collection, &asContact, true)
	if err := applyRule(resolver, &asContact, collection.ListRule, q); err != nil {
		return err
	}
	if err := resolver.UpdateQuery(q); err != nil {
		return err
	}
	shape(q)
	return q.All(dest)
}
