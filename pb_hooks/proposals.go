package pb_hooks

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// A change request in words (spec C3, C4). One renderer serves every reader:
// the admins' "change requested" email, the client's approved and declined
// emails, the audit log, the dashboard and the portal's event page (the
// computed summary field), so nobody ever reads a profession id or a bare
// form time.

// FieldSummary is the computed field carrying a change request in words.
const FieldSummary = "summary"

// ProposalLine is one proposed change in words: what changes, from what (when
// compared with the event as it is), to what.
type ProposalLine struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before,omitempty"`
	After  string `json:"after"`
}

// String writes the line as emails show it: "Venue: The Barn → Harbour Hall".
func (l ProposalLine) String() string {
	if l.Before == "" {
		return l.Label + ": " + l.After
	}
	return l.Label + ": " + l.Before + " → " + l.After
}

// Proposal is a change request in words, one line per change.
type Proposal []ProposalLine

// Strings writes each line as emails show it.
func (p Proposal) Strings() []string {
	out := make([]string, len(p))
	for i, l := range p {
		out[i] = l.String()
	}
	return out
}

// String writes the lines one per line, for an email.
func (p Proposal) String() string { return strings.Join(p.Strings(), "\n") }

// requestKindLabel names what a request asks for, as email subjects start:
// "Cancellation approved: Summer party".
func requestKindLabel(kind collections.ChangeRequestKind) string {
	if kind == collections.RequestCancellation {
		return "Cancellation"
	}
	return "Change"
}

// proposalFields are the fields of a proposal in the order people read them,
// with their labels and how to write each value.
var proposalFields = []struct {
	key, label string
	value      func(app core.App, f BookingInput, dates AgencyDates) string
}{
	{"name", "Event name", func(_ core.App, f BookingInput, _ AgencyDates) string { return f.Name }},
	{"start", "Start", func(_ core.App, f BookingInput, dates AgencyDates) string { return formTime(f.Start, dates) }},
	{"end", "End", func(_ core.App, f BookingInput, dates AgencyDates) string { return formTime(f.End, dates) }},
	{"profession", "Profession", func(app core.App, f BookingInput, _ AgencyDates) string { return professionName(app, f.Profession) }},
	{"staff_count", "Number of staff", func(_ core.App, f BookingInput, _ AgencyDates) string {
		if f.StaffCount == nil {
			return ""
		}
		return fmt.Sprint(*f.StaffCount)
	}},
	{"venue", "Venue", func(_ core.App, f BookingInput, _ AgencyDates) string { return f.Venue }},
	{"address", "Address", func(_ core.App, f BookingInput, _ AgencyDates) string { return f.Address }},
	{"notes", "Notes", func(_ core.App, f BookingInput, _ AgencyDates) string { return f.Notes }},
}

// describeForms lists the differences between the current and the proposed
// form, old → new. With current nil it lists the proposed values of the keys
// only, for a request whose event has moved on since (approved or closed).
func describeForms(app core.App, current *BookingInput, proposed BookingInput, keys map[string]any, dates AgencyDates) Proposal {
	var out Proposal
	for _, f := range proposalFields {
		after := f.value(app, proposed, dates)
		if f.key == "staff_count" && proposed.StaffCount == nil {
			continue // the agency's count stays
		}
		if current == nil {
			if _, asked := keys[f.key]; asked {
				out = append(out, ProposalLine{Field: f.key, Label: f.label, After: orNone(after)})
			}
			continue
		}
		if before := f.value(app, *current, dates); before != after {
			out = append(out, ProposalLine{Field: f.key, Label: f.label, Before: orNone(before), After: orNone(after)})
		}
	}
	return out
}

// cancellationLines is a cancellation request in words.
func cancellationLines(event *core.Record, compare bool) Proposal {
	line := ProposalLine{Field: collections.FieldStatus, Label: "Status", After: "Cancelled"}
	if compare {
		line.Before = eventStatusName(collections.EventStatus(event.GetString(collections.FieldStatus)))
	}
	return Proposal{line}
}

// describeRequest writes a change request in words. Compared, each line
// says old → new against the event as it is now: right for a pending
// request and for a decision about to be applied. Otherwise it lists the
// proposed values only, since an approved request's event already has them.
//
// Only a compared request reads its event, so the decided requests of a list
// (every one but the single pending request) cost no query for it.
func describeRequest(app core.App, request *collections.ChangeRequest, compare bool) (Proposal, error) {
	if !compare {
		return describeRequestAgainst(app, request, nil, EventShape{})
	}
	event, err := app.FindRecordById(collections.Events, request.EventID())
	if err != nil {
		return nil, fmt.Errorf("describe request %s: %w", request.Id, err)
	}
	var shape EventShape // a cancellation is compared by status alone
	if request.Kind() != collections.RequestCancellation {
		if shape, err = ShapeOf(app, event.Id); err != nil {
			return nil, err
		}
	}
	return describeRequestAgainst(app, request, event, shape)
}

