// Package bench measures Crewportal at agency scale: Generate fills an empty
// database with a large agency (skewed client sizes) in bulk, and Run drives
// every call the portal makes against a running server as many signed-in
// contacts of different clients, interleaved with a superuser's plain list as
// the baseline, and reports throughput, latencies, server CPU per request,
// RSS, start-up time and the portal's first-load bytes.
//
// Example usage:
//
//	crewportal bench-data --dir /tmp/agency --scale 0.1
//	go run ./bench/load --server ./crewportal --dir /tmp/agency
package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/spf13/cobra"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
)

// Sign-in details of the generated agency: every generated contact has
// ContactPassword; the superuser is the demo's admin.
const (
	ContactPassword = "bench-password-1"
	AdminEmail      = demo.AdminEmail
	AdminPassword   = demo.AdminPassword
)

// ContactEmail is the email of the n-th contact of the client of size rank
// rank (0 is the largest). Contact 0 of every client is a Manager.
func ContactEmail(rank, n int) string { return fmt.Sprintf("c%d.%d@bench.test", rank, n) }

// Shape is how many records of each kind a generated agency has.
type Shape struct {
	Clients, Contacts, Staff, Events int
}

// ShapeOf is the agency at scale: 1 is the large agency of issue 16 (1,000
// clients, 10,000 contacts, 20,000 staff, 200,000 events with about 400,000
// shifts and 1,000,000 assignments).
func ShapeOf(scale float64) Shape {
	n := func(full, least int) int { return max(least, int(math.Round(float64(full)*scale))) }
	return Shape{Clients: n(1000, 4), Contacts: n(10000, 8), Staff: n(20000, 20), Events: n(200000, 40)}
}

// Generated counts what Generate wrote.
type Generated struct {
	Clients, Contacts, Staff, Events, Shifts, ResourceLines, Assignments, ChangeRequests int
	Invoices, Payments                                                                   int
	Took                                                                                 time.Duration
}

// Generate fills an empty database with the demo's reference data (settings,
// shared roles, professions, tags, content, the admin) and then a large
// agency of the shape, written in bulk with prepared inserts in a few large
// transactions (no hooks run, so it also fills what hooks would: the owning
// client of every child record). Client sizes are skewed (Zipf): the largest
// client has about an eighth of all events. Rate limits are switched off.
func Generate(app core.App, shape Shape, seed uint64) (Generated, error) {
	started := time.Now()
	var out Generated
	if n, err := app.CountRecords(collections.Clients); err != nil || n > 0 {
		if err == nil {
			err = fmt.Errorf("the database already has clients; bench data goes into an empty one")
		}
		return out, err
	}
	if _, err := demo.Seed(app); err != nil {
		return out, fmt.Errorf("seed reference data: %w", err)
	}
	// The load comes from one address at a rate no person makes: the
	// benchmark measures the portal, not the limiter.
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		return out, err
	}
	g := &generator{app: app, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: time.Now().UTC(),
		// Invoices draw from their own stream, so the events of a seed stay
		// the same as before invoices were generated.
		invoiceRnd: rand.New(rand.NewPCG(seed^0x5bd1e995, seed))}
	if err := g.loadReferences(); err != nil {
		return out, err
	}
	if err := g.run(shape, &out); err != nil {
		return out, err
	}
	out.Took = time.Since(started)
	return out, nil
}

type generator struct {
	app         core.App
	rnd         *rand.Rand
	invoiceRnd  *rand.Rand
	invoices    int // issued so far: the next invoice's sequence
	now         time.Time
	roles       []string // Manager first
	professions []string
	groups      []string
	tables      map[string]*bulkTable
	tx          *dbx.Tx
	pending     int
}

func (g *generator) loadReferences() error {
	for _, name := range []string{"Manager", "Booker", "Finance", "Viewer"} {
		r, err := g.app.FindFirstRecordByData(collections.Roles, collections.FieldName, name)
		if err != nil {
			return fmt.Errorf("role %s: %w", name, err)
		}
		g.roles = append(g.roles, r.Id)
	}
	// Generated invoices number on after any the reference data has.
	if err := g.app.DB().Select("COALESCE(MAX(sequence), 0)").From(collections.Invoices).Row(&g.invoices); err != nil {
		return err
	}
	for collection, ids := range map[string]*[]string{collections.Professions: &g.professions, collections.Groups: &g.groups} {
		records, err := g.app.FindAllRecords(collection)
		if err != nil {
			return err
		}
		for _, r := range records {
			*ids = append(*ids, r.Id)
		}
	}
	return nil
}

