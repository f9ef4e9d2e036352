package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// documentsFixture is a client with an upcoming event, an uploader, a
// colleague without the upload permission, another client's contact and
// event, and two agency documents (one marked for the client), on a server
// whose clock the test sets.
type documentsFixture struct {
	app                          core.App
	base                         string
	clock                        *atomic.Int64
	event, otherEvent            *collections.Event
	uploader, colleague, outside string // tokens
	uploaderID                   string
	shared, internal             *core.Record // the agency's documents
}

// pdfBytes is the start of a real PDF, which content sniffing recognises.
var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func newDocumentsFixture(t *testing.T) *documentsFixture {
	t.Helper()
	f := &documentsFixture{}
	app, clock := clockedApp(t)
	f.app, f.clock = app, clock
	setRosterSettings(t, app, map[string]any{collections.FieldFallbackRecipient: "office@agency.test",
		collections.FieldClientUploadsEnabled: true, collections.FieldClientDownloadsEnabled: true,
		collections.FieldUploadMaxMB: 1, collections.FieldUploadAllowedTypes: "pdf, png, txt"})

	client := portaltest.NewClient(t, app, "Documents client")
	other := portaltest.NewClient(t, app, "Documents other client")
	uploadRole := portaltest.NewRole(t, app, "", collections.PermUploadDocuments)
	token := func(c *collections.Contact) string { return portaltest.AuthHeaders(t, c.Record)["Authorization"] }
	uploader := portaltest.NewContact(t, app, client, uploadRole, "uploader@documents.test")
	f.uploader, f.uploaderID = token(uploader), uploader.Id
	f.colleague = token(portaltest.NewContact(t, app, client, portaltest.NewRole(t, app, ""), "colleague@documents.test"))
	f.outside = token(portaltest.NewContact(t, app, other, uploadRole, "outside@documents.test"))

	profession := portaltest.NewProfession(t, app, true)
	f.event, _ = portaltest.NewEvent(t, app, client, time.Now().Add(48*time.Hour), 5*time.Hour, profession)
	f.otherEvent, _ = portaltest.NewEvent(t, app, other, time.Now().Add(48*time.Hour), 5*time.Hour, profession)
	agencyDocument := func(title string, visible bool) *core.Record {
		return portaltest.Create(t, app, collections.EventDocuments, map[string]any{
			"event": f.event.Id, "title": title, "visible_to_client": visible,
			"file": must(filesystem.NewFileFromBytes(pdfBytes, "agency.pdf"))})
	}
	f.shared = agencyDocument("Site map", true)
	f.internal = agencyDocument("Internal notes", false)
	f.base = portaltest.StartServer(t, app)
	return f
}

// upload posts one file to the event as token.
func (f *documentsFixture) upload(t *testing.T, token, eventID, name string, content []byte) (int, map[string]any) {
	t.Helper()
	return uploadFile(t, f.base+"/api/portal/events/"+eventID+"/documents", token, name, content)
}

