package pb_hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestListTotalsFollowChanges checks a contact's record-API list totals,
// which are counted once and kept (list_totals.go): a second page asks no
// count, and the total follows at once a new record (another client's leaves
// it kept), a parent moving its
// children to another client (written without the children's record hooks),
// a change of the invoice its payments and lines are listed through, and,
// for a filter through a relation (never kept), a change of the related
// record.
func TestListTotalsFollowChanges(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	profession := portaltest.NewProfession(t, app, true)
	own := portaltest.NewClient(t, app, "Kept totals")
	other := portaltest.NewClient(t, app, "Other kept totals")
	contacts := map[string]string{}
	for name, client := range map[string]*collections.Client{"own": own, "other": other} {
		c := portaltest.NewContact(t, app, client, portaltest.NewRole(t, app, client.Id, collections.Permissions...), "kept-"+name+"@client.test")
		contacts[name] = portaltest.AuthHeaders(t, c.Record)["Authorization"]
	}
	var events []*collections.Event
	for d := range 3 {
		e, _ := portaltest.NewEvent(t, app, own, time.Now().AddDate(0, 0, d+1), 4*time.Hour, profession, profession)
		events = append(events, e)
	}
	log := logQueries(app)
	base := portaltest.StartServer(t, app)
	check := func(what, who, collection, query string, wantTotal, wantPages int, wantCount bool) {
		t.Helper()
		log.take()
		status, body := portaltest.Call(t, http.MethodGet, base+"/api/collections/"+collection+"/records?"+query, contacts[who], nil)
		var page struct{ TotalItems, TotalPages int }
		if err := json.Unmarshal(body, &page); status != http.StatusOK || err != nil {
			t.Fatalf("%s: %d %s", what, status, body)
		}
		counted := false
		for _, sql := range log.take() {
			counted = counted || strings.Contains(sql, "COUNT(") && strings.Contains(sql, "FROM `"+collection+"`")
		}
		if page.TotalItems != wantTotal || page.TotalPages != wantPages || counted != wantCount {
			t.Errorf("%s: total %d in %d pages (counted: %v), want %d in %d (counted: %v)",
				what, page.TotalItems, page.TotalPages, counted, wantTotal, wantPages, wantCount)
		}
	}
	check("the first page", "own", collections.Events, "perPage=2", 3, 2, true)
	check("the second page", "own", collections.Events, "perPage=2&page=2", 3, 2, false)
	check("one a page", "own", collections.Events, "perPage=1", 3, 3, false)
	check("no total asked for", "own", collections.Events, "skipTotal=1", -1, -1, false)
	check("another client's contact", "other", collections.Events, "", 0, 0, true)
	portaltest.NewEvent(t, app, own, time.Now().AddDate(0, 0, 9), time.Hour, profession)
	check("after a booking", "own", collections.Events, "perPage=2", 4, 2, true)
	// Another client's booking leaves this client's total kept.
	portaltest.NewEvent(t, app, other, time.Now().AddDate(0, 0, 9), time.Hour, profession)
	check("after another client's booking", "own", collections.Events, "perPage=2", 4, 2, false)
	check("the other client's, after its booking", "other", collections.Events, "", 1, 1, true)

	byEvent := "filter=" + url.QueryEscape(`event = "`+events[0].Id+`"`)
	check("an event's shifts", "own", collections.Shifts, byEvent, 2, 1, true)
	check("an event's shifts again", "own", collections.Shifts, byEvent, 2, 1, false)
	events[0].Set(collections.FieldClient, other.Id)
	if err := app.Save(events[0]); err != nil {
		t.Fatal(err)
	}
	check("the shifts of an event moved to another client", "own", collections.Shifts, byEvent, 0, 0, true)
	check("the other client's, after the move", "other", collections.Shifts, byEvent, 2, 1, true)
	check("the events after the move", "own", collections.Events, "perPage=2", 3, 2, true)
	check("the other client's events after the move", "other", collections.Events, "", 2, 1, true)

	// Payments and invoice lines are listed through their invoice's status:
	// their kept totals follow the invoice's.
	invoice := portaltest.Create(t, app, collections.Invoices, map[string]any{"client": own.Id, "currency": "AUD"})
	portaltest.Create(t, app, collections.InvoiceLines, map[string]any{"invoice": invoice.Id, "description": "Staff",
		"quantity": 1, "unit_price": 1000, "tax_rate": 0})
	for _, name := range []string{collections.InvoiceLines, collections.Payments} {
		check(name+" of a draft", "own", name, "", 0, 0, true)
		check(name+" of a draft, again", "own", name, "", 0, 0, false)
	}
	invoice.Set(collections.FieldStatus, string(collections.InvoiceIssued))
	if err := app.Save(invoice); err != nil {
		t.Fatal(err)
	}
	portaltest.Create(t, app, collections.Payments, map[string]any{"invoice": invoice.Id, "amount": 400,
		"paid_on": "2026-03-01 00:00:00.000Z"})
	check("invoice lines once issued", "own", collections.InvoiceLines, "", 1, 1, true)
	check("invoice lines once issued, again", "own", collections.InvoiceLines, "", 1, 1, false)
	check("payments once issued", "own", collections.Payments, "", 1, 1, true)
	check("payments once issued, again", "own", collections.Payments, "", 1, 1, false)
	invoice, err := app.FindRecordById(collections.Invoices, invoice.Id) // the payment changed its paid amount
	if err != nil {
		t.Fatal(err)
	}
	invoice.Set(collections.FieldNotes, "Paid in part")
	if err := app.Save(invoice); err != nil {
		t.Fatal(err)
	}
	check("payments after an invoice change", "own", collections.Payments, "", 1, 1, true)

	// A filter through a relation is counted every time: a change of the
	// profession (which does not forget the shifts' totals) shows at once.
	byProfession := "filter=" + url.QueryEscape(`profession.name = "`+profession.GetString(collections.FieldName)+`"`)
	check("shifts by profession", "own", collections.Shifts, byProfession, 5, 1, true)
	profession.Set(collections.FieldName, "Renamed")
	if err := app.Save(profession); err != nil {
		t.Fatal(err)
	}
	check("shifts by the profession's old name", "own", collections.Shifts, byProfession, 0, 0, true)
}