// clientWeights are Zipf weights (1/rank), normalised to sum 1.
func clientWeights(n int, exponent float64) []float64 {
	w := make([]float64, n)
	var sum float64
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1), exponent)
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

func (g *generator) run(shape Shape, out *Generated) error {
	hash, err := g.passwordHash()
	if err != nil {
		return err
	}
	if err := g.begin(); err != nil {
		return err
	}
	staff := make([]string, shape.Staff)
	for i := range staff {
		staff[i] = g.id()
		if err := g.insert(collections.Staff, map[string]any{
			"id": staff[i], "name": fmt.Sprintf("Staff %05d", i), "phone": "+44 7700 900000", "active": true,
		}); err != nil {
			return err
		}
	}
	out.Staff = len(staff)

	eventWeights := clientWeights(shape.Clients, 1)
	contactWeights := clientWeights(shape.Clients, 0.5)
	spareContacts := max(0, shape.Contacts-2*shape.Clients)
	for rank := range shape.Clients {
		client := g.id()
		if err := g.insert(collections.Clients, map[string]any{
			"id": client, "name": fmt.Sprintf("Client %04d", rank), "portal_enabled": true,
			"group": g.groups[rank%len(g.groups)],
		}); err != nil {
			return err
		}
		out.Clients++
		contacts := 2 + int(math.Round(float64(spareContacts)*contactWeights[rank]))
		ids := make([]string, contacts)
		for n := range ids {
			ids[n] = g.id()
			if err := g.insert(collections.Contacts, map[string]any{
				"id": ids[n], "email": ContactEmail(rank, n), "name": fmt.Sprintf("Contact %d of client %d", n, rank),
				"client": client, "role": g.roles[n%len(g.roles)], "status": string(collections.ContactActive),
				"verified": true, "password": hash, "tokenKey": security.RandomString(50),
			}); err != nil {
				return err
			}
		}
		out.Contacts += contacts
		events := max(1, int(math.Round(float64(shape.Events)*eventWeights[rank])))
		for range events {
			if err := g.event(client, ids, staff, out); err != nil {
				return err
			}
		}
	}
	return g.commit()
}

