package pb_hooks

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// Response headers (issue 12, item 9): which other sites may call the API
// (CORS), which browser features pages may use, and how long browsers and
// proxies may keep files.

// permissionsPolicy switches off the browser features no Crewportal page
// uses, so injected or third-party content could not use them either.
const permissionsPolicy = "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), " +
	"gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()"

// protectedFileCaching keeps invoices, certificates and ID photos out of
// shared caches and off the disk of whoever downloads them.
const protectedFileCaching = "private, no-store"

// photoCaching lets the browser that downloaded a profile photo keep it
// for a few minutes (the portal shows it on many pages), and no shared
// cache keep it at all.
const photoCaching = "private, max-age=300"

func (p *plugin) bindHeaders() {
	p.app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: HookIDPrefix + "headers.middleware",
		Func: func(se *core.ServeEvent) error {
			// Replace PocketBase's CORS (every origin, "*") by one that
			// allows the application URL and the origins the admin lists.
			// (Unbind excludes the id on every route, so ours needs its own.)
			se.Router.Unbind(apis.DefaultCorsMiddlewareId)
			cors := apis.CORS(apis.CORSConfig{
				AllowOriginFunc: func(origin string) (bool, error) { return originAllowed(se.App, origin), nil },
				AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch,
					http.MethodPost, http.MethodDelete},
			})
			cors.Id = HookIDPrefix + "headers.cors"
			se.Router.Bind(cors)
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id: HookIDPrefix + "headers.permissionsPolicy",
				Func: func(e *core.RequestEvent) error {
					e.Response.Header().Set("Permissions-Policy", permissionsPolicy)
					return e.Next()
				},
			})
			return se.Next()
		},
	})
	p.app.OnFileDownloadRequest().Bind(&hook.Handler[*core.FileDownloadRequestEvent]{
		Id:   HookIDPrefix + "headers.fileCaching",
		Func: setFileCaching,
	})
}

// setFileCaching replaces PocketBase's month-long public caching of
// protected files (it sets it for every file): photos are kept briefly and
// privately, everything else (invoices, certificates, ID photos) never.
// Public files, such as the T&C, keep PocketBase's caching.
func setFileCaching(e *core.FileDownloadRequestEvent) error {
	switch {
	case e.FileField.Protected && e.FileField.Name == collections.FieldPhoto:
		e.Response.Header().Set("Cache-Control", photoCaching)
	case e.FileField.Protected:
		e.Response.Header().Set("Cache-Control", protectedFileCaching)
	}
	return e.Next()
}

// originAllowed reports whether a browser page of origin may call the API:
// the application URL's origin (dashboard → Settings → Application URL), or
// one of the extra origins listed in the portal settings.
func originAllowed(app core.App, origin string) bool {
	origin = strings.ToLower(origin)
	if origin == originOf(app.Settings().Meta.AppURL) {
		return true
	}
	settings, err := portalSettings(app)
	if err != nil {
		return false
	}
	for _, extra := range strings.FieldsFunc(settings.GetString(collections.FieldCORSOrigins), func(r rune) bool {
		return r == ',' || r == '\n' || r == ' '
	}) {
		if origin == originOf(extra) {
			return true
		}
	}
	return false
}

// originOf is the scheme://host[:port] of a URL, as browsers send it in
// the Origin header, or "" for a URL without both.
func originOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}
