package pb_hooks_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// fetch sends a request with an Origin header and returns the response
// headers and status.
func fetch(t *testing.T, method, url, origin string) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header
}

// TestCORSAllowsOnlyTheAppURL: only the application URL's origin, and the
// extra origins the admin lists, get CORS headers, for requests and
// preflights alike.
func TestCORSAllowsOnlyTheAppURL(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t) // application URL https://portal.agency.test
	status := s.base + "/api/portal/status"
	check := func(origin string, allowed bool) {
		t.Helper()
		for _, method := range []string{http.MethodGet, http.MethodOptions} {
			_, h := fetch(t, method, status, origin)
			if got := h.Get("Access-Control-Allow-Origin"); (got == origin) != allowed || (!allowed && got != "") {
				t.Errorf("%s from %s: Access-Control-Allow-Origin %q, allowed=%v", method, origin, got, allowed)
			}
		}
	}
	check("https://portal.agency.test", true)
	check("https://evil.example", false)
	check("https://partner.example", false)
	check("null", false)

	settings, err := collections.LoadSettings(s.app)
	if err != nil {
		t.Fatal(err)
	}
	settings.Set(collections.FieldCORSOrigins, "https://partner.example, https://intranet.example:8443")
	save(t, s.app, settings.Record)
	check("https://partner.example", true)
	check("https://intranet.example:8443", true)
	check("https://evil.example", false)
}

// TestSecurityHeaders: every answer carries a Permissions-Policy, and
// protected files are never cached while photos are, briefly and privately.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	if _, h := fetch(t, http.MethodGet, s.base+"/api/portal/status", ""); h.Get("Permissions-Policy") == "" {
		t.Error("no Permissions-Policy on an API answer")
	}
	if _, h := fetch(t, http.MethodGet, s.base+"/api/health", ""); h.Get("Permissions-Policy") == "" {
		t.Error("no Permissions-Policy on PocketBase's own routes")
	}

	png := must(filesystem.NewFileFromBytes(pngBytes(t), "photo.png"))
	staff := portaltest.NewStaff(t, s.app)
	staff.Set("photo", png)
	staff.Set("photo_id", must(filesystem.NewFileFromBytes(pngBytes(t), "id.png")))
	save(t, s.app, staff.Record)
	admin := portaltest.AuthHeaders(t, s.a.admin1)["Authorization"]
	token := requestFileToken(t, s.base, admin)
	for field, want := range map[string]string{"photo": "private, max-age=300", "photo_id": "private, no-store"} {
		url := s.base + "/api/files/staff/" + staff.Id + "/" + staff.GetString(field) + "?token=" + token
		code, h := fetch(t, http.MethodGet, url, "")
		if code != http.StatusOK || h.Get("Cache-Control") != want {
			t.Errorf("%s: %d, Cache-Control %q, want %q", field, code, h.Get("Cache-Control"), want)
		}
	}
}

// pngBytes is a small valid PNG image.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
