package pgstore_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/cachestore"
	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/cachetest"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// invPool returns a pool of the test server, closed when the test ends.
func invPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), testservice.Postgres(t).URL)
	if err != nil {
		t.Fatalf("pgxpool.New: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// invBackend returns a store in a fresh table, dropped at the end.
func invBackend(t testing.TB, pool *pgxpool.Pool) (*pgstore.Store, string) {
	t.Helper()
	table := testservice.UniqueName(t, "inv_")
	testservice.Cleanup(t, func(ctx context.Context) {
		pool.Exec(ctx, "DROP TABLE IF EXISTS "+pgx.Identifier{table}.Sanitize())
	})
	s, err := openTable(context.Background(), pool, pgstore.Options{Table: table})
	if err != nil {
		t.Fatal(err)
	}
	return s, table
}

type pgReadCounter struct {
	*pgstore.Store
	reads atomic.Int64
}

func (r *pgReadCounter) Read(ctx context.Context, name string) (string, error) {
	r.reads.Add(1)
	return r.Store.Read(ctx, name)
}

func pgCache(t testing.TB, pool *pgxpool.Pool, backend store.MutableStore, channel, appName string, downs *atomic.Int64) *cachestore.Store {
	t.Helper()
	inv, err := pgstore.NewInvalidator(pool, pgstore.InvalidatorOptions{Channel: channel, ApplicationName: appName, PingInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	opts := cachestore.Options{Invalidator: inv, MaxStale: time.Minute}
	if downs != nil {
		opts.OnError = func(error) { downs.Add(1) }
	}
	s, err := cachestore.New(backend, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cachetest.WaitLive(t, s, true)
	return s
}

func TestInvalidatorConformance(t *testing.T) {
	pool := invPool(t)
	conformance.Run(t, func(tb testing.TB) store.MutableStore {
		backend, table := invBackend(tb, pool)
		return pgCache(tb, pool, backend, table, "", nil)
	})
}

func pgPair(t testing.TB, downs *atomic.Int64) (a, b *cachestore.Store, backend *pgReadCounter, appB string, pool *pgxpool.Pool) {
	pool = invPool(t)
	s, table := invBackend(t, pool)
	backend = &pgReadCounter{Store: s}
	appB = testservice.UniqueName(t, "listen_b")
	channel := "Inv " + table // a channel that needs quoting
	a = pgCache(t, pool, backend, channel, "", nil)
	b = pgCache(t, pool, backend, channel, appB, downs)
	return a, b, backend, appB, pool
}

// TestInvalidatorPropagation: see cachetest.Propagation.
func TestInvalidatorPropagation(t *testing.T) {
	var downs atomic.Int64
	a, b, _, _, _ := pgPair(t, &downs)
	cachetest.Propagation(t, a, b)
	if n := downs.Load(); n != 0 {
		t.Errorf("B's subscription went down %d times during the test; want 0", n)
	}
}

func TestInvalidatorQuietSubscriptionStaysUp(t *testing.T) {
	var downs atomic.Int64
	_, b, _, _, _ := pgPair(t, &downs)
	time.Sleep(time.Second) // five ping intervals without a notification
	if n := downs.Load(); n != 0 || !b.Live() {
		t.Errorf("quiet subscription: %d downs, live %v; want 0, true", n, b.Live())
	}
}

func TestInvalidatorSubscriptionKilled(t *testing.T) {
	a, b, backend, appB, pool := pgPair(t, nil)
	ctx := context.Background()
	if err := a.Write(ctx, "page", "v1"); err != nil {
		t.Fatal(err)
	}
	cachetest.WaitFor(t, b, "page", "v1")
	var killed int
	if err := pool.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", appB).Scan(&killed); err != nil || killed == 0 {
		t.Fatalf("pg_terminate_backend of B's listener: %d killed, %v", killed, err)
	}
	at := time.Now()
	t.Logf("B noticed the terminated listener after %v", cachetest.WaitLive(t, b, false))
	backend.Store.Write(ctx, "page", "v2") // behind every cache's back
	if got, err := b.Read(ctx, "page"); got != "v2" || err != nil {
		t.Errorf("B read %q, %v after the kill; want v2 (nothing older than the kill)", got, err)
	}
	cachetest.WaitLive(t, b, true)
	t.Logf("B listened again %v after the kill", time.Since(at))
	if err := a.Write(ctx, "page", "v3"); err != nil {
		t.Fatal(err)
	}
	cachetest.WaitFor(t, b, "page", "v3")
}

func TestInvalidatorSingleFlight(t *testing.T) {
	_, b, backend, _, _ := pgPair(t, nil)
	cachetest.SingleFlight(t, b, backend.reads.Load)
}

func TestNewInvalidatorRejects(t *testing.T) {
	if _, err := pgstore.NewInvalidator(nil, pgstore.InvalidatorOptions{}); err == nil {
		t.Error("NewInvalidator(nil pool) succeeded")
	}
	if _, err := pgstore.NewInvalidator(testPool(t), pgstore.InvalidatorOptions{PingInterval: -time.Second}); err == nil || !strings.Contains(err.Error(), "PingInterval") {
		t.Errorf("NewInvalidator(PingInterval -1s) = %v, want an error naming PingInterval", err)
	}
}

// BenchmarkInvalidatorPropagation: see cachetest.BenchmarkPropagation.
func BenchmarkInvalidatorPropagation(bm *testing.B) {
	var downs atomic.Int64
	a, b, _, _, _ := pgPair(bm, &downs)
	cachetest.BenchmarkPropagation(bm, a, b)
}
