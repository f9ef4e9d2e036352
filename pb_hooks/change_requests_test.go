package pb_hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// changeFixture is a booked and confirmed atomic event a month ahead.
type changeFixture struct {
	*bookingServer
	admin string
	event string
	day   string
}

func newChangeFixture(t *testing.T) *changeFixture {
	t.Helper()
	f := &changeFixture{bookingServer: newBookingServer(t)}
	f.admin = portaltest.AuthHeaders(t, f.a.admin1)["Authorization"]
	f.day = time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	code, body := f.call(t, http.MethodPost, "/api/portal/bookings", f.booker, f.form(nil))
	if code != http.StatusOK {
		t.Fatalf("booking: %d %v", code, body)
	}
	f.event = body["id"].(string)
	if code, _ := f.call(t, http.MethodPatch, "/api/collections/events/records/"+f.event, f.admin, map[string]any{"status": "confirmed"}); code != http.StatusOK {
		t.Fatalf("confirm: %d", code)
	}
	return f
}

func (f *changeFixture) request(t *testing.T, token string, body map[string]any) (int, map[string]any) {
	t.Helper()
	return f.call(t, http.MethodPost, "/api/portal/events/"+f.event+"/change-requests", token, body)
}

func (f *changeFixture) decide(t *testing.T, id string, body map[string]any) (int, map[string]any) {
	t.Helper()
	return f.call(t, http.MethodPatch, "/api/collections/change_requests/records/"+id, f.admin, body)
}

func (f *changeFixture) eventRecord(t *testing.T) *core.Record {
	t.Helper()
	r, err := f.app.FindRecordById(collections.Events, f.event)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestChangeRequestRules(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	change := map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall"}, "reason": "Bigger room"}

	viewer := portaltest.NewContact(t, f.app, f.a.client, portaltest.NewRole(t, f.app, "", collections.PermViewRoster), "viewer@acme.test")
	if code, _ := f.request(t, portaltest.AuthHeaders(t, viewer.Record)["Authorization"], change); code != http.StatusForbidden {
		t.Errorf("without request_changes: %d", code)
	}
	other := portaltest.NewClient(t, f.app, "Other Co")
	stranger := portaltest.NewContact(t, f.app, other, portaltest.NewRole(t, f.app, "", collections.Permissions...), "s@other.test")
	if code, _ := f.request(t, portaltest.AuthHeaders(t, stranger.Record)["Authorization"], change); code != http.StatusNotFound {
		t.Errorf("another client's contact: %d", code)
	}

	invalid := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"end before start", map[string]any{"kind": "change", "proposed": map[string]any{"end": f.day + "T10:00"}}, "end"},
		{"a field that cannot change", map[string]any{"kind": "change", "proposed": map[string]any{"status": "cancelled"}}, "proposed.status"},
		{"nothing changes", map[string]any{"kind": "change", "proposed": map[string]any{"venue": "The Barn"}}, "proposed"},
		{"cancellation without a reason", map[string]any{"kind": "cancellation"}, "reason"},
		{"unknown kind", map[string]any{"kind": "upgrade"}, "kind"},
	}
	for _, c := range invalid {
		code, body := f.request(t, f.booker, c.body)
		if data, _ := body["data"].(map[string]any); code != http.StatusBadRequest || data[c.field] == nil {
			t.Errorf("%s: %d %v", c.name, code, body)
		}
	}

	// One pending request per event; withdrawing frees the slot.
	code, body := f.request(t, f.booker, change)
	if code != http.StatusOK || body["status"] != "pending" {
		t.Fatalf("request: %d %v", code, body)
	}
	if f.eventRecord(t).GetString(collections.FieldVenue) != "The Barn" {
		t.Error("a request changed the event before any decision")
	}
	if code, body := f.request(t, f.manager, change); code != http.StatusConflict || !strings.Contains(body["message"].(string), "already has a pending request") {
		t.Errorf("second request: %d %v", code, body)
	}
	if to := recipientsOf(queued(t, f.app, dbx.HashExp{"kind": "change_requested"})); to != "ops1@agency.test,ops2@agency.test" {
		t.Errorf("request emailed to %q", to)
	}
	first := body["id"].(string)
	if code, _ := f.call(t, http.MethodPost, "/api/portal/change-requests/"+first+"/withdraw", f.booker, nil); code != http.StatusOK {
		t.Fatalf("withdraw: %d", code)
	}
	if len(queued(t, f.app, dbx.HashExp{"kind": "change_withdrawn"})) != 2 {
		t.Error("the group was not told of the withdrawal")
	}
	// A withdrawn request can be neither withdrawn again nor decided.
	if code, _ := f.call(t, http.MethodPost, "/api/portal/change-requests/"+first+"/withdraw", f.booker, nil); code != http.StatusConflict {
		t.Errorf("second withdrawal: %d", code)
	}
	if code, body := f.decide(t, first, map[string]any{"status": "approved"}); code != http.StatusConflict ||
		!strings.Contains(body["message"].(string), "already withdrawn") {
		t.Errorf("deciding a withdrawn request: %d %v", code, body)
	}
	if code, _ := f.request(t, f.booker, change); code != http.StatusOK {
		t.Errorf("a new request after withdrawing: %d", code)
	}

	// Contacts cannot create or edit requests directly.
	if code, _ := f.call(t, http.MethodPost, "/api/collections/change_requests/records", f.manager,
		map[string]any{"event": f.event, "kind": "change", "status": "approved"}); code != http.StatusForbidden {
		t.Errorf("direct create: %d", code)
	}
}

