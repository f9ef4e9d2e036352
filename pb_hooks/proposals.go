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
	var event *core.Record
	if compare {
		var err error
		if event, err = app.FindRecordById(collections.Events, request.EventID()); err != nil {
			return nil, fmt.Errorf("describe request %s: %w", request.Id, err)
		}
	}
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
	shape, err := ShapeOf(app, event.Id)
	if err != nil {
		return nil, err
	}
	current := currentForm(event, shape, dates.Zone)
	form, _ := applyProposal(current, proposed, true)
	return describeForms(app, &current, form, proposed, dates), nil
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
	p, err := app.FindRecordById(collections.Professions, id)
	if err != nil {
		return "an unknown profession"
	}
	return p.GetString(collections.FieldName)
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
	request := collections.Wrap[collections.ChangeRequest](e.Record)
	if e.Record.Collection().Name != collections.ChangeRequests {
		// A "To approve" row: the request itself has the fields described.
		found, err := collections.Find[collections.ChangeRequest](e.App, collections.ChangeRequests, e.Record.Id)
		if err != nil {
			return e.Next() // not a request any more (e.g. deleted meanwhile): nothing to say
		}
		request = found
	}
	lines, err := describeRequest(e.App, request, request.Status() == collections.RequestPending)
	if err != nil {
		return err
	}
	e.Record.WithCustomData(true)
	e.Record.Set(FieldSummary, lines)
	return e.Next()
}

func (p *plugin) bindProposalHooks() {
	p.app.OnRecordEnrich(collections.ChangeRequests).Bind(&hook.Handler[*core.RecordEnrichEvent]{
		Id:   HookIDPrefix + "changeRequests.summary",
		Func: addRequestSummary,
	})
	p.app.OnRecordEnrich(collections.ChangeRequestsToApprove).Bind(&hook.Handler[*core.RecordEnrichEvent]{
		Id:   HookIDPrefix + "changeRequests.summary.toApprove",
		Func: addRequestSummary,
	})
}
