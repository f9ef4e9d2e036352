package pb_hooks

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/list"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Event documents (spec D1, D2): contacts upload files to their own
// client's events and download what their colleagues uploaded and what the
// agency attached and marked for them. Three routes (list, upload, delete)
// and PocketBase's file download with a short-lived file token; the list and
// the download ask the same query, visibleDocuments, so a document a
// contact cannot list is one it cannot download.

// maxDocumentsListed bounds one answer of the documents list.
const maxDocumentsListed = 500

// uploadBodySlack is how far a request may exceed the upload limit before
// PocketBase refuses it unread (413): the multipart envelope and the title,
// so a file just over the limit still gets the clear message naming it.
const uploadBodySlack = 8 << 20

// DocumentList is the answer of the documents list: the documents, newest
// first, and what the contact may upload, so the page mirrors the rules.
type DocumentList struct {
	Items     []DocumentItem `json:"items"`
	Truncated bool           `json:"truncated"`
	Uploads   UploadPolicy   `json:"uploads"`
	// Events, in the list of all events only, are the events the Documents
	// page offers to filter and upload by (documentEventChoices).
	Events []DocumentEvent `json:"events,omitempty"`
}

// DocumentEvent is an event the Documents page offers in its event filter.
type DocumentEvent struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	StartsAt     string `json:"starts_at"`
	HasDocuments bool   `json:"has_documents"`
}

// documentChoicesUpcoming is how many upcoming events the Documents page
// offers beside those with documents: where a contact uploads next. Any
// other event takes uploads on its own page.
const documentChoicesUpcoming = 20

// UploadPolicy says whether the contact may upload, and what.
type UploadPolicy struct {
	Allowed bool     `json:"allowed"`
	MaxMB   int      `json:"max_mb"`
	Types   []string `json:"types"`
}

// DocumentItem is one event document as a contact sees it. File is an API
// path to which the page adds its file token.
type DocumentItem struct {
	ID            string         `json:"id"`
	Title         string         `json:"title"`
	File          string         `json:"file"`
	Event         string         `json:"event"`
	EventName     string         `json:"event_name"`
	EventStartsAt types.DateTime `json:"event_starts_at"`
	FromAgency    bool           `json:"from_agency"`
	UploadedBy    string         `json:"uploaded_by_name"`
	Created       types.DateTime `json:"created"`
	Mine          bool           `json:"mine"`
	Deletable     bool           `json:"deletable"`
}

func (p *plugin) bindDocumentHooks() {
	p.app.OnFileDownloadRequest().Bind(&hook.Handler[*core.FileDownloadRequestEvent]{
		Id:   HookIDPrefix + "documents.files",
		Func: guardDocumentFiles,
	})
}

// visibleDocuments selects the documents of the client's events a contact
// of it may see: every document a contact uploaded, and the agency's
// documents marked for the client while downloads are switched on.
func visibleDocuments(app core.App, clientID string, settings *collections.Settings) *dbx.SelectQuery {
	q := app.RecordQuery(collections.EventDocuments).AndWhere(dbx.HashExp{collections.FieldClient: clientID})
	if settings.ClientDownloadsEnabled() {
		return q.AndWhere(dbx.NewExp("([[uploaded_by]] != '' OR [[visible_to_client]] = TRUE)"))
	}
	return q.AndWhere(dbx.NewExp("[[uploaded_by]] != ''"))
}

// uploadPolicy is what the contact may upload now.
func uploadPolicy(app core.App, contact *core.Record, settings *collections.Settings) UploadPolicy {
	return UploadPolicy{
		Allowed: settings.ClientUploadsEnabled() && contactCan(app, contact, collections.PermUploadDocuments),
		MaxMB:   settings.UploadMaxMB(),
		Types:   settings.UploadAllowedTypes(),
	}
}

