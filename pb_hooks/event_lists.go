package pb_hooks

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/money"
)

// Event lists of the portal (spec E1): upcoming and past events of the
// contact's client with search, status and date filters, pages, and a CSV
// export of exactly the same filtered list. One implementation serves both,
// so the export can never disagree with the screen.

// EventListQuery is the filter of the portal's event lists.
type EventListQuery struct {
	Scope    string // "upcoming" (default) or "past"
	Search   string // in the name or venue
	Status   collections.EventStatus
	From, To string // agency-local dates, YYYY-MM-DD, inclusive, on the start
	Page     int
	PerPage  int
}

const maxEventsPerPage = 100

// parseEventListQuery reads the list filter from the query string and
// returns field errors for values it cannot use.
func parseEventListQuery(e *core.RequestEvent) (EventListQuery, validation.Errors) {
	q := e.Request.URL.Query()
	f := EventListQuery{Scope: q.Get("scope"), Search: strings.TrimSpace(q.Get("q")),
		Status: collections.EventStatus(q.Get("status")), From: q.Get("from"), To: q.Get("to"), Page: 1, PerPage: 20}
	errs := validation.Errors{}
	if err := validation.Validate(f.Search, plainText(200)); err != nil {
		errs["q"] = err
	}
	if f.Scope == "" {
		f.Scope = "upcoming"
	}
	if f.Scope != "upcoming" && f.Scope != "past" {
		errs["scope"] = validation.NewError("validation_invalid", "Use upcoming or past.")
	}
	if f.Status != "" && !containsStatus(f.Status) {
		errs["status"] = validation.NewError("validation_invalid", "Unknown status.")
	}
	f.Page = parseDatesAndPage(q, errs)
	if v := q.Get("perPage"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > maxEventsPerPage {
			errs["perPage"] = validation.NewError("validation_invalid", fmt.Sprintf("Between 1 and %d.", maxEventsPerPage))
		} else {
			f.PerPage = n
		}
	}
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

// parseDatesAndPage checks a list's "from" and "to" dates (YYYY-MM-DD) and
// reads its page (1 when not given), adding an error for each bad value.
func parseDatesAndPage(q url.Values, errs validation.Errors) int {
	for _, key := range []string{"from", "to"} {
		if v := q.Get(key); v != "" {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				errs[key] = validation.NewError("validation_invalid_date", "Use a date like 2026-12-31.")
			}
		}
	}
	page := 1
	if v := q.Get("page"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			errs["page"] = validation.NewError("validation_invalid", "Pages start at 1.")
		} else {
			page = n
		}
	}
	return page
}