func TestChangeRequestRefusals(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	cancel := map[string]any{"kind": "cancellation", "reason": "Budget"}

	// A split event: changes go through the agency, named with its email.
	group, _ := f.app.FindRecordById(collections.Groups, f.a.client.GroupID())
	group.Set(collections.FieldEmail, "leeds@agency.test")
	save(t, f.app, group)
	portaltest.Create(t, f.app, collections.Shifts, map[string]any{"event": f.event, "profession": f.chef.Id,
		"starts_at": f.eventRecord(t).GetDateTime(collections.FieldStartsAt), "ends_at": f.eventRecord(t).GetDateTime(collections.FieldEndsAt), "staff_count": 1})
	code, body := f.request(t, f.booker, cancel)
	if msg, _ := body["message"].(string); code != http.StatusConflict || !strings.Contains(msg, "split into several positions") ||
		!strings.Contains(msg, "leeds@agency.test") {
		t.Errorf("split event: %d %v", code, body)
	}
	_, page := f.call(t, http.MethodGet, "/api/collections/events/records/"+f.event, f.booker, nil)
	if notice, _ := page["split_notice"].(string); page["atomic"] != false || !strings.Contains(notice, "leeds@agency.test") {
		t.Errorf("the portal is told atomic=%v, notice %q for a split event", page["atomic"], notice)
	}
	// The notices come from a cache; a changed group email shows at once.
	group.Set(collections.FieldEmail, "york@agency.test")
	save(t, f.app, group)
	_, page = f.call(t, http.MethodGet, "/api/collections/events/records/"+f.event, f.booker, nil)
	if notice, _ := page["split_notice"].(string); !strings.Contains(notice, "york@agency.test") {
		t.Errorf("after the group's email changed, the notice says %q", notice)
	}

	// Started and final events.
	started, _ := portaltest.NewEvent(t, f.app, f.a.client, time.Now().Add(-time.Hour), 3*time.Hour, collections.Wrap[collections.Profession](f.waiter))
	if code, body := f.call(t, http.MethodPost, "/api/portal/events/"+started.Id+"/change-requests", f.booker, cancel); code != http.StatusConflict ||
		!strings.Contains(body["message"].(string), "already started") {
		t.Errorf("started event: %d %v", code, body)
	}
	ended, _ := portaltest.NewEvent(t, f.app, f.a.client, time.Now().AddDate(0, 0, 3), time.Hour, collections.Wrap[collections.Profession](f.waiter))
	ended.Set(collections.FieldStatus, "cancelled")
	save(t, f.app, ended.Record)
	if code, body := f.call(t, http.MethodPost, "/api/portal/events/"+ended.Id+"/change-requests", f.booker, cancel); code != http.StatusConflict ||
		!strings.Contains(body["message"].(string), "cancelled") {
		t.Errorf("cancelled event: %d %v", code, body)
	}
}