// loadDocuments lists the documents the contact may see, newest first, of
// one event of its client (event, read by the caller) or of all of them
// (nil), as at now.
func loadDocuments(app core.App, contact, event *core.Record, now time.Time) (*DocumentList, error) {
	settings, err := portalSettings(app)
	if err != nil {
		return nil, err
	}
	q := visibleDocuments(app, contact.GetString(collections.FieldClient), settings).
		OrderBy("created DESC", "id DESC").Limit(maxDocumentsListed + 1)
	if event != nil {
		q = q.AndWhere(dbx.HashExp{collections.FieldEvent: event.Id})
	}
	var records []*core.Record
	if err := q.All(&records); err != nil {
		return nil, err
	}
	out := &DocumentList{Items: []DocumentItem{}, Uploads: uploadPolicy(app, contact, settings)}
	if len(records) > maxDocumentsListed {
		records, out.Truncated = records[:maxDocumentsListed], true
	}
	events := map[string]*core.Record{}
	if event != nil {
		events[event.Id] = event
	} else if events, err = recordsByID(app, collections.Events, fieldValues(records, collections.FieldEvent)); err != nil {
		return nil, err
	}
	// The contact's own uploads are named from its record, the others'
	// from the contacts.
	others := slices.DeleteFunc(fieldValues(records, collections.FieldUploadedBy), func(id string) bool { return id == contact.Id })
	named, err := namesIn(app, map[string][]string{collections.Contacts: others})
	if err != nil {
		return nil, err
	}
	uploaders := named[collections.Contacts]
	uploaders[contact.Id] = contact.GetString(collections.FieldName)
	for _, r := range records {
		out.Items = append(out.Items, documentItem(r, events[r.GetString(collections.FieldEvent)], uploaders, contact, now))
	}
	return out, nil
}

// documentItem is the contact's view of one document of event, uploaded by
// one of the uploaders (contacts' names by id) or by none of them (the
// agency, or a contact since deleted).
func documentItem(r, event *core.Record, uploaders map[string]string, contact *core.Record, now time.Time) DocumentItem {
	item := DocumentItem{
		ID: r.Id, Title: r.GetString(collections.FieldTitle), File: filePath(r, collections.FieldFile),
		Event: r.GetString(collections.FieldEvent), Created: r.GetDateTime(collections.FieldCreated),
		FromAgency: r.GetString(collections.FieldUploadedBy) == "", UploadedBy: "The agency",
		Mine: r.GetString(collections.FieldUploadedBy) == contact.Id,
	}
	if event != nil {
		item.EventName = event.GetString(collections.FieldName)
		item.EventStartsAt = event.GetDateTime(collections.FieldStartsAt)
	}
	uploader, known := uploaders[r.GetString(collections.FieldUploadedBy)]
	switch {
	case known:
		item.UploadedBy = uploader
	case !item.FromAgency:
		item.UploadedBy = "A former colleague"
	}
	item.Deletable = item.Mine && deletableAt(event, now)
	return item
}

// deletableAt reports whether a contact's own upload to event may still be
// deleted at now: only before the event starts, as the agency may already
// be working from it afterwards.
func deletableAt(event *core.Record, now time.Time) bool {
	return event != nil && now.Before(event.GetDateTime(collections.FieldStartsAt).Time())
}

// documentEventChoices are the events the Documents page offers: those with
// documents the client's contacts see, latest start first (as many as a list
// shows documents), then the next upcoming ones without any. A large client
// has tens of thousands of events: listing them all made the page fetch them
// 500 at a time into one drop-down.
func documentEventChoices(app core.App, clientID string, now time.Time) ([]DocumentEvent, error) {
	settings, err := portalSettings(app)
	if err != nil {
		return nil, err
	}
	var withDocuments []string
	if err := eventsWithDocuments(app, clientID, settings).Column(&withDocuments); err != nil {
		return nil, err
	}
	var rows []homeEvent
	if err := app.DB().Select("id", "name", "starts_at").From(collections.Events).
		Where(dbx.In(collections.FieldID, list.ToInterfaceSlice(withDocuments)...)).
		OrderBy("starts_at DESC", "id DESC").All(&rows); err != nil {
		return nil, err
	}
	choices := make([]DocumentEvent, 0, len(rows)+documentChoicesUpcoming)
	for _, r := range rows {
		choices = append(choices, DocumentEvent{ID: r.ID, Name: r.Name, StartsAt: r.StartsAt, HasDocuments: true})
	}
	upcoming := []homeEvent{}
	nowDT, _ := types.ParseDateTime(now.UTC())
	if err := homeUpcomingQuery(app, clientID, nowDT).Limit(documentChoicesUpcoming + int64(len(rows))).All(&upcoming); err != nil {
		return nil, err
	}
	for _, r := range upcoming {
		if len(choices) == len(rows)+documentChoicesUpcoming {
			break
		}
		if !slices.Contains(withDocuments, r.ID) {
			choices = append(choices, DocumentEvent{ID: r.ID, Name: r.Name, StartsAt: r.StartsAt})
		}
	}
	return choices, nil
}