// uploadFile posts one file as the portal does (multipart, with a title)
// and returns the status and the decoded answer.
func uploadFile(t *testing.T, url, token, name string, content []byte) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(content)
	w.WriteField("title", "Upload "+name)
	w.Close()
	req, err := http.NewRequest(http.MethodPost, url, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (f *documentsFixture) list(t *testing.T, token, query string) (int, pb_hooks.DocumentList) {
	t.Helper()
	status, raw := portaltest.Call(t, http.MethodGet, f.base+"/api/portal/documents"+query, token, nil)
	var out pb_hooks.DocumentList
	if status == http.StatusOK {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
	}
	return status, out
}

// writes counts what an upload writes: documents, emails, audit entries.
func (f *documentsFixture) writes(t *testing.T) [3]int64 {
	t.Helper()
	var out [3]int64
	for i, c := range []string{collections.EventDocuments, collections.MailOutbox, collections.AuditLog} {
		n, err := f.app.CountRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = n
	}
	return out
}

// TestDocumentUploads: an allowed file is saved with its uploader, audited
// and emailed to the agency; every refused one gets a 400/403/404 naming
// the problem and writes nothing.
func TestDocumentUploads(t *testing.T) {
	t.Parallel()
	f := newDocumentsFixture(t)
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 200)...)
	cases := []struct {
		name, token, event, file string
		content                  []byte
		setting                  string // switched off for this case
		status                   int
		message                  string
	}{
		{"too large", f.uploader, f.event.Id, "big.txt", bytes.Repeat([]byte("a"), 1<<20+1), "", 400, "the limit is 1 MB"},
		{"type not allowed", f.uploader, f.event.Id, "tool.exe", exe, "", 400, "Allowed: pdf, png, txt"},
		{"renamed executable", f.uploader, f.event.Id, "invoice.pdf", exe, "", 400, "not really a .pdf file"},
		{"image named pdf", f.uploader, f.event.Id, "scan.pdf", pngBytes(t), "", 400, "its content is png"},
		{"no name extension", f.uploader, f.event.Id, "README", []byte("hello"), "", 400, "cannot be uploaded"},
		{"another client's event", f.outside, f.event.Id, "a.pdf", pdfBytes, "", 404, ""},
		{"no permission", f.colleague, f.event.Id, "a.pdf", pdfBytes, "", 403, ""},
		{"uploads switched off", f.uploader, f.event.Id, "a.pdf", pdfBytes, collections.FieldClientUploadsEnabled, 403, "switched document uploads off"},
		{"anonymous", "", f.event.Id, "a.pdf", pdfBytes, "", 401, ""},
	}
	for _, c := range cases {
		if c.setting != "" {
			setRosterSettings(t, f.app, map[string]any{c.setting: false})
		}
		before := f.writes(t)
		status, body := f.upload(t, c.token, c.event, c.file, c.content)
		if status != c.status || !strings.Contains(toJSON(body), c.message) {
			t.Errorf("%s: %d %v, want %d with %q", c.name, status, body, c.status, c.message)
		}
		if c.status == 400 && !strings.Contains(toJSON(body["data"]), `"file"`) {
			t.Errorf("%s: the error does not name the file field: %v", c.name, body)
		}
		if after := f.writes(t); after != before {
			t.Errorf("%s: a refused upload wrote %v → %v", c.name, before, after)
		}
		if c.setting != "" {
			setRosterSettings(t, f.app, map[string]any{c.setting: true})
		}
	}

	for _, file := range []struct {
		name    string
		content []byte
	}{{"run-sheet.pdf", pdfBytes}, {"map.png", pngBytes(t)}, {"notes.txt", []byte("Doors at 17:00.\n")}} {
		before := f.writes(t)
		status, body := f.upload(t, f.uploader, f.event.Id, file.name, file.content)
		if status != http.StatusOK || body["title"] != "Upload "+file.name || body["mine"] != true || body["deletable"] != true {
			t.Fatalf("upload %s: %d %v", file.name, status, body)
		}
		if after := f.writes(t); after[0] != before[0]+1 || after[1] != before[1]+1 || after[2] != before[2]+1 {
			t.Errorf("upload %s wrote %v → %v, want one document, email and audit entry", file.name, before, after)
		}
		doc := must(f.app.FindRecordById(collections.EventDocuments, body["id"].(string)))
		if doc.GetString(collections.FieldUploadedBy) != f.uploaderID || doc.GetString(collections.FieldClient) != f.event.ClientID() {
			t.Errorf("upload %s: uploader %q client %q", file.name, doc.GetString("uploaded_by"), doc.GetString("client"))
		}
	}
	mails := queued(t, f.app, dbx.HashExp{"kind": string(pb_hooks.NotifyDocumentUploaded)})
	if len(mails) != 3 {
		t.Fatalf("%d document emails, want 3", len(mails))
	}
	mail := mails[0]
	text := mail.GetString("text")
	if mail.GetString("to") != "office@agency.test" || !strings.Contains(mail.GetString("subject"), f.event.Name()) ||
		!strings.Contains(text, `uploaded "Upload run-sheet.pdf" to `+f.event.Name()) ||
		!strings.Contains(text, "/_/#/collections?collection=event_documents&record=") {
		t.Errorf("document email: to %s, subject %q, text %q", mail.GetString("to"), mail.GetString("subject"), text)
	}
}