func TestChangeRequestDecisions(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	proposal := map[string]any{"name": "Summer party XL", "venue": "Harbour Hall", "start": f.day + "T17:00",
		"end": f.day + "T23:30", "staff_count": 5, "profession": f.chef.Id}
	code, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": proposal, "reason": "More guests"})
	if code != http.StatusOK {
		t.Fatalf("request: %d %v", code, body)
	}
	id := body["id"].(string)

	// A failure while applying leaves nothing half-applied.
	failing := f.app.OnRecordUpdate(collections.Shifts).BindFunc(func(e *core.RecordEvent) error { return errFailedOnPurpose })
	if code, _ := f.decide(t, id, map[string]any{"status": "approved"}); code < 400 {
		t.Errorf("approval with a failing shift: %d", code)
	}
	f.app.OnRecordUpdate(collections.Shifts).Unbind(failing)
	if ev := f.eventRecord(t); ev.GetString(collections.FieldName) != "Summer party" || ev.GetString(collections.FieldVenue) != "The Barn" {
		t.Errorf("half-applied: %s at %s", ev.GetString(collections.FieldName), ev.GetString(collections.FieldVenue))
	}
	if r, _ := f.app.FindRecordById(collections.ChangeRequests, id); r.GetString(collections.FieldStatus) != "pending" {
		t.Errorf("request status after the failure: %s", r.GetString(collections.FieldStatus))
	}

	// Declining needs a reason and changes nothing.
	if code, _ := f.decide(t, id, map[string]any{"status": "declined"}); code != http.StatusBadRequest {
		t.Errorf("decline without reason: %d", code)
	}

	// Approving applies everything to the event and its shift, in one go.
	if code, body := f.decide(t, id, map[string]any{"status": "approved"}); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, body)
	}
	ev := f.eventRecord(t)
	shift, _ := f.app.FindFirstRecordByData(collections.Shifts, collections.FieldEvent, f.event)
	loc, _ := time.LoadLocation("Europe/London")
	wantStart, _ := time.ParseInLocation("2006-01-02T15:04", f.day+"T17:00", loc)
	if ev.GetString(collections.FieldName) != "Summer party XL" || ev.GetString(collections.FieldVenue) != "Harbour Hall" ||
		!ev.GetDateTime(collections.FieldStartsAt).Time().Equal(wantStart) || shift.GetInt(collections.FieldStaffCount) != 5 ||
		shift.GetString(collections.FieldProfession) != f.chef.Id || !shift.GetDateTime(collections.FieldStartsAt).Time().Equal(wantStart) ||
		ev.GetInt(collections.FieldEstimatedPrice) != 65*5*300 || ev.GetString(collections.FieldCurrency) != "GBP" {
		t.Errorf("applied: %s at %s from %v; shift %d × %s from %v; price %v", ev.GetString(collections.FieldName),
			ev.GetString(collections.FieldVenue), ev.GetDateTime(collections.FieldStartsAt), shift.GetInt(collections.FieldStaffCount),
			shift.GetString(collections.FieldProfession), shift.GetDateTime(collections.FieldStartsAt), ev.GetInt(collections.FieldEstimatedPrice))
	}
	r, _ := f.app.FindRecordById(collections.ChangeRequests, id)
	if r.GetString("decided_by") != f.a.admin1.Id || r.GetDateTime("decided_at").IsZero() {
		t.Errorf("decision not recorded: by %q at %v", r.GetString("decided_by"), r.GetDateTime("decided_at"))
	}
	if to := recipientsOf(queued(t, f.app, dbx.HashExp{"kind": "change_approved"})); to != "booker@acme.test" {
		t.Errorf("approval emailed to %q", to)
	}

	// A cancellation request, approved, cancels the event.
	_, body = f.request(t, f.booker, map[string]any{"kind": "cancellation", "reason": "Budget"})
	if code, _ := f.decide(t, body["id"].(string), map[string]any{"status": "approved"}); code != http.StatusOK {
		t.Fatalf("approve cancellation: %d", code)
	}
	if f.eventRecord(t).GetString(collections.FieldStatus) != "cancelled" {
		t.Error("an approved cancellation did not cancel the event")
	}
}

func TestChangeRequestNoLongerApplicable(t *testing.T) {
	t.Parallel()
	f := newChangeFixture(t)
	code, body := f.request(t, f.booker, map[string]any{"kind": "change", "proposed": map[string]any{"venue": "Harbour Hall"}})
	if code != http.StatusOK {
		t.Fatalf("request: %d %v", code, body)
	}
	id := body["id"].(string)
	// The agency splits the event before deciding.
	ev := f.eventRecord(t)
	portaltest.Create(t, f.app, collections.Shifts, map[string]any{"event": f.event, "profession": f.chef.Id,
		"starts_at": ev.GetDateTime(collections.FieldStartsAt), "ends_at": ev.GetDateTime(collections.FieldEndsAt), "staff_count": 1})
	code, resp := f.decide(t, id, map[string]any{"status": "approved"})
	if code != http.StatusBadRequest || !strings.Contains(toJSON(resp), "can no longer be applied") {
		t.Errorf("approving for a split event: %d %v", code, resp)
	}
	if f.eventRecord(t).GetString(collections.FieldVenue) != "The Barn" {
		t.Error("the event changed")
	}
	if code, _ := f.decide(t, id, map[string]any{"status": "declined", "decision_reason": "Split into two positions"}); code != http.StatusOK {
		t.Errorf("declining it instead: %d", code)
	}
	if to := recipientsOf(queued(t, f.app, dbx.HashExp{"kind": "change_declined"})); to != "booker@acme.test" {
		t.Errorf("decline emailed to %q", to)
	}
}
