package pb_hooks

import (
	"fmt"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// ownEditableFields are the fields a contact may change on their own record
// (spec A5); everything else (company, role, status, email) is refused.
// The email changes through PocketBase's confirm-by-email flow instead.
var ownEditableFields = []string{
	collections.FieldName, collections.FieldPhone, "job_title",
	collections.FieldPhoto, collections.FieldPhoto + "+", collections.FieldPhoto + "-",
	"password", "passwordConfirm", "oldPassword",
}

// contactChangeLabels are the fields reported to admins when a contact changes
// their details, with the words the email uses for them.
var contactChangeLabels = []fieldLabel{
	{collections.FieldName, "Name"}, {collections.FieldPhone, "Phone"}, {"job_title", "Job title"},
	{collections.FieldPhoto, "Photo"},
}

func (p *plugin) bindContactHooks() {
	p.app.OnRecordUpdateRequest(collections.Contacts).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:   HookIDPrefix + "contacts.ownDetails",
		Func: updateOwnDetails,
	})
}

// updateOwnDetails lets a contact change only their own editable fields, and
// emails the admins of their client's group the old and new values in the
// same transaction as the change.
func updateOwnDetails(e *core.RecordRequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != collections.Contacts {
		return e.Next() // admins edit contacts freely from the dashboard
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	errs := validation.Errors{}
	for key := range info.Body {
		if !slices.Contains(ownEditableFields, key) {
			errs[key] = validation.NewError("validation_not_editable",
				"You cannot change this yourself; ask a colleague who manages contacts or the agency.")
		}
	}
	if len(errs) > 0 {
		return e.BadRequestError("Some fields cannot be changed from the portal.", errs)
	}

	changes := describeChanges(e.Record, contactChangeLabels)
	if _, ok := info.Body["password"]; ok {
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

// fieldLabel names a field in notification emails.
type fieldLabel struct{ field, label string }

// describeChanges lists "Label: old → new" for each labelled field whose
// value the pending save changes. File fields only say that they changed.
func describeChanges(r *core.Record, labels []fieldLabel) []string {
	var out []string
	for _, l := range labels {
		before, after := r.Original().GetString(l.field), r.GetString(l.field)
		if f := r.Collection().Fields.GetByName(l.field); f != nil && f.Type() == core.FieldTypeFile {
			before, after = fmt.Sprint(r.Original().GetStringSlice(l.field)), fmt.Sprint(r.GetStringSlice(l.field))
			if before != after {
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
