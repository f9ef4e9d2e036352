package pb_hooks

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// PortalPath is where the portal pages are served.
const PortalPath = "/client-portal/"

// portalCSP allows only the binary's own assets: the portal makes no
// third-party request (spec P5), and admin HTML shown in it cannot run script.
const portalCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

// route is one line of the route table.
type route struct {
	method, path string
	handler      func(*core.RequestEvent) error
	middlewares  []*hook.Handler[*core.RequestEvent]
}

// routes is the plugin's one route table: every custom route is listed here.
func (p *plugin) routes() []route {
	table := []route{
		{http.MethodGet, "/{$}", redirectToPortal, nil},
		// Public: the sign-in page says when the whole portal is closed.
		{http.MethodGet, "/api/portal/status", portalStatus, nil},
		// Public: the statuses, limits and proposable fields the pages mirror.
		{http.MethodGet, "/api/portal/metadata", portalMetadata, nil},
		// The token is the credential: the link check needs no sign-in.
		{http.MethodGet, "/api/portal/activation", checkActivationLink, nil},
		{http.MethodPost, "/api/portal/impersonate/{id}", impersonate, []*hook.Handler[*core.RequestEvent]{apis.RequireSuperuserAuth()}},
		// Booking (spec B1–B5) and the event lists with their CSV export (E1).
		// Writes accept an Idempotency-Key, so a retry never books twice.
		{http.MethodPost, "/api/portal/bookings", bookEvent, idempotent(contactWith(collections.PermBookEvents))},
		{http.MethodPost, "/api/portal/estimate", estimateBooking, contactWith(collections.PermViewPrices)},
		// The home page in one call: company, upcoming events, counters.
		{http.MethodGet, "/api/portal/home", homePage, contactWith("")},
		{http.MethodGet, "/api/portal/events", listEvents, contactWith("")},
		{http.MethodGet, "/api/portal/events.csv", exportEvents, contactWith("")},
		{http.MethodGet, "/api/portal/finance", p.financePage, contactWith(collections.PermViewInvoices)},
		{http.MethodGet, "/api/portal/invoices.csv", p.exportInvoices, contactWith(collections.PermViewInvoices)},
		// Change requests (spec C1–C3); admins decide them in the dashboard.
		{http.MethodPost, "/api/portal/events/{id}/change-requests", requestChange, idempotent(contactWith(collections.PermRequestChanges))},
		{http.MethodPost, "/api/portal/change-requests/{id}/withdraw", withdrawChange, idempotent(contactWith(collections.PermRequestChanges))},
		// Team leader, roster and required qualifications (spec R1–R4), as
		// the settings and the contact's role allow.
		{http.MethodGet, "/api/portal/events/{id}/roster", p.eventRoster, contactWith("")},
		// The event page in one call: the event, its shifts, resource lines,
		// change requests, the settings, roster and documents, each as its
		// own request answers it (event_page.go).
		{http.MethodGet, "/api/portal/events/{id}/page", p.eventPage, contactWith("")},
		// Event documents (spec D1, D2): every contact lists the company's;
		// uploading needs the permission, deleting is for one's own uploads.
		{http.MethodGet, "/api/portal/documents", p.listDocuments, contactWith("")},
		{http.MethodPost, "/api/portal/events/{id}/documents", p.uploadDocument,
			append(contactWith(collections.PermUploadDocuments), uploadBodyLimit())},
		{http.MethodDelete, "/api/portal/documents/{id}", p.deleteDocument, contactWith("")},
	}
	if p.config.PublicFS != nil {
		// Files are logged only when they fail: a page view is one log line
		// per API call, not one per script (docs/ADMIN.md).
		table = append(table, route{http.MethodGet, PortalPath + "{path...}", servePortal(p.config.PublicFS),
			[]*hook.Handler[*core.RequestEvent]{apis.SkipSuccessActivityLog()}})
	}
	return table
}

func (p *plugin) bindRoutes() {
	p.app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: HookIDPrefix + "routes",
		Func: func(se *core.ServeEvent) error {
			for _, r := range p.routes() {
				route := se.Router.Route(r.method, r.path, r.handler)
				if strings.HasPrefix(r.path, "/api/portal/") {
					route.Bind(answerBadInput())
				}
				for _, m := range r.middlewares {
					route.Bind(m)
				}
			}
			return se.Next()
		},
	})
}

// contactWith is the middleware of a contacts-only route: signed in as a
// contact, and holding the permission when one is named.
func contactWith(perm collections.Permission) []*hook.Handler[*core.RequestEvent] {
	chain := []*hook.Handler[*core.RequestEvent]{apis.RequireAuth(collections.Contacts)}
	if perm != "" {
		chain = append(chain, requireContactPermission(perm))
	}
	return chain
}

// portalStatus tells the sign-in page whether the portal is open (spec A1)
// and, while it is closed, the message to show.
func portalStatus(e *core.RequestEvent) error {
	settings, err := portalSettings(e.App)
	if err != nil {
		return err
	}
	status := map[string]any{"enabled": settings.PortalEnabled(), "message": ""}
	if !settings.PortalEnabled() {
		status["message"] = settings.PortalDisabledMessage()
		// The closed portal's snippet (spec M2), which visitors cannot list.
		if status["snippet"], err = visibleSnippet(e.App, collections.SnippetPortalClosed); err != nil {
			return err
		}
	}
	return e.JSON(http.StatusOK, status)
}

// redirectToPortal sends visitors of the bare domain to the portal.
func redirectToPortal(e *core.RequestEvent) error {
	return e.Redirect(http.StatusFound, PortalPath)
}

// servePortal serves the portal's files (assets.go: compressed, with
// validators). Paths without a file extension are portal routes
// (/client-portal/events/abc) and get the single-page shell; a missing asset
// stays a 404 instead of turning into HTML.
func servePortal(public fs.FS) func(*core.RequestEvent) error {
	pages, err := fs.Sub(public, "client-portal")
	if err != nil {
		panic(err) // fs.Sub fails only for an invalid path literal
	}
	files := newPortalFiles(pages)
	// Bundling takes a moment (~0.2 s of CPU): made a second after the
	// server starts, start-up keeps the CPU for itself and the first visitor
	// does not wait (one arriving sooner makes it). A failure is reported by
	// the request that needs the bundle.
	time.AfterFunc(time.Second, func() { files.bundled() })
	return func(e *core.RequestEvent) error {
		name := strings.TrimPrefix(e.Request.PathValue(apis.StaticWildcardParam), "/")
		if path.Ext(name) == "" {
			return files.serve(e, "index.html")
		}
		if !fs.ValidPath(name) {
			return e.NotFoundError("File not found.", nil)
		}
		return files.serve(e, name)
	}
}
