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

// eventTransitions lists the statuses each status may change to (spec B7).
// Declined, cancelled and completed events are final.
var eventTransitions = map[collections.EventStatus][]collections.EventStatus{
	collections.EventToBeConfirmed: {collections.EventConfirmed, collections.EventDeclined, collections.EventCancelled},
	collections.EventConfirmed:     {collections.EventCancelled, collections.EventCompleted},
}

func (p *plugin) bindEventHooks() {
	p.app.OnRecordCreate(collections.Events).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "events.defaultStatus",
		Func: defaultEventStatus,
	})
	p.app.OnRecordUpdate(collections.Events).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "events.transition",
		Func: checkTransitionAndNotify,
	})
	p.app.OnRecordValidate(collections.Events, collections.Shifts).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "events.timesInOrder",
		Func: validateTimesInOrder,
	})
	p.bindShaping(collections.Events, "events.shape", prepareEventsForClient)
}

// validateTimesInOrder refuses an event or shift that ends before it starts,
// however it is saved (the booking form checks this too, but not the
// dashboard). The event lists rely on it: a past event started in the past.
func validateTimesInOrder(e *core.RecordEvent) error {
	start, end := e.Record.GetDateTime(collections.FieldStartsAt), e.Record.GetDateTime(collections.FieldEndsAt)
	// Only a change of the times is checked: a row saved before this rule
	// can still be cancelled or otherwise edited without fixing them first.
	was := e.Record.Original()
	unchanged := !e.Record.IsNew() && was.GetDateTime(collections.FieldStartsAt).Equal(start) &&
		was.GetDateTime(collections.FieldEndsAt).Equal(end)
	if !unchanged && !start.IsZero() && !end.IsZero() && !end.After(start) {
		return validation.Errors{collections.FieldEndsAt: validation.NewError("validation_ends_before_start",
			"The end must be after the start.")}
	}
	return e.Next()
}

// bindShaping runs shape on the records a list or view request returns,
// once per request, before they are serialised: how the plugin shows a
// record differently to different requesters (hidden prices, visible tags,
// colleagues' emails) without a query per record.
func (p *plugin) bindShaping(collection, id string, shape func(*core.RequestEvent, ...*core.Record)) {
	p.app.OnRecordsListRequest(collection).Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id: HookIDPrefix + id + ".list",
		Func: func(e *core.RecordsListRequestEvent) error {
			shape(e.RequestEvent, e.Records...)
			return e.Next()
		},
	})
	p.app.OnRecordViewRequest(collection).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id: HookIDPrefix + id + ".view",
		Func: func(e *core.RecordRequestEvent) error {
			shape(e.RequestEvent, e.Record)
			return e.Next()
		},
	})
}

// defaultEventStatus gives a new event the "to be confirmed" status when none
// was set: PocketBase fields have no schema defaults, and this model hook
// covers the API, the dashboard and Go code alike.
func defaultEventStatus(e *core.RecordEvent) error {
	event := collections.Wrap[collections.Event](e.Record)
	if event.Status() == "" {
		event.SetStatus(collections.EventToBeConfirmed)
	}
	return e.Next()
}

// checkTransitionAndNotify refuses status changes the life cycle does not
// allow, with the ones it does, requires a reason to decline, and emails the
// client when its booking is confirmed or declined, in the same transaction.
func checkTransitionAndNotify(e *core.RecordEvent) error {
	move := transitionOf(e.App, e.Record)
	if !move.changes() {
		return e.Next()
	}
	was, is := collections.EventStatus(move.from), collections.EventStatus(move.to)
	if allowed := eventTransitions[was]; !slices.Contains(allowed, is) {
		msg := fmt.Sprintf("A %s event cannot become %s; it is final.", statusLabel(was), statusLabel(is))
		if len(allowed) > 0 {
			labels := make([]string, len(allowed))
			for i, s := range allowed {
				labels[i] = statusLabel(s)
			}
			msg = fmt.Sprintf("A %s event can become %s, not %s.", statusLabel(was), strings.Join(labels, " or "), statusLabel(is))
		}
		return validation.Errors{collections.FieldStatus: validation.NewError("validation_status_transition", msg)}
	}
	reason := strings.TrimSpace(e.Record.GetString(collections.FieldDecisionReason))
	if is == collections.EventDeclined && reason == "" {
		return validation.Errors{collections.FieldDecisionReason: validation.NewError("validation_required",
			"Give the client a reason for declining.")}
	}
	kind := map[collections.EventStatus]NotificationKind{
		collections.EventConfirmed: NotifyEventConfirmed, collections.EventDeclined: NotifyEventDeclined,
	}[is]
	notify := kind != "" && e.Record.GetString(collections.FieldSource) == "portal"
	// Of two admins changing the status of the same loaded event, one wins;
	// only the winner's change emails the client.
	return withTransaction(&e.App, func() error {
		if err := claimStatus(e.App, e.Record, move, func(now string) string {
			return fmt.Sprintf("This event was already %s by someone else; reload it to see the change.",
				statusLabel(collections.EventStatus(now)))
		}); err != nil {
			return err
		}
		return e.Next()
	}, func(tx core.App) error {
		if !notify {
			return nil
		}
		return Notify(tx, kind, e.Record, Values{"reason": reason})
	})
}

// statusLabel is an event status inside a sentence ("a to be confirmed event").
func statusLabel(s collections.EventStatus) string {
	return strings.ToLower(collections.EventStatusLabel(s))
}

// finalEventStatuses are the statuses an event never leaves.
func finalEventStatuses() []collections.EventStatus {
	var final []collections.EventStatus
	for _, s := range collections.EventStatuses {
		if len(eventTransitions[s]) == 0 {
			final = append(final, s)
		}
	}
	return final
}

// prepareEventsForClient adds to a contact's copies of events the sentence
// that sends changes of a split event to the agency (C1, C2), worked out
// once per client in the request, not per event. Whether an event is atomic
// is stored on it (event_shape.go); prices and tags are shaped on every path
// by the enrich hooks (visibility.go).
func prepareEventsForClient(e *core.RequestEvent, records ...*core.Record) {
	if e.HasSuperuserAuth() {
		return
	}
	notices := map[string]string{}
	for _, r := range records {
		if r.GetBool(FieldAtomic) {
			continue
		}
		client := r.GetString(collections.FieldClient)
		notice, ok := notices[client]
		if !ok {
			notice = nonAtomicMessage(e.App, client)
			notices[client] = notice
		}
		r.WithCustomData(true)
		r.Set(FieldSplitNotice, notice)
	}
}

// FieldSplitNotice carries, on a contact's copy of a split event, the
// sentence that explains changes go through the agency, with its contact.
const FieldSplitNotice = "split_notice"

// FieldAtomic is the stored flag of an event: true when every shift has the
// same profession, start and end (spec C1), kept by event_shape.go.
const FieldAtomic = "atomic"
