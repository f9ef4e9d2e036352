package pb_hooks_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestPortalFilesCaching checks how the portal's files are sent: gzip when
// the browser takes it, an ETag and Last-Modified on every file with a 304
// for a current copy, immutable caching only for content-hashed names, and
// the shell preloading every module the entry point imports.
func TestPortalFilesCaching(t *testing.T) {
	t.Parallel()
	script := "export const answer = 42; // " + strings.Repeat("padding so compressing pays ", 40) + "\n"
	files := fstest.MapFS{
		"client-portal/index.html":          {Data: []byte("<html><head><title>x</title></head><body></body></html>")},
		"client-portal/js/app.js":           {Data: []byte(`import { a } from "./a.js";` + "\nimport \"./pages/b.js\";\nconst later = () => import(\"./pages/lazy.js\");\n")},
		"client-portal/js/a.js":             {Data: []byte(`export { answer as a } from "../lib/c.js";` + "\n")},
		"client-portal/js/pages/b.js":       {Data: []byte("export const b = 1;\n")},
		"client-portal/js/pages/lazy.js":    {Data: []byte("export const lazy = 1;\n")},
		"client-portal/lib/c.js":            {Data: []byte(script)},
		"client-portal/lib/c.0a1b2c3d4e.js": {Data: []byte(script)},
	}
	app := portaltest.NewTestAppWithConfig(t, pb_hooks.Config{PublicFS: files})
	base := portaltest.StartServer(t, app)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path string, headers map[string]string) (*http.Response, []byte) {
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

	res, body := get("/client-portal/lib/c.js", map[string]string{"Accept-Encoding": "gzip, br"})
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

	res, body = get("/client-portal/events", nil)
	shell := string(body)
	for _, module := range []string{"js/a.js", "lib/c.js", "js/pages/b.js"} {
		if !strings.Contains(shell, `<link rel="modulepreload" href="/client-portal/`+module+`">`) {
			t.Errorf("the shell does not preload %s:\n%s", module, shell)
		}
	}
	if strings.Contains(shell, "lazy.js") || res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("ETag") == "" {
		t.Errorf("shell: preloads a lazy page or lacks CSP/ETag:\n%s", shell)
	}
	if res, _ := get("/client-portal/", map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.StatusCode != http.StatusNotModified {
		t.Errorf("current shell: %d, want 304", res.StatusCode)
	}
	if res, _ := get("/client-portal/js/missing.js", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing file: %d", res.StatusCode)
	}
}

// TestDatabaseConfig checks the machine's defaults and that a bad variable
// is refused with its name.
func TestDatabaseConfig(t *testing.T) {
	t.Setenv("CREWPORTAL_DB_CONNS", "")
	t.Setenv("CREWPORTAL_DB_CACHE_MB", "")
	c, err := pb_hooks.DatabaseConfigFromEnv()
	if err != nil || c.MaxOpenConns < 4 || c.MaxIdleConns != c.MaxOpenConns || c.CacheMB != 8 {
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
