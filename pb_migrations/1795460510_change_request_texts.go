package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The change request emails show the request in words ({changes}: names,
// agency-time dates, staff counts, old → new) and say what kind of request
// it was ({request_kind}), so a cancellation's answer reads "Cancellation
// approved", not "Change approved"; the decline repeats what was asked.
func init() {
	rewrites := []templateRewrite{
		{
			from: notificationTemplate{kind: "change_requested",
				subject: "Change requested: {event_name} ({client_name})",
				body:    "{contact_name} of {client_name} asked to change {event_name} ({event_dates}):\n\n{changes}\n\nReason: {reason}\n\nDecide it in the dashboard's To approve list."},
			to: notificationTemplate{kind: "change_requested",
				subject: "{request_kind} requested: {event_name} ({client_name})",
				body:    "{contact_name} of {client_name} asked for this on {event_name} ({event_dates}):\n\n{changes}\n\nReason: {reason}\n\nDecide it in the dashboard's To approve list."},
		},
		{
			from: notificationTemplate{kind: "change_approved",
				subject: "Change approved: {event_name}",
				body:    "Hello {recipient_name},\n\nYour requested change to {event_name} is approved and applied:\n\n{changes}\n\n{event_url}"},
			to: notificationTemplate{kind: "change_approved",
				subject: "{request_kind} approved: {event_name}",
				body:    "Hello {recipient_name},\n\nYour request for {event_name} is approved and applied:\n\n{changes}\n\n{event_url}"},
		},
		{
			from: notificationTemplate{kind: "change_declined",
				subject: "Change declined: {event_name}",
				body:    "Hello {recipient_name},\n\nWe could not apply your requested change to {event_name} ({event_dates}).\n\nReason: {reason}\n\nThe event stays as it was: {event_url}"},
			to: notificationTemplate{kind: "change_declined",
				subject: "{request_kind} declined: {event_name}",
				body:    "Hello {recipient_name},\n\nWe could not agree to your request for {event_name} ({event_dates}):\n\n{changes}\n\nReason: {reason}\n\nThe event stays as it was: {event_url}"},
		},
	}
	m.Register(func(app core.App) error {
		return rewriteTemplates(app, rewrites...)
	}, func(app core.App) error {
		return rewriteTemplates(app, reversed(rewrites)...)
	})
}
