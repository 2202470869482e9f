package conformance

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

// DefaultBenchmarkSize is the content size Benchmark uses: 4 KiB, a small
// rendered page or a page's JSON state.
const DefaultBenchmarkSize = 4 << 10

// Benchmark measures the stores newStore returns with DefaultBenchmarkSize
// bytes of content. See BenchmarkSize.
func Benchmark(b *testing.B, newStore func(testing.TB) store.MutableStore) {
	BenchmarkSize(b, newStore, DefaultBenchmarkSize)
}

// BenchmarkSize measures the stores newStore returns with content of size
// bytes, in three sub-benchmarks, each on a store of its own:
//
//   - Read reads one name over and over;
//   - Write overwrites one name over and over;
//   - ReadWriteParallel runs b.RunParallel over 16 names, one operation in
//     four a Write and the rest Reads.
//
// Throughput (b.SetBytes) counts the content moved by each operation, and
// allocations are reported. Run it next to a benchmark of the backend's raw
// client on the same server to see what the adapter costs.
func BenchmarkSize(b *testing.B, newStore func(testing.TB) store.MutableStore, size int) {
	content := pageContent(size)
	b.Run("Read", func(b *testing.B) {
		s := newStore(b)
		ctx := b.Context()
		const name = "bench/read.html"
		mustWrite(b, s, name, content)
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			got, err := s.Read(ctx, name)
			if err != nil {
				b.Fatalf("%s returned err = %v; want nil", callRead(name), err)
			}
			if len(got) != size {
				b.Fatalf("%s returned %d bytes; want %d", callRead(name), len(got), size)
			}
		}
	})
	b.Run("Write", func(b *testing.B) {
		s := newStore(b)
		ctx := b.Context()
		const name = "bench/write.html"
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Write(ctx, name, content); err != nil {
				b.Fatalf("%s returned err = %v; want nil", callWrite(name, content), err)
			}
		}
	})

	// RunParallel calls its function once for each b.N it tries, so the
	// store is made once, here, and shared by those calls.
	names := make([]string, 16) // made here, so no allocation of the suite's counts as the store's
	parallel := newStore(b)
	for i := range names {
		names[i] = fmt.Sprintf("bench/parallel/%02d.html", i)
		mustWrite(b, parallel, names[i], content)
	}
	b.Run("ReadWriteParallel", func(b *testing.B) {
		ctx := b.Context()
		b.SetBytes(int64(size))
		b.ReportAllocs()
		var goroutines atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			// Each goroutine starts on a name of its own, so that the
			// goroutines do not move through the names in lockstep.
			for i := int(goroutines.Add(1)) * 5; pb.Next(); i++ {
				name := names[i%len(names)]
				if i%4 == 0 {
					if err := parallel.Write(ctx, name, content); err != nil {
						b.Errorf("%s returned err = %v; want nil", callWrite(name, content), err)
						return
					}
					continue
				}
				got, err := parallel.Read(ctx, name)
				if err != nil || len(got) != size {
					b.Errorf("%s returned %d bytes and err = %v; want %d bytes and nil", callRead(name), len(got), err, size)
					return
				}
			}
		})
	})
}

// pageContent returns size bytes of HTML-like text: what an engine stores,
// and what backends that compress or escape content see in production.
func pageContent(size int) string {
	const line = "<p class=\"post\">The quick brown fox jumps over the lazy dog.</p>\n"
	return strings.Repeat(line, size/len(line)+1)[:size]
}
