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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// The portal's files are sent compressed (gzip, made once per file and
// kept), with an ETag (the content's hash); files whose names carry a content
// hash (the bundle, bundle.go) are cached as immutable, every other file is
// revalidated (a 304 for a current copy). Only the shell, a document, gets
// the document headers (CSP, referrer and permissions policies): on a script
// or stylesheet they are bytes on the wire that no browser reads.

// contentHashed is a file name carrying a hash of its content (app.3f9a1c2b.js):
// a new content is a new name, so the old one may be cached for good.
var contentHashed = regexp.MustCompile(`\.[0-9a-f]{8,}\.[a-z0-9]+$`)

// documentOnlyHeaders are set on every answer (PocketBase's security
// headers, headers.go's Permissions-Policy) but browsers read them only on
// a document: a script or stylesheet goes without.
var documentOnlyHeaders = []string{"Permissions-Policy", "X-Frame-Options", "X-XSS-Protection", "Cross-Origin-Opener-Policy"}

const (
	immutableCaching  = "public, max-age=31536000, immutable"
	revalidateCaching = "no-cache"
)

// portalFiles serves the files of the portal folder.
type portalFiles struct {
	fsys    fs.FS
	started time.Time
	mu      sync.Mutex
	files   map[string]*portalFile

	bundleMu  sync.Mutex
	bundle    *portalBundle
	bundleKey string
	fixed     bool // the files never change: the bundle is made once
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
	f := newPortalFile(name, body, info.ModTime())
	p.files[name] = f
	return f, nil
}

// newPortalFile prepares a file for sending: its type, ETag and, when it
// pays, its gzip.
func newPortalFile(name string, body []byte, modTime time.Time) *portalFile {
	f := &portalFile{modTime: modTime, size: int64(len(body)), body: body,
		contentType: mime.TypeByExtension(path.Ext(name))}
	if path.Ext(name) == ".map" {
		f.contentType = "application/json" // a source map
	}
	if f.contentType == "" {
		f.contentType = "application/octet-stream"
	}
	sum := sha256.Sum256(body)
	f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
	if compressible(f.contentType) && len(body) > 256 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(body); err == nil && zw.Close() == nil && buf.Len() < len(body) {
			f.gzipped = buf.Bytes()
		}
	}
	return f
}

func compressible(contentType string) bool {
	for _, t := range []string{"text/", "javascript", "json", "svg", "xml"} {
		if strings.Contains(contentType, t) {
			return true
		}
	}
	return false
}

// serve sends a portal file: the shell for index.html, a file of the
// bundle, or a file of the portal folder as it is.
func (p *portalFiles) serve(e *core.RequestEvent, name string) error {
	if name == "index.html" {
		b, err := p.bundled()
		if err != nil {
			return err
		}
		return p.send(e, b.shell, revalidateCaching)
	}
	if strings.HasPrefix(name, bundleDir) {
		b, err := p.bundled()
		if err != nil {
			return err
		}
		f := b.assets[name]
		if f == nil {
			return e.NotFoundError("File not found.", nil)
		}
		caching := immutableCaching
		if path.Ext(name) == ".map" {
			caching = revalidateCaching // a map can change while its script does not (comments)
		}
		return p.send(e, f, caching)
	}
	f, err := p.load(name)
	if errors.Is(err, fs.ErrNotExist) {
		return e.NotFoundError("File not found.", err)
	}
	if err != nil {
		return err
	}
	caching := revalidateCaching
	if contentHashed.MatchString(name) {
		caching = immutableCaching
	}
	return p.send(e, f, caching)
}

// send sends the file, or a 304 when the browser's copy is current.
func (p *portalFiles) send(e *core.RequestEvent, f *portalFile, caching string) error {
	h := e.Response.Header()
	document := strings.HasPrefix(f.contentType, "text/html")
	if !document {
		for _, name := range documentOnlyHeaders {
			h.Del(name)
		}
	}
	h.Set("Cache-Control", caching)
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	modified := f.modTime
	if caching != immutableCaching {
		if modified.IsZero() {
			modified = p.started // embedded files carry no time; they change only with the binary
		}
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	if notModified(e.Request, f.etag, modified) {
		// A 304 carries only validators and caching (RFC 9110 15.4.5): the
		// browser keeps the other headers of the copy it has.
		for _, name := range append(documentOnlyHeaders, "X-Content-Type-Options") {
			h.Del(name)
		}
		return e.NoContent(http.StatusNotModified)
	}
	if document {
		h.Set("Content-Security-Policy", portalCSP)
		h.Set("Referrer-Policy", "same-origin")
	}
	body := f.body
	if f.gzipped != nil && acceptsGzip(e.Request) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	h.Set("Content-Length", strconv.Itoa(len(body))) // rather than chunked: the length is known
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