// event writes one event with its shifts, assignments, resource lines and
// maybe a change request. Two in three events are atomic (every shift the
// same profession and times); the rest are split.
func (g *generator) event(client string, contacts, staff []string, out *Generated) error {
	const day = 24 * time.Hour
	start := g.now.Add(time.Duration(g.rnd.Int64N(int64(1095*day))) - 730*day).Truncate(time.Hour)
	end := start.Add(time.Duration(3+g.rnd.IntN(8)) * time.Hour)
	status := collections.EventCompleted
	switch p := g.rnd.IntN(100); {
	case end.Before(g.now) && p >= 90:
		status = collections.EventCancelled
	case end.Before(g.now):
	case p < 65:
		status = collections.EventConfirmed
	case p < 95:
		status = collections.EventToBeConfirmed
	default:
		status = collections.EventCancelled
	}
	atomic := g.rnd.IntN(3) < 2
	event := g.id()
	by := contacts[g.rnd.IntN(len(contacts))]
	if err := g.insert(collections.Events, map[string]any{
		"atomic": atomic,
		"id":     event, "client": client, "name": fmt.Sprintf("Event %s", event[:6]), "venue": "Town Hall",
		"address": "1 High Street", "starts_at": dt(start), "ends_at": dt(end), "status": string(status),
		"estimated_price": float64(200 + g.rnd.IntN(5000)), "currency": "AUD", "created_by": by, "source": "portal",
	}); err != nil {
		return err
	}
	out.Events++

	shifts := 1 + g.rnd.IntN(2)
	if !atomic {
		shifts = 2 + g.rnd.IntN(2)
	}
	profession := g.professions[g.rnd.IntN(len(g.professions))]
	leader := g.rnd.IntN(2) == 0
	for i := range shifts {
		from, to := start, end
		if !atomic {
			profession = g.professions[g.rnd.IntN(len(g.professions))]
			from = start.Add(time.Duration(i) * time.Hour)
		}
		shift, count := g.id(), 1+g.rnd.IntN(4)
		if err := g.insert(collections.Shifts, map[string]any{
			"id": shift, "event": event, "client": client, "profession": profession,
			"starts_at": dt(from), "ends_at": dt(to), "staff_count": count,
		}); err != nil {
			return err
		}
		out.Shifts++
		first := g.rnd.IntN(len(staff))
		for k := range min(count, len(staff)) {
			if err := g.insert(collections.Assignments, map[string]any{
				"id": g.id(), "shift": shift, "event": event, "client": client, "staff": staff[(first+k)%len(staff)],
				"team_leader": leader && i == 0 && k == 0, "starts_at": dt(from), "ends_at": dt(to),
			}); err != nil {
				return err
			}
			out.Assignments++
		}
	}
	if g.rnd.IntN(2) == 0 {
		if err := g.insert(collections.ResourceLines, map[string]any{
			"id": g.id(), "event": event, "client": client, "name": "Two-way radios", "quantity": 1 + g.rnd.IntN(8),
		}); err != nil {
			return err
		}
		out.ResourceLines++
	}
	if status == collections.EventCompleted && g.invoiceRnd.IntN(2) == 0 {
		if err := g.invoice(client, event, end, out); err != nil {
			return err
		}
	}
	if g.rnd.IntN(20) == 0 {
		status := "declined"
		if start.After(g.now) && atomic {
			status = "pending"
		}
		if err := g.insert(collections.ChangeRequests, map[string]any{
			"id": g.id(), "event": event, "client": client, "requested_by": by, "kind": "change",
			"proposed": `{"venue":"Another hall"}`, "reason": "Moved", "status": status,
		}); err != nil {
			return err
		}
		out.ChangeRequests++
	}
	return nil
}

// invoice writes the issued invoice of a completed event, the day after it
// ended, due 14 days later, and its payments: long past due, nearly all
// paid (a few void or overdue); recently due, some overdue; not yet due,
// mostly open, some partly or fully paid.
func (g *generator) invoice(client, event string, ended time.Time, out *Generated) error {
	const day = 24 * time.Hour
	issued := ended.Add(day).Truncate(day)
	due := issued.Add(14 * day)
	total := int64(20000 + g.invoiceRnd.IntN(500000))
	p := g.invoiceRnd.IntN(100)
	status, paid := collections.InvoiceIssued, int64(0)
	switch {
	case due.Before(g.now.Add(-30*day)) && p < 2:
		status = collections.InvoiceVoid
	case due.Before(g.now.Add(-30*day)) && p < 6:
		status, paid = collections.InvoiceOverdue, total/2
	case due.Before(g.now.Add(-30*day)) && p < 10:
		status = collections.InvoiceOverdue
	case due.Before(g.now.Add(-30 * day)):
		status, paid = collections.InvoicePaid, total
	case due.Before(g.now) && p < 50:
		status = collections.InvoiceOverdue
	case due.Before(g.now):
		status, paid = collections.InvoicePaid, total
	case p < 20:
		status, paid = collections.InvoicePartlyPaid, total/2
	case p < 30:
		status, paid = collections.InvoicePaid, total
	}
	g.invoices++
	invoice := randomID(g.invoiceRnd)
	if err := g.insert(collections.Invoices, map[string]any{
		"id": invoice, "client": client, "number": fmt.Sprintf("BENCH-%07d", g.invoices), "sequence": g.invoices,
		"status": string(status), "issued_on": dt(issued), "due_on": dt(due), "total": total, "paid_amount": paid,
		"currency": "AUD", "events": fmt.Sprintf("[%q]", event),
	}); err != nil {
		return err
	}
	out.Invoices++
	if paid == 0 {
		return nil
	}
	if err := g.insert(collections.Payments, map[string]any{
		"id": randomID(g.invoiceRnd), "invoice": invoice, "client": client, "paid_on": dt(issued.Add(7 * day)), "amount": paid, "currency": "AUD",
		"method": "Bank transfer",
	}); err != nil {
		return err
	}
	out.Payments++
	return nil
}

