package pb_hooks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/evanw/esbuild/pkg/api"
)

// The browser loads the portal as a bundle: esbuild (its Go API, so no Node)
// bundles the scripts and stylesheets the shell (index.html) refers to into
// minified files whose names carry a hash of their content, under assets/.
// Those are cached for a year; the shell, sent for every portal route, is
// rewritten to name them and is revalidated on each visit, so a repeat visit
// costs one 304. Each page module stays a lazily loaded chunk (esbuild's
// code splitting), so the first page does not download every other page.
//
// The bundle is made in the process from the portal's files, on the first
// request that needs it, and kept: the embedded files never change; with
// --publicDir it is made again when a file changes on disk, so editing a
// file and reloading the page shows the change.

// bundleDir is where the bundle's files are served, below PortalPath.
const bundleDir = "assets/"

// shellRef is a reference of the shell to one of the portal's files.
var shellRef = regexp.MustCompile(`(href|src)="` + regexp.QuoteMeta(PortalPath) + `([^"]+)"`)

// portalBundle is the portal as the browser loads it.
type portalBundle struct {
	shell  *portalFile
	assets map[string]*portalFile // by name, bundleDir included
}

// bundles keeps each bundle made from files that never change (the
// embedded ones), by their content: every app of a process serving the
// same files shares one.
var bundles = struct {
	sync.Mutex
	byContent map[string]*portalBundle
}{byContent: map[string]*portalBundle{}}

// bundled returns the bundle of the current files, making it when they
// changed since the last one.
func (p *portalFiles) bundled() (*portalBundle, error) {
	p.bundleMu.Lock()
	defer p.bundleMu.Unlock()
	if p.bundle != nil && p.fixed {
		return p.bundle, nil
	}
	key, fixed, err := sourcesKey(p.fsys)
	if err != nil {
		return nil, err
	}
	if p.bundle != nil && key == p.bundleKey {
		return p.bundle, nil
	}
	var b *portalBundle
	if fixed {
		bundles.Lock()
		defer bundles.Unlock()
		b = bundles.byContent[key]
	}
	if b == nil {
		if b, err = buildPortalBundle(p.fsys); err != nil {
			return nil, err
		}
		// esbuild's working memory (~30 MB) is garbage once its last
		// goroutines end, soon after the build: handed back to the system
		// then, rather than kept in the process's RSS until reused.
		time.AfterFunc(time.Second, debug.FreeOSMemory)
		if fixed {
			bundles.byContent[key] = b
		}
	}
	p.bundle, p.bundleKey, p.fixed = b, key, fixed
	return b, nil
}