func containsStatus(s collections.EventStatus) bool {
	for _, x := range collections.EventStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// eventListSelect builds the query of one client's filtered events, newest
// relevant first: upcoming by start ascending, past by start descending.
func eventListSelect(app core.App, clientID string, f EventListQuery, loc *time.Location, now time.Time) *dbx.SelectQuery {
	nowDT, _ := types.ParseDateTime(now.UTC())
	q := eventFilterSelect(app.RecordQuery(collections.Events), clientID, f, loc)
	if f.Scope == "past" {
		// starts_at < now follows from ends_at < now (validateTimesInOrder);
		// saying it lets SQLite walk the (client, starts_at) index backwards
		// and stop after a page, instead of sorting all of a client's past.
		return q.AndWhere(dbx.NewExp("[[starts_at]] < {:now} AND [[ends_at]] < {:now}", dbx.Params{"now": nowDT.String()})).
			OrderBy("starts_at DESC", "id DESC")
	}
	return q.AndWhere(notOver(nowDT)).OrderBy("starts_at ASC", "id ASC")
}

// eventFilterSelect narrows q to the client's events that the filter
// matches, its scope aside.
func eventFilterSelect(q *dbx.SelectQuery, clientID string, f EventListQuery, loc *time.Location) *dbx.SelectQuery {
	q = q.AndWhere(dbx.HashExp{collections.FieldClient: clientID})
	if f.Search != "" {
		like := "%" + escapeLike(f.Search) + "%"
		q = q.AndWhere(dbx.NewExp("([[name]] LIKE {:q} ESCAPE '\\' OR [[venue]] LIKE {:q} ESCAPE '\\')", dbx.Params{"q": like}))
	}
	if f.Status != "" {
		q = q.AndWhere(dbx.HashExp{collections.FieldStatus: string(f.Status)})
	}
	if f.From != "" {
		from, _ := time.ParseInLocation(time.DateOnly, f.From, loc)
		dt, _ := types.ParseDateTime(from.UTC())
		q = q.AndWhere(dbx.NewExp("[[starts_at]] >= {:from}", dbx.Params{"from": dt.String()}))
	}
	if f.To != "" {
		to, _ := time.ParseInLocation(time.DateOnly, f.To, loc)
		dt, _ := types.ParseDateTime(to.AddDate(0, 0, 1).UTC())
		q = q.AndWhere(dbx.NewExp("[[starts_at]] < {:to}", dbx.Params{"to": dt.String()}))
	}
	return q
}

// notOver matches the events that end at or after now. For one client's
// events SQLite answers it from the (client, starts_at, ends_at) index: reading rows in
// start order it walks the index and stops after a page (an index led by
// ends_at made it read and sort all of a client's upcoming events for one
// page: 46 ms for the largest client's home page, against 3 ms). The walk
// begins at now minus the longest event and a day (an event not over
// started at most its length ago; the day covers rounding), which the
// index of events' lengths gives in one seek: it used to begin at the
// client's first event ever, 17,800 past ones before the first upcoming for
// the largest client.
func notOver(now types.DateTime) dbx.Expression {
	return dbx.NewExp("[[ends_at]] >= {:now} AND [[starts_at]] >= "+earliestStartEndingFrom("now"), dbx.Params{"now": now.String()})
}

// earliestStartEndingFrom is SQL for the earliest start an event ending at
// or after the date in the named parameter can have: that date minus the
// longest event and a day, one seek of the index of events' lengths ("" when
// there are no events, which every start passes).
func earliestStartEndingFrom(param string) string {
	return "COALESCE((SELECT strftime('%Y-%m-%d %H:%M:%fZ', julianday({:" + param + "}) - " +
		"MAX(julianday([[longest.ends_at]]) - julianday([[longest.starts_at]])) - 1) " +
		"FROM {{" + collections.Events + "}} [[longest]]), '')"
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// listRequest reads a list request's filter with parse (a 400 naming each
// bad value) and the agency time zone.
func listRequest[Q any](e *core.RequestEvent, parse func(*core.RequestEvent) (Q, validation.Errors)) (Q, *time.Location, error) {
	f, errs := parse(e)
	if errs != nil {
		return f, nil, e.BadRequestError("Some filters are not valid.", errs)
	}
	settings, err := portalSettings(e.App)
	if err != nil {
		return f, nil, err
	}
	return f, settings.Location(), nil
}

// listEvents answers one page of the filtered list.
func listEvents(e *core.RequestEvent) error {
	f, loc, err := listRequest(e, parseEventListQuery)
	if err != nil {
		return err
	}
	now := time.Now()
	upcoming, past, err := countEvents(e.App, e.Auth.GetString(collections.FieldClient), f, loc, now)
	if err != nil {
		return err
	}
	total := upcoming
	if f.Scope == "past" {
		total = past
	}
	// A page past the end shows the last one, and says so: the offset of
	// page 9223372036854775807 would overflow.
	totalPages := int(math.Ceil(float64(total) / float64(f.PerPage)))
	answer := map[string]any{}
	if last := max(totalPages, 1); f.Page > last {
		answer["pageClamped"] = true
		answer["message"] = fmt.Sprintf("There is no page %d; this is the last page, %d.", f.Page, last)
		f.Page = last
	}
	var items []*core.Record
	q := eventListSelect(e.App, e.Auth.GetString(collections.FieldClient), f, loc, now)
	if err := q.Limit(int64(f.PerPage)).Offset(int64((f.Page - 1) * f.PerPage)).All(&items); err != nil {
		return err
	}
	if err := apis.EnrichRecords(e, items); err != nil {
		return err
	}
	prepareEventsForClient(e, items...)
	answer["page"], answer["perPage"], answer["totalItems"], answer["totalPages"], answer["items"] =
		f.Page, f.PerPage, total, totalPages, items
	return writeJSON(e, http.StatusOK, answer)
}

// exportEvents downloads the whole filtered list as CSV, in the agency's
// time zone, with prices only for roles allowed to view them.
func exportEvents(e *core.RequestEvent) error {
	f, loc, err := listRequest(e, parseEventListQuery)
	if err != nil {
		return err
	}
	now := time.Now()
	clientID := e.Auth.GetString(collections.FieldClient)
	prices := maySeePrices(e.App, e.Auth)
	name := fmt.Sprintf("events-%s-%s.csv", f.Scope, now.In(loc).Format(time.DateOnly))
	kept, key := keptEventExports(e.App, clientID), exportKey(clientID, f, loc, prices)
	if export, ok := kept.find(key); ok && export.goodAt(now) {
		return sendCSV(e, name, export.body)
	}
	header := []string{"Event", "Venue", "Address", "Start", "End", "Status"}
	if prices {
		header = append(header, "Estimated price", "Currency")
	}
	const layout = "2006-01-02 15:04"
	var (
		count    int
		firstEnd types.DateTime
	)
	body, err := buildCSV(header, false, func(add func(row ...string) error) error {
		// Only the exported columns, scanned row by row: an export can hold
		// a large client's thousands of events, and building whole records
		// for them, or a slice of them, was most of its cost.
		rows, err := eventListSelect(e.App, clientID, f, loc, now).
			Select("name", "venue", "address", "starts_at", "ends_at", "status", "estimated_price", "currency").Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			name, venue, address, status, currency string
			startsAt, endsAt                       types.DateTime
			price                                  int64
		)
		for rows.Next() {
			if err := rows.Scan(&name, &venue, &address, &startsAt, &endsAt, &status, &price, &currency); err != nil {
				return err
			}
			if count++; firstEnd.IsZero() || endsAt.Time().Before(firstEnd.Time()) {
				firstEnd = endsAt
			}
			row := []string{name, venue, address, startsAt.Time().In(loc).Format(layout),
				endsAt.Time().In(loc).Format(layout), collections.EventStatusLabel(collections.EventStatus(status))}
			if prices {
				row = append(row, money.Decimal(price, currency), currency)
			}
			if err := add(row...); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	if count >= minKeptExportRows {
		until, err := exportGoodUntil(e.App, clientID, f, now, firstEnd)
		if err != nil {
			return err
		}
		kept.keep(key, keptAnswer{body: body, until: until})
	}
	return sendCSV(e, name, body)
}

// buildCSV writes a CSV file: the header, then the rows that fill adds,
// made safe for spreadsheets (csvSafe), with CRLF line ends if crlf. The
// file is built in memory before anything is sent, so the query that fill
// runs is closed before the client reads (a slow download holds no
// database connection or snapshot), and a failure is still a clean error.
func buildCSV(header []string, crlf bool, fill func(add func(row ...string) error) error) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = crlf
	if err := w.Write(header); err != nil {
		return nil, err
	}
	if err := fill(func(row ...string) error { return w.Write(csvSafe(row)) }); err != nil {
		return nil, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sendCSV answers a CSV download named name, never kept in the browser's
// or a proxy's cache: it holds the contact's company's data.
func sendCSV(e *core.RequestEvent, name string, body []byte) error {
	e.Response.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, name))
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.Blob(http.StatusOK, "text/csv; charset=utf-8", body)
}

// csvSafe stops spreadsheet programs from running cells as formulas.
func csvSafe(row []string) []string {
	for i, v := range row {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			row[i] = "'" + v
		}
	}
	return row
}
