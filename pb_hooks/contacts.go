package pb_hooks

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/crewportal/crewportal/collections"
)

// ownEditableFields are the fields a contact may change on their own record
// (spec A5). Company, role and status are never among them, so nobody raises
// their own permissions; the email changes through PocketBase's
// confirm-by-email flow instead.
var ownEditableFields = []string{
	collections.FieldName, collections.FieldPhone, collections.FieldJobTitle,
	collections.FieldPhoto, core.FieldNamePassword, collections.FieldPasswordConfirm, collections.FieldOldPassword,
}

// managedFields are the fields a contact with "manage contacts" may change
// on a colleague's record (spec A6).
var managedFields = []string{
	collections.FieldName, collections.FieldPhone, collections.FieldJobTitle,
	collections.FieldRole, collections.FieldStatus, collections.FieldSendActivation,
}

// invitedFields are the fields a contact with "manage contacts" may send when
// inviting a colleague; the new contact is always invited, never active.
var invitedFields = []string{
	collections.FieldName, collections.FieldEmail, collections.FieldPhone, collections.FieldJobTitle,
	collections.FieldRole, collections.FieldClient,
}

// contactChangeLabels are the fields reported to admins when a contact changes
// their details, with the words the email uses for them.
var contactChangeLabels = []fieldLabel{
	{collections.FieldName, "Name"}, {collections.FieldPhone, "Phone"}, {collections.FieldJobTitle, "Job title"},
	{collections.FieldPhoto, "Photo"},
}

func (p *plugin) bindContactHooks() {
	p.app.OnRecordUpdateRequest(collections.Contacts).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:   HookIDPrefix + "contacts.update",
		Func: updateContact,
	})
	p.app.OnRecordCreateRequest(collections.Contacts).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:   HookIDPrefix + "contacts.invite",
		Func: inviteContact,
	})
	p.bindShaping(collections.Contacts, "contacts.emails", showColleagueEmails)
}

// showColleagueEmails lets a contact manager see the email addresses of the
// colleagues they manage (PocketBase hides other users' emails by default).
func showColleagueEmails(e *core.RequestEvent, records ...*core.Record) {
	if !contactCan(e.App, e.Auth, collections.PermManageContacts) {
		return
	}
	for _, r := range records {
		if r.GetString(collections.FieldClient) == e.Auth.GetString(collections.FieldClient) {
			r.IgnoreEmailVisibility(true)
		}
	}
}

// updateContact routes a contact's change of a contact record: their own
// details, or a colleague's as a contact manager. Admins edit freely.
func updateContact(e *core.RecordRequestEvent) error {
	if !isContactAuth(e) {
		return e.Next()
	}
	if e.Record.Id == e.Auth.Id {
		return updateOwnDetails(e)
	}
	return manageColleague(e)
}

func isContactAuth(e *core.RecordRequestEvent) bool {
	return e.Auth != nil && e.Auth.Collection().Name == collections.Contacts
}