// eventsWithDocuments selects the events that have documents the client's
// contacts see, those with the newest documents first (as many as one list
// shows).
func eventsWithDocuments(app core.App, clientID string, settings *collections.Settings) *dbx.SelectQuery {
	return visibleDocuments(app, clientID, settings).Select("event").GroupBy("event").
		OrderBy("MAX([[created]]) DESC").Limit(maxDocumentsListed)
}

// listDocuments answers the documents of the contact's client's events,
// optionally of one event (?event=).
func (p *plugin) listDocuments(e *core.RequestEvent) error {
	var event *core.Record
	if eventID := e.Request.URL.Query().Get("event"); eventID != "" {
		var err error
		event, err = e.App.FindRecordById(collections.Events, eventID)
		if err != nil || event.GetString(collections.FieldClient) != e.Auth.GetString(collections.FieldClient) {
			return e.BadRequestError("Choose one of your events.", validation.Errors{
				"event": validation.NewError("validation_unknown_event", "Unknown event.")})
		}
	}
	list, err := loadDocuments(e.App, e.Auth, event, p.now())
	if err != nil {
		return err
	}
	if event == nil {
		if list.Events, err = documentEventChoices(e.App, e.Auth.GetString(collections.FieldClient), p.now()); err != nil {
			return err
		}
	}
	return e.JSON(http.StatusOK, list)
}

// uploadBodyLimit replaces PocketBase's request size limit on the upload
// route by the one the settings allow (plus the envelope), read per request.
func uploadBodyLimit() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       apis.DefaultBodyLimitMiddlewareId,
		Priority: apis.DefaultBodyLimitMiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			settings, err := portalSettings(e.App)
			if err != nil {
				return err
			}
			return apis.BodyLimit(int64(settings.UploadMaxMB())<<20 + uploadBodySlack).Func(e)
		},
	}
}

// uploadDocument saves one file (multipart field "file", optional "title")
// to an event of the contact's client, audits it and emails the group's
// admins, all in one transaction. A refused file writes nothing.
func (p *plugin) uploadDocument(e *core.RequestEvent) error {
	settings, err := portalSettings(e.App)
	if err != nil {
		return err
	}
	if !settings.ClientUploadsEnabled() {
		return e.ForbiddenError("The agency has switched document uploads off.", nil)
	}
	event, err := findOwnEvent(e)
	if err != nil {
		return err
	}
	files, err := e.FindUploadedFiles(collections.FieldFile)
	if err != nil || len(files) != 1 {
		return e.BadRequestError("Choose one file to upload.", validation.Errors{collections.FieldFile: validation.NewError(
			"validation_one_file", "Send exactly one file per upload.")})
	}
	file := files[0]
	title := strings.TrimSpace(e.Request.FormValue(collections.FieldTitle))
	if title == "" {
		title = file.OriginalName
	}
	errs := validation.Errors{
		collections.FieldFile:  checkUpload(file, settings),
		collections.FieldTitle: validation.Validate(title, plainText(200)),
	}
	if errs := nonNil(errs); errs != nil {
		return e.BadRequestError(fmt.Sprintf("%s cannot be uploaded.", file.OriginalName), errs)
	}

	var document *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		document, err = createRecord(tx, collections.EventDocuments, map[string]any{
			collections.FieldEvent: event.Id, collections.FieldTitle: title, collections.FieldFile: file,
			collections.FieldUploadedBy: e.Auth.Id,
		})
		if err != nil {
			return err
		}
		if err := auditPortalWrite(tx, e, "create", document, []string{title, file.OriginalName}); err != nil {
			return err
		}
		return Notify(tx, NotifyDocumentUploaded, document, Values{
			"contact_name": actingContactName(e), "document_title": title})
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, documentItem(document, event, map[string]string{e.Auth.Id: e.Auth.GetString(collections.FieldName)}, e.Auth, p.now()))
}

