// Package cachetest holds the coherence measurements that the tests of each
// cachestore.Invalidator (redisstore's, pgstore's) run on two caches over
// one real backend. Import it from _test.go files only.
package cachetest

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/store"
)

// Propagation measures how soon b, one instance's cache, serves a value that
// a, another's, wrote: p99 over 1000 writes must be at most 10ms. Under the
// race detector, with every package's tests sharing the machine's cores, the
// limit is 250ms, which still catches a lost or polled invalidation; the
// 10ms target is measured without it. The machine may be shared with other
// test runs, so the best of three rounds counts.
func Propagation(t *testing.T, a, b store.MutableStore) {
	t.Helper()
	ctx := context.Background()
	limit := 10 * time.Millisecond
	if raceEnabled() {
		limit = 250 * time.Millisecond
	}
	const writes = 1000
	best := time.Hour
	for round := range 3 {
		lat := make([]time.Duration, 0, writes)
		for i := range writes {
			// B caches the old value first, so only an invalidation can
			// make it see the new one.
			b.Read(ctx, "page")
			want := fmt.Sprint("r", round, "v", i)
			if err := a.Write(ctx, "page", want); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			for {
				got, _ := b.Read(ctx, "page")
				if got == want {
					break
				}
				if time.Since(start) > 5*time.Second {
					t.Fatalf("B still serves %q 5s after A wrote %q", got, want)
				}
				time.Sleep(20 * time.Microsecond) // leave the CPU to the subscriber
			}
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		p50, p99 := lat[writes/2], lat[writes*99/100]
		t.Logf("round %d: B serves A's write after: p50 %v, p99 %v, max %v (%d writes)", round, p50, p99, lat[writes-1], writes)
		best = min(best, p99)
		if p99 <= limit {
			break
		}
	}
	if best > limit {
		t.Errorf("best p99 of three rounds %v; want at most %v", best, limit)
	}
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
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
