package pb_hooks_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestPortalFilesCaching checks how the portal's files are sent: the shell
// names the bundle (hashed names, cached as immutable, minified, the lazy
// page a chunk of its own, a vendored licence kept) and is revalidated with
// a 304; gzip when the browser takes it; the portal folder's own files still
// served with an ETag and Last-Modified; the document headers on the shell
// only.
func TestPortalFilesCaching(t *testing.T) {
	t.Parallel()
	script := "export const answer = 42; // " + strings.Repeat("padding so compressing pays ", 40) + "\n"
	files := fstest.MapFS{
		"client-portal/index.html": {Data: []byte(`<html><head><title>x</title>` +
			`<link rel="icon" href="/client-portal/img/icon.svg"><link rel="stylesheet" href="/client-portal/css/site.css">` +
			`<script type="module" src="/client-portal/js/app.js"></script></head><body></body></html>`)},
		"client-portal/css/site.css": {Data: []byte("body {\n  color: red;\n}\n")},
		"client-portal/img/icon.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		"client-portal/js/app.js": {Data: []byte(`import { a } from "./a.js";` + "\nimport logo from \"../img/icon.svg\";\n" +
			"document.title = a + logo;\nwindow.later = () => import(\"./pages/lazy.js\");\n")},
		"client-portal/js/a.js":               {Data: []byte(`export { answer as a } from "../lib/c.js";` + "\n")},
		"client-portal/js/pages/lazy.js":      {Data: []byte(`import { Lib } from "/client-portal/vendor/lib/lib.mjs";` + "\nexport const lazy = new Lib();\n")},
		"client-portal/vendor/lib/lib.mjs":    {Data: []byte("export class Lib {}\n//# sourceMappingURL=lib.mjs.map\n")},
		"client-portal/vendor/lib/LICENSE.md": {Data: []byte("The Lib Licence, Copyright Somebody\n")},
		"client-portal/lib/c.js":              {Data: []byte(script)},
		"client-portal/lib/c.0a1b2c3d4e.js":   {Data: []byte(script)},
	}
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{PublicFS: files})
	base := portaltest.StartServer(t, app)
	get := portalGetter(t, base)

	// The shell names the bundle and nothing else of the portal folder.
	res, body := get("/client-portal/events", nil)
	shell := string(body)
	refs := regexp.MustCompile(`(?:href|src)="(/client-portal/[^"]+)"`).FindAllStringSubmatch(shell, -1)
	if len(refs) < 3 || res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("ETag") == "" ||
		res.Header.Get("Cache-Control") != "no-cache" || res.Header.Get("Permissions-Policy") == "" {
		t.Fatalf("shell: %d references, headers %v:\n%s", len(refs), res.Header, shell)
	}
	var bundle strings.Builder
	for _, ref := range refs {
		if !regexp.MustCompile(`^/client-portal/assets/(app|site|icon|chunk)\.[A-Z0-9]{8,}\.(js|css|svg)$`).MatchString(ref[1]) {
			t.Errorf("the shell refers to %s, not a hashed file of the bundle", ref[1])
		}
		res, body := get(ref[1], nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
			res.Header.Get("Content-Security-Policy") != "" || res.Header.Get("Permissions-Policy") != "" ||
			res.Header.Get("X-Frame-Options") != "" || res.Header.Get("Last-Modified") != "" || res.ContentLength != int64(len(body)) {
			t.Errorf("%s: %d, headers %v", ref[1], res.StatusCode, res.Header)
		}
		bundle.Write(body)
	}
	if !strings.Contains(bundle.String(), "body{color:red}") || strings.Contains(bundle.String(), "padding") ||
		!strings.Contains(bundle.String(), "42") || !strings.Contains(bundle.String(), "/client-portal/assets/icon.") {
		t.Errorf("not the minified bundle with the image's hashed URL:\n%s", bundle.String())
	}
	lazy := regexp.MustCompile(`import\("/client-portal/assets/(lazy\.[A-Z0-9]+\.js)"\)`).FindStringSubmatch(bundle.String())
	if lazy == nil {
		t.Fatalf("the lazy page is not a chunk of its own:\n%s", bundle.String())
	}
	if res, body := get("/client-portal/assets/"+lazy[1], nil); res.StatusCode != http.StatusOK ||
		!strings.Contains(string(body), "/*! lib: The Lib Licence, Copyright Somebody") || strings.Contains(string(body), "lib.mjs.map") {
		t.Errorf("lazy page: %d, no licence of the vendored code:\n%s", res.StatusCode, body)
	}
	res, _ = get("/client-portal/", map[string]string{"If-None-Match": res.Header.Get("ETag")})
	if res.StatusCode != http.StatusNotModified || res.Header.Get("Content-Security-Policy") != "" || res.Header.Get("Permissions-Policy") != "" {
		t.Errorf("current shell: %d, headers %v; want a bare 304", res.StatusCode, res.Header)
	}
	if res, _ := get("/client-portal/index.html", nil); res.Header.Get("Content-Security-Policy") == "" {
		t.Error("index.html is not the shell")
	}
	if res, _ := get("/client-portal/assets/app.AAAAAAAA.js", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown bundle file: %d", res.StatusCode)
	}

	// The portal folder's own files, as they are.
	res, body = get("/client-portal/lib/c.js", map[string]string{"Accept-Encoding": "gzip, br"})
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip asked: %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := io.ReadAll(zr); string(plain) != script || len(body) >= len(script) {
		t.Errorf("gzip body: %d bytes for %d, decodes to the file: %v", len(body), len(script), string(plain) == script)
	}
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("Content-Type = %q", ct)
	}
	etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	if etag == "" || modified == "" || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("validators: ETag %q, Last-Modified %q, Cache-Control %q", etag, modified, res.Header.Get("Cache-Control"))
	}
	if res, body := get("/client-portal/lib/c.js", nil); res.Header.Get("Content-Encoding") != "" || string(body) != script {
		t.Errorf("no gzip asked: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	for name, headers := range map[string]map[string]string{
		"If-None-Match":     {"If-None-Match": etag},
		"If-Modified-Since": {"If-Modified-Since": modified},
	} {
		if res, body := get("/client-portal/lib/c.js", headers); res.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%s: %d with %d bytes, want an empty 304", name, res.StatusCode, len(body))
		}
	}
	if res, _ := get("/client-portal/lib/c.js", map[string]string{"If-None-Match": `"stale"`}); res.StatusCode != http.StatusOK {
		t.Errorf("a stale ETag: %d, want 200", res.StatusCode)
	}
	if res, _ := get("/client-portal/lib/c.0a1b2c3d4e.js", nil); !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("content-hashed name: Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	if res, _ := get("/client-portal/js/missing.js", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing file: %d", res.StatusCode)
	}
}