// passwordHash hashes ContactPassword once: every generated contact shares it,
// and bcrypt per contact would take minutes.
func (g *generator) passwordHash() (string, error) {
	c, err := g.app.FindCachedCollectionByNameOrId(collections.Contacts)
	if err != nil {
		return "", err
	}
	r := core.NewRecord(c)
	r.SetPassword(ContactPassword)
	row, err := r.DBExport(g.app)
	if err != nil {
		return "", err
	}
	hash, _ := row["password"].(string)
	if hash == "" {
		return "", fmt.Errorf("no password hash exported")
	}
	return hash, nil
}

func (g *generator) id() string { return randomID(g.rnd) }

// randomID is a record id (15 characters of a-z0-9) drawn from rnd.
func randomID(rnd *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	for i := range b {
		b[i] = alphabet[rnd.IntN(len(alphabet))]
	}
	return string(b)
}

func dt(t time.Time) string {
	d, _ := types.ParseDateTime(t)
	return d.String()
}

// bulkTable is one collection's prepared insert within the open transaction
// and the row every insert starts from (each field's empty value).
type bulkTable struct {
	stmt *dbx.Query
	row  dbx.Params
}

const rowsPerTransaction = 50000

func (g *generator) begin() error {
	db, ok := g.app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return fmt.Errorf("bulk inserts need the app's own database, not a transaction")
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	g.tx, g.tables, g.pending = tx, map[string]*bulkTable{}, 0
	return nil
}

func (g *generator) commit() error {
	for _, t := range g.tables {
		if err := t.stmt.Close(); err != nil {
			return err
		}
	}
	return g.tx.Commit()
}

// insert writes one record of the collection: values over the empty row.
// Every insert of a collection sets the same keys, so the row is reused.
func (g *generator) insert(collection string, values map[string]any) error {
	t, err := g.table(collection)
	if err != nil {
		return err
	}
	for _, k := range []string{"created", "updated"} {
		if _, ok := t.row[k]; ok {
			t.row[k] = dt(g.now)
		}
	}
	for k, v := range values {
		if _, ok := t.row[k]; !ok {
			return fmt.Errorf("%s has no field %s", collection, k)
		}
		t.row[k] = v
	}
	if _, err := t.stmt.Bind(t.row).Execute(); err != nil {
		return fmt.Errorf("insert %s: %w", collection, err)
	}
	if g.pending++; g.pending >= rowsPerTransaction {
		if err := g.commit(); err != nil {
			return err
		}
		return g.begin()
	}
	return nil
}

func (g *generator) table(collection string) (*bulkTable, error) {
	if t, ok := g.tables[collection]; ok {
		return t, nil
	}
	c, err := g.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	empty, err := core.NewRecord(c).DBExport(g.app)
	if err != nil {
		return nil, err
	}
	t := &bulkTable{row: dbx.Params{}}
	cols, vals := "", ""
	for k, v := range empty {
		t.row[k] = v
		if cols != "" {
			cols, vals = cols+", ", vals+", "
		}
		cols += "[[" + k + "]]"
		vals += "{:" + k + "}"
	}
	t.stmt = g.tx.NewQuery(fmt.Sprintf("INSERT INTO {{%s}} (%s) VALUES (%s)", collection, cols, vals)).Prepare()
	g.tables[collection] = t
	return t, nil
}

// NewDataCommand is the `bench-data` command: generate the agency of
// --scale into the (empty) database of --dir.
func NewDataCommand(app core.App) *cobra.Command {
	var scale float64
	var seed uint64
	cmd := &cobra.Command{
		Use:   "bench-data",
		Short: "Fill an empty database with a generated large agency for benchmarks (see README)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			shape := ShapeOf(scale)
			got, err := Generate(app, shape, seed)
			if err != nil {
				return err
			}
			cmd.Printf("bench-data: %d clients, %d contacts, %d staff, %d events, %d shifts, %d assignments, "+
				"%d resource lines, %d change requests, %d invoices, %d payments in %s\n", got.Clients, got.Contacts,
				got.Staff, got.Events, got.Shifts, got.Assignments, got.ResourceLines, got.ChangeRequests,
				got.Invoices, got.Payments, got.Took.Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().Float64Var(&scale, "scale", 0.01, "size relative to the large agency (1 = 1,000 clients, 200,000 events)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed (the same seed and scale give the same agency)")
	return cmd
}
