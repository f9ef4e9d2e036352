package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"regexp"
	"strings"
)

// AssetReport is what a browser downloads to show the portal's first page
// (the shell, every file it names, and every module those import, the home
// page's through the router), on a first visit and on a repeat one.
type AssetReport struct {
	Files int `json:"files"`
	// RawBytes are the files' sizes; WireBytes what a first visit moves
	// (bodies as sent, with gzip when the server offers it, plus headers).
	RawBytes  int64 `json:"rawBytes"`
	WireBytes int64 `json:"wireBytes"`
	// RepeatBytes is a repeat visit: files still fresh in the cache cost
	// nothing, the rest are revalidated (a 304 costs its headers).
	RepeatBytes int64 `json:"repeatBytes"`
	// RoundTrips is the longest chain of requests a file waits for
	// (index.html → app.js → … → the deepest import; a module the shell
	// preloads waits only for the shell).
	RoundTrips int `json:"roundTrips"`
}

var (
	htmlRef  = regexp.MustCompile(`(?:href|src)="(/client-portal/[^"]+)"`)
	jsImport = regexp.MustCompile(`(?m)(?:^|;|\s)(?:import|export)\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']`)
	// The home page's module is loaded by the router (a dynamic import of
	// pages/home.js, or of its bundled chunk home.<hash>.js).
	firstPageImport = regexp.MustCompile(`import\(\s*["']([^"']*/home(?:\.[A-Za-z0-9]+)?\.js)["']\s*\)`)
	cacheable       = regexp.MustCompile(`max-age=([1-9][0-9]*)`)
)

// MeasureFirstLoad fetches the portal's first page as a browser would.
func MeasureFirstLoad(ctx context.Context, baseURL string) (*AssetReport, error) {
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	type fetched struct {
		etag, modified, cacheControl string
		depth                        int
	}
	seen := map[string]*fetched{}
	rep := &AssetReport{}
	// Breadth first, as the browser fetches: a file is counted at the
	// shallowest depth that names it (a modulepreload fetches it early).
	type ref struct {
		path  string
		depth int
	}
	queue := []ref{{"/client-portal/", 1}}
	fetch := func(path string, depth int) error {
		if _, ok := seen[path]; ok {
			return nil
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		wire, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", path, res.StatusCode)
		}
		f := &fetched{etag: res.Header.Get("ETag"), modified: res.Header.Get("Last-Modified"),
			cacheControl: res.Header.Get("Cache-Control"), depth: depth}
		seen[path] = f
		rep.Files++
		rep.WireBytes += int64(len(wire)) + headerBytes(res.Header)
		body, err := decode(res.Header.Get("Content-Encoding"), wire)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rep.RawBytes += int64(len(body))
		var refs []string
		switch {
		case strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".mjs"):
			for _, m := range jsImport.FindAllStringSubmatch(string(body), -1) {
				refs = append(refs, resolve(path, m[1]))
			}
			for _, m := range firstPageImport.FindAllStringSubmatch(string(body), -1) {
				refs = append(refs, resolve(path, m[1]))
			}
		case !strings.Contains(path[strings.LastIndex(path, "/"):], "."):
			for _, m := range htmlRef.FindAllStringSubmatch(string(body), -1) {
				refs = append(refs, m[1])
			}
		}
		for _, r := range refs {
			queue = append(queue, ref{r, depth + 1})
		}
		return nil
	}
	for ; len(queue) > 0; queue = queue[1:] {
		if err := fetch(queue[0].path, queue[0].depth); err != nil {
			return nil, err
		}
	}
	for _, f := range seen {
		rep.RoundTrips = max(rep.RoundTrips, f.depth)
	}
	for path, f := range seen {
		if m := cacheable.FindStringSubmatch(f.cacheControl); m != nil && !strings.Contains(f.cacheControl, "no-cache") {
			continue // fresh in the cache: no request at all
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+path, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		if f.etag != "" {
			req.Header.Set("If-None-Match", f.etag)
		}
		if f.modified != "" {
			req.Header.Set("If-Modified-Since", f.modified)
		}
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		wire, _ := io.ReadAll(res.Body)
		res.Body.Close()
		rep.RepeatBytes += int64(len(wire)) + headerBytes(res.Header)
	}
	return rep, nil
}

// resolve turns an import specifier relative to the importing file into a path.
func resolve(from, spec string) string {
	if strings.HasPrefix(spec, "/") {
		return spec
	}
	dir := from[:strings.LastIndex(from, "/")]
	for {
		switch {
		case strings.HasPrefix(spec, "./"):
			spec = spec[2:]
		case strings.HasPrefix(spec, "../"):
			spec, dir = spec[3:], dir[:strings.LastIndex(dir, "/")]
		default:
			return dir + "/" + spec
		}
	}
}

// headerBytes approximates a response's header block on the wire.
func headerBytes(h http.Header) int64 {
	n := int64(len("HTTP/1.1 200 OK\r\n\r\n"))
	for k, vs := range h {
		for _, v := range vs {
			n += int64(len(textproto.CanonicalMIMEHeaderKey(k)) + 2 + len(v) + 2)
		}
	}
	return n
}

// decode undoes the body's Content-Encoding (gzip is what the server offers).
func decode(encoding string, wire []byte) ([]byte, error) {
	switch encoding {
	case "", "identity":
		return wire, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(wire))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	default:
		return nil, fmt.Errorf("unexpected Content-Encoding %q", encoding)
	}
}
