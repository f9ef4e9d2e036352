package pb_hooks

import (
	"database/sql"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// NotificationKind names one notification of the catalogue (spec N1, N2).
// Each kind has one template record that admins edit in the dashboard.
type NotificationKind string

// Notifications to the admins of the client's group (spec N1).
const (
	NotifyContactDetailsChanged NotificationKind = "contact_details_changed"
	NotifyCompanyDetailsChanged NotificationKind = "company_details_changed"
	NotifyEventBooked           NotificationKind = "event_booked"
	NotifyChangeRequested       NotificationKind = "change_requested"
	NotifyChangeWithdrawn       NotificationKind = "change_withdrawn"
	NotifyDocumentUploaded      NotificationKind = "document_uploaded"
)

// Notifications to client contacts (spec N2).
const (
	NotifyActivation      NotificationKind = "activation"
	NotifyBookingReceived NotificationKind = "booking_received"
	NotifyBookedOnBehalf  NotificationKind = "booked_on_behalf"
	NotifyEventConfirmed  NotificationKind = "event_confirmed"
	NotifyEventDeclined   NotificationKind = "event_declined"
	NotifyChangeApproved  NotificationKind = "change_approved"
	NotifyChangeDeclined  NotificationKind = "change_declined"
	NotifyInvoiceIssued   NotificationKind = "invoice_issued"
	NotifyInvoiceOverdue  NotificationKind = "invoice_overdue"
	NotifyPasswordReset   NotificationKind = "password_reset"
	NotifyEmailChange     NotificationKind = "email_change"
)

// recipients says who of the audience receives a notification.
type recipients int

const (
	// toGroupAdmins: the admins of the client's group, or the fallback recipient.
	toGroupAdmins recipients = iota
	// toContact: exactly the contact the notification is about (the record
	// itself), whatever its status but disabled: activation and password mails.
	toContact
	// toActor: the active contact who made the record (created_by,
	// requested_by); every permitted active contact when there is none.
	toActor
	// toPermitted: every active contact of the client whose role has the permission.
	toPermitted
	// toNewEmail: the address the contact (the record) asked to change to,
	// given as the "new_email" value: confirming it proves they own it.
	toNewEmail
)

// notificationSpec describes what a kind sends to whom, and which
// placeholders its template may use beyond the common ones.
type notificationSpec struct {
	to           recipients
	permission   collections.Permission
	placeholders []string
}

// Placeholders every template may use.
var commonPlaceholders = []string{"agency_name", "portal_url", "client_name", "recipient_name"}

// Placeholders of notifications about an event.
var eventPlaceholders = []string{"event_name", "event_venue", "event_dates", "event_url"}

func withEvent(more ...string) []string { return append(slices.Clone(eventPlaceholders), more...) }

// notificationCatalogue is the list of notification kinds. A template for
// each is installed by migration; saving a template checks it against this.
var notificationCatalogue = map[NotificationKind]notificationSpec{
	NotifyContactDetailsChanged: {to: toGroupAdmins, placeholders: []string{"contact_name", "changes"}},
	NotifyCompanyDetailsChanged: {to: toGroupAdmins, placeholders: []string{"contact_name", "changes"}},
	NotifyEventBooked:           {to: toGroupAdmins, placeholders: withEvent("contact_name")},
	NotifyChangeRequested:       {to: toGroupAdmins, placeholders: withEvent("contact_name", "request_kind", "changes", "reason")},
	NotifyChangeWithdrawn:       {to: toGroupAdmins, placeholders: withEvent("contact_name")},
	NotifyDocumentUploaded:      {to: toGroupAdmins, placeholders: withEvent("contact_name", "document_title")},

	NotifyActivation:      {to: toContact, placeholders: []string{"action_url", "link_expires"}},
	NotifyPasswordReset:   {to: toContact, placeholders: []string{"action_url", "link_expires"}},
	NotifyEmailChange:     {to: toNewEmail, placeholders: []string{"action_url", "link_expires", "new_email"}},
	NotifyBookingReceived: {to: toActor, permission: collections.PermBookEvents, placeholders: withEvent()},
	NotifyBookedOnBehalf:  {to: toActor, permission: collections.PermBookEvents, placeholders: withEvent()},
	NotifyEventConfirmed:  {to: toActor, permission: collections.PermBookEvents, placeholders: withEvent()},
	NotifyEventDeclined:   {to: toActor, permission: collections.PermBookEvents, placeholders: withEvent("reason")},
	NotifyChangeApproved:  {to: toActor, permission: collections.PermRequestChanges, placeholders: withEvent("request_kind", "changes")},
	NotifyChangeDeclined:  {to: toActor, permission: collections.PermRequestChanges, placeholders: withEvent("request_kind", "changes", "reason")},
	NotifyInvoiceIssued: {to: toPermitted, permission: collections.PermViewInvoices,
		placeholders: []string{"invoice_number", "invoice_total", "invoice_due", "invoice_url"}},
	NotifyInvoiceOverdue: {to: toPermitted, permission: collections.PermViewInvoices,
		placeholders: []string{"invoice_number", "invoice_total", "invoice_outstanding", "invoice_due", "invoice_url"}},
}

// audience is how the dashboard labels who receives the kind.
func (s notificationSpec) audience() collections.Audience {
	if s.to == toGroupAdmins {
		return collections.AudienceGroupAdmins
	}
	return collections.AudienceClientContacts
}

// adminPlaceholders are the values of every notification to the agency:
// the link that opens the record in the dashboard, ready for a decision.
var adminPlaceholders = []string{"dashboard_url"}

// allowed returns every placeholder the kind's template may use.
func (s notificationSpec) allowed() []string {
	out := append(slices.Clone(commonPlaceholders), s.placeholders...)
	if s.to == toGroupAdmins {
		out = append(out, adminPlaceholders...)
	}
	return out
}

// Values are the placeholder values of one notification, by name.
type Values map[string]string

// Notify queues the emails of the notification kind about record: it renders
// the kind's template for each recipient and writes one outbox record per
// email through app. Called with a transaction's app (e.App in a hook, see
// SaveAndNotify) the emails exist if and only if the transaction commits; the
// outbox worker sends them afterwards, so no request waits on the mail server.
//
// The record decides the client and provides the values of its kind (an
// event's name and dates, an invoice's number…); extra adds or overrides
// values, e.g. "changes" or "reason". A switched-off template sends nothing.
func Notify(app core.App, kind NotificationKind, record *core.Record, extra Values) error {
	spec, ok := notificationCatalogue[kind]
	if !ok {
		return fmt.Errorf("notify: unknown notification kind %q", kind)
	}
	tpl, err := notificationTemplate(app, kind)
	if err != nil {
		return fmt.Errorf("notify %s: template: %w", kind, err)
	}
	if !tpl.GetBool(collections.FieldEnabled) {
		return nil
	}
	values, client, err := recordValues(app, record)
	if err != nil {
		return fmt.Errorf("notify %s: %w", kind, err)
	}
	if spec.to == toGroupAdmins {
		values["dashboard_url"] = dashboardURL(app, record.Collection().Name, record.Id)
	}
	for k, v := range extra {
		values[k] = v
	}
	to, err := resolveRecipients(app, spec, client, record, values)
	if err != nil {
		return fmt.Errorf("notify %s: %w", kind, err)
	}
	if len(to) == 0 {
		app.Logger().Warn("Notification has no recipient", "kind", kind, "client", client.Id)
		return nil
	}

	subject, body := tpl.GetString(collections.FieldSubject), tpl.GetString(collections.FieldBody)
	now := types.NowDateTime()
	for _, r := range to {
		values["recipient_name"] = r.name
		if missing := missingValues(values, subject, body); len(missing) > 0 {
			return fmt.Errorf("notify %s: no value for %s", kind, strings.Join(missing, ", "))
		}
		if _, err := createRecord(app, collections.MailOutbox, map[string]any{
			collections.FieldKind:          string(kind),
			collections.FieldTo:            r.email,
			collections.FieldToName:        r.name,
			collections.FieldSubject:       renderSubject(subject, values),
			collections.FieldText:          renderText(body, values),
			collections.FieldHTML:          renderHTML(body, values),
			collections.FieldStatus:        string(collections.OutboxQueued),
			collections.FieldNextAttemptAt: now,
			collections.FieldRecordRef:     record.Collection().Name + "/" + record.Id,
		}); err != nil {
			return fmt.Errorf("notify %s: queue email: %w", kind, err)
		}
	}
	wakeOutboxAfterCommit(app)
	return nil
}

// notificationTemplatesOf is the cache of the notification templates by
// kind, forgotten when one changes: every booking and decision reads them.
func notificationTemplatesOf(app core.App) *storeCache[map[string]*core.Record] {
	return cacheOf[map[string]*core.Record](app, "notificationTemplates")
}

// notificationTemplate returns the template of the kind, a copy the caller
// may keep.
func notificationTemplate(app core.App, kind NotificationKind) (*core.Record, error) {
	var loadErr error
	byKind := notificationTemplatesOf(app).get(app, func(app core.App) (map[string]*core.Record, error) {
		all, err := app.FindAllRecords(collections.NotificationTemplates)
		if err != nil {
			loadErr = err
			return nil, err
		}
		m := make(map[string]*core.Record, len(all))
		for _, r := range all {
			m[r.GetString(collections.FieldKind)] = r
		}
		return m, nil
	})
	if loadErr != nil {
		return nil, loadErr
	}
	tpl, ok := byKind[string(kind)]
	if !ok {
		return nil, fmt.Errorf("no template of kind %q: %w", kind, sql.ErrNoRows)
	}
	return tpl.Fresh(), nil
}

// SaveAndNotify runs the rest of a record request (the save) and then fn in
// one transaction, so the emails fn queues exist if and only if the change
// is saved. Use it from an OnRecord*Request hook:
//
//	return SaveAndNotify(e, func(tx core.App) error {
//		return Notify(tx, NotifyEventBooked, e.Record, nil)
//	})
func SaveAndNotify(e *core.RecordRequestEvent, fn func(tx core.App) error) error {
	return withTransaction(&e.App, e.Next, fn)
}

// withTransaction runs next (the rest of a hook chain, i.e. the save) and
// then after in one transaction. The event's app (*eventApp) is the
// transaction's while they run, so everything the chain writes is part of
// it, and is restored afterwards: code after the hook must not use a
// finished transaction.
func withTransaction(eventApp *core.App, next func() error, after func(tx core.App) error) error {
	original := *eventApp
	defer func() { *eventApp = original }()
	return original.RunInTransaction(func(tx core.App) error {
		*eventApp = tx
		if err := next(); err != nil {
			return err
		}
		return after(tx)
	})
}

// recordValues returns the common values and those the record's type
// provides, and the record's client.
func recordValues(app core.App, record *core.Record) (Values, *core.Record, error) {
	clientID := record.GetString(collections.FieldClient)
	if record.Collection().Name == collections.Clients {
		clientID = record.Id
	}
	client, err := clientRecord(app, clientID)
	if err != nil {
		return nil, nil, fmt.Errorf("client of %s %s: %w", record.Collection().Name, record.Id, err)
	}
	settings, err := portalSettings(app)
	if err != nil {
		return nil, nil, err
	}
	dates := DatesOf(settings)
	portal := portalURL(app)
	v := Values{
		"agency_name": app.Settings().Meta.AppName,
		"portal_url":  portal,
		"client_name": client.GetString(collections.FieldName),
	}

	var event *core.Record
	switch record.Collection().Name {
	case collections.Events:
		event = record
	case collections.Contacts:
		v["contact_name"] = record.GetString(collections.FieldName)
	case collections.Invoices:
		inv := collections.Wrap[collections.Invoice](record)
		v["invoice_number"] = inv.Number()
		v["invoice_total"] = FormatMoney(inv.Total(), inv.Currency(), settings.Locale())
		v["invoice_outstanding"] = FormatMoney(inv.Outstanding(), inv.Currency(), settings.Locale())
		v["invoice_due"] = formatInvoiceDate(inv.DueOn(), settings.Locale())
		v["invoice_url"] = portal + "finance"
	}
	if id := record.GetString(collections.FieldEvent); event == nil && id != "" {
		if event, err = app.FindRecordById(collections.Events, id); err != nil {
			return nil, nil, fmt.Errorf("event of %s %s: %w", record.Collection().Name, record.Id, err)
		}
	}
	if event != nil {
		ev := collections.Wrap[collections.Event](event)
		v["event_name"] = ev.Name()
		v["event_venue"] = ev.Venue()
		v["event_dates"] = dates.Span(ev.StartsAt().Time(), ev.EndsAt().Time())
		v["event_url"] = portal + "events/" + ev.Id
	}
	return v, client, nil
}

// recipient is one address an email goes to.
type recipient struct{ email, name string }

func resolveRecipients(app core.App, spec notificationSpec, client, record *core.Record, values Values) ([]recipient, error) {
	switch spec.to {
	case toNewEmail:
		if values["new_email"] == "" {
			return nil, fmt.Errorf("this notification needs the new_email value")
		}
		return []recipient{{values["new_email"], record.GetString(collections.FieldName)}}, nil
	case toGroupAdmins:
		return groupAdmins(app, client)
	case toContact:
		if record.Collection().Name != collections.Contacts {
			return nil, fmt.Errorf("this notification is about a contact, not %s", record.Collection().Name)
		}
		if collections.ContactStatus(record.GetString(collections.FieldStatus)) == collections.ContactDisabled {
			return nil, nil
		}
		return []recipient{{record.Email(), record.GetString(collections.FieldName)}}, nil
	case toActor:
		for _, field := range []string{collections.FieldCreatedBy, collections.FieldRequestedBy} {
			id := record.GetString(field)
			if id == "" {
				continue
			}
			// Three columns, not a whole contact: every booking and
			// change request emails its actor.
			var c struct {
				Email  string `db:"email"`
				Name   string `db:"name"`
				Status string `db:"status"`
			}
			err := app.DB().Select(collections.FieldEmail, collections.FieldName, collections.FieldStatus).
				From(collections.Contacts).Where(dbx.HashExp{collections.FieldID: id}).Limit(1).One(&c)
			if err == nil && collections.ContactStatus(c.Status) == collections.ContactActive {
				return []recipient{{c.Email, c.Name}}, nil
			}
		}
	}
	return permittedContacts(app, client.Id, spec.permission)
}

// groupAdminsOf is the cache of each group's admins as recipients, filled
// as groups are asked for, forgotten when a group or a superuser changes:
// every booking and change request emails them.
func groupAdminsOf(app core.App) *storeCache[*keyedValues] {
	return cacheOf[*keyedValues](app, "groupAdmins")
}

// groupAdmins returns the admins of the client's group, or the fallback
// recipient of the settings when the client has no group or it has no admins.
func groupAdmins(app core.App, client *core.Record) ([]recipient, error) {
	if groupID := client.GetString(collections.FieldGroup); groupID != "" {
		out, err := keyedValue(app, groupAdminsOf(app), groupID, func(app core.App) ([]recipient, error) {
			group, err := collections.Find[collections.Group](app, collections.Groups, groupID)
			if err != nil {
				return nil, err
			}
			admins, err := app.FindRecordsByIds(core.CollectionNameSuperusers, group.AdminIDs())
			if err != nil {
				return nil, err
			}
			out := make([]recipient, 0, len(admins))
			for _, a := range admins {
				out = append(out, recipient{a.Email(), group.Name()})
			}
			return out, nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) > 0 {
			return slices.Clone(out), nil
		}
	}
	var out []recipient
	settings, err := portalSettings(app)
	if err != nil {
		return nil, err
	}
	if to := settings.FallbackRecipient(); to != "" {
		out = append(out, recipient{to, "Agency"})
	}
	return out, nil
}

// permittedContacts returns the client's active contacts whose role grants
// the permission (all active contacts when perm is "").
func permittedContacts(app core.App, clientID string, perm collections.Permission) ([]recipient, error) {
	contacts, err := app.FindAllRecords(collections.Contacts, dbx.HashExp{
		collections.FieldClient: clientID, collections.FieldStatus: string(collections.ContactActive)})
	if err != nil {
		return nil, err
	}
	roles := map[string]*collections.Role{}
	var out []recipient
	for _, c := range contacts {
		if perm != "" {
			roleID := c.GetString(collections.FieldRole)
			if _, seen := roles[roleID]; !seen && roleID != "" {
				if role, err := collections.Find[collections.Role](app, collections.Roles, roleID); err == nil {
					roles[roleID] = role
				}
			}
			if role := roles[roleID]; role == nil || !role.Has(perm) {
				continue
			}
		}
		out = append(out, recipient{c.Email(), c.GetString(collections.FieldName)})
	}
	return out, nil
}

// placeholderPattern matches {name} placeholders in templates.
var placeholderPattern = regexp.MustCompile(`\{([a-z_]+)\}`)

func placeholdersIn(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for _, m := range placeholderPattern.FindAllStringSubmatch(t, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

func missingValues(v Values, texts ...string) []string {
	var missing []string
	for _, p := range placeholdersIn(texts...) {
		if _, ok := v[p]; !ok {
			missing = append(missing, "{"+p+"}")
		}
	}
	return missing
}

// renderText fills the placeholders with the raw values.
func renderText(tpl string, v Values) string {
	return placeholderPattern.ReplaceAllStringFunc(tpl, func(m string) string { return v[m[1:len(m)-1]] })
}

// renderSubject is renderText on one line: a value can never add a header.
func renderSubject(tpl string, v Values) string {
	return strings.Join(strings.Fields(renderText(tpl, v)), " ")
}

// renderHTML escapes the template text and every value, turns *_url values
// into links, blank lines into paragraphs and line breaks into <br>, and wraps
// the result in the email layout.
func renderHTML(tpl string, v Values) string {
	var b strings.Builder
	last := 0
	for _, loc := range placeholderPattern.FindAllStringSubmatchIndex(tpl, -1) {
		b.WriteString(html.EscapeString(tpl[last:loc[0]]))
		name := tpl[loc[2]:loc[3]]
		value := html.EscapeString(v[name])
		if strings.HasSuffix(name, "_url") && value != "" {
			value = `<a href="` + value + `" style="color:#1f5fa8">` + value + `</a>`
		}
		b.WriteString(strings.ReplaceAll(value, "\n", "<br>"))
		last = loc[1]
	}
	b.WriteString(html.EscapeString(tpl[last:]))
	paragraphs := strings.Split(strings.ReplaceAll(b.String(), "\r\n", "\n"), "\n\n")
	for i, p := range paragraphs {
		paragraphs[i] = `<p style="margin:0 0 14px">` + strings.ReplaceAll(strings.TrimSpace(p), "\n", "<br>") + `</p>`
	}
	return fmt.Sprintf(emailLayout, html.EscapeString(v["agency_name"]), strings.Join(paragraphs, "\n"),
		html.EscapeString(v["agency_name"]))
}

// emailLayout is the HTML frame of every email: tables and inline styles,
// because that is what email clients render reliably.
const emailLayout = `<!doctype html>
<html><body style="margin:0;padding:0;background:#f3f4f6">
<table role="presentation" width="100%%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2937;text-align:left">
<tr><td style="padding:20px 28px;border-bottom:1px solid #e5e7eb;font-size:18px;font-weight:600;color:#1f3b57">%s</td></tr>
<tr><td style="padding:24px 28px;font-size:15px;line-height:1.55">
%s
</td></tr>
<tr><td style="padding:16px 28px;border-top:1px solid #e5e7eb;font-size:12px;color:#6b7280">Sent by the %s client portal.</td></tr>
</table></td></tr></table>
</body></html>`

func (p *plugin) bindNotificationHooks() {
	p.forgetOnChange(func(app core.App) changeAware { return notificationTemplatesOf(app) }, collections.NotificationTemplates)
	p.forgetOnChange(func(app core.App) changeAware { return groupAdminsOf(app) }, collections.Groups, core.CollectionNameSuperusers)
	p.app.OnRecordValidate(collections.NotificationTemplates).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "notifications.validateTemplate",
		Func: validateTemplate,
	})
	p.app.OnRecordDelete(collections.NotificationTemplates).Bind(&hook.Handler[*core.RecordEvent]{
		Id: HookIDPrefix + "notifications.keepTemplate",
		Func: func(e *core.RecordEvent) error {
			return apis.NewBadRequestError("Notification templates cannot be deleted: switch one off with “enabled” instead.", nil)
		},
	})
}

// validateTemplate refuses a template whose kind is unknown or that uses a
// placeholder its notification does not provide, naming the field, the
// offending placeholders and the ones that can be used; and keeps the
// audience the code will actually use.
func validateTemplate(e *core.RecordEvent) error {
	kind := NotificationKind(e.Record.GetString(collections.FieldKind))
	spec, ok := notificationCatalogue[kind]
	if !ok {
		return validation.Errors{collections.FieldKind: validation.NewError("validation_unknown_kind",
			"Unknown notification kind; the kinds are fixed by the portal: "+strings.Join(catalogueKinds(), ", ")+".")}
	}
	e.Record.Set(collections.FieldAudience, string(spec.audience()))
	allowed := spec.allowed()
	errs := validation.Errors{}
	for _, field := range []string{collections.FieldSubject, collections.FieldBody} {
		var unknown []string
		for _, p := range placeholdersIn(e.Record.GetString(field)) {
			if !slices.Contains(allowed, p) {
				unknown = append(unknown, "{"+p+"}")
			}
		}
		if len(unknown) > 0 {
			errs[field] = validation.NewError("validation_unknown_placeholder", fmt.Sprintf(
				"%s %s not provided by this notification; use %s.", strings.Join(unknown, ", "),
				pluralIs(len(unknown)), "{"+strings.Join(allowed, "}, {")+"}"))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return e.Next()
}

func pluralIs(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func catalogueKinds() []string {
	out := make([]string, 0, len(notificationCatalogue))
	for k := range notificationCatalogue {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

// wakeOutboxAfterCommit nudges the outbox worker once the emails just queued
// are visible: after the surrounding transaction commits, or at once.
func wakeOutboxAfterCommit(app core.App) {
	if tx := app.TxInfo(); tx != nil {
		tx.OnComplete(func(txErr error) error {
			if txErr == nil {
				wakeOutbox(app)
			}
			return nil
		})
		return
	}
	wakeOutbox(app)
}

// outboxWorkerKey is where the running worker keeps itself in the app
// store, so Notify can wake it without a global.
const outboxWorkerKey = HookIDPrefix + "outbox.worker"

func wakeOutbox(app core.App) {
	if w, ok := app.Store().Get(outboxWorkerKey).(*outboxWorker); ok {
		w.nudge(false)
	}
}
