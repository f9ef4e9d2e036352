package pb_hooks

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
	"strings"
)

// SQLite spends as long compiling a short query as running it: a portal
// page's queries are the same few dozen statements with different
// arguments, and PocketBase (through dbx and database/sql) prepares each one
// afresh and finalizes it after one use, which was a fifth of the server's
// CPU under load. Each connection here keeps its recently used statements
// prepared (modernc's statements keep their SQLite handle and reset it after
// a use), so a query that ran before on that connection only binds and
// steps. SQLite re-prepares a kept statement by itself when the schema
// changes (a migration, a collection edited in the dashboard).

// statementsPerConnection bounds each connection's kept statements: enough
// for every query the portal and the record API repeat (a few dozen), few
// enough that the compiled statements stay a few MB in all.
const statementsPerConnection = 128

// statementCachingConnector opens the driver's connections with a statement
// cache each (sql.OpenDB takes it in place of a driver name and DSN).
type statementCachingConnector struct {
	driver driver.Driver
	dsn    string
}

// Connect implements driver.Connector.
func (c statementCachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.driver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newStatementCachingConn(conn)
}

// Driver implements driver.Connector.
func (c statementCachingConnector) Driver() driver.Driver { return c.driver }

// sqliteConn is what database/sql uses of a modernc connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// statementCachingConn is a connection that keeps its recently used
// statements prepared. database/sql uses a connection from one goroutine at
// a time, but a transaction may run a query while the rows of another are
// still open on the same connection: a kept statement in use is not shared,
// the second query runs uncached.
type statementCachingConn struct {
	sqliteConn
	kept  map[string]*list.Element // of *keptStatement, most recently used first
	order list.List
}

type keptStatement struct {
	query string
	stmt  driver.Stmt
	inUse bool
}

func newStatementCachingConn(conn driver.Conn) (driver.Conn, error) {
	c, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, errors.New("the SQLite driver's connection lacks a context method database/sql needs")
	}
	return &statementCachingConn{sqliteConn: c, kept: map[string]*list.Element{}}, nil
}

// worthKeeping reports whether a statement is one the server repeats: reads
// and row writes. Schema changes and pragmas run once (and a script of
// several statements is compiled statement by statement anyway).
func worthKeeping(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	for _, verb := range repeatedVerbs {
		if len(q) > len(verb) && strings.EqualFold(q[:len(verb)], verb) {
			return true
		}
	}
	return false
}

var repeatedVerbs = []string{"SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"}

// take is the kept statement for the query, prepared now if needed and
// marked in use; nil when the query is not worth keeping or its statement
// is in use (the caller then runs the query uncached).
func (c *statementCachingConn) take(ctx context.Context, query string) (*keptStatement, error) {
	if el, ok := c.kept[query]; ok {
		k := el.Value.(*keptStatement)
		if k.inUse {
			return nil, nil
		}
		c.order.MoveToFront(el)
		k.inUse = true
		return k, nil
	}
	if !worthKeeping(query) {
		return nil, nil
	}
	stmt, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	k := &keptStatement{query: query, stmt: stmt, inUse: true}
	c.kept[query] = c.order.PushFront(k)
	for c.order.Len() > statementsPerConnection {
		oldest := c.order.Back().Value.(*keptStatement)
		if oldest.inUse {
			break // closed when released (drop)
		}
		c.drop(oldest)
	}
	return k, nil
}

// release returns a statement after its use; a failed statement is dropped,
// as is one evicted while it was in use.
func (c *statementCachingConn) release(k *keptStatement, failed bool) {
	k.inUse = false
	if failed || c.kept[k.query] == nil || c.order.Len() > statementsPerConnection {
		c.drop(k)
	}
}

func (c *statementCachingConn) drop(k *keptStatement) {
	if el, ok := c.kept[k.query]; ok && el.Value == k {
		c.order.Remove(el)
		delete(c.kept, k.query)
	}
	k.stmt.Close()
}

// QueryContext implements driver.QueryerContext.
func (c *statementCachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	k, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if k == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := k.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.release(k, true)
		return nil, err
	}
	return &keptStatementRows{Rows: rows, conn: c, kept: k}, nil
}

// ExecContext implements driver.ExecerContext.
func (c *statementCachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	k, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if k == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	res, err := k.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	c.release(k, err != nil)
	return res, err
}

// Close finalizes the kept statements, then closes the connection.
func (c *statementCachingConn) Close() error {
	for el := c.order.Front(); el != nil; el = el.Next() {
		el.Value.(*keptStatement).stmt.Close()
	}
	clear(c.kept)
	c.order.Init()
	return c.sqliteConn.Close()
}

// keptStatementRows gives the statement back when its rows are closed
// (modernc resets the statement then, rather than finalizing it).
type keptStatementRows struct {
	driver.Rows
	conn *statementCachingConn
	kept *keptStatement
}

// Close implements driver.Rows.
func (r *keptStatementRows) Close() error {
	err := r.Rows.Close()
	if r.kept != nil {
		r.conn.release(r.kept, err != nil)
		r.kept = nil
	}
	return err
}

// The column type methods database/sql's ColumnTypes asks for (the
// dashboard's SQL console shows them), passed through.

// ColumnTypeDatabaseTypeName implements driver.RowsColumnTypeDatabaseTypeName.
func (r *keptStatementRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

// ColumnTypeNullable implements driver.RowsColumnTypeNullable.
func (r *keptStatementRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

// ColumnTypeLength implements driver.RowsColumnTypeLength.
func (r *keptStatementRows) ColumnTypeLength(i int) (length int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

// ColumnTypePrecisionScale implements driver.RowsColumnTypePrecisionScale.
func (r *keptStatementRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

// ColumnTypeScanType implements driver.RowsColumnTypeScanType.
func (r *keptStatementRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
