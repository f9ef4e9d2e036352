package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// The admin's path to a decision (spec N1, B6, C4): events and change
// requests get a dashboard_link that opens their edit panel (computed for
// admins when read, never meaningful when stored, like contacts' portal_link);
// the To confirm and To approve lists select it, so every row carries a
// clickable link (a view column takes the type of the field it selects); and
// every email to the agency about a client's action links to its record.
func init() {
	link := func() *core.URLField {
		return &core.URLField{Name: "dashboard_link", Hidden: true,
			Help: "Opens this record in the dashboard (computed for admins when read; used by emails and the To confirm / To approve lists)."}
	}
	views := []struct{ name, from, to string }{
		{collections.EventsToConfirm,
			`SELECT e.id, e.created AS booked_at, c.name AS client_name, e.name, e.venue,
			e.starts_at, e.ends_at, e.estimated_price, e.currency
			FROM events e JOIN clients c ON c.id = e.client
			WHERE e.status = 'to_be_confirmed'
			ORDER BY e.created`,
			`SELECT e.id, e.dashboard_link, e.created AS booked_at, c.name AS client_name, e.name, e.venue,
			e.starts_at, e.ends_at, e.estimated_price, e.currency
			FROM events e JOIN clients c ON c.id = e.client
			WHERE e.status = 'to_be_confirmed'
			ORDER BY e.created`},
		{collections.ChangeRequestsToApprove,
			`SELECT r.id, r.created AS requested_at, c.name AS client_name, e.name AS event_name,
			e.starts_at, r.kind, r.proposed, r.reason, r.estimated_price
			FROM change_requests r JOIN events e ON e.id = r.event JOIN clients c ON c.id = r.client
			WHERE r.status = 'pending'
			ORDER BY r.created`,
			`SELECT r.id, r.dashboard_link, r.created AS requested_at, c.name AS client_name, e.name AS event_name,
			e.starts_at, r.kind, r.proposed, r.reason, r.estimated_price
			FROM change_requests r JOIN events e ON e.id = r.event JOIN clients c ON c.id = r.client
			WHERE r.status = 'pending'
			ORDER BY r.created`},
	}
	const open = "\n\nOpen it in the dashboard: {dashboard_url}"
	texts := []templateRewrite{}
	for _, t := range []notificationTemplate{
		{kind: "contact_details_changed", subject: "{client_name}: {contact_name} updated their details",
			body: "{contact_name} of {client_name} changed their details in the client portal:\n\n{changes}\n\nThe change is already saved; nothing needs doing unless it looks wrong."},
		{kind: "company_details_changed", subject: "{client_name}: company details updated by {contact_name}",
			body: "{contact_name} changed the company details of {client_name}:\n\n{changes}\n\nThe change is already saved; check billing records if needed."},
		{kind: "change_withdrawn", subject: "Change request withdrawn: {event_name} ({client_name})",
			body: "{contact_name} of {client_name} withdrew their pending change request for {event_name} ({event_dates}). Nothing needs doing."},
		{kind: "document_uploaded", subject: "New document for {event_name} ({client_name})",
			body: "{contact_name} of {client_name} uploaded \"{document_title}\" to {event_name} ({event_dates})."},
	} {
		to := t
		to.body += open
		texts = append(texts, templateRewrite{from: t, to: to})
	}
	texts = append(texts,
		templateRewrite{
			from: notificationTemplate{kind: "event_booked", subject: "New booking to confirm: {event_name} ({client_name})",
				body: "{contact_name} of {client_name} booked {event_name}.\n\nWhen: {event_dates}\nWhere: {event_venue}\n\nIt waits in the dashboard's To confirm list."},
			to: notificationTemplate{kind: "event_booked", subject: "New booking to confirm: {event_name} ({client_name})",
				body: "{contact_name} of {client_name} booked {event_name}.\n\nWhen: {event_dates}\nWhere: {event_venue}\n\n" +
					"Confirm it (status: confirmed) or decline it (status: declined, with a decision_reason) here: {dashboard_url}"},
		},
		templateRewrite{
			from: notificationTemplate{kind: "change_requested", subject: "{request_kind} requested: {event_name} ({client_name})",
				body: "{contact_name} of {client_name} asked for this on {event_name} ({event_dates}):\n\n{changes}\n\nReason: {reason}\n\nDecide it in the dashboard's To approve list."},
			to: notificationTemplate{kind: "change_requested", subject: "{request_kind} requested: {event_name} ({client_name})",
				body: "{contact_name} of {client_name} asked for this on {event_name} ({event_dates}):\n\n{changes}\n\nReason: {reason}\n\n" +
					"Approve it (status: approved) or decline it (status: declined, with a decision_reason) here: {dashboard_url}"},
		},
	)

	m.Register(func(app core.App) error {
		for _, name := range []string{collections.Events, collections.ChangeRequests} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.Fields.Add(link())
			if err := app.Save(c); err != nil {
				return err
			}
		}
		for _, v := range views {
			if err := setViewQuery(app, v.name, v.to); err != nil {
				return err
			}
		}
		return rewriteTemplates(app, texts...)
	}, func(app core.App) error {
		for _, v := range views {
			if err := setViewQuery(app, v.name, v.from); err != nil {
				return err
			}
		}
		for _, name := range []string{collections.Events, collections.ChangeRequests} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.Fields.RemoveByName("dashboard_link")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return rewriteTemplates(app, reversed(texts)...)
	})
}

// setViewQuery replaces the query of a view collection.
func setViewQuery(app core.App, name, query string) error {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		return err
	}
	c.ViewQuery = query
	return app.Save(c)
}
