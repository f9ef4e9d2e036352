package pb_hooks_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crewportal/crewportal/pb_hooks"
)

// TestKeptStatements checks that a connection's kept statements answer as
// fresh ones would: other arguments, a query run again while its rows are
// open, a schema change between uses, a failed write, a query cancelled mid-rows,
// and more distinct queries than a connection keeps.
func TestKeptStatements(t *testing.T) {
	db, err := pb_hooks.DatabaseConfig{}.Connect(t.TempDir() + "/data.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.DB().Conn(ctx) // one connection: its cache is the one looked at
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	kept := func() int {
		t.Helper()
		n, err := pb_hooks.KeptStatements(conn)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	name := func(id int) string {
		t.Helper()
		var s string
		if err := conn.QueryRowContext(ctx, "SELECT name FROM people WHERE id = ?", id).Scan(&s); err != nil {
			t.Fatalf("person %d: %v", id, err)
		}
		return s
	}

	mustExec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
	mustExec("PRAGMA optimize")
	if n := kept(); n != 0 {
		t.Errorf("schema changes and pragmas are not kept: %d kept", n)
	}
	for i, n := range []string{"Ada", "Grace", "Linus"} {
		mustExec("INSERT INTO people (id, name) VALUES (?, ?)", i+1, n)
	}
	if name(1) != "Ada" || name(2) != "Grace" || name(3) != "Linus" {
		t.Error("a kept read answers with its new arguments")
	}
	if n := kept(); n != 2 {
		t.Errorf("kept %d statements, want the insert and the read", n)
	}

	t.Run("the same query while its rows are open", func(t *testing.T) {
		rows, err := conn.QueryContext(ctx, "SELECT name FROM people WHERE id >= ? ORDER BY id", 1)
		if err != nil {
			t.Fatal(err)
		}
		var outer []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			outer = append(outer, s)
			var inner int
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT name FROM people WHERE id >= ? ORDER BY id)", 2).Scan(&inner); err != nil || inner != 2 {
				t.Errorf("inner query: %d, %v", inner, err)
			}
		}
		rows.Close()
		if strings.Join(outer, ",") != "Ada,Grace,Linus" {
			t.Errorf("outer rows: %v", outer)
		}
	})

	t.Run("a write that fails, then succeeds", func(t *testing.T) {
		const insert = "INSERT INTO people (id, name) VALUES (?, ?)"
		if _, err := conn.ExecContext(ctx, insert, 4, "Ada"); err == nil {
			t.Fatal("a duplicate name was stored")
		}
		mustExec(insert, 4, "Barbara")
		if name(4) != "Barbara" {
			t.Error("the insert after a failed one")
		}
	})

	t.Run("a schema change between uses", func(t *testing.T) {
		const all = "SELECT * FROM people WHERE id = ?"
		cols := func() []string {
			rows, err := conn.QueryContext(ctx, all, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			c, _ := rows.Columns()
			return c
		}
		before := cols()
		mustExec("ALTER TABLE people ADD COLUMN email TEXT DEFAULT ''")
		if after := cols(); len(before) != 2 || len(after) != 3 {
			t.Errorf("columns %v, then %v after adding one", before, after)
		}
	})

	t.Run("a query cancelled while its rows are open", func(t *testing.T) {
		const all = "SELECT name FROM people WHERE id >= ? ORDER BY id"
		cancelled, cancel := context.WithCancel(ctx)
		rows, err := conn.QueryContext(cancelled, all, 1)
		if err != nil {
			t.Fatal(err)
		}
		rows.Next()
		cancel()
		for rows.Next() {
		}
		rows.Close()
		// The kept statement was reset and given back: it answers in full.
		var names []string
		again, err := conn.QueryContext(ctx, all, 1)
		if err != nil {
			t.Fatal(err)
		}
		for again.Next() {
			var s string
			again.Scan(&s)
			names = append(names, s)
		}
		again.Close()
		if len(names) != 4 || names[0] != "Ada" {
			t.Errorf("the query after a cancelled one: %v", names)
		}
	})

	t.Run("more queries than a connection keeps", func(t *testing.T) {
		for i := range 300 {
			var n int
			q := fmt.Sprintf("SELECT count(*) + %d FROM people", i)
			if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 4+i {
				t.Fatalf("%s = %d, %v", q, n, err)
			}
		}
		if n := kept(); n > 128 {
			t.Errorf("%d statements kept, more than a connection's 128", n)
		}
		if name(3) != "Linus" {
			t.Error("a query after the evictions")
		}
	})

	t.Run("a transaction rolled back", func(t *testing.T) {
		tx, err := db.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("UPDATE people SET name = ? WHERE id = ?", "Ada L.", 1); err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		if name(1) != "Ada" {
			t.Error("a rolled-back update shows")
		}
	})
}
