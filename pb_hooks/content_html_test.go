package pb_hooks_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/crewportal/crewportal/pb_hooks"
)

// hostileHTML is admin HTML trying every way into the browser the issue
// names; the portal's tests store it in pages and snippets.
const hostileHTML = `<h2 onclick="window.__pwned=1">Title</h2>` +
	`<script>window.__pwned=1;console.log("pwned")</script>` +
	`<img src="x" onerror="window.__pwned=1">` +
	`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+">` +
	`<a href="javascript:window.__pwned=1">js link</a>` +
	`<a href="data:text/html,<script>window.__pwned=1</script>">data link</a>` +
	`<a href="JaVaScRiPt:window.__pwned=1">mixed case</a>` +
	`<iframe src="https://evil.example/"></iframe>` +
	`<style>body{background:url(https://evil.example/x.png)}</style>` +
	`<p style="background-image:url('https://evil.example/p.png');width:5000px">styled</p>` +
	`<svg><script>window.__pwned=1</script></svg>` +
	`<form action="https://evil.example/"><input name="password"></form>` +
	`<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">` +
	`<div class="app-shell" id="menu">wide<table><tr><td>` + "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW" + `</td></tr></table></div>` +
	`<p>Safe text</p>`

// TestCleanHTMLRemovesActiveContent checks the sanitiser policy on each kind
// of hostile markup: nothing that can run, load or restyle survives.
func TestCleanHTMLRemovesActiveContent(t *testing.T) {
	t.Parallel()
	clean := strings.ToLower(pb_hooks.CleanHTML(hostileHTML, ""))
	for _, banned := range []string{"<script", "onclick", "onerror", "javascript:", "data:", "<iframe", "<style",
		"style=", "url(", "<svg", "<form", "<input", "<object", "<embed", "class=", "id=", "__pwned", "evil.example"} {
		if strings.Contains(clean, banned) {
			t.Errorf("cleaned HTML still holds %q:\n%s", banned, clean)
		}
	}
	for _, kept := range []string{"<h2>title</h2>", "<p>safe text</p>", "<table>", "<td>", "js link"} {
		if !strings.Contains(clean, kept) {
			t.Errorf("cleaned HTML lost %q:\n%s", kept, clean)
		}
	}
}

// TestCleanHTMLKeepsFormatting checks what admins may write comes through
// as written, with links made safe.
func TestCleanHTMLKeepsFormatting(t *testing.T) {
	t.Parallel()
	const appURL = "https://portal.agency.test"
	ownImage := "/api/files/cms_pages/abcdefghijklmno/uniform_k3j4h5g6f7.png"
	cases := []struct{ name, in, want string }{
		{"headings and lists", `<h1>A</h1><h3>B</h3><ul><li>one</li></ul><ol start="3"><li>two</li></ol>`,
			`<h1>A</h1><h3>B</h3><ul><li>one</li></ul><ol start="3"><li>two</li></ol>`},
		{"table", `<table><thead><tr><th scope="col">Role</th></tr></thead><tbody><tr><td colspan="2">Waiter</td></tr></tbody></table>`,
			`<table><thead><tr><th scope="col">Role</th></tr></thead><tbody><tr><td colspan="2">Waiter</td></tr></tbody></table>`},
		{"link to another site opens a new tab", `<a href="https://example.com/a?b=1">site</a>`,
			`<a href="https://example.com/a?b=1" rel="noreferrer noopener" target="_blank">site</a>`},
		{"portal link stays in the tab", `<a href="/client-portal/pages/uniform-guide">guide</a>`,
			`<a href="/client-portal/pages/uniform-guide" rel="noopener">guide</a>`},
		{"mail and phone", `<a href="mailto:desk@agency.test">mail</a> <a href="tel:+61123">call</a>`,
			`<a href="mailto:desk@agency.test" rel="noopener">mail</a> <a href="tel:+61123" rel="noopener">call</a>`},
		{"unknown scheme", `<a href="ftp://files.test/x">ftp</a><a href="vbscript:x">vb</a>`, `ftpvb`},
		{"own image", `<img src="` + ownImage + `" alt="Uniform" width="200">`,
			`<img src="` + ownImage + `" alt="Uniform" width="200">`},
		{"own image by the application URL", `<img src="` + appURL + ownImage + `?thumb=100x100" alt="U">`,
			`<img src="` + ownImage + `?thumb=100x100" alt="U">`},
		{"image of another site", `<img src="https://tracker.example/pixel.gif" alt="t">`, `<img alt="t">`},
		{"image of another collection", `<img src="/api/files/contacts/abcdefghijklmno/photo.png">`, ``},
		{"image path escaping the files", `<img src="/api/files/cms_pages/abcdefghijklmno/../../../x.png">`, ``},
		{"entities stay escaped", `<p>&lt;script&gt; &amp; "quotes"</p>`, `<p>&lt;script&gt; &amp; &#34;quotes&#34;</p>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := pb_hooks.CleanHTML(c.in, appURL); got != c.want {
				t.Errorf("CleanHTML(%s)\n got %s\nwant %s", c.in, got, c.want)
			}
		})
	}
}

// FuzzCleanHTML checks, by parsing the output as a browser would, that no
// input gets an element, attribute or URL that can run or load anything.
func FuzzCleanHTML(f *testing.F) {
	for _, seed := range []string{hostileHTML, `<a href="java&#x09;script:x">x</a>`, `<img src=x onerror=alert(1)//`,
		`<<script>script>x</script>`, `<a href="/x" onmouseover="y">` + "\x00" + `</a>`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := pb_hooks.CleanHTML(in, "")
		z := html.NewTokenizer(strings.NewReader(out))
		for z.Next() != html.ErrorToken {
			tok := z.Token()
			if tok.Type == html.TextToken {
				continue
			}
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "link", "meta":
				t.Fatalf("CleanHTML(%q) = %q keeps <%s>", in, out, tok.Data)
			}
			for _, a := range tok.Attr {
				value := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || a.Key == "srcdoc" ||
					strings.HasPrefix(value, "javascript:") || strings.HasPrefix(value, "data:") || strings.Contains(value, "url(") {
					t.Fatalf("CleanHTML(%q) = %q keeps %s=%q", in, out, a.Key, a.Val)
				}
			}
		}
	})
}
