package conformance

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// Concurrencies are the numbers of goroutines BenchmarkOps runs each
// operation with: one caller, a busy server's handful of requests per core,
// and far more callers than cores.
var Concurrencies = []int{1, 16, 64}

// Op is one implementation of one operation, for BenchmarkOps. Impl names
// it in the benchmark's name; Do runs it once and returns an error if it
// failed or returned the wrong value. Do is called from several goroutines
// at once.
type Op struct {
	Impl string
	Do   func(ctx context.Context) error
}

// BenchmarkOps measures ops side by side at every concurrency in
// Concurrencies, in sub-benchmarks named c=C/impl=IMPL, so that
//
//	benchstat -col /impl bench.txt
//
// makes a column of each implementation and a row of each concurrency,
// comparing every column with the first: list the raw client's Op first.
// The concurrency is the outer level so that the implementations of one
// row run one after the other, under the same load of the machine.
//
// Each sub-benchmark runs b.N calls of Do spread over C goroutines started
// before the timer, so ns/op is the inverse of the throughput at that
// concurrency (not the latency, once C exceeds the cores), and allocs/op
// counts the calls' allocations only. Each call's latency is measured and
// reported as the p50-ns and p99-ns metrics.
func BenchmarkOps(b *testing.B, ops ...Op) {
	for _, c := range Concurrencies {
		b.Run(fmt.Sprintf("c=%d", c), func(b *testing.B) {
			for _, op := range ops {
				b.Run("impl="+op.Impl, func(b *testing.B) { runConcurrent(b, c, op.Do) })
			}
		})
	}
}

// runConcurrent is one sub-benchmark of BenchmarkOps: b.N calls of do over
// c goroutines.
func runConcurrent(b *testing.B, c int, do func(context.Context) error) {
	ctx := b.Context()
	latency := make([]time.Duration, b.N) // made before the timer starts, so not counted
	var (
		next     atomic.Int64
		failed   atomic.Bool
		errOnce  sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	start := make(chan struct{})
	for range c {
		wg.Go(func() {
			<-start
			for {
				i := next.Add(1) - 1
				if i >= int64(len(latency)) || failed.Load() {
					return
				}
				t0 := time.Now()
				err := do(ctx)
				latency[i] = time.Since(t0)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					failed.Store(true)
					return
				}
			}
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	close(start)
	wg.Wait()
	b.StopTimer()
	if failed.Load() {
		b.Fatalf("at concurrency %d: %v", c, firstErr)
	}
	slices.Sort(latency)
	b.ReportMetric(float64(percentile(latency, 0.50)), "p50-ns")
	b.ReportMetric(float64(percentile(latency, 0.99)), "p99-ns")
}

// percentile returns the smallest of the sorted durations d that at least
// the fraction q of them do not exceed.
func percentile(d []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(d)))) - 1
	return d[max(i, 0)]
}