// sourcesKey identifies the portal's files as they are now: by their
// content when no file carries a modification time (embedded files, which
// never change: fixed), otherwise by names, sizes and times (cheap enough
// to check on every visit while editing with --publicDir).
func sourcesKey(fsys fs.FS) (key string, fixed bool, err error) {
	var stamps []string
	fixed = true
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fixed = fixed && info.ModTime().IsZero()
		stamps = append(stamps, fmt.Sprintf("%s\x00%d\x00%d", name, info.Size(), info.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		return "", false, err
	}
	sum := sha256.New()
	for _, s := range stamps {
		sum.Write([]byte(s + "\x00"))
		if fixed {
			content, err := fs.ReadFile(fsys, s[:strings.IndexByte(s, 0)])
			if err != nil {
				return "", false, err
			}
			sum.Write(content)
		}
	}
	return hex.EncodeToString(sum.Sum(nil)), fixed, nil
}

// bundleMeta is the part of esbuild's metafile the shell needs.
type bundleMeta struct {
	Outputs map[string]struct {
		EntryPoint string                     `json:"entryPoint"`
		Inputs     map[string]json.RawMessage `json:"inputs"`
		Imports    []struct {
			Path string `json:"path"`
			Kind string `json:"kind"`
		} `json:"imports"`
	} `json:"outputs"`
}

// buildPortalBundle bundles the scripts and stylesheets the shell refers
// to, and rewrites the shell to load the bundle.
func buildPortalBundle(fsys fs.FS) (*portalBundle, error) {
	shell, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return nil, err
	}
	var entries []string
	for _, m := range shellRef.FindAllSubmatch(shell, -1) {
		switch path.Ext(string(m[2])) {
		case ".js", ".mjs", ".css":
			entries = append(entries, PortalPath+string(m[2]))
		}
	}
	shared, err := sharedModules(fsys, entries)
	if err != nil {
		return nil, err
	}
	result := api.Build(bundleOptions(entries, portalSources{fsys: fsys, shared: shared}, api.BuildOptions{
		// Each page stays a chunk of its own, loaded on its first visit.
		Splitting:         true,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Sourcemap:         api.SourceMapLinked,
		SourcesContent:    api.SourcesContentExclude,
		LegalComments:     api.LegalCommentsEndOfFile,
	}))
	if err := bundleErrors(result); err != nil {
		return nil, err
	}
	var meta bundleMeta
	if err := json.Unmarshal([]byte(result.Metafile), &meta); err != nil {
		return nil, fmt.Errorf("bundling the portal: metafile: %w", err)
	}
	built := time.Now().UTC().Truncate(time.Second)
	b := &portalBundle{assets: map[string]*portalFile{}}
	for _, out := range result.OutputFiles {
		name := portalName(out.Path)
		b.assets[name] = newPortalFile(name, out.Contents, time.Time{})
	}

	// What each file the shell names became: a bundle's output, or a copy
	// under a hashed name (the favicon).
	bundledAs := map[string]string{}
	for out, o := range meta.Outputs {
		if o.EntryPoint != "" {
			bundledAs[portalName(o.EntryPoint)] = portalName(out)
		} else if len(o.Inputs) == 1 && !strings.HasSuffix(out, ".map") {
			for in := range o.Inputs {
				bundledAs[portalName(in)] = portalName(out)
			}
		}
	}
	shell = shellRef.ReplaceAllFunc(shell, func(ref []byte) []byte {
		m := shellRef.FindSubmatch(ref)
		name := string(m[2])
		if _, ok := bundledAs[name]; !ok {
			content, err := fs.ReadFile(fsys, name)
			if err != nil {
				return ref // not a file of the portal: left as it is
			}
			sum := sha256.Sum256(content)
			ext := path.Ext(name)
			hashed := bundleDir + strings.TrimSuffix(path.Base(name), ext) + "." + hex.EncodeToString(sum[:5]) + ext
			b.assets[hashed] = newPortalFile(hashed, content, time.Time{})
			bundledAs[name] = hashed
		}
		return []byte(string(m[1]) + `="` + PortalPath + bundledAs[name] + `"`)
	})

	// The chunks the entry points import are preloaded with the shell
	// rather than discovered once the entry point has arrived.
	var preloads []string
	seen := map[string]bool{}
	var walk func(out string)
	walk = func(out string) {
		for _, imp := range meta.Outputs[out].Imports {
			if imp.Kind == "import-statement" && !seen[imp.Path] {
				seen[imp.Path] = true
				preloads = append(preloads, portalName(imp.Path))
				walk(imp.Path)
			}
		}
	}
	for out, o := range meta.Outputs {
		if slices.Contains(entries, "/"+strings.TrimPrefix(o.EntryPoint, "/")) {
			walk(out)
		}
	}
	sort.Strings(preloads)
	var links strings.Builder
	for _, name := range preloads {
		links.WriteString(`<link rel="modulepreload" href="` + PortalPath + name + "\">\n")
	}
	shell = []byte(strings.Replace(string(shell), "</head>", links.String()+"</head>", 1))
	b.shell = newPortalFile("index.html", shell, built)
	return b, nil
}

// portalName is a path of esbuild's (an absolute URL path, or in the
// metafile relative to the working directory "/") as a file name of the
// portal folder.
func portalName(p string) string {
	return strings.TrimPrefix(strings.TrimPrefix(p, "/"), strings.TrimPrefix(PortalPath, "/"))
}

// bundleOptions are the options of both passes: the files' URLs as paths
// (so the source maps name the sources where the portal serves them),
// hashed names under bundleDir, ES modules as written (nothing to lower).
func bundleOptions(entries []string, sources portalSources, o api.BuildOptions) api.BuildOptions {
	o.EntryPoints = entries
	o.Bundle = true
	o.Format = api.FormatESModule
	o.Target = api.ESNext
	o.AbsWorkingDir = "/"
	o.Outdir = PortalPath + strings.TrimSuffix(bundleDir, "/")
	o.PublicPath = o.Outdir
	o.EntryNames = "[name].[hash]"
	o.ChunkNames = "[name].[hash]"
	o.AssetNames = "[name].[hash]"
	o.Metafile = true
	o.Write = false
	o.LogLevel = api.LogLevelSilent
	o.Plugins = []api.Plugin{sources.plugin()}
	return o
}

func bundleErrors(result api.BuildResult) error {
	if len(result.Errors) == 0 {
		return nil
	}
	var msgs []string
	for _, m := range result.Errors {
		where := ""
		if m.Location != nil {
			where = fmt.Sprintf("%s:%d: ", m.Location.File, m.Location.Line)
		}
		msgs = append(msgs, where+m.Text)
	}
	return errors.New("bundling the portal: " + strings.Join(msgs, "; "))
}

