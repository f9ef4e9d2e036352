package pb_public_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// TestRosterAndTeamLeader: on an upcoming event the manager sees the team
// leader card with a phone link and the whole roster with photos (a grid on
// a desktop, a list on a phone) and certificates to download.
func TestRosterAndTeamLeader(t *testing.T) {
	t.Parallel()
	ctx, base, app := demoPortal(t)
	gala := demoEvent(t, app, "Annual partner gala")
	rostered, err := app.CountRecords(collections.Assignments, dbx.HashExp{"event": gala.Id})
	if err != nil || rostered < 2 {
		t.Fatalf("the demo gala has %d assignments (%v)", rostered, err)
	}
	signInHome(t, ctx, base, "manager@northwind.test")
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		openPage(t, ctx, base, "/client-portal/events/"+gala.Id, "event")
		waitText(t, ctx, "#team-leader-name", "Liam Walsh")
		href := attr(t, ctx, "#team-leader-phone", "href")
		if !strings.HasPrefix(href, "tel:+614") || !strings.Contains(text(t, ctx, "#team-leader-phone"), "+61 4") {
			t.Errorf("%dpx: phone link %q", width, href)
		}
		state, err := chromedp.Run(ctx, chromedp.Poll[rosterState](`(() => {
			const people = document.querySelectorAll("#roster-list > .roster__person");
			const photos = [...document.querySelectorAll("#roster-list img.roster__photo")];
			if (photos.some((img) => !img.complete)) return null;
			return {
				people: people.length,
				photos: photos.filter((img) => img.naturalWidth > 0).length,
				columns: getComputedStyle(document.querySelector("#roster-list")).gridTemplateColumns.split(" ").length,
				certificates: document.querySelectorAll("#roster-list .roster__qualification a[href*='token=']").length,
				scrollWidth: document.documentElement.scrollWidth,
			};
		})()`, chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil {
			t.Fatalf("%dpx: the roster did not load: %v", width, err)
		}
		if state.People != int(rostered) || state.Photos != int(rostered) || state.Certificates == 0 {
			t.Errorf("%dpx: roster %+v, want %d people with photos and certificates", width, state, rostered)
		}
		if (width == 1280 && state.Columns < 3) || (width == 390 && state.Columns != 1) {
			t.Errorf("%dpx: %d roster columns", width, state.Columns)
		}
		if state.ScrollWidth > width {
			t.Errorf("%dpx: the page is %dpx wide", width, state.ScrollWidth)
		}
	}
}

// rosterState is what TestRosterAndTeamLeader reads from the roster.
type rosterState struct {
	People       int   `json:"people"`
	Photos       int   `json:"photos"`
	Columns      int   `json:"columns"`
	Certificates int   `json:"certificates"`
	ScrollWidth  int64 `json:"scrollWidth"`
}

// TestUploadAndDownloadDocuments: a booker drops two documents and a
// refused one on the event page at phone width: each gets its own line, the
// two appear in the list, the refused one says why; one is downloaded with
// its file link, and the Documents page lists them, filtered by event.
func TestUploadAndDownloadDocuments(t *testing.T) {
	t.Parallel()
	ctx, base, app := demoPortal(t)
	breakfast := demoEvent(t, app, "Product launch breakfast")
	dir := t.TempDir()
	files := map[string][]byte{
		"floor-plan.pdf": []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
		"guest-list.txt": []byte("Ada Lovelace\nGrace Hopper\n"),
		"setup.pdf":      append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 200)...),
	}
	var paths []string
	for _, name := range []string{"floor-plan.pdf", "guest-list.txt", "setup.pdf"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, files[name], 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}

	signInHome(t, ctx, base, "booker@northwind.test")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 900)); err != nil {
		t.Fatal(err)
	}
	openPage(t, ctx, base, "/client-portal/events/"+breakfast.Id, "event")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#document-files"), paths)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, `#upload-results [data-file="floor-plan.pdf"]`, "Uploaded.")
	waitText(t, ctx, `#upload-results [data-file="guest-list.txt"]`, "Uploaded.")
	waitText(t, ctx, `#upload-results [data-file="setup.pdf"]`, "not really a .pdf file")
	list := waitText(t, ctx, "#document-list", "guest-list.txt")
	for _, want := range []string{"floor-plan.pdf", "guest-list.txt", "Uploaded by you"} {
		if !strings.Contains(list, want) {
			t.Errorf("the event's documents lack %q: %q", want, list)
		}
	}
	if strings.Contains(list, "setup.pdf") {
		t.Errorf("the refused file is listed: %q", list)
	}
	booker := must(app.FindAuthRecordByEmail(collections.Contacts, "booker@northwind.test"))
	saved, err := app.FindAllRecords(collections.EventDocuments, dbx.HashExp{"event": breakfast.Id, "uploaded_by": booker.Id})
	if err != nil || len(saved) != 2 {
		t.Fatalf("%d documents saved for the booker (%v), want 2", len(saved), err)
	}

	// Download one through its link, as the browser would.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const link = [...document.querySelectorAll("#document-list a.document-list__title")].find((a) => a.textContent === "floor-plan.pdf");
		const res = await fetch(link.href);
		return res.status + " " + res.headers.get("cache-control") + " " + (await res.text()).slice(0, 8);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 private, no-store %PDF-1.4" {
		t.Errorf("download: %q (%v)", got, err)
	}

	for _, width := range []int64{390, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		openPage(t, ctx, base, "/client-portal/documents", "documents")
		all := waitText(t, ctx, "#document-list", "guest-list.txt")
		for _, want := range []string{"Product launch breakfast", "Venue site map", "Run sheet from client"} {
			if !strings.Contains(all, want) {
				t.Errorf("%dpx: the Documents page lacks %q", width, want)
			}
		}
		if first := text(t, ctx, "#document-list li:first-child .document-list__title"); first != "guest-list.txt" && first != "floor-plan.pdf" {
			t.Errorf("%dpx: newest first, but the first is %q", width, first)
		}
		// The filter offers the events with documents (not every event of the company).
		groups, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`document.querySelector('#documents-event optgroup[label="With documents"]')?.textContent ?? ""`))
		if err != nil || !strings.Contains(groups, "Product launch breakfast") {
			t.Errorf("%dpx: the events with documents: %q (%v)", width, groups, err)
		}
		if err := chromedp.Do(ctx, setValue("#documents-event", breakfast.Id)); err != nil {
			t.Fatal(err)
		}
		waitGone(t, ctx, `#document-list [data-document-id="`+demoDocument(t, app, "Venue site map")+`"]`)
		if filtered := text(t, ctx, "#document-list"); !strings.Contains(filtered, "floor-plan.pdf") {
			t.Errorf("%dpx: filtered by the breakfast: %q", width, filtered)
		}
	}
}

// demoDocument is the id of a demo event document, by title.
func demoDocument(t *testing.T, app core.App, title string) string {
	t.Helper()
	return must(app.FindFirstRecordByData(collections.EventDocuments, "title", title)).Id
}
