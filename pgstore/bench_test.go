package pgstore_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/store"
)

// The benchmarks put the store next to the raw pgx call it makes, with the
// same SQL, pool, server and 4 KiB value, in the same run:
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
	// The statement the store runs; sharing it, both use one prepared
	// statement per connection.
	readSQL := `SELECT content FROM ` + pgx.Identifier{table}.Sanitize() + ` WHERE name = $1`

	b.Run("impl=pgstore", func(b *testing.B) {
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			got, err := s.Read(ctx, name)
			if err != nil || len(got) != benchSize {
				b.Fatalf("Read = %d bytes, %v; want %d bytes", len(got), err, benchSize)
			}
		}
	})
	b.Run("impl=raw-pgx", func(b *testing.B) {
		b.SetBytes(benchSize)
		b.ReportAllocs()
		var got []byte
		for b.Loop() {
			if err := pool.QueryRow(ctx, readSQL, name).Scan(&got); err != nil || len(got) != benchSize {
				b.Fatalf("QueryRow = %d bytes, %v; want %d bytes", len(got), err, benchSize)
			}
		}
	})
}

func BenchmarkWrite(b *testing.B) {
	pool := testPool(b)
	s, table := newStoreTable(b, pool)
	ctx := b.Context()
	name := benchWriteName
	content := benchContent()
	contentBytes := []byte(content) // a raw caller holds bytes already
	writeSQL := `INSERT INTO ` + pgx.Identifier{table}.Sanitize() + ` (name, content) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, updated_at = now()`

	b.Run("impl=pgstore", func(b *testing.B) {
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Write(ctx, name, content); err != nil {
				b.Fatalf("Write: %v", err)
			}
		}
	})
	b.Run("impl=raw-pgx", func(b *testing.B) {
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pool.Exec(ctx, writeSQL, name, contentBytes); err != nil {
				b.Fatalf("Exec: %v", err)
			}
		}
	})
}

func BenchmarkConformance(b *testing.B) {
	conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
		return newStore(tb, testPool(tb))
	})
}