// TestDocumentListAndDownloads: the list and the downloads agree: a
// colleague's uploads and the agency's documents marked for the client
// (while downloads are on), never the agency's internal ones or another
// client's; private files are never cached.
func TestDocumentListAndDownloads(t *testing.T) {
	t.Parallel()
	f := newDocumentsFixture(t)
	_, mine := f.upload(t, f.uploader, f.event.Id, "run-sheet.pdf", pdfBytes)
	_, theirs := f.upload(t, f.outside, f.otherEvent.Id, "their.pdf", pdfBytes)
	ownDoc := must(f.app.FindRecordById(collections.EventDocuments, mine["id"].(string)))
	otherDoc := must(f.app.FindRecordById(collections.EventDocuments, theirs["id"].(string)))

	download := func(r *core.Record, token string) (int, string) {
		status, h := fetch(t, http.MethodGet, f.base+"/api/files/event_documents/"+r.Id+"/"+r.GetString("file")+
			"?token="+requestFileToken(t, f.base, token), "")
		return status, h.Get("Cache-Control")
	}
	check := func(when string, wantIDs []string, downloads map[*core.Record]int) {
		t.Helper()
		for _, token := range []string{f.uploader, f.colleague} {
			status, list := f.list(t, token, "")
			var ids []string
			for _, it := range list.Items {
				ids = append(ids, it.ID)
			}
			if status != http.StatusOK || strings.Join(ids, ",") != strings.Join(wantIDs, ",") {
				t.Errorf("%s: listed %v, want %v", when, ids, wantIDs)
			}
			for r, want := range downloads {
				status, cache := download(r, token)
				if status != want || (want == 200 && cache != "private, no-store") {
					t.Errorf("%s: download %s: %d %q, want %d", when, r.GetString("title"), status, cache, want)
				}
			}
		}
	}
	// Newest first: the contact's upload, then the agency's shared document.
	check("downloads on", []string{ownDoc.Id, f.shared.Id},
		map[*core.Record]int{ownDoc: 200, f.shared: 200, f.internal: 404, otherDoc: 404})
	setRosterSettings(t, f.app, map[string]any{collections.FieldClientDownloadsEnabled: false})
	check("downloads off", []string{ownDoc.Id}, map[*core.Record]int{ownDoc: 200, f.shared: 404})

	_, list := f.list(t, f.colleague, "?event="+f.event.Id)
	if len(list.Items) != 1 || list.Items[0].Mine || list.Items[0].Deletable || list.Items[0].UploadedBy == "" ||
		list.Uploads.Allowed || list.Uploads.MaxMB != 1 {
		t.Errorf("the colleague's view: %+v", list)
	}
	if status, _ := f.list(t, f.uploader, "?event="+f.otherEvent.Id); status != http.StatusBadRequest {
		t.Errorf("filter by another client's event: %d, want 400", status)
	}
	if status, _ := fetch(t, http.MethodGet, f.base+"/api/files/event_documents/"+ownDoc.Id+"/"+ownDoc.GetString("file"), ""); status != 404 {
		t.Errorf("download without a token: %d", status)
	}
	for _, path := range []string{"/api/collections/event_documents/records", "/api/collections/event_documents/records/" + ownDoc.Id} {
		if status, body := portaltest.Call(t, http.MethodGet, f.base+path, f.uploader, nil); status == 200 &&
			strings.Contains(string(body), ownDoc.Id) {
			t.Errorf("GET %s gave the record to a contact", path)
		}
	}
}

