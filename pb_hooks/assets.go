package pb_hooks

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// The portal's files are sent compressed (gzip, made once per file and
// kept), with an ETag (the content's hash) and Last-Modified, so a browser
// revalidates with a 304 instead of downloading again; only file names that
// carry a content hash are cached as immutable. The shell lists every module
// the portal's entry point imports as a modulepreload, so the browser fetches
// them at once instead of discovering them one import level at a time.

// contentHashed is a file name carrying a hash of its content (app.3f9a1c2b.js):
// a new content is a new name, so the old one may be cached for good.
var contentHashed = regexp.MustCompile(`\.[0-9a-f]{8,}\.[a-z0-9]+$`)

// staticImport is a static `import … from "./x.js"`, `import "./x.js"` or
// `export … from "./x.js"` of an ES module (dynamic import() is left alone:
// pages load when the router needs them).
var staticImport = regexp.MustCompile(`(?m)^\s*(?:import|export)\s*(?:[\w*{}\s,$]+\s*from\s*)?["'](\.{1,2}/[^"']+)["']`)

const (
	portalEntry       = "js/app.js"
	immutableCaching  = "public, max-age=31536000, immutable"
	revalidateCaching = "no-cache"
)

// portalFiles serves the files of the portal folder.
type portalFiles struct {
	fsys    fs.FS
	started time.Time
	mu      sync.Mutex
	files   map[string]*portalFile
}

// portalFile is one file as it is sent, kept until the file changes on disk
// (with --publicDir; the embedded files never do).
type portalFile struct {
	modTime     time.Time
	size        int64
	body        []byte
	gzipped     []byte // nil when compressing does not pay
	etag        string
	contentType string
}

func newPortalFiles(fsys fs.FS) *portalFiles {
	return &portalFiles{fsys: fsys, started: time.Now().UTC().Truncate(time.Second), files: map[string]*portalFile{}}
}

// load returns the file ready to send.
func (p *portalFiles) load(name string) (*portalFile, error) {
	info, err := fs.Stat(p.fsys, name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, fs.ErrNotExist
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if f := p.files[name]; f != nil && f.modTime.Equal(info.ModTime()) && f.size == info.Size() {
		return f, nil
	}
	body, err := fs.ReadFile(p.fsys, name)
	if err != nil {
		return nil, err
	}
	f := &portalFile{modTime: info.ModTime(), size: info.Size(), contentType: mime.TypeByExtension(path.Ext(name))}
	if name == "index.html" {
		body = p.withModulePreloads(body)
	}
	if f.contentType == "" {
		f.contentType = "application/octet-stream"
	}
	f.body = body
	sum := sha256.Sum256(body)
	f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
	if compressible(f.contentType) && len(body) > 256 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(body); err == nil && zw.Close() == nil && buf.Len() < len(body) {
			f.gzipped = buf.Bytes()
		}
	}
	p.files[name] = f
	return f, nil
}

func compressible(contentType string) bool {
	for _, t := range []string{"text/", "javascript", "json", "svg", "xml"} {
		if strings.Contains(contentType, t) {
			return true
		}
	}
	return false
}

// withModulePreloads adds to the shell's head a modulepreload of every module
// the entry point imports, directly or through other modules.
func (p *portalFiles) withModulePreloads(shell []byte) []byte {
	var links strings.Builder
	seen := map[string]bool{portalEntry: true}
	queue := []string{portalEntry}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		src, err := fs.ReadFile(p.fsys, name)
		if err != nil {
			continue
		}
		for _, m := range staticImport.FindAllSubmatch(src, -1) {
			dep := path.Join(path.Dir(name), string(m[1]))
			if !seen[dep] {
				seen[dep] = true
				queue = append(queue, dep)
				links.WriteString(`  <link rel="modulepreload" href="` + PortalPath + dep + "\">\n")
			}
		}
	}
	return bytes.Replace(shell, []byte("</head>"), []byte(links.String()+"</head>"), 1)
}

// serve sends the file, a 304 when the browser's copy is current, or a 404.
func (p *portalFiles) serve(e *core.RequestEvent, name string) error {
	f, err := p.load(name)
	if errors.Is(err, fs.ErrNotExist) {
		return e.NotFoundError("File not found.", err)
	}
	if err != nil {
		return err
	}
	h := e.Response.Header()
	modified := f.modTime
	if modified.IsZero() {
		modified = p.started // embedded files carry no time; they change only with the binary
	}
	h.Set("ETag", f.etag)
	h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	h.Add("Vary", "Accept-Encoding")
	if contentHashed.MatchString(name) {
		h.Set("Cache-Control", immutableCaching)
	} else {
		h.Set("Cache-Control", revalidateCaching)
	}
	if notModified(e.Request, f.etag, modified) {
		return e.NoContent(http.StatusNotModified)
	}
	body := f.body
	if f.gzipped != nil && acceptsGzip(e.Request) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	return e.Blob(http.StatusOK, f.contentType, body)
}

// notModified applies the request's validators: If-None-Match when sent,
// otherwise If-Modified-Since (HTTP's rule).
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if match := r.Header.Get("If-None-Match"); match != "" {
		for _, candidate := range strings.Split(match, ",") {
			candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
			if candidate == etag || candidate == "*" {
				return true
			}
		}
		return false
	}
	since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !modified.Truncate(time.Second).After(since)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
