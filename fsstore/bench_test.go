package fsstore_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// The benchmarks put fsstore side by side with the plain os calls it must
// not be slower than, on the same file: 4 KiB, three directories deep.
// Sub-benchmarks are named impl=..., so that
//
//	go test -run '^$' -bench 'Read|Write' -count 10 ./fsstore > bench.txt
//	benchstat -col /impl bench.txt
//
// prints them as columns, compared with the first (the plain os calls).
const (
	benchName = "a/b/c/page.html"
	benchSize = 4 << 10
)

var (
	benchContent = strings.Repeat("x", benchSize)
	sink         string
)

func BenchmarkRead(b *testing.B) {
	s := newStore(b)
	if err := s.Write(b.Context(), benchName, benchContent); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(s.Dir(), filepath.FromSlash(benchName))
	check := func(b *testing.B, got string) {
		if len(got) != benchSize {
			b.Fatalf("read %d bytes; want %d", len(got), benchSize)
		}
		sink = got // keep the string conversions from being optimised away
	}
	// os.ReadFile follows any symlink: fast, but not contained.
	b.Run("impl=os.ReadFile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			check(b, string(data))
		}
	})
	b.Run("impl=fsstore", func(b *testing.B) {
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			got, err := s.Read(ctx, benchName)
			if err != nil {
				b.Fatal(err)
			}
			check(b, got)
		}
	})
	b.Run("impl=fsstore-osroot", func(b *testing.B) {
		rs, err := fsstore.Open(s.Dir(), fsstore.WithOSRoot())
		if err != nil {
			b.Fatal(err)
		}
		defer rs.Close()
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			got, err := rs.Read(ctx, benchName)
			if err != nil {
				b.Fatal(err)
			}
			check(b, got)
		}
	})
	b.Run("impl=os.Root.ReadFile", func(b *testing.B) {
		root, err := os.OpenRoot(s.Dir())
		if err != nil {
			b.Fatal(err)
		}
		defer root.Close()
		b.ReportAllocs()
		for b.Loop() {
			data, err := root.ReadFile(benchName)
			if err != nil {
				b.Fatal(err)
			}
			check(b, string(data))
		}
	})
}

func BenchmarkWrite(b *testing.B) {
	run := func(b *testing.B, opts ...fsstore.Option) {
		s := newStore(b, opts...)
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Write(ctx, benchName, benchContent); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("sync=durable/impl=handwritten", func(b *testing.B) { handwritten(b, true) })
	b.Run("sync=durable/impl=fsstore", func(b *testing.B) { run(b) })
	b.Run("sync=durable/impl=fsstore-osroot", func(b *testing.B) { run(b, fsstore.WithOSRoot()) })
	b.Run("sync=none/impl=handwritten", func(b *testing.B) { handwritten(b, false) })
	b.Run("sync=none/impl=fsstore", func(b *testing.B) { run(b, fsstore.WithoutSync()) })
}

// handwritten is the minimum durable write sequence, with no containment:
// temp file, write, fsync, rename, fsync the directory.
func handwritten(b *testing.B, sync bool) {
	dir := filepath.Join(b.TempDir(), "a", "b", "c")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	target := filepath.Join(dir, "page.html")
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.CreateTemp(dir, ".tmp-*")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.WriteString(benchContent); err != nil {
			b.Fatal(err)
		}
		if sync {
			if err := f.Sync(); err != nil {
				b.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(f.Name(), target); err != nil {
			b.Fatal(err)
		}
		if sync {
			d, err := os.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			if err := d.Sync(); err != nil {
				b.Fatal(err)
			}
			d.Close()
		}
	}
}

func BenchmarkConformance(b *testing.B) {
	forEachVariant(b, variants, func(b *testing.B, v variant) {
		conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
			return v.newStore(tb)
		})
	})
}
