package pb_migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Reshapes the CMS pages and client snippets for the portal (spec M1–M2) and
// opens their reads:
//
//   - a page has an audience (clients, staff, both), a published flag, a menu
//     order and optional client/group limits (hidden: a contact never learns
//     which other clients a page is for);
//   - a snippet's key is a select of the fixed catalogue (unknown places are
//     refused), with a tone or custom colours, an alignment and a visibility
//     window;
//   - both get images the editor can insert.
//
// The read rules are the whole visibility decision, so list, view, filter,
// and expand and realtime all apply them. Existing records are
// carried over (client_visible → audience, sort → menu_order, style → tone,
// dashboard_welcome → home_welcome).
func init() {
	// A multiple relation needs :each to be compared per id (without it the
	// whole JSON array is compared); the != "" guards keep a contact whose
	// client has no group from matching the empty value of an unlimited list.
	const pageRule = `@request.auth.collectionName = "contacts" && published = true && audience != "staff" && (` +
		`(clients:length = 0 && groups:length = 0) || ` +
		`(@request.auth.client != "" && clients:each ?= @request.auth.client) || ` +
		`(@request.auth.client.group != "" && groups:each ?= @request.auth.client.group))`
	const snippetRule = `enabled = true && (visible_from = "" || visible_from <= @now) && ` +
		`(visible_until = "" || visible_until > @now) && (key = "sign_in_message" || @request.auth.collectionName = "contacts")`

	m.Register(func(app core.App) error {
		if err := reshapePages(app, pageRule); err != nil {
			return err
		}
		return reshapeSnippets(app, snippetRule)
	}, nil)
}

// contentImages are the images a page or snippet shows. They are not
// protected: HTML cannot carry a per-visitor file token, the sign-in
// snippet's images must load before sign-in, and a file's URL (random record
// id and name) is only ever shown inside content its reader may see.
func contentImages() *core.FileField {
	return &core.FileField{Name: "images", MaxSize: imageMaxMB * mb, MaxSelect: 30, MimeTypes: imageTypes,
		Help: "Upload images here, then insert them in the text with the editor's image button."}
}

func reshapePages(app core.App, rule string) error {
	pages, err := app.FindCollectionByNameOrId(collections.CMSPages)
	if err != nil {
		return err
	}
	pages.Fields.Add(
		&core.SelectField{Name: "audience", Required: true, MaxSelect: 1, Values: []string{"clients", "staff", "both"},
			Help: "Clients see pages for clients or both; staff-only pages never reach the portal."},
		&core.BoolField{Name: "published", Help: "Only published pages are shown."},
		&core.NumberField{Name: "menu_order", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(10000.0),
			Help: "Lower numbers come first in the portal menu."},
		&core.RelationField{Name: "clients", CollectionId: collections.ID(collections.Clients), MaxSelect: 1000, Hidden: true,
			Help: "Leave empty (and groups too) for every client; otherwise only these clients see the page."},
		&core.RelationField{Name: "groups", CollectionId: collections.ID(collections.Groups), MaxSelect: 100, Hidden: true,
			Help: "Or only the clients of these admin groups."},
		contentImages(),
	)
	body := pages.Fields.GetByName("body").(*core.EditorField)
	body.Required = true
	body.ConvertURLs = true
	body.Help = "Headings, lists, links, tables and images from this page's images; anything else is removed on save."
	pages.RemoveIndex("idx_cms_pages_visible")
	pages.AddIndex("idx_cms_pages_menu", false, "published, menu_order", "")
	if err := app.Save(pages); err != nil {
		return err
	}
	_, err = app.DB().NewQuery(`UPDATE cms_pages SET published = 1, menu_order = sort,
		audience = CASE WHEN client_visible THEN 'clients' ELSE 'staff' END`).Execute()
	if err != nil {
		return err
	}
	pages.Fields.RemoveByName("client_visible")
	pages.Fields.RemoveByName("sort")
	pages.ListRule = types.Pointer(rule)
	pages.ViewRule = types.Pointer(rule)
	return app.Save(pages)
}

func reshapeSnippets(app core.App, rule string) error {
	snippets, err := app.FindCollectionByNameOrId(collections.ClientSnippets)
	if err != nil {
		return err
	}
	var old []struct {
		ID    string `db:"id"`
		Key   string `db:"key"`
		Style string `db:"style"`
	}
	if err := app.DB().Select("id", "key", "style").From(collections.ClientSnippets).All(&old); err != nil {
		return err
	}
	snippets.Fields.RemoveByName("key")
	snippets.Fields.RemoveByName("style")
	snippets.RemoveIndex("idx_client_snippets_key")
	snippets.Fields.Add(
		&core.SelectField{Name: "key", Required: true, MaxSelect: 1, Values: []string{"home_welcome", "booking_help",
			"finance_note", "documents_note", "sign_in_message", "portal_closed"},
			Help: "The fixed place in the portal where this snippet shows; sign_in_message is public."},
		&core.SelectField{Name: "tone", MaxSelect: 1, Values: []string{"neutral", "info", "success", "warning"},
			Help: "The portal's colours for this kind of message (empty is neutral); custom colours override it."},
		&core.SelectField{Name: "text_align", MaxSelect: 1, Values: []string{"left", "center", "right"}},
		&core.DateField{Name: "visible_from", Help: "Empty: from now."},
		&core.DateField{Name: "visible_until", Help: "Empty: until switched off."},
		contentImages(),
	)
	for _, name := range []string{"background_color", "text_color"} {
		f := snippets.Fields.GetByName(name).(*core.TextField)
		f.Max = 7
		f.Pattern = `^#[0-9a-fA-F]{6}$`
		f.Help = "#rrggbb; set both colours or neither. The text must contrast with the background (WCAG AA, 4.5:1)."
	}
	content := snippets.Fields.GetByName("content").(*core.EditorField)
	content.Required = true
	content.ConvertURLs = true
	snippets.AddIndex("idx_client_snippets_key", true, "key", "")
	snippets.AddIndex("idx_client_snippets_enabled", false, "enabled, visible_from", "")
	snippets.ListRule = types.Pointer(rule)
	snippets.ViewRule = types.Pointer(rule)
	if err := app.Save(snippets); err != nil {
		return err
	}
	tones := map[string]string{"plain": "neutral", "info": "info", "success": "success", "warning": "warning"}
	keys := map[string]string{"dashboard_welcome": "home_welcome"}
	for _, r := range old {
		key := r.Key
		if k, ok := keys[key]; ok {
			key = k
		}
		_, err := app.DB().Update(collections.ClientSnippets,
			dbx.Params{"key": key, "tone": tones[r.Style]}, dbx.HashExp{"id": r.ID}).Execute()
		if err != nil {
			return err
		}
	}
	return nil
}
