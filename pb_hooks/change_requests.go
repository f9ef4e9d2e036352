package pb_hooks

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/list"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// Change requests and atomic events (spec C1–C4). A contact proposes new
// values for an atomic event that has not started; the event changes only
// when an admin approves, in one transaction with its shifts.

// proposableFields are the booking-form fields a change request may change.
// The occurrences answer which one a new start or end means when the clocks
// pass it twice.
var proposableFields = []string{"name", "venue", "address", "start", "end", "staff_count", "notes", "profession",
	"start_occurrence", "end_occurrence"}

// maxReasonLen is the longest reason a request may give (the field's limit).
const maxReasonLen = 2000

// ChangeRequestInput is a change request as the portal sends it: the kind,
// the proposed values (only the changed fields) and a reason.
type ChangeRequestInput struct {
	Kind     collections.ChangeRequestKind `json:"kind"`
	Proposed map[string]any                `json:"proposed"`
	Reason   string                        `json:"reason"`
}

func (p *plugin) bindChangeRequestHooks() {
	p.forgetOnChange(func(app core.App) changeAware { return splitNoticeContactsOf(app) }, collections.Clients, collections.Groups)
	p.app.OnRecordUpdateRequest(collections.ChangeRequests).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:   HookIDPrefix + "changeRequests.decidedBy",
		Func: recordDecider,
	})
	p.app.OnRecordUpdate(collections.ChangeRequests).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "changeRequests.decide",
		Func: decideChangeRequest,
	})
}

// EventShape is what the portal needs to show the right controls: whether
// the event is atomic (every shift has the same profession, start and end),
// and the values of its single position when it is.
type EventShape struct {
	Atomic     bool
	Profession string
	StaffCount int
	Shifts     []*core.Record
}

// ShapeOf reads an event's shifts and says whether it is atomic.
func ShapeOf(app core.App, eventID string) (EventShape, error) {
	shapes, err := shapesOf(app, []string{eventID})
	return shapes[eventID], err
}

// shapesOf is ShapeOf for several events at once, by event id.
func shapesOf(app core.App, eventIDs []string) (map[string]EventShape, error) {
	var shifts []*core.Record
	err := app.RecordQuery(collections.Shifts).AndWhere(dbx.In(collections.FieldEvent, list.ToInterfaceSlice(eventIDs)...)).
		OrderBy("starts_at", "rowid").All(&shifts)
	if err != nil {
		return nil, err
	}
	byEvent := map[string][]*core.Record{}
	for _, s := range shifts {
		byEvent[s.GetString(collections.FieldEvent)] = append(byEvent[s.GetString(collections.FieldEvent)], s)
	}
	shapes := make(map[string]EventShape, len(eventIDs))
	for _, id := range eventIDs {
		shapes[id] = shapeOfShifts(byEvent[id])
	}
	return shapes, nil
}

// shapeOfShifts is the shape of an event with these shifts, in start order.
func shapeOfShifts(shifts []*core.Record) EventShape {
	if len(shifts) == 0 {
		return EventShape{}
	}
	shape := EventShape{Atomic: true, Profession: shifts[0].GetString(collections.FieldProfession), Shifts: shifts}
	first := shifts[0]
	for _, s := range shifts {
		shape.StaffCount += s.GetInt(collections.FieldStaffCount)
		for _, f := range []string{collections.FieldProfession, collections.FieldStartsAt, collections.FieldEndsAt} {
			if s.GetString(f) != first.GetString(f) {
				shape.Atomic = false
			}
		}
	}
	return shape
}

// nonAtomicMessage explains, in the portal and in the server's refusal, why
// a split event cannot be changed from the portal (spec C2), naming the
// client's agency group and its email when it has them. Every list with a
// split event shows it, so the groups' contacts come from a cache forgotten
// when a client or group changes.
func nonAtomicMessage(app core.App, clientID string) string {
	msg := "This event was split into several positions with different times or professions, " +
		"so changes go through the agency."
	if contact := splitNoticeContactsOf(app).get(app, func(app core.App) (map[string]string, error) {
		return loadSplitNoticeContacts(app)
	})[clientID]; contact != "" {
		return msg + " Please contact " + contact + "."
	}
	return msg + " Please contact your agency."
}

