package collections

import "github.com/pocketbase/pocketbase/core"

// CMS pages (spec M1); body and audience are shared with the notification
// templates (fields.go).
const (
	FieldTitle     = "title"
	FieldSlug      = "slug"
	FieldPublished = "published"
	FieldMenuOrder = "menu_order"
	FieldClients   = "clients"
	FieldGroups    = "groups"
	FieldImages    = "images"
)

// Who a CMS page is written for.
const (
	PageForClients = "clients"
	PageForStaff   = "staff"
	PageForBoth    = "both"
)

// Client snippets (spec M2); enabled is shared with the notification templates.
const (
	FieldKey             = "key"
	FieldContent         = "content"
	FieldTone            = "tone"
	FieldBackgroundColor = "background_color"
	FieldTextColor       = "text_color"
	FieldTextAlign       = "text_align"
	FieldVisibleFrom     = "visible_from"
	FieldVisibleUntil    = "visible_until"
)

// SnippetKey names one fixed place of the portal that shows a snippet.
type SnippetKey = string

// The snippet catalogue: every place of the portal a snippet can fill. The
// key field of client_snippets is a select of exactly these values.
const (
	SnippetHomeWelcome   SnippetKey = "home_welcome"
	SnippetBookingHelp   SnippetKey = "booking_help"
	SnippetFinanceNote   SnippetKey = "finance_note"
	SnippetDocumentsNote SnippetKey = "documents_note"
	// SnippetSignIn is shown before sign-in: the only content anonymous
	// visitors may read.
	SnippetSignIn SnippetKey = "sign_in_message"
	// SnippetPortalClosed is served by /api/portal/status while the portal
	// is switched off (anonymous visitors never list it).
	SnippetPortalClosed SnippetKey = "portal_closed"
)

// Page is an admin-written CMS page.
type Page struct{ core.BaseRecordProxy }

// Body returns the page's HTML as stored (already cleaned on save).
func (p *Page) Body() string { return p.GetString(FieldBody) }

// Snippet is an admin-written piece of content for one fixed place of the portal.
type Snippet struct{ core.BaseRecordProxy }

// Key returns the place of the portal the snippet fills.
func (s *Snippet) Key() SnippetKey { return s.GetString(FieldKey) }

// Content returns the snippet's HTML as stored (already cleaned on save).
func (s *Snippet) Content() string { return s.GetString(FieldContent) }

// Colors returns the custom background and text colours ("" when unset).
func (s *Snippet) Colors() (background, text string) {
	return s.GetString(FieldBackgroundColor), s.GetString(FieldTextColor)
}