// sharedModules decides which modules make up the one chunk the entry
// point loads at start: those it imports itself, and those two or more
// lazily loaded pages import (a module of one page stays in that page's
// chunk). esbuild's code splitting makes one chunk per set of entry points
// (the entry and each lazy page) that share a module, so the first page
// would wait for a cascade of small chunks; made a dependency of the entry
// point and of every lazy page, the shared modules form one chunk, and a
// page is one file. It returns what to add to each of those: imports of
// the shared modules (their code defines what the pages use, so loading
// them at start changes only when they arrive).
func sharedModules(fsys fs.FS, entries []string) (map[string]string, error) {
	var scripts []string
	for _, e := range entries {
		if path.Ext(e) != ".css" {
			scripts = append(scripts, e)
		}
	}
	lazy := &sync.Map{}
	result := api.Build(bundleOptions(scripts, portalSources{fsys: fsys, lazy: lazy}, api.BuildOptions{}))
	if err := bundleErrors(result); err != nil {
		return nil, err
	}
	var meta struct {
		Inputs map[string]struct {
			Imports []struct {
				Path string `json:"path"`
				Kind string `json:"kind"`
			} `json:"imports"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(result.Metafile), &meta); err != nil {
		return nil, fmt.Errorf("bundling the portal: metafile: %w", err)
	}
	// What a module needs at once: its static imports, and theirs.
	closure := func(from string) map[string]bool {
		seen := map[string]bool{}
		var walk func(name string)
		walk = func(name string) {
			for _, imp := range meta.Inputs[strings.TrimPrefix(name, "/")].Imports {
				if dep := "/" + strings.TrimPrefix(imp.Path, "/"); imp.Kind == "import-statement" && !seen[dep] {
					seen[dep] = true
					walk(dep)
				}
			}
		}
		walk(from)
		return seen
	}
	var pages []string
	lazy.Range(func(page, _ any) bool {
		pages = append(pages, page.(string))
		return true
	})
	needed := map[string]int{}
	for _, page := range pages {
		for name := range closure(page) {
			needed[name]++
		}
	}
	for _, entry := range scripts {
		for name := range closure(entry) {
			needed[name] += 2
		}
	}
	var imports strings.Builder
	for _, name := range slices.Sorted(maps.Keys(needed)) { // the same bundle, the same names
		_, isPage := lazy.Load(name)
		if ext := path.Ext(name); (ext == ".js" || ext == ".mjs") && needed[name] >= 2 && !isPage && !slices.Contains(scripts, name) {
			imports.WriteString("\nimport " + strconv.Quote(name) + ";")
		}
	}
	shared := map[string]string{}
	for _, name := range append(scripts, pages...) {
		shared[name] = imports.String()
	}
	return shared, nil
}

// portalSources is the esbuild plugin that reads the portal's files from
// its file system (embedded or --publicDir) instead of the disk, resolving
// imports as the browser would: relative to the importing file, or from
// the portal's path.
type portalSources struct {
	fsys fs.FS
	// lazy, when set, collects the pages loaded by a dynamic import.
	lazy *sync.Map
	// shared is what to add to each lazy page: imports of the shared modules.
	shared map[string]string
}

func (s portalSources) plugin() api.Plugin {
	return api.Plugin{Name: "crewportal-sources", Setup: func(build api.PluginBuild) {
		build.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			var resolved string
			switch {
			case args.Kind == api.ResolveEntryPoint || strings.HasPrefix(args.Path, PortalPath):
				resolved = args.Path
			case strings.HasPrefix(args.Path, "./") || strings.HasPrefix(args.Path, "../"):
				resolved = path.Join(path.Dir(args.Importer), args.Path)
			default:
				return api.OnResolveResult{}, fmt.Errorf("%q: the portal imports only its own files (a relative path or %s…)", args.Path, PortalPath)
			}
			if s.lazy != nil && args.Kind == api.ResolveJSDynamicImport {
				s.lazy.Store(resolved, true)
			}
			return api.OnResolveResult{Path: resolved}, nil
		})
		build.OnLoad(api.OnLoadOptions{Filter: ".*"}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			name := portalName(args.Path)
			content, err := fs.ReadFile(s.fsys, name)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			loader := api.LoaderFile // images: a hashed copy, imported as its URL
			switch path.Ext(name) {
			case ".js", ".mjs":
				loader = api.LoaderJS
				content = append(withLicence(s.fsys, name, content), s.shared[args.Path]...)
			case ".css":
				loader = api.LoaderCSS
			}
			text := string(content)
			return api.OnLoadResult{Contents: &text, Loader: loader, ResolveDir: path.Dir(args.Path)}, nil
		})
	}}
}

// sourceMapComment points at a source map the vendored files do not ship.
var sourceMapComment = regexp.MustCompile(`(?m)^//# sourceMappingURL=\S+\s*$`)

// withLicence puts a vendored library's licence (vendor/x/LICENSE*) in
// front of its code as a legal comment, which esbuild keeps in the bundle.
func withLicence(fsys fs.FS, name string, content []byte) []byte {
	if !strings.HasPrefix(name, "vendor/") {
		return content
	}
	content = sourceMapComment.ReplaceAll(content, nil)
	for _, licence := range []string{"LICENSE.md", "LICENSE", "LICENSE.txt"} {
		text, err := fs.ReadFile(fsys, path.Join(path.Dir(name), licence))
		if err == nil {
			notice := strings.ReplaceAll(string(text), "*/", "* /")
			return append([]byte("/*! "+path.Base(path.Dir(name))+": "+notice+" */\n"), content...)
		}
	}
	return content
}