// loadSplitNoticeContacts is, per client whose group has an email, whom its
// contacts should ask: "Melbourne office at melbourne@agency.test".
func loadSplitNoticeContacts(app core.App) (map[string]string, error) {
	var rows []struct {
		Client string `db:"client"`
		Name   string `db:"name"`
		Email  string `db:"email"`
	}
	err := app.DB().Select("c.id AS client", "g.name AS name", "g.email AS email").
		From(collections.Clients+" c").InnerJoin(collections.Groups+" g", dbx.NewExp("[[g.id]] = [[c."+collections.FieldGroup+"]]")).
		Where(dbx.NewExp("[[g.email]] != ''")).All(&rows)
	if err != nil {
		app.Logger().Warn("Could not load the agency groups' contacts; split notices name none", "error", err)
		return map[string]string{}, err
	}
	contacts := make(map[string]string, len(rows))
	for _, r := range rows {
		contacts[r.Client] = r.Name + " at " + r.Email
	}
	return contacts, nil
}

func splitNoticeContactsOf(app core.App) *storeCache[map[string]string] {
	return cacheOf[map[string]string](app, "splitNoticeContacts")
}

// changeRefusal says why the event cannot take a change request now, or "".
func changeRefusal(app core.App, event *core.Record, shape EventShape, now time.Time) string {
	ev := collections.Wrap[collections.Event](event)
	switch {
	case !shape.Atomic:
		return nonAtomicMessage(app, ev.ClientID())
	case ev.Status() == collections.EventCancelled || ev.Status() == collections.EventDeclined || ev.Status() == collections.EventCompleted:
		return fmt.Sprintf("This event is %s, so it cannot be changed.", statusLabel(ev.Status()))
	case !ev.StartsAt().Time().After(now):
		return "This event has already started, so it can no longer be changed from the portal. Please call the agency."
	}
	return ""
}

// currentForm is the event as the booking form would show it.
func currentForm(event *core.Record, shape EventShape, loc *time.Location) BookingInput {
	ev := collections.Wrap[collections.Event](event)
	staff := shape.StaffCount
	return BookingInput{
		Name: ev.Name(), Venue: ev.Venue(), Address: ev.Address(), Notes: event.GetString(collections.FieldNotes),
		Start: ev.StartsAt().Time().In(loc).Format(LocalTimeLayout), End: ev.EndsAt().Time().In(loc).Format(LocalTimeLayout),
		StartOccurrence: occurrenceOf(ev.StartsAt().Time(), loc), EndOccurrence: occurrenceOf(ev.EndsAt().Time(), loc),
		Profession: shape.Profession, StaffCount: &staff, TermsAccepted: true,
	}
}

// applyProposal overlays the proposed values on the current form, refusing
// fields a request cannot change. A new start or end drops the current
// time's occurrence: it answered for the old time.
func applyProposal(form BookingInput, proposed map[string]any, clientsSetCount bool) (BookingInput, validation.Errors) {
	texts := map[string]*string{
		"name": &form.Name, "venue": &form.Venue, "address": &form.Address, "start": &form.Start, "end": &form.End,
		"notes": &form.Notes, "profession": &form.Profession,
		"start_occurrence": &form.StartOccurrence, "end_occurrence": &form.EndOccurrence,
	}
	if _, ok := proposed["start"]; ok {
		form.StartOccurrence = ""
	}
	if _, ok := proposed["end"]; ok {
		form.EndOccurrence = ""
	}
	errs := validation.Errors{}
	for key, v := range proposed {
		if !slices.Contains(proposableFields, key) {
			errs["proposed."+key] = validation.NewError("validation_not_changeable", "This cannot be changed by a request.")
			continue
		}
		if key == "staff_count" {
			n, ok := v.(float64)
			if !ok || n != math.Trunc(n) {
				errs[key] = validation.NewError("validation_invalid", "Use a whole number.")
				continue
			}
			// Out of range either way; the booking rules word it.
			count := int(math.Min(math.Max(n, 0), maxStaffCount+1))
			form.StaffCount = &count
			continue
		}
		s, isString := v.(string)
		if !isString {
			errs[key] = validation.NewError("validation_invalid", "Use text.")
			continue
		}
		*texts[key] = s
	}
	if !clientsSetCount {
		if _, asked := proposed["staff_count"]; !asked {
			form.StaffCount = nil // the agency's count stays
		}
	}
	return form, nonNil(errs)
}

