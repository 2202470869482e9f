package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// The benchmarks put the store next to the raw pgx call it makes, with the
// same SQL, pool, server and 4 KiB value, in the same run, at each of
// conformance.Concurrencies, directly (via=direct) and through PgBouncer in
// transaction mode (via=pgbouncer, MUTABLESTORE_TEST_PGBOUNCER_URL).
// impl=raw-pgx-exec is the store's mode, QueryExecModeExec, which works
// behind PgBouncer and is the like-for-like comparison; impl=raw-pgx, pgx's
// default mode (a prepared statement cached per connection), is measured
// directly only, since PgBouncer in transaction mode breaks it:
//
//	go test -run '^$' -bench '^Benchmark(Read|Write)$' -count 10 ./pgstore | tee bench.txt
//	benchstat -col /impl bench.txt

const benchSize = 4 << 10

// The names are variables, not constants, so that the raw calls pay for
// boxing a string into an interface as the store does (a constant is boxed
// for free), as any real caller's would.
var (
	benchReadName  = "bench/read.html"
	benchWriteName = "bench/write.html"
)

func benchContent() string {
	return strings.Repeat("<p>The quick brown fox jumps over the lazy dog.</p>\n", benchSize/52+1)[:benchSize]
}

// via is one way to the server: a pool, and a store on the benchmark's
// table through it.
type via struct {
	name  string
	pool  *pgxpool.Pool
	store *pgstore.Store
}

// benchVias returns a store on a new table, directly and through
// PgBouncer.
func benchVias(b *testing.B) (string, []via) {
	pool := testPool(b)
	s, table := newStoreTable(b, pool)
	bouncer := bouncerPool(b, 0)
	bs, err := openTable(b.Context(), bouncer, pgstore.Options{Table: table})
	if err != nil {
		b.Fatalf("pgstore.New through PgBouncer: %v", err)
	}
	return table, []via{{"direct", pool, s}, {"pgbouncer", bouncer, bs}}
}

func BenchmarkRead(b *testing.B) {
	table, vias := benchVias(b)
	name := benchReadName
	if err := vias[0].store.Write(b.Context(), name, benchContent()); err != nil {
		b.Fatal(err)
	}
	// The statement the store runs.
	readSQL := `SELECT content FROM ` + pgx.Identifier{table}.Sanitize() + ` WHERE name = $1`
	check := func(got int, err error) error {
		if err != nil {
			return err
		}
		if got != benchSize {
			return fmt.Errorf("read %d bytes; want %d", got, benchSize)
		}
		return nil
	}
	raw := func(pool *pgxpool.Pool, mode ...any) func(context.Context) error {
		return func(ctx context.Context) error {
			var got []byte
			err := pool.QueryRow(ctx, readSQL, append(mode, name)...).Scan(&got)
			return check(len(got), err)
		}
	}
	for _, v := range vias {
		b.Run("via="+v.name, func(b *testing.B) {
			ops := []conformance.Op{
				{Impl: "raw-pgx-exec", Do: raw(v.pool, pgx.QueryExecModeExec)},
				{Impl: "pgstore", Do: func(ctx context.Context) error {
					got, err := v.store.Read(ctx, name)
					return check(len(got), err)
				}},
			}
			if v.name == "direct" {
				ops = append(ops, conformance.Op{Impl: "raw-pgx", Do: raw(v.pool)})
			}
			conformance.BenchmarkOps(b, ops...)
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	table, vias := benchVias(b)
	name := benchWriteName
	content := benchContent()
	contentBytes := []byte(content) // a raw caller holds bytes already
	writeSQL := `INSERT INTO ` + pgx.Identifier{table}.Sanitize() + ` (name, content) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, updated_at = now()`
	raw := func(pool *pgxpool.Pool, mode ...any) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := pool.Exec(ctx, writeSQL, append(mode, name, contentBytes)...)
			return err
		}
	}
	for _, v := range vias {
		b.Run("via="+v.name, func(b *testing.B) {
			ops := []conformance.Op{
				{Impl: "raw-pgx-exec", Do: raw(v.pool, pgx.QueryExecModeExec)},
				{Impl: "pgstore", Do: func(ctx context.Context) error { return v.store.Write(ctx, name, content) }},
			}
			if v.name == "direct" {
				ops = append(ops, conformance.Op{Impl: "raw-pgx", Do: raw(v.pool)})
			}
			conformance.BenchmarkOps(b, ops...)
		})
	}
}

func BenchmarkConformance(b *testing.B) {
	conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
		return newStore(tb, testPool(tb))
	})
}
