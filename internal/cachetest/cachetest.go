// Package cachetest holds the coherence measurements that the tests of each
// cachestore.Invalidator (redisstore's, pgstore's) run on two caches over
// one real backend. Import it from _test.go files only.
package cachetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/store"
)

// propagationBound is how soon b must serve a's write in the test: far
// above the milliseconds an invalidation takes, far below the MaxStale
// expiry that would also end a stale entry, so it tells a delivered
// invalidation from a lost or polled one without timing the machine. The
// latency itself is BenchmarkPropagation's to measure.
const propagationBound = 250 * time.Millisecond

// latencies writes n values through a and returns, for each, how long b,
// another instance's cache, took to serve it. b caches the old value
// before each write, so only an invalidation can make it see the new one.
func latencies(tb testing.TB, a, b store.MutableStore, n int, round string) []time.Duration {
	tb.Helper()
	ctx := context.Background()
	lat := make([]time.Duration, 0, n)
	for i := range n {
		b.Read(ctx, "page")
		want := fmt.Sprint(round, "v", i)
		if err := a.Write(ctx, "page", want); err != nil {
			tb.Fatal(err)
		}
		start := time.Now()
		for {
			got, _ := b.Read(ctx, "page")
			if got == want {
				break
			}
			if time.Since(start) > 5*time.Second {
				tb.Fatalf("B still serves %q 5s after A wrote %q", got, want)
			}
			time.Sleep(20 * time.Microsecond) // leave the CPU to the subscriber
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return lat
}

// Propagation checks that b serves a's writes through invalidations: p99
// over 1000 writes within propagationBound. The machine may be shared with
// other test runs, so the best of three rounds counts.
func Propagation(t *testing.T, a, b store.MutableStore) {
	t.Helper()
	const writes = 1000
	best := time.Hour
	for round := range 3 {
		lat := latencies(t, a, b, writes, fmt.Sprint("r", round))
		p99 := lat[writes*99/100]
		t.Logf("round %d: B serves A's write after: p50 %v, p99 %v, max %v (%d writes)", round, lat[writes/2], p99, lat[writes-1], writes)
		best = min(best, p99)
		if p99 <= propagationBound {
			break
		}
	}
	if best > propagationBound {
		t.Errorf("best p99 of three rounds %v; want at most %v: invalidations are lost or late", best, propagationBound)
	}
}

// BenchmarkPropagation reports how soon b serves a's write, as the p50-ns
// and p99-ns metrics over b.N writes (the target: p99 under 10 ms on a
// LAN). ns/op is a whole write-then-wait cycle.
func BenchmarkPropagation(bm *testing.B, a, b store.MutableStore) {
	bm.Helper()
	n := max(bm.N, 100) // a p99 of fewer samples says little
	bm.ResetTimer()
	lat := latencies(bm, a, b, n, "bench")
	bm.ReportMetric(float64(lat[n/2].Nanoseconds()), "p50-ns")
	bm.ReportMetric(float64(lat[n*99/100].Nanoseconds()), "p99-ns")
}

// SingleFlight makes 64 concurrent Reads of one missing name through the
// cache c and checks that they cost exactly one Read of the backend, whose
// count reads reports.
func SingleFlight(t *testing.T, c store.MutableStore, reads func() int64) {
	t.Helper()
	ctx := context.Background()
	before := reads()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 64 {
		wg.Go(func() {
			<-start
			if _, err := c.Read(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Read = %v; want ErrNotFound", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := reads() - before; n != 1 {
		t.Errorf("backend Reads for 64 concurrent Reads of a missing name = %d; want 1", n)
	}
}

// WaitFor waits up to 5 s until s serves want for name.
func WaitFor(t testing.TB, s store.MutableStore, name, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, _ := s.Read(context.Background(), name)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Read(%q) = %q 5s on; want %q", name, got, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// WaitLive waits up to 10 s until the cache's Live is want, and returns how
// long that took.
func WaitLive(t testing.TB, s interface{ Live() bool }, want bool) time.Duration {
	t.Helper()
	start := time.Now()
	for s.Live() != want {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("cache Live() stayed %v for 10s", !want)
		}
		time.Sleep(100 * time.Microsecond)
	}
	return time.Since(start)
}