// requestChange records a pending change or cancellation request for an
// atomic event of the contact's client and emails the group's admins.
func requestChange(e *core.RequestEvent) error {
	var in ChangeRequestInput
	if err := bindForm(e, &in); err != nil {
		return err
	}
	event, err := findOwnEvent(e)
	if err != nil {
		return err
	}
	shape, err := ShapeOf(e.App, event.Id)
	if err != nil {
		return err
	}
	now := time.Now()
	if msg := changeRefusal(e.App, event, shape, now); msg != "" {
		return e.Error(http.StatusConflict, msg, nil)
	}
	settings, err := portalSettings(e.App)
	if err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := validation.Validate(in.Reason, plainText(maxReasonLen)); err != nil {
		return e.BadRequestError("Please correct the highlighted fields.", validation.Errors{collections.FieldReason: err})
	}
	values := map[string]any{
		collections.FieldEvent: event.Id, collections.FieldRequestedBy: e.Auth.Id,
		collections.FieldStatus: string(collections.RequestPending), collections.FieldReason: in.Reason,
	}
	var changes Proposal
	switch in.Kind {
	case collections.RequestCancellation:
		if in.Reason == "" {
			return e.BadRequestError("Please say why.", validation.Errors{collections.FieldReason: validation.NewError("validation_required", "Tell the agency why you cancel.")})
		}
		values[collections.FieldKind] = string(collections.RequestCancellation)
		changes = cancellationLines(event, true)
	case collections.RequestChange:
		current := currentForm(event, shape, settings.Location())
		proposed, errs := applyProposal(current, in.Proposed, settings.ClientsSetStaffCount())
		if errs == nil {
			var b *booking
			b, errs = validateBooking(e.App, e.Auth, proposed, now)
			if errs == nil {
				changes = describeForms(e.App, &current, proposed, in.Proposed, DatesOf(settings))
				if len(changes) == 0 {
					errs = validation.Errors{collections.FieldProposed: validation.NewError("validation_no_change", "Change at least one value.")}
				} else {
					est, err := EstimatePrice(e.App, event.GetString(collections.FieldClient), b.profession.id, b.start, b.end,
						requestedStaff(b, proposed, shape))
					if err != nil {
						return err
					}
					if est != nil {
						values[collections.FieldEstimatedPrice] = est.Total
						values[collections.FieldCurrency] = est.Currency
					}
				}
			}
		}
		if len(errs) > 0 {
			return e.BadRequestError("Please correct the highlighted fields.", errs)
		}
		values[collections.FieldKind] = string(collections.RequestChange)
		values[collections.FieldProposed] = in.Proposed
	default:
		return e.BadRequestError("Choose a change or a cancellation.", validation.Errors{collections.FieldKind: validation.NewError("validation_invalid", "Use change or cancellation.")})
	}

	// The form is checked first, so bad input is a 400 whatever the event's
	// state; then the one pending request per event.
	pending, err := e.App.CountRecords(collections.ChangeRequests, dbx.HashExp{collections.FieldEvent: event.Id, collections.FieldStatus: string(collections.RequestPending)})
	if err != nil {
		return err
	}
	if pending > 0 {
		return e.Error(http.StatusConflict, "This event already has a pending request. Withdraw it first to make another.", nil)
	}
	var request *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		var err error
		if request, err = createRecord(tx, collections.ChangeRequests, values); err != nil {
			return err
		}
		if err := auditPortalWrite(tx, e, "create", request, changes.Strings()); err != nil {
			return err
		}
		return Notify(tx, NotifyChangeRequested, request, Values{
			"contact_name": actingContactName(e), "request_kind": requestKindLabel(in.Kind),
			"changes": changes.String(), "reason": orNone(in.Reason),
		})
	})
	if err != nil {
		// The unique index keeps a second pending request out even when two
		// arrive at once.
		if strings.Contains(err.Error(), "UNIQUE") {
			return e.Error(http.StatusConflict, "This event already has a pending request. Withdraw it first to make another.", nil)
		}
		return e.InternalServerError("The request could not be saved; nothing changed. Please try again.", err)
	}
	if err := apis.EnrichRecord(e, request); err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, request)
}

