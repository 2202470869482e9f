package fsstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// The benchmarks put fsstore side by side with the plain os calls it must
// not be slower than, on the same file (4 KiB, three directories deep), at
// each of conformance.Concurrencies, so that
//
//	go test -run '^$' -bench '^Benchmark(Read|Write)$' -count 10 ./fsstore > bench.txt
//	benchstat -col /impl bench.txt
//
// prints them as columns, compared with the first (the plain os calls), in
// a row per concurrency.
const (
	benchName = "a/b/c/page.html"
	benchSize = 4 << 10
)

var benchContent = strings.Repeat("x", benchSize)

// checkRead is every Read benchmark's check of what it read; taking the
// string keeps the raw calls' conversion from []byte from being optimised
// away.
func checkRead(got string, err error) error {
	if err != nil {
		return err
	}
	if len(got) != benchSize {
		return fmt.Errorf("read %d bytes; want %d", len(got), benchSize)
	}
	return nil
}

func BenchmarkRead(b *testing.B) {
	s := newStore(b)
	if err := s.Write(b.Context(), benchName, benchContent); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(s.Dir(), filepath.FromSlash(benchName))
	rs, err := fsstore.Open(s.Dir(), fsstore.WithOSRoot())
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	root, err := os.OpenRoot(s.Dir())
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	conformance.BenchmarkOps(b,
		// os.ReadFile follows any symlink: fast, but not contained.
		conformance.Op{Impl: "os.ReadFile", Do: func(context.Context) error {
			data, err := os.ReadFile(path)
			return checkRead(string(data), err)
		}},
		conformance.Op{Impl: "fsstore", Do: func(ctx context.Context) error {
			return checkRead(s.Read(ctx, benchName))
		}},
		// os.Root is the portable backend's primitive, where openat2 is
		// unavailable.
		conformance.Op{Impl: "os.Root.ReadFile", Do: func(context.Context) error {
			data, err := root.ReadFile(benchName)
			return checkRead(string(data), err)
		}},
		conformance.Op{Impl: "fsstore-osroot", Do: func(ctx context.Context) error {
			return checkRead(rs.Read(ctx, benchName))
		}},
	)
}

func BenchmarkWrite(b *testing.B) {
	for _, sync := range []struct {
		name string
		opts []fsstore.Option
	}{
		{"durable", nil},
		{"none", []fsstore.Option{fsstore.WithoutSync()}},
	} {
		b.Run("sync="+sync.name, func(b *testing.B) {
			s := newStore(b, sync.opts...)
			write := handwritten(b, sync.opts == nil)
			conformance.BenchmarkOps(b,
				conformance.Op{Impl: "handwritten", Do: func(context.Context) error { return write() }},
				conformance.Op{Impl: "fsstore", Do: func(ctx context.Context) error {
					return s.Write(ctx, benchName, benchContent)
				}},
			)
		})
	}
}

// handwritten returns the minimum durable write sequence, with no
// containment, of a file in a new directory: temp file, write, fsync,
// rename, fsync the directory (without the fsyncs if sync is false).
func handwritten(b *testing.B, sync bool) func() error {
	dir := filepath.Join(b.TempDir(), "a", "b", "c")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	target := filepath.Join(dir, "page.html")
	return func() error {
		f, err := os.CreateTemp(dir, ".tmp-*")
		if err != nil {
			return err
		}
		if _, err := f.WriteString(benchContent); err != nil {
			f.Close()
			return err
		}
		if sync {
			if err := f.Sync(); err != nil {
				f.Close()
				return err
			}
		}
		if err := f.Close(); err != nil {
			return err
		}
		if err := os.Rename(f.Name(), target); err != nil {
			return err
		}
		if !sync {
			return nil
		}
		d, err := os.Open(dir)
		if err != nil {
			return err
		}
		defer d.Close()
		return d.Sync()
	}
}

func BenchmarkConformance(b *testing.B) {
	forEachVariant(b, variants, func(b *testing.B, v variant) {
		conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
			return v.newStore(tb)
		})
	})
}