// TestPortalBundleFollowsEdits: served from a folder (--publicDir), the
// bundle is made again when a file changes, so a reload shows the edit.
func TestPortalBundleFollowsEdits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("client-portal/index.html", `<html><head><script type="module" src="/client-portal/js/app.js"></script></head></html>`)
	write("client-portal/js/app.js", `document.title = "before";`)
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{PublicFS: os.DirFS(dir)})
	get := portalGetter(t, portaltest.StartServer(t, app))
	script := func() string {
		t.Helper()
		_, shell := get("/client-portal/", nil)
		m := regexp.MustCompile(`src="(/client-portal/assets/app\.[A-Z0-9]+\.js)"`).FindSubmatch(shell)
		if m == nil {
			t.Fatalf("no bundled script in the shell:\n%s", shell)
		}
		_, body := get(string(m[1]), nil)
		return string(body)
	}
	if s := script(); !strings.Contains(s, `"before"`) {
		t.Fatalf("first bundle: %s", s)
	}
	write("client-portal/js/app.js", `document.title = "after the edit";`)
	if s := script(); !strings.Contains(s, `"after the edit"`) {
		t.Errorf("the bundle does not follow the edit: %s", s)
	}
}

// portalGetter returns a GET of the server's paths that, like a browser,
// takes what it is sent without undoing the compression.
func portalGetter(t *testing.T, base string) func(path string, headers map[string]string) (*http.Response, []byte) {
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	return func(path string, headers map[string]string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
}

// TestDatabaseConfig checks the machine's defaults and that a bad variable
// is refused with its name.
func TestDatabaseConfig(t *testing.T) {
	t.Setenv("CREWPORTAL_DB_CONNS", "")
	t.Setenv("CREWPORTAL_DB_CACHE_MB", "")
	c, err := pb_hooks.DatabaseConfigFromEnv()
	if err != nil || c.MaxOpenConns < 4 || c.MaxIdleConns != c.MaxOpenConns || c.CacheMB != 4 {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	t.Setenv("CREWPORTAL_DB_CONNS", "6")
	t.Setenv("CREWPORTAL_DB_CACHE_MB", "16")
	if c, err := pb_hooks.DatabaseConfigFromEnv(); err != nil || c.MaxOpenConns != 6 || c.CacheMB != 16 {
		t.Errorf("set: %+v, %v", c, err)
	}
	t.Setenv("CREWPORTAL_DB_CACHE_MB", "lots")
	if _, err := pb_hooks.DatabaseConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "CREWPORTAL_DB_CACHE_MB") {
		t.Errorf("a bad value: %v", err)
	}
	db, err := pb_hooks.DatabaseConfig{CacheMB: 4}.Connect(t.TempDir() + "/data.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cache int
	if err := db.NewQuery("PRAGMA cache_size").Row(&cache); err != nil || cache != -4096 {
		t.Errorf("cache_size = %d, %v; want -4096", cache, err)
	}
}