// requestedStaff is the staff count a request prices: the proposed one, or
// the event's own when the client does not choose counts (the booking rules
// would otherwise price the agency's default).
func requestedStaff(b *booking, proposed BookingInput, shape EventShape) int {
	if proposed.StaffCount == nil {
		return shape.StaffCount
	}
	return b.staffCount
}

// withdrawChange lets a contact who may request changes withdraw the
// pending request of an event of their client.
func withdrawChange(e *core.RequestEvent) error {
	request, err := e.App.FindRecordById(collections.ChangeRequests, e.Request.PathValue("id"))
	if err != nil || request.GetString(collections.FieldClient) != e.Auth.GetString(collections.FieldClient) {
		return e.NotFoundError("Request not found.", err)
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := collections.Find[collections.ChangeRequest](tx, collections.ChangeRequests, request.Id)
		if err != nil {
			return err
		}
		if fresh.Status() != collections.RequestPending {
			return errAlreadyDecided(fresh.Status())
		}
		fresh.SetStatus(collections.RequestWithdrawn)
		if err := tx.Save(fresh); err != nil {
			return err
		}
		request = fresh.Record
		if err := auditPortalWrite(tx, e, "update", fresh.Record, []string{"Status: pending → withdrawn"}); err != nil {
			return err
		}
		return Notify(tx, NotifyChangeWithdrawn, fresh.Record, Values{"contact_name": actingContactName(e)})
	})
	var decided alreadyDecided
	if errors.As(err, &decided) {
		return e.Error(http.StatusConflict, decided.Error(), nil)
	}
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, request)
}

// alreadyDecided reports a request that is no longer pending.
type alreadyDecided collections.ChangeRequestStatus

func (a alreadyDecided) Error() string {
	return "This request was already " + string(a) + "; it can no longer be changed."
}

func errAlreadyDecided(status collections.ChangeRequestStatus) error { return alreadyDecided(status) }

// recordDecider notes which admin decided a request from the dashboard: only
// on the save that changes its status, so editing a decided request's reason
// later does not make the editor its decider.
func recordDecider(e *core.RecordRequestEvent) error {
	if e.HasSuperuserAuth() && transitionOf(e.App, e.Record).changes() {
		collections.Wrap[collections.ChangeRequest](e.Record).SetDecidedBy(e.Auth.Id)
	}
	return e.Next()
}

// decideChangeRequest applies an admin's decision (spec C4). The decision
// claims the pending status inside its transaction (claimStatus), so of two
// admins deciding at once exactly one wins and the other gets a 409; a
// decided request is final. Approving re-checks that the event is still
// atomic and not started, then applies the proposal (or the cancellation)
// to the event and all its shifts; only the real transition emails the
// client. Saving a decided request without changing its status (an edited
// reason) sends nothing and keeps who decided it and when.
func decideChangeRequest(e *core.RecordEvent) error {
	request := collections.Wrap[collections.ChangeRequest](e.Record)
	move := transitionOf(e.App, e.Record)
	was, is := collections.ChangeRequestStatus(move.from), request.Status()
	reason := strings.TrimSpace(request.DecisionReason())
	if is == collections.RequestDeclined && reason == "" {
		return validation.Errors{collections.FieldDecisionReason: validation.NewError("validation_required",
			"Give the client a reason for declining.")}
	}
	if !move.changes() {
		if was != collections.RequestPending {
			original := stored(e.App, e.Record)
			e.Record.Set(collections.FieldDecidedBy, original.Get(collections.FieldDecidedBy))
			e.Record.Set(collections.FieldDecidedAt, original.Get(collections.FieldDecidedAt))
		}
		return e.Next()
	}
	if was != collections.RequestPending {
		return errAlreadyDecidedAs(alreadyDecided(was).Error())
	}
	if is != collections.RequestApproved && is != collections.RequestDeclined && is != collections.RequestWithdrawn {
		return validation.Errors{collections.FieldStatus: validation.NewError("validation_status_transition",
			"Decide a request by approving or declining it.")}
	}
	var summary Proposal
	return withTransaction(&e.App, func() error {
		if err := claimStatus(e.App, e.Record, move, func(now string) string {
			return alreadyDecided(now).Error()
		}); err != nil {
			return err
		}
		if is == collections.RequestWithdrawn {
			return e.Next() // the withdraw route emails the group itself
		}
		request.SetDecidedAt(types.NowDateTime())
		// In words before it is applied, while the event still has its old values.
		var err error
		if summary, err = describeRequest(e.App, request, true); err != nil {
			return err
		}
		if is == collections.RequestApproved {
			if err := applyChangeRequest(e.App, request); err != nil {
				return err
			}
		}
		return e.Next()
	}, func(tx core.App) error {
		if is == collections.RequestWithdrawn {
			return nil
		}
		kind := NotifyChangeDeclined
		values := Values{"reason": reason, "changes": summary.String(), "request_kind": requestKindLabel(request.Kind())}
		if is == collections.RequestApproved {
			kind = NotifyChangeApproved
		}
		return Notify(tx, kind, e.Record, values)
	})
}