// TestDocumentDelete: a contact deletes only its own uploads, only before
// the event starts.
func TestDocumentDelete(t *testing.T) {
	t.Parallel()
	f := newDocumentsFixture(t)
	_, first := f.upload(t, f.uploader, f.event.Id, "one.pdf", pdfBytes)
	_, second := f.upload(t, f.uploader, f.event.Id, "two.pdf", pdfBytes)
	_, theirs := f.upload(t, f.outside, f.otherEvent.Id, "their.pdf", pdfBytes)
	del := func(id, token string) int {
		status, _ := portaltest.Call(t, http.MethodDelete, f.base+"/api/portal/documents/"+id, token, nil)
		return status
	}
	for _, c := range []struct {
		name, id, token string
		want            int
	}{
		{"a colleague's upload", first["id"].(string), f.colleague, 403},
		{"the agency's document", f.shared.Id, f.uploader, 403},
		{"another client's document", theirs["id"].(string), f.uploader, 404},
		{"anonymous", first["id"].(string), "", 401},
		{"own upload", first["id"].(string), f.uploader, 204},
	} {
		if got := del(c.id, c.token); got != c.want {
			t.Errorf("delete %s: %d, want %d", c.name, got, c.want)
		}
	}
	if _, err := f.app.FindRecordById(collections.EventDocuments, first["id"].(string)); err == nil {
		t.Error("the deleted document still exists")
	}
	f.clock.Store(f.event.StartsAt().Time().Add(time.Minute).UnixMilli())
	if got := del(second["id"].(string), f.uploader); got != http.StatusConflict {
		t.Errorf("delete after the event started: %d, want 409", got)
	}
	if _, list := f.list(t, f.uploader, ""); len(list.Items) != 2 || list.Items[0].Deletable {
		t.Errorf("after the start nothing is deletable: %+v", list.Items)
	}
}

// TestDocumentEventChoices: the list of all events' documents names the
// events the Documents page offers: those with documents the contact sees,
// then upcoming ones; never another client's, nor a past event without any.
func TestDocumentEventChoices(t *testing.T) {
	t.Parallel()
	f := newDocumentsFixture(t)
	client := f.event.ClientID()
	upcoming, _ := portaltest.NewEvent(t, f.app, must(collections.Find[collections.Client](f.app, collections.Clients, client)),
		time.Now().Add(96*time.Hour), 5*time.Hour)
	past, _ := portaltest.NewEvent(t, f.app, must(collections.Find[collections.Client](f.app, collections.Clients, client)),
		time.Now().AddDate(0, 0, -10), 5*time.Hour)
	portaltest.Create(t, f.app, collections.EventDocuments, map[string]any{"event": past.Id, "title": "Agency only",
		"visible_to_client": false, "file": must(filesystem.NewFileFromBytes(pdfBytes, "agency.pdf"))})

	choices := func(query string) string {
		t.Helper()
		status, list := f.list(t, f.colleague, query)
		if status != http.StatusOK {
			t.Fatalf("list%s: %d", query, status)
		}
		var out []string
		for _, e := range list.Events {
			out = append(out, fmt.Sprintf("%s:%v", e.ID, e.HasDocuments))
		}
		return strings.Join(out, ",")
	}
	if got, want := choices(""), f.event.Id+":true,"+upcoming.Id+":false"; got != want {
		t.Errorf("choices %s, want %s (the event with documents, then the upcoming one)", got, want)
	}
	if got := choices("?event=" + f.event.Id); got != "" {
		t.Errorf("one event's list names choices too: %s", got)
	}
	setRosterSettings(t, f.app, map[string]any{collections.FieldClientDownloadsEnabled: false})
	if got, want := choices(""), f.event.Id+":false,"+upcoming.Id+":false"; got != want {
		t.Errorf("downloads off: choices %s, want %s (the agency's document is not the contact's to see)", got, want)
	}
}
