package pb_hooks

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// pagePoolChild names the case a child test process runs: SQLite takes the
// pool only before its first connection, which this process opened long ago.
const pagePoolChild = "CREWPORTAL_PAGE_POOL_CHILD"

// TestPageCachePool checks, each in a fresh process, that Connect gives
// SQLite the pool and that the pages a connection reads again after another
// connection's commit come from it; and that a process whose SQLite had
// started before Connect runs on without the pool.
func TestPageCachePool(t *testing.T) {
	switch os.Getenv(pagePoolChild) {
	case "pool":
		poolServesReadsAfterCommits(t)
		return
	case "late":
		lateConnectRunsWithoutPool(t)
		return
	}
	for _, child := range []string{"pool", "late"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPageCachePool$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), pagePoolChild+"="+child)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestPageCachePool") {
			t.Fatalf("%s: %v\n%s", child, err, out)
		}
		t.Logf("%s: %s", child, out)
	}
}

func poolServesReadsAfterCommits(t *testing.T) {
	start := time.Now()
	db, err := DatabaseConfig{MaxOpenConns: 2, CacheMB: 1}.Connect(t.TempDir() + "/data.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t.Logf("pool of %d slots; the first Connect took %s", pageCachePool.slots, time.Since(start))
	if want := 4 << 20 / (sqlitePageSize + 8); pageCachePool.slots < want*9/10 || pageCachePool.slots > want {
		t.Fatalf("the pool has %d slots, want about %d: 4 MB for two readers, the writer and the logs", pageCachePool.slots, want)
	}
	for _, q := range []string{"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000) INSERT INTO t (v) SELECT printf('%0200d', i) FROM n"} {
		if _, err := db.NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	// Two connections at once: a commit between reads makes the other drop
	// its cache and read every page again.
	reader, err := db.DB().Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	for i := range 3 {
		var n int
		if err := reader.QueryRowContext(t.Context(), "SELECT count(*) FROM t WHERE v != ''").Scan(&n); err != nil || n != 3000+i {
			t.Fatalf("read %d: %d rows, %v", i, n, err)
		}
		if _, err := db.NewQuery(fmt.Sprintf("INSERT INTO t (v) VALUES ('%d')", i)).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	used, overflow := sqliteStatus(t, sqlite3.SQLITE_STATUS_PAGECACHE_USED), sqliteStatus(t, sqlite3.SQLITE_STATUS_PAGECACHE_OVERFLOW)
	t.Logf("pages in the pool: %d; bytes outside it: %d", used, overflow)
	if used < 150 { // the table alone is some 160 pages
		t.Errorf("%d pages in the pool: the caches do not use it", used)
	}
	if overflow != 0 {
		t.Errorf("%d bytes of pages outside the pool, which has room for all", overflow)
	}
}

func lateConnectRunsWithoutPool(t *testing.T) {
	early, err := sql.Open("sqlite", t.TempDir()+"/early.db")
	if err != nil {
		t.Fatal(err)
	}
	defer early.Close()
	if err := early.Ping(); err != nil {
		t.Fatal(err)
	}
	db, err := DatabaseConfig{CacheMB: 1}.Connect(t.TempDir() + "/data.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var one int
	if err := db.NewQuery("SELECT 1").Row(&one); err != nil || one != 1 {
		t.Fatalf("a query without the pool: %d, %v", one, err)
	}
	if pageCachePool.slots != 0 {
		t.Errorf("the pool claims %d slots, but SQLite had started before it", pageCachePool.slots)
	}
}

// sqliteStatus is sqlite3_status(op)'s current value.
func sqliteStatus(t *testing.T, op int32) int {
	tls := libc.NewTLS()
	defer tls.Close()
	vals := libc.Xcalloc(tls, 2, 8)
	defer libc.Xfree(tls, vals)
	if rc := sqlite3.Xsqlite3_status(tls, op, vals, vals+8, 0); rc != sqlite3.SQLITE_OK {
		t.Fatalf("sqlite3_status(%d) = %d", op, rc)
	}
	return int(libc.AtomicLoadPInt32(vals))
}
