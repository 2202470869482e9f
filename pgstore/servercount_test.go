package pgstore_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/store"
)

// serverCountOps is how many times each operation runs between two
// readings of pg_stat_statements.
const serverCountOps = 5

// TestServerCountsOneStatement is TestOneRoundTrip from the server's side:
// pg_stat_statements, PostgreSQL's own count of executed statements, must
// show that N operations of one kind ran one statement N times and nothing
// else touched the test's table, on the server directly and through
// PgBouncer in transaction mode. The table's name is unique, so the
// statements that contain it are this test's alone although other tests
// share the server.
func TestServerCountsOneStatement(t *testing.T) {
	admin := newPool(t, poolConfig(t))
	requireStatStatements(t, admin)
	t.Run("direct", func(t *testing.T) { testServerCounts(t, admin, poolConfig(t)) })
	t.Run("pgbouncer", func(t *testing.T) {
		config, err := pgxpool.ParseConfig(testservice.PgBouncer(t).URL)
		if err != nil {
			t.Fatal(err)
		}
		testServerCounts(t, admin, config)
	})
}

func testServerCounts(t *testing.T, admin *pgxpool.Pool, config *pgxpool.Config) {
	s, table := newStoreTable(t, newPool(t, config))
	ctx := t.Context()
	name := func(i int) string { return fmt.Sprintf("page/%d.html", i) }
	phases := []struct {
		op, verb string // verb starts the one statement the server must see
		run      func(i int) error
	}{
		{"Write", "INSERT", func(i int) error { return s.Write(ctx, name(i), "<p>hi</p>") }},
		{"Read", "SELECT", func(i int) error { _, err := s.Read(ctx, name(i)); return err }},
		{"Delete", "DELETE", func(i int) error { return s.Delete(ctx, name(i)) }},
		{"Read missing", "SELECT", func(i int) error {
			if _, err := s.Read(ctx, name(i)); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("Read of deleted %q: err = %v; want store.ErrNotFound", name(i), err)
			}
			return nil
		}},
	}
	for _, p := range phases {
		delta := measure(t, admin, table, func() {
			for i := range serverCountOps {
				if err := p.run(i); err != nil {
					t.Fatalf("%s: %v", p.op, err)
				}
			}
		})
		if len(delta) != 1 {
			t.Errorf("%d × %s: the server ran %d statements on %s: %v; want exactly one", serverCountOps, p.op, len(delta), table, delta)
			continue
		}
		for query, calls := range delta {
			if !strings.HasPrefix(query, p.verb) || calls != serverCountOps {
				t.Errorf("%d × %s: the server ran %q %d times; want one %s, %d times", serverCountOps, p.op, query, calls, p.verb, serverCountOps)
			}
			t.Logf("%d × %s: pg_stat_statements calls = %d for %q", serverCountOps, p.op, calls, query)
		}
	}
}

// requireStatStatements creates the extension (a no-op when the service
// setup did, which a role without superuser needs) and checks the server
// loaded it.
func requireStatStatements(t *testing.T, admin *pgxpool.Pool) {
	t.Helper()
	ctx := t.Context()
	if _, err := admin.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"); err != nil {
		testservice.SkipOrFail(t, "pg_stat_statements is not installed in the test database (scripts/services and the containers create it): %v", err)
	}
	if _, err := admin.Exec(ctx, "SELECT 1 FROM pg_stat_statements LIMIT 1"); err != nil {
		testservice.SkipOrFail(t, "the test server does not load pg_stat_statements (shared_preload_libraries): %v", err)
	}
}

// measure runs ops and returns, per normalized statement text that names
// table, how many more calls pg_stat_statements counted afterwards than
// before. When the server evicted entries meanwhile (it keeps
// pg_stat_statements.max of them and the shared server sees many tests'
// tables), a count may be lost, so the measurement is repeated.
func measure(t *testing.T, admin *pgxpool.Pool, table string, ops func()) map[string]int64 {
	t.Helper()
	for range 3 {
		dealloc, before := statCalls(t, admin, table)
		ops()
		deallocAfter, after := statCalls(t, admin, table)
		if deallocAfter != dealloc {
			t.Logf("pg_stat_statements evicted entries during the measurement; again")
			continue
		}
		delta := map[string]int64{}
		for _, q := range slices.Sorted(maps.Keys(after)) {
			if d := after[q] - before[q]; d != 0 {
				delta[q] = d
			}
		}
		return delta
	}
	t.Fatalf("pg_stat_statements evicted entries during each of 3 measurements")
	return nil
}

// statCalls returns pg_stat_statements' eviction count and the calls of
// each statement whose text contains table. The query's own text has the
// name as a parameter, so it does not count itself.
func statCalls(t *testing.T, admin *pgxpool.Pool, table string) (int64, map[string]int64) {
	t.Helper()
	ctx := t.Context()
	var dealloc int64
	if err := admin.QueryRow(ctx, "SELECT dealloc FROM pg_stat_statements_info").Scan(&dealloc); err != nil {
		t.Fatalf("read pg_stat_statements_info: %v", err)
	}
	rows, err := admin.Query(ctx,
		`SELECT query, sum(calls)::bigint FROM pg_stat_statements
		 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		   AND strpos(query, $1) > 0
		 GROUP BY query`, table)
	if err != nil {
		t.Fatalf("read pg_stat_statements: %v", err)
	}
	calls := map[string]int64{}
	for rows.Next() {
		var q string
		var n int64
		if err := rows.Scan(&q, &n); err != nil {
			t.Fatalf("scan pg_stat_statements: %v", err)
		}
		calls[q] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read pg_stat_statements: %v", err)
	}
	return dealloc, calls
}
