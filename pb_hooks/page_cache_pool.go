package pb_hooks

import (
	"sync"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// In WAL mode a connection drops its whole page cache when it starts to
// read after another connection's commit. SQLite frees each dropped page,
// and allocates each page it reads again, through the Go SQLite's
// allocator, which maps and unmaps memory for blocks of a page's size: under
// bookings (a commit every few milliseconds) that was a quarter of a
// booking's CPU (issue 16). One pool of page slots, given to SQLite before it
// starts (SQLITE_CONFIG_PAGECACHE), makes dropping and refilling a cache a
// matter of moving slots on a free list; a cache needing more pages than the
// pool holds gets them from the allocator, as before.

// sqlitePageSize is the page size of PocketBase's databases (SQLite's
// default); a database with larger pages is served by the allocator.
const sqlitePageSize = 4096

var pageCachePool struct {
	once  sync.Once
	slots int // 0 when SQLite had already started: the pool was not set up
}

// setUpPageCachePool gives SQLite a pool of mb megabytes of page slots, once
// per process, before the first connection opens. SQLite refuses it once a
// connection has opened (as in a test process that opened one another way);
// then the caches use the allocator, as they would without the pool.
func setUpPageCachePool(mb int) {
	pageCachePool.once.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		// A slot holds a page and the headers SQLite keeps with it.
		hdr := libc.Xmalloc(tls, 8)
		defer libc.Xfree(tls, hdr)
		if !sqliteConfig(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, hdr) {
			return
		}
		size := (sqlitePageSize + int(libc.AtomicLoadPInt32(hdr)) + 7) &^ 7
		slots := mb << 20 / size
		// Kept for the life of the process: SQLite owns it from here on.
		buf := libc.Xmalloc(tls, libc.Tsize_t(size*slots))
		if buf == 0 {
			return
		}
		if !sqliteConfig(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, buf, int32(size), int32(slots)) {
			libc.Xfree(tls, buf)
			return
		}
		pageCachePool.slots = slots
	})
}

// sqliteConfig calls sqlite3_config(op, args...) and reports whether SQLite
// took it.
func sqliteConfig(tls *libc.TLS, op int32, args ...any) bool {
	va := libc.NewVaList(args...)
	defer libc.Xfree(tls, va)
	return sqlite3.Xsqlite3_config(tls, op, va) == sqlite3.SQLITE_OK
}
