package pgstore_test

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/pgstore"
)

// poolConfig parses the test server's URL. Tests change the config before
// they build a pool from it.
func poolConfig(t testing.TB) *pgxpool.Config {
	t.Helper()
	config, err := pgxpool.ParseConfig(testservice.Postgres(t).URL)
	if err != nil {
		t.Fatalf("parse the test server URL: %v", err)
	}
	return config
}

// newPool returns a pool for config, closed when the test ends.
func newPool(t testing.TB, config *pgxpool.Config) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	if err != nil {
		t.Fatalf("pgxpool.NewWithConfig: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

var (
	sharedPoolOnce sync.Once
	sharedPool     *pgxpool.Pool
	sharedPoolErr  error
)

// testPool returns the pool most tests share: the conformance suite builds
// hundreds of stores, and a pool each would open hundreds of connections.
// It lives until the test binary exits.
func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	rawURL := testservice.Postgres(t).URL
	sharedPoolOnce.Do(func() {
		sharedPool, sharedPoolErr = pgxpool.New(context.Background(), rawURL)
	})
	if sharedPoolErr != nil {
		t.Fatalf("pgxpool.New: %v", sharedPoolErr)
	}
	return sharedPool
}

// uniqueTable returns a table name no other test uses, and drops the table
// (if anything created it) when the test ends.
func uniqueTable(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	table := testservice.UniqueName(t, "pgstore_")
	dropWhenDone(t, pool, pgx.Identifier{table})
	return table
}

// dropWhenDone drops the table id at the end of the test.
func dropWhenDone(t testing.TB, pool *pgxpool.Pool, id pgx.Identifier) {
	t.Helper()
	testservice.Cleanup(t, func(ctx context.Context) {
		if _, err := pool.Exec(ctx, "DROP TABLE IF EXISTS "+id.Sanitize()); err != nil {
			t.Errorf("drop table %s: %v", id.Sanitize(), err)
		}
	})
}

// uniqueSchema creates a schema no other test uses and drops it, with its
// tables, when the test ends.
func uniqueSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	schema := testservice.UniqueName(t, "pgstore_schema_")
	if _, err := pool.Exec(context.Background(), "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	testservice.Cleanup(t, func(ctx context.Context) {
		if _, err := pool.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// newStore returns a store in a new table of pool, dropped when the test
// ends.
func newStore(t testing.TB, pool *pgxpool.Pool) *pgstore.Store {
	t.Helper()
	s, _ := newStoreTable(t, pool)
	return s
}

// newStoreTable is newStore that also returns the table's name.
func newStoreTable(t testing.TB, pool *pgxpool.Pool) (*pgstore.Store, string) {
	t.Helper()
	table := uniqueTable(t, pool)
	s, err := openTable(context.Background(), pool, pgstore.Options{Table: table})
	if err != nil {
		t.Fatalf("pgstore.New: %v", err)
	}
	return s, table
}

// tableExists reports whether a table of exactly this name exists in schema
// (the current schema when empty).
func tableExists(t testing.TB, pool *pgxpool.Pool, schema, table string) bool {
	t.Helper()
	var n int
	err := pool.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_tables WHERE schemaname = coalesce(nullif($1, ''), current_schema()) AND tablename = $2`,
		schema, table).Scan(&n)
	if err != nil {
		t.Fatalf("look up table %q.%q: %v", schema, table, err)
	}
	return n == 1
}

// password returns the password of the test server's URL, which no error
// may contain.
func password(t testing.TB) string {
	t.Helper()
	pw := testservice.Postgres(t).Password
	if pw == "" {
		t.Fatalf("the test server URL has no password; the tests that check that errors do not leak it need one")
	}
	return pw
}

// counter counts what a pool sends to the server: the statements pgx runs
// (its tracer) and the writes on the wire (each write is a batch of protocol
// messages the client sends before waiting for the answer, that is one round
// trip).
type counter struct {
	queries atomic.Int64
	writes  atomic.Int64
	mu      sync.Mutex
	sql     []string
}

// install makes config's connections report to c.
func (c *counter) install(config *pgxpool.Config) {
	config.ConnConfig.Tracer = c
	dial := config.ConnConfig.DialFunc
	config.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: conn, c: c}, nil
	}
}

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	c.queries.Add(1)
	c.mu.Lock()
	c.sql = append(c.sql, data.SQL)
	c.mu.Unlock()
	return ctx
}

func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// reset zeroes the counts and returns the SQL statements run since the last
// reset.
func (c *counter) reset() []string {
	c.queries.Store(0)
	c.writes.Store(0)
	c.mu.Lock()
	defer c.mu.Unlock()
	sql := c.sql
	c.sql = nil
	return sql
}

type countingConn struct {
	net.Conn
	c *counter
}

func (cc *countingConn) Write(b []byte) (int, error) {
	cc.c.writes.Add(1)
	return cc.Conn.Write(b)
}

// openTable is New followed by CreateTable, as the URL opener does.
func openTable(ctx context.Context, pool *pgxpool.Pool, opts pgstore.Options) (*pgstore.Store, error) {
	s, err := pgstore.New(pool, opts)
	if err != nil {
		return nil, err
	}
	if err := s.CreateTable(ctx); err != nil {
		return nil, err
	}
	return s, nil
}