// updateOwnDetails lets a contact change only their own editable fields, and
// emails the admins of their client's group the old and new values in the
// same transaction as the change.
func updateOwnDetails(e *core.RecordRequestEvent) error {
	if err := onlyFields(e, ownEditableFields,
		"You cannot change this yourself; ask a colleague who manages contacts or the agency."); err != nil {
		return err
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	changes := describeChanges(e.App, e.Record, contactChangeLabels)
	if _, ok := info.Body[core.FieldNamePassword]; ok {
		changes = append(changes, "Password: changed")
	}
	if len(changes) == 0 {
		return e.Next()
	}
	return SaveAndNotify(e, func(tx core.App) error {
		return Notify(tx, NotifyContactDetailsChanged, e.Record, Values{
			"changes": strings.Join(changes, "\n"),
		})
	})
}

// manageColleague lets a contact manager change a colleague's name, phone,
// role and access: invite, (re)send the activation email, disable, or
// restore a disabled contact who had activated before.
func manageColleague(e *core.RecordRequestEvent) error {
	if err := onlyFields(e, managedFields, "Only the agency can change this."); err != nil {
		return err
	}
	errs := validation.Errors{}
	refusal, err := checkRoleOfCompany(e)
	if err != nil {
		return err
	}
	if refusal != nil {
		errs[collections.FieldRole] = refusal
	}
	was := collections.ContactStatus(stored(e.App, e.Record).GetString(collections.FieldStatus))
	is := collections.ContactStatus(e.Record.GetString(collections.FieldStatus))
	if was != is {
		allowed := map[collections.ContactStatus]bool{
			collections.ContactInvited:  was == collections.ContactNoAccess,
			collections.ContactDisabled: true,
			collections.ContactActive:   was == collections.ContactDisabled && e.Record.Verified(),
		}
		if !allowed[is] {
			errs[collections.FieldStatus] = validation.NewError("validation_status_transition", fmt.Sprintf(
				"A contact cannot go from %s to %s here: invite contacts without access, disable any, and restore disabled ones who had activated.",
				was, is))
		}
	}
	if len(errs) > 0 {
		return e.BadRequestError("The contact could not be changed.", errs)
	}
	return e.Next()
}

// inviteContact lets a contact manager add a colleague of their own company,
// who is always created invited (which emails the activation link). For
// anyone creating a contact without a password, it sets a random one before
// PocketBase's form asks for it: contacts choose their own when activating.
func inviteContact(e *core.RecordRequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	if _, ok := info.Body["password"]; !ok {
		e.Record.SetRandomPassword()
	}
	if !isContactAuth(e) {
		return e.Next()
	}
	if err := onlyFields(e, invitedFields, "Only the agency can set this."); err != nil {
		return err
	}
	refusal, err := checkRoleOfCompany(e)
	if err != nil {
		return err
	}
	if refusal != nil {
		return e.BadRequestError("The contact could not be invited.", validation.Errors{collections.FieldRole: refusal})
	}
	contact := collections.Wrap[collections.Contact](e.Record)
	contact.SetClientID(e.Auth.GetString(collections.FieldClient))
	contact.SetStatus(collections.ContactInvited)
	e.Record.IgnoreEmailVisibility(true) // the manager just typed it
	return hideAddressConflict(e.Next())
}

// inviteRefusedMessage answers every invitation of an address that is
// already taken, so a manager cannot learn which addresses other companies
// use (issue 11, bug 5).
const inviteRefusedMessage = "This address cannot be invited; ask the agency."

// hideAddressConflict replaces PocketBase's "Value must be unique" on the
// email of an invitation (the address belongs to some contact, of this
// company or another) by one plain answer that says neither.
func hideAddressConflict(err error) error {
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) {
		return err
	}
	item, _ := apiErr.Data[collections.FieldEmail].(map[string]any)
	if item == nil || item["code"] != "validation_not_unique" {
		return err
	}
	return apis.NewBadRequestError("The contact could not be invited.", validation.Errors{
		collections.FieldEmail: validation.NewError("validation_address_refused", inviteRefusedMessage)})
}

// checkRoleOfCompany accepts an empty role, a shared role, or a role of the
// acting contact's own company; otherwise it returns the refusal. The error
// is for a failed lookup.
func checkRoleOfCompany(e *core.RecordRequestEvent) (validation.Error, error) {
	roleID := e.Record.GetString(collections.FieldRole)
	if roleID == "" || (!e.Record.IsNew() && roleID == stored(e.App, e.Record).GetString(collections.FieldRole)) {
		return nil, nil
	}
	role, err := collections.Find[collections.Role](e.App, collections.Roles, roleID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err != nil || (role.ClientID() != "" && role.ClientID() != e.Auth.GetString(collections.FieldClient)) {
		return validation.NewError("validation_foreign_role", "Choose one of the roles offered for your company."), nil
	}
	return nil, nil
}

// onlyFields refuses a request body with any field outside allowed, naming
// each refused field with the reason.
func onlyFields(e *core.RecordRequestEvent, allowed []string, reason string) error {
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	errs := validation.Errors{}
	for key := range info.Body {
		if !slices.Contains(allowed, key) {
			errs[key] = validation.NewError("validation_not_editable", reason)
		}
	}
	if len(errs) > 0 {
		return e.BadRequestError("Some fields cannot be changed from the portal.", errs)
	}
	return nil
}

// fieldLabel names a field in notification emails.
type fieldLabel struct{ field, label string }

// describeChanges lists "Label: old → new" for each labelled field whose
// value the pending save changes. File fields only say that they changed.
func describeChanges(app core.App, r *core.Record, labels []fieldLabel) []string {
	old := stored(app, r)
	var out []string
	for _, l := range labels {
		before, after := old.GetString(l.field), r.GetString(l.field)
		if f := r.Collection().Fields.GetByName(l.field); f != nil && f.Type() == core.FieldTypeFile {
			if len(r.GetUnsavedFiles(l.field)) > 0 || fmt.Sprint(old.GetStringSlice(l.field)) != fmt.Sprint(r.GetStringSlice(l.field)) {
				out = append(out, l.label+": changed")
			}
			continue
		}
		if before != after {
			out = append(out, fmt.Sprintf("%s: %s → %s", l.label, orNone(before), orNone(after)))
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