// describeRequestAgainst writes a change request in words, compared with
// the event as it is now (its record and shape) or, with event nil, as the
// proposed values only.
func describeRequestAgainst(app core.App, request *collections.ChangeRequest, event *core.Record, shape EventShape) (Proposal, error) {
	compare := event != nil
	if request.Kind() == collections.RequestCancellation {
		return cancellationLines(event, compare), nil
	}
	settings, err := portalSettings(app)
	if err != nil {
		return nil, err
	}
	proposed, err := request.Proposed()
	if err != nil {
		return nil, fmt.Errorf("describe request %s: %w", request.Id, err)
	}
	dates := DatesOf(settings)
	if !compare {
		form, _ := applyProposal(BookingInput{}, proposed, true)
		return describeForms(app, nil, form, proposed, dates), nil
	}
	current := currentForm(event, shape, dates.Zone)
	form, _ := applyProposal(current, proposed, true)
	return describeForms(app, &current, form, proposed, dates), nil
}

// summarizeListedRequests describes a list's pending requests together:
// each is compared with its event and the event's shifts, read for all of
// them in two queries instead of two per request. Their summaries are set
// before the enrichment, which then leaves them be (addRequestSummary).
func summarizeListedRequests(e *core.RecordsListRequestEvent) error {
	var pending []*collections.ChangeRequest
	for _, r := range e.Records {
		if request := collections.Wrap[collections.ChangeRequest](r); request.Status() == collections.RequestPending {
			pending = append(pending, request)
		}
	}
	if len(pending) < 2 {
		return e.Next()
	}
	eventIDs := make([]string, len(pending))
	for i, request := range pending {
		eventIDs[i] = request.EventID()
	}
	events, err := recordsByID(e.App, collections.Events, eventIDs)
	if err != nil {
		return err
	}
	shapes, err := shapesOf(e.App, eventIDs)
	if err != nil {
		return err
	}
	for _, request := range pending {
		event := events[request.EventID()]
		if event == nil {
			continue // described alone (and refused there) as before
		}
		lines, err := describeRequestAgainst(e.App, request, event, shapes[event.Id])
		if err != nil {
			return err
		}
		request.Record.WithCustomData(true)
		request.Record.Set(FieldSummary, lines)
	}
	return e.Next()
}

// formTime writes a booking-form time ("2027-01-03T17:00", the agency's wall
// clock) as people read it.
func formTime(s string, dates AgencyDates) string {
	t, err := time.ParseInLocation(LocalTimeLayout, s, dates.Zone)
	if err != nil {
		return s
	}
	return dates.DateTime(t)
}

// professionName names a profession by id ("" stays "").
func professionName(app core.App, id string) string {
	if id == "" {
		return ""
	}
	p, ok := cachedProfessions(app)[id]
	if !ok {
		return "an unknown profession"
	}
	return p.name
}

// The professions are a short list the agency rarely edits that every
// booking (is it offered?) and every change request in words (its name
// before and after) reads, so they come from a cache forgotten when a
// profession changes.
func professionsOf(app core.App) *storeCache[map[string]profession] {
	return cacheOf[map[string]profession](app, "professions")
}

// profession is what bookings and change requests read of one: its name,
// and whether clients may book it (offered to clients, and active).
type profession struct {
	id, name string
	bookable bool
}

// cachedProfessions returns the professions by id, shared read-only.
func cachedProfessions(app core.App) map[string]profession {
	return professionsOf(app).get(app, loadProfessions)
}

func loadProfessions(app core.App) (map[string]profession, error) {
	var rows []struct {
		ID       string `db:"id"`
		Name     string `db:"name"`
		Bookable bool   `db:"client_bookable"`
		Active   bool   `db:"active"`
	}
	if err := app.DB().Select("id", collections.FieldName, collections.FieldClientBookable, collections.FieldActive).
		From(collections.Professions).All(&rows); err != nil {
		return nil, err
	}
	out := make(map[string]profession, len(rows))
	for _, r := range rows {
		out[r.ID] = profession{id: r.ID, name: r.Name, bookable: r.Bookable && r.Active}
	}
	return out, nil
}

// eventStatusName is an event status as the portal writes it.
func eventStatusName(s collections.EventStatus) string {
	label := statusLabel(s)
	if label == "" {
		return label
	}
	return strings.ToUpper(label[:1]) + label[1:]
}

// addRequestSummary gives every reader of a change request (or of a row of
// the "To approve" list, which has the request's id) the request in words.
func addRequestSummary(e *core.RecordEnrichEvent) error {
	if _, done := e.Record.Get(FieldSummary).(Proposal); done {
		return nil // described with the rest of its list
	}
	request := collections.Wrap[collections.ChangeRequest](e.Record)
	if e.Record.Collection().Name != collections.ChangeRequests {
		// A "To approve" row: the request itself has the fields described.
		found, err := collections.Find[collections.ChangeRequest](e.App, collections.ChangeRequests, e.Record.Id)
		if err != nil {
			return nil // not a request any more (e.g. deleted meanwhile): nothing to say
		}
		request = found
	}
	lines, err := describeRequest(e.App, request, request.Status() == collections.RequestPending)
	if err != nil {
		return err
	}
	e.Record.WithCustomData(true)
	e.Record.Set(FieldSummary, lines)
	return nil
}

func (p *plugin) bindProposalHooks() {
	p.bindEnrich(addRequestSummary, collections.ChangeRequests)
	p.app.OnRecordsListRequest(collections.ChangeRequests).Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id:   HookIDPrefix + "changeRequests.summary.list",
		Func: summarizeListedRequests,
	})
	p.forgetOnChange(func(app core.App) changeAware { return professionsOf(app) }, collections.Professions)
	p.bindEnrich(addRequestSummary, collections.ChangeRequestsToApprove)
}