// applyChangeRequest changes the event and its shifts as the request says.
// Any failure returns an error, which rolls the whole decision back.
func applyChangeRequest(app core.App, request *collections.ChangeRequest) error {
	event, err := app.FindRecordById(collections.Events, request.EventID())
	if err != nil {
		return err
	}
	shape, err := ShapeOf(app, event.Id)
	if err != nil {
		return err
	}
	if msg := changeRefusal(app, event, shape, time.Now()); msg != "" {
		return validation.Errors{collections.FieldStatus: validation.NewError("validation_cannot_apply",
			"The request can no longer be applied: "+msg+" Decline it instead.")}
	}
	if request.Kind() == collections.RequestCancellation {
		event.Set(collections.FieldStatus, string(collections.EventCancelled))
		return app.Save(event)
	}
	settings, err := portalSettings(app)
	if err != nil {
		return err
	}
	proposed, err := request.Proposed()
	if err != nil {
		return err
	}
	form, errs := applyProposal(currentForm(event, shape, settings.Location()), proposed, true)
	if errs != nil {
		return errs
	}
	loc := settings.Location()
	start, err1 := parseLocalTime(form.Start, form.StartOccurrence, loc)
	end, err2 := parseLocalTime(form.End, form.EndOccurrence, loc)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	startDT, endDT := dateTimeOf(start), dateTimeOf(end)
	event.Load(map[string]any{
		collections.FieldName: form.Name, collections.FieldVenue: form.Venue, collections.FieldAddress: form.Address,
		collections.FieldNotes: form.Notes, collections.FieldStartsAt: startDT, collections.FieldEndsAt: endDT,
	})
	if v := request.GetInt(collections.FieldEstimatedPrice); v > 0 {
		event.Set(collections.FieldEstimatedPrice, v)
		event.Set(collections.FieldCurrency, request.GetString(collections.FieldCurrency))
	}
	if err := app.Save(event); err != nil {
		return err
	}
	// The staff count is the event's total: the first shift takes what the
	// others do not already cover.
	others := shape.StaffCount - shape.Shifts[0].GetInt(collections.FieldStaffCount)
	for i, s := range shape.Shifts {
		s.Load(map[string]any{collections.FieldProfession: form.Profession,
			collections.FieldStartsAt: startDT, collections.FieldEndsAt: endDT})
		if i == 0 && form.StaffCount != nil {
			if *form.StaffCount-others < 1 {
				return validation.Errors{collections.FieldStatus: validation.NewError("validation_cannot_apply",
					fmt.Sprintf("The event has %d staff on other lines; change them in the event instead.", others))}
			}
			s.Set(collections.FieldStaffCount, *form.StaffCount-others)
		}
		if err := app.Save(s); err != nil {
			return err
		}
	}
	return nil
}