// deleteDocument deletes a document the contact uploaded, before its event
// starts.
func (p *plugin) deleteDocument(e *core.RequestEvent) error {
	settings, err := portalSettings(e.App)
	if err != nil {
		return err
	}
	document := &core.Record{}
	err = visibleDocuments(e.App, e.Auth.GetString(collections.FieldClient), settings).
		AndWhere(dbx.HashExp{collections.FieldID: e.Request.PathValue("id")}).Limit(1).One(document)
	if err != nil {
		return e.NotFoundError("Document not found.", err)
	}
	if document.GetString(collections.FieldUploadedBy) != e.Auth.Id {
		return e.ForbiddenError("You can delete only documents you uploaded yourself.", nil)
	}
	event, err := e.App.FindRecordById(collections.Events, document.GetString(collections.FieldEvent))
	if err != nil {
		return err
	}
	if !deletableAt(event, p.now()) {
		return e.Error(http.StatusConflict, "The event has started, so its documents stay; ask the agency if one must go.", nil)
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := tx.Delete(document); err != nil {
			return err
		}
		return auditPortalWrite(tx, e, "delete", document, []string{document.GetString(collections.FieldTitle)})
	})
	if err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

// guardDocumentFiles lets a contact download an event document only when
// the documents list would show it: the view rule has checked the client.
func guardDocumentFiles(e *core.FileDownloadRequestEvent) error {
	if e.Collection.Name != collections.EventDocuments {
		return e.Next()
	}
	auth, _ := e.App.FindAuthRecordByToken(e.Request.URL.Query().Get("token"), core.TokenTypeFile)
	if auth != nil && auth.IsSuperuser() {
		return e.Next()
	}
	if auth == nil {
		return e.NotFoundError("", nil)
	}
	settings, err := portalSettings(e.App)
	if err != nil {
		return err
	}
	var n int
	err = visibleDocuments(e.App, auth.GetString(collections.FieldClient), settings).Select("count(*)").
		AndWhere(dbx.HashExp{collections.FieldID: e.Record.Id}).Row(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return e.NotFoundError("", nil)
	}
	return e.Next()
}

// textTypes are extensions of plain text in some layout, which content
// sniffing can only tell apart as text.
var textTypes = []string{"txt", "csv", "tsv", "md", "log"}

// checkUpload refuses a file that is too large, whose name does not end in
// an allowed type, or whose content is not of that type (a renamed
// executable): the extension alone proves nothing.
func checkUpload(f *filesystem.File, settings *collections.Settings) error {
	allowed := settings.UploadAllowedTypes()
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(f.OriginalName), "."))
	if !slices.Contains(allowed, ext) {
		return validation.NewError("validation_file_type", fmt.Sprintf(
			"%s: this type of file cannot be uploaded. Allowed: %s.", f.OriginalName, strings.Join(allowed, ", ")))
	}
	if limit := int64(settings.UploadMaxMB()) << 20; f.Size > limit {
		return validation.NewError("validation_file_size", fmt.Sprintf(
			"%s is %.1f MB; the limit is %d MB.", f.OriginalName, float64(f.Size)/(1<<20), settings.UploadMaxMB()))
	}
	r, err := f.Reader.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	detected, err := mimetype.DetectReader(r)
	if err != nil {
		return err
	}
	if !contentMatches(detected, ext) {
		what := strings.TrimPrefix(detected.Extension(), ".")
		if what == "" {
			what = detected.String()
		}
		return validation.NewError("validation_file_content", fmt.Sprintf(
			"%s is not really a .%s file: its content is %s. Upload the original file.", f.OriginalName, ext, what))
	}
	return nil
}

// contentMatches reports whether sniffed content is of the type ext names:
// the detected type or one of its parents has that extension (a .docx is a
// zip), with jpeg as jpg and text layouts as text.
func contentMatches(detected *mimetype.MIME, ext string) bool {
	if ext == "jpeg" {
		ext = "jpg"
	}
	for m := detected; m != nil; m = m.Parent() {
		if strings.TrimPrefix(m.Extension(), ".") == ext || (slices.Contains(textTypes, ext) && m.Is("text/plain")) {
			return true
		}
	}
	return false
}
