package pb_hooks

import (
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"github.com/pocketbase/dbx"
)

// DatabaseConfig sizes PocketBase's pool of data connections and SQLite's
// page cache for the machine. PocketBase's defaults (up to 120 open
// connections, 15 idle, each with a 32 MB page cache) let a busy server hold
// gigabytes of cache and run more SQLite queries at once than it has cores;
// SQLite queries are CPU-bound, so a few connections per core serve the same
// load from a fraction of the memory.
type DatabaseConfig struct {
	// MaxOpenConns bounds the data connections used at once (readers; writes
	// have their own single connection). Default: 2 per CPU, at least 4.
	MaxOpenConns int
	// MaxIdleConns connections stay open between requests. Default: MaxOpenConns.
	MaxIdleConns int
	// CacheMB is each connection's SQLite page cache. Default: 4 (PocketBase: 32).
	CacheMB int
}

// DatabaseConfigFromEnv reads CREWPORTAL_DB_CONNS and CREWPORTAL_DB_CACHE_MB
// (docs/ADMIN.md), filling in the machine's defaults.
func DatabaseConfigFromEnv() (DatabaseConfig, error) {
	var c DatabaseConfig
	for name, dst := range map[string]*int{"CREWPORTAL_DB_CONNS": &c.MaxOpenConns, "CREWPORTAL_DB_CACHE_MB": &c.CacheMB} {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return c, fmt.Errorf("%s must be a whole number of at least 1, not %q", name, v)
			}
			*dst = n
		}
	}
	return c.withDefaults(), nil
}

func (c DatabaseConfig) withDefaults() DatabaseConfig {
	if c.MaxOpenConns <= 0 {
		c.MaxOpenConns = max(4, 2*runtime.NumCPU())
	}
	if c.MaxIdleConns <= 0 || c.MaxIdleConns > c.MaxOpenConns {
		c.MaxIdleConns = c.MaxOpenConns
	}
	if c.CacheMB <= 0 {
		c.CacheMB = 4
	}
	return c
}

// Connect opens a database as PocketBase's own DefaultDBConnect does (the
// same pragmas), with the configured page cache and each connection keeping
// its recently used statements prepared: pocketbase.Config.DBConnect.
func (c DatabaseConfig) Connect(dbPath string) (*dbx.DB, error) {
	c = c.withDefaults()
	// Room for every data connection's cache and the writer's, and for the
	// auxiliary (logs) database's few busy connections.
	setUpPageCachePool((c.MaxOpenConns + 2) * c.CacheMB)
	// busy_timeout first: the connection must wait on a lock before WAL is set.
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)" +
		"&_pragma=cache_size(-" + strconv.Itoa(c.CacheMB*1024) + ")&_defensive=1"
	// The registered modernc driver, opened through a connector that keeps
	// each connection's statements prepared (statement_cache.go).
	probe, err := sql.Open("sqlite", "")
	if err != nil {
		return nil, err
	}
	sqlite := probe.Driver()
	probe.Close()
	db := sql.OpenDB(statementCachingConnector{driver: sqlite, dsn: dbPath + pragmas})
	return dbx.NewFromDB(db, "sqlite"), nil
}
