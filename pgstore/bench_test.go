package pgstore_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// The benchmarks put the store next to the raw pgx call it makes, with the
// same SQL, pool, server and 4 KiB value, in the same run. impl=raw-pgx is
// pgx's default mode (a prepared statement per connection), raw-pgx-exec
// and raw-pgx-describe the store's mode and the binary alternative; the
// -pgbouncer ones run through PgBouncer in transaction mode, where the
// default mode does not work:
//
//	go test -run '^$' -bench . -count 10 ./pgstore | tee bench.txt
//	benchstat bench.txt

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

func BenchmarkRead(b *testing.B) {
	pool := testPool(b)
	s, table := newStoreTable(b, pool)
	ctx := b.Context()
	name := benchReadName
	content := benchContent()
	if err := s.Write(ctx, name, content); err != nil {
		b.Fatal(err)
	}
	// The statement the store runs.
	readSQL := `SELECT content FROM ` + pgx.Identifier{table}.Sanitize() + ` WHERE name = $1`
	storeRead := func(s *pgstore.Store) func(b *testing.B) {
		return func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				got, err := s.Read(ctx, name)
				if err != nil || len(got) != benchSize {
					b.Fatalf("Read = %d bytes, %v; want %d bytes", len(got), err, benchSize)
				}
			}
		}
	}
	rawRead := func(pool *pgxpool.Pool, mode ...any) func(b *testing.B) {
		return func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			var got []byte
			for b.Loop() {
				if err := pool.QueryRow(ctx, readSQL, append(mode, name)...).Scan(&got); err != nil || len(got) != benchSize {
					b.Fatalf("QueryRow = %d bytes, %v; want %d bytes", len(got), err, benchSize)
				}
			}
		}
	}
	b.Run("impl=pgstore", storeRead(s))
	b.Run("impl=raw-pgx", rawRead(pool))
	b.Run("impl=raw-pgx-exec", rawRead(pool, pgx.QueryExecModeExec))
	b.Run("impl=raw-pgx-describe", rawRead(pool, pgx.QueryExecModeCacheDescribe))
	bouncer, bs := benchBouncer(b, table)
	b.Run("impl=pgstore-pgbouncer", storeRead(bs))
	b.Run("impl=raw-pgx-exec-pgbouncer", rawRead(bouncer, pgx.QueryExecModeExec))
}

// benchBouncer returns a pool through PgBouncer and a store in table
// through it.
func benchBouncer(b *testing.B, table string) (*pgxpool.Pool, *pgstore.Store) {
	pool := bouncerPool(b, 0)
	s, err := openTable(b.Context(), pool, pgstore.Options{Table: table})
	if err != nil {
		b.Fatalf("pgstore.New through PgBouncer: %v", err)
	}
	return pool, s
}

func BenchmarkWrite(b *testing.B) {
	pool := testPool(b)
	s, table := newStoreTable(b, pool)
	ctx := b.Context()
	name := benchWriteName
	content := benchContent()
	contentBytes := []byte(content) // a raw caller holds bytes already
	writeSQL := `INSERT INTO ` + pgx.Identifier{table}.Sanitize() + ` (name, content) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, updated_at = now()`

	storeWrite := func(s *pgstore.Store) func(b *testing.B) {
		return func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Write(ctx, name, content); err != nil {
					b.Fatalf("Write: %v", err)
				}
			}
		}
	}
	rawWrite := func(pool *pgxpool.Pool, mode ...any) func(b *testing.B) {
		return func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pool.Exec(ctx, writeSQL, append(mode, name, contentBytes)...); err != nil {
					b.Fatalf("Exec: %v", err)
				}
			}
		}
	}
	b.Run("impl=pgstore", storeWrite(s))
	b.Run("impl=raw-pgx", rawWrite(pool))
	b.Run("impl=raw-pgx-exec", rawWrite(pool, pgx.QueryExecModeExec))
	b.Run("impl=raw-pgx-describe", rawWrite(pool, pgx.QueryExecModeCacheDescribe))
	bouncer, bs := benchBouncer(b, table)
	b.Run("impl=pgstore-pgbouncer", storeWrite(bs))
	b.Run("impl=raw-pgx-exec-pgbouncer", rawWrite(bouncer, pgx.QueryExecModeExec))
}

func BenchmarkConformance(b *testing.B) {
	conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
		return newStore(tb, testPool(tb))
	})
}
