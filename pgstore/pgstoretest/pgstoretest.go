// Package pgstoretest gives a test a ready, empty *pgstore.Store on a real
// PostgreSQL server, for testing a web engine (or anything else built on
// store.MutableStore) against PostgreSQL rather than a mock.
//
//	func TestMain(m *testing.M) { pgstoretest.Main(m) }
//
//	func TestRender(t *testing.T) {
//		t.Parallel()
//		s := pgstoretest.New(t) // own table, dropped when t ends
//		...
//	}
//
// The server is, in order:
//
//  1. the one MUTABLESTORE_TEST_POSTGRES_URL names
//     (postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=disable; the role must
//     be allowed to create tables), shared with whatever else uses it;
//  2. otherwise a container started with testcontainers-go when a Docker
//     engine answers, image MUTABLESTORE_TEST_POSTGRES_IMAGE (default
//     postgres:16-alpine; any image honouring POSTGRES_USER,
//     POSTGRES_PASSWORD and POSTGRES_DB), shared by the tests of one test
//     binary and removed when it ends;
//  3. otherwise the test is skipped with a message saying how to provide a
//     server, or fails when MUTABLESTORE_TEST_REQUIRE=1.
//
// Each store gets its own table, dropped when the test ends, so tests may run
// in parallel on one database. Call Main from TestMain: without it a
// container outlives the test binary when Ryuk, the testcontainers reaper, is
// disabled (TESTCONTAINERS_RYUK_DISABLED=true).
package pgstoretest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/pgstore"
)

// Main runs the tests, removes the containers they started and exits with
// their status; use it as the whole body of TestMain. One call serves every
// harness package (redisstoretest, pgstoretest, s3storetest) of a binary.
func Main(m *testing.M) { testservice.Main(m) }

// URL returns the pgx connection URL of the database, starting a container
// if needed (see the package documentation). The database is shared: use
// tables of your own.
func URL(t testing.TB) string {
	t.Helper()
	return testservice.Postgres(t).URL
}

// Pool returns a pool of connections to the database, closed when the test
// ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("pgstoretest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// New returns an empty store in a table of its own, created now and dropped,
// with the store's pool closed, when the test ends.
func New(t testing.TB) *pgstore.Store {
	t.Helper()
	pool := Pool(t)
	table := testservice.UniqueName(t, "mstoretest_")
	// Registered before the pool's own cleanup runs (cleanups run last in,
	// first out), so the pool is still open here.
	testservice.Cleanup(t, func(ctx context.Context) {
		if _, err := pool.Exec(ctx, "drop table if exists "+pgx.Identifier{table}.Sanitize()); err != nil {
			t.Errorf("pgstoretest: dropping table %s: %v", table, err)
		}
	})
	s, err := pgstore.New(pool, pgstore.Options{Table: table})
	if err == nil {
		err = s.CreateTable(t.Context())
	}
	if err != nil {
		t.Fatalf("pgstoretest: %v", err)
	}
	return s
}
