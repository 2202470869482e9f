package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// bouncerPool returns a pool through PgBouncer in transaction pooling mode
// with pgx's defaults (QueryExecModeCacheStatement): the configuration a
// deployment gets without thinking about the pooler. Closed when the test
// ends.
func bouncerPool(t testing.TB, maxConns int32) *pgxpool.Pool {
	t.Helper()
	config, err := pgxpool.ParseConfig(testservice.PgBouncer(t).URL)
	if err != nil {
		t.Fatalf("parse the PgBouncer URL: %v", err)
	}
	if maxConns > 0 {
		config.MaxConns = maxConns
	}
	return newPool(t, config)
}

// bouncerStore returns a store through pool in a new table. New runs
// through PgBouncer too; the table is dropped directly on the server.
func bouncerStore(t testing.TB, pool *pgxpool.Pool) *pgstore.Store {
	t.Helper()
	s, err := openTable(t.Context(), pool, pgstore.Options{Table: uniqueTable(t, testPool(t))})
	if err != nil {
		t.Fatalf("pgstore.New through PgBouncer: %v", err)
	}
	return s
}

func TestConformancePgBouncer(t *testing.T) {
	pool := bouncerPool(t, 0)
	conformance.Run(t, func(tb testing.TB) store.MutableStore {
		return bouncerStore(tb, pool)
	})
}

// TestPgBouncerConcurrent runs New and many concurrent operations through
// PgBouncer, more client connections than it has server connections, so
// that each client connection's statements land on several server
// connections. With pgx's default mode that fails with 42P05 "prepared
// statement already exists" or 26000 "does not exist", often in New.
func TestPgBouncerConcurrent(t *testing.T) {
	const clients, workers, rounds = 16, 32, 20
	pool := bouncerPool(t, clients)
	ctx := t.Context()

	// New on missing tables and on existing ones, concurrently.
	stores := make([]*pgstore.Store, 4)
	tables := make([]string, len(stores))
	for i := range tables {
		tables[i] = uniqueTable(t, testPool(t))
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*3)
	for i := range workers {
		wg.Go(func() {
			s, err := openTable(ctx, pool, pgstore.Options{Table: tables[i%len(tables)]})
			if err != nil {
				errs <- fmt.Errorf("New: %w", err)
				return
			}
			if i < len(stores) {
				stores[i] = s
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	errs = make(chan error, workers*rounds*3)
	for w := range workers {
		wg.Go(func() {
			s := stores[w%len(stores)]
			for r := range rounds {
				name := fmt.Sprintf("w%d/r%d", w, r)
				content := fmt.Sprintf("content of %s", name)
				if err := s.Write(ctx, name, content); err != nil {
					errs <- err
					return
				}
				if got, err := s.Read(ctx, name); err != nil || got != content {
					errs <- fmt.Errorf("Read(%q) = %q, %v; want %q", name, got, err, content)
					return
				}
				if err := s.Delete(ctx, name); err != nil {
					errs <- err
					return
				}
				if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrNotFound) {
					errs <- fmt.Errorf("Read(%q) after Delete: %v; want store.ErrNotFound", name, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 5 {
			t.Error(err)
		}
	}
	if n > 0 {
		t.Fatalf("%d of %d workers failed through PgBouncer", n, workers)
	}
}

// TestPgBouncerBreaksDefaultMode is the control for the tests above: the
// same load with pgx's default mode, not through pgstore, fails through
// this PgBouncer. Were it to pass (a PgBouncer that tracks prepared
// statements, max_prepared_statements > 0), the tests above would prove
// nothing, and this says so.
func TestPgBouncerBreaksDefaultMode(t *testing.T) {
	const clients, workers, rounds = 16, 32, 20
	pool := bouncerPool(t, clients)
	table := pgx.Identifier{uniqueTable(t, testPool(t))}.Sanitize()
	if _, err := pool.Exec(t.Context(), "CREATE TABLE "+table+" (name text PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failure error
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				var n int
				err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table+" WHERE name = $1", fmt.Sprint(w, r)).Scan(&n)
				if err != nil {
					mu.Lock()
					failure = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if failure == nil {
		testservice.SkipOrFail(t, "pgx's default exec mode works through this PgBouncer (does it track prepared statements?): the PgBouncer tests prove nothing")
	}
	t.Logf("pgx's default mode through PgBouncer: %v", failure)
}
