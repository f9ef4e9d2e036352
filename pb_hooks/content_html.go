package pb_hooks

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// ownImageSrc matches the only images admin HTML may show: files of the
// content collections' own records, served by PocketBase on the portal's
// origin. The query (e.g. a thumbnail size) may only hold URL-safe
// characters, so it cannot break out of the attribute.
var ownImageSrc = regexp.MustCompile(`^/api/files/(pbc_cms_pages|cms_pages|pbc_client_snippets|client_snippets)/[a-z0-9]{15}/[A-Za-z0-9_.-]+(\?[A-Za-z0-9_.=&%-]*)?$`)

// contentPolicy is the allow-list admin HTML is cleaned with: text
// formatting, headings, lists, links, tables and the portal's own images.
// Everything else (script, style, iframe, forms, event handlers, style
// attributes, classes, unknown URL schemes) is dropped. bluemonday policies
// are safe for concurrent use once built.
var contentPolicy = newContentPolicy()

func newContentPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span",
		"strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "blockquote", "pre", "code",
		"ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col")
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	// Links to other sites open in a new tab without handing over the
	// portal's window (noopener) or its URL (noreferrer).
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	p.AllowAttrs("src").Matching(ownImageSrc).OnElements("img")
	p.AllowAttrs("alt", "title").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	return p
}

// CleanHTML returns admin-written HTML reduced to what the portal may show
// (see contentPolicy). Images inserted by the dashboard's editor with the
// application URL (appURL, may be "") are made relative first, so they stay.
// Every link gets rel="noopener"; links to other sites open in a new tab.
// Hooks clean pages and snippets when they are saved and again whenever
// they are served.
func CleanHTML(raw, appURL string) string {
	if appURL = strings.TrimRight(appURL, "/"); appURL != "" {
		raw = strings.ReplaceAll(raw, appURL+"/api/files/", "/api/files/")
	}
	return withNoOpenerLinks(contentPolicy.Sanitize(raw))
}

// withNoOpenerLinks adds rel="noopener" to every link of already cleaned
// HTML (bluemonday adds it only to links that open a new tab). Re-rendering
// the tokens escapes text and attributes again, so it adds nothing unsafe.
func withNoOpenerLinks(clean string) string {
	if !strings.Contains(clean, "<a ") {
		return clean
	}
	var out strings.Builder
	z := html.NewTokenizer(strings.NewReader(clean))
	for {
		if z.Next() == html.ErrorToken {
			return out.String()
		}
		tok := z.Token()
		if tok.Type == html.StartTagToken && tok.Data == "a" {
			tok.Attr = withRel(tok.Attr, "noopener")
		}
		out.WriteString(tok.String())
	}
}

func withRel(attrs []html.Attribute, value string) []html.Attribute {
	for i, a := range attrs {
		if a.Key == "rel" {
			if !strings.Contains(" "+a.Val+" ", " "+value+" ") {
				attrs[i].Val = strings.TrimSpace(a.Val + " " + value)
			}
			return attrs
		}
	}
	return append(attrs, html.Attribute{Key: "rel", Val: value})
}
