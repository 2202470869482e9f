package cachestore_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/cachestore"
	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

// counting wraps a backend and counts its Reads; gate, when set, blocks
// each Read until it is closed.
type counting struct {
	store.MutableStore
	reads atomic.Int64
	gate  chan struct{}
	fail  atomic.Pointer[error]
}

func (c *counting) Read(ctx context.Context, name string) (string, error) {
	c.reads.Add(1)
	if c.gate != nil {
		<-c.gate
	}
	if p := c.fail.Load(); p != nil {
		return "", store.NewError(ctx, store.OpRead, name, *p)
	}
	return c.MutableStore.Read(ctx, name)
}

func (c *counting) Delete(ctx context.Context, name string) error {
	return c.MutableStore.(store.Deleter).Delete(ctx, name)
}

var benchOptions = cachestore.Options{MaxStale: time.Hour}

func newCache(t testing.TB, backend store.MutableStore, opts cachestore.Options) *cachestore.Store {
	t.Helper()
	s, err := cachestore.New(backend, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	conformance.Run(t, func(tb testing.TB) store.MutableStore {
		return newCache(tb, memstore.New(), cachestore.Options{})
	})
}

func TestConformanceStaleIfError(t *testing.T) {
	conformance.Run(t, func(tb testing.TB) store.MutableStore {
		return newCache(tb, memstore.New(), cachestore.Options{StaleIfError: true, MaxStale: time.Minute})
	})
}

func TestHitMakesNoBackendRead(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	s := newCache(t, b, cachestore.Options{})
	ctx := context.Background()
	if err := s.Write(ctx, "a", "1"); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if got, err := s.Read(ctx, "a"); got != "1" || err != nil {
			t.Fatalf("Read = %q, %v", got, err)
		}
	}
	if n := b.reads.Load(); n != 0 {
		t.Errorf("backend Reads after Write and 100 hits = %d; want 0", n)
	}
	allocs := testing.AllocsPerRun(1000, func() { s.Read(ctx, "a") })
	if allocs > 1 {
		t.Errorf("allocations per hit = %v; want at most 1", allocs)
	}
	t.Logf("allocations per hit: %v", allocs)
}

func TestNotFoundNotCachedWithoutInvalidator(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	s := newCache(t, b, cachestore.Options{})
	ctx := context.Background()
	for range 3 {
		if _, err := s.Read(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Read = %v; want ErrNotFound", err)
		}
	}
	if n := b.reads.Load(); n != 3 {
		t.Errorf("backend Reads = %d; want 3 (NotFound is not cached without an invalidator)", n)
	}
}

func TestSingleFlight(t *testing.T) {
	b := &counting{MutableStore: memstore.New(), gate: make(chan struct{})}
	s := newCache(t, b, cachestore.Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Go(func() {
			_, err := s.Read(ctx, "missing")
			errs <- err
		})
	}
	// Let every reader join the flight before the backend answers.
	for b.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(b.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Read = %v; want ErrNotFound", err)
		}
	}
	if n := b.reads.Load(); n != 1 {
		t.Errorf("backend Reads for 64 concurrent misses = %d; want 1", n)
	}
}

func TestCancelledWaiterDoesNotFailOthers(t *testing.T) {
	b := &counting{MutableStore: memstore.New(), gate: make(chan struct{})}
	b.MutableStore.Write(context.Background(), "a", "v")
	s := newCache(t, b, cachestore.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, err := s.Read(ctx, "a"); first <- err }()
	for b.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan string, 1)
	go func() { v, _ := s.Read(context.Background(), "a"); second <- v }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) || errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancelled reader got %v; want context.Canceled", err)
	}
	close(b.gate)
	if v := <-second; v != "v" {
		t.Errorf("other reader got %q; want v", v)
	}
}

func TestErrorsNotCached(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	s := newCache(t, b, cachestore.Options{})
	ctx := context.Background()
	boom := errors.New("boom")
	b.fail.Store(&boom)
	if _, err := s.Read(ctx, "a"); !errors.Is(err, boom) || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Read = %v; want boom", err)
	}
	var se *store.Error
	if _, err := s.Read(ctx, "a"); !errors.As(err, &se) || se.Op != store.OpRead || se.Name != "a" {
		t.Fatalf("Read = %v; want a *store.Error", err)
	}
	b.fail.Store(nil)
	b.MutableStore.Write(ctx, "a", "x")
	if v, err := s.Read(ctx, "a"); v != "x" || err != nil {
		t.Fatalf("Read after recovery = %q, %v", v, err)
	}
}

// failingWrites fails every Write.
type failingWrites struct{ store.MutableStore }

func (f failingWrites) Write(ctx context.Context, name, content string) error {
	return store.NewError(ctx, store.OpWrite, name, errors.New("disk full"))
}

func TestFailedWriteDropsEntry(t *testing.T) {
	m := memstore.New()
	ctx := context.Background()
	m.Write(ctx, "a", "old")
	s := newCache(t, failingWrites{m}, cachestore.Options{})
	if v, _ := s.Read(ctx, "a"); v != "old" {
		t.Fatal(v)
	}
	if err := s.Write(ctx, "a", "new"); err == nil {
		t.Fatal("Write succeeded")
	}
	m.Write(ctx, "a", "other") // the backend changed behind the failed write
	if v, _ := s.Read(ctx, "a"); v != "other" {
		t.Errorf("Read after a failed Write = %q; want the backend's value (entry dropped)", v)
	}
}

// TestStaleFillLosesToWrite: a miss is in flight with the old value, a
// Write lands, then the fill returns; the cache must hold the new value.
func TestStaleFillLosesToWrite(t *testing.T) {
	gate := make(chan struct{})
	m := memstore.New()
	ctx := context.Background()
	m.Write(ctx, "a", "old")
	b := &slowRead{MutableStore: m, started: make(chan struct{}), gate: gate}
	s := newCache(t, b, cachestore.Options{MaxStale: time.Hour})
	done := make(chan string)
	go func() { v, _ := s.Read(ctx, "a"); done <- v }()
	<-b.started // the backend has read "old"
	if err := s.Write(ctx, "a", "new"); err != nil {
		t.Fatal(err)
	}
	close(gate)
	<-done
	if v, _ := s.Read(ctx, "a"); v != "new" {
		t.Errorf("Read after the stale fill landed = %q; want new", v)
	}
}

type slowRead struct {
	store.MutableStore
	once    sync.Once
	started chan struct{}
	gate    chan struct{}
}

func (s *slowRead) Read(ctx context.Context, name string) (string, error) {
	v, err := s.MutableStore.Read(ctx, name)
	first := false
	s.once.Do(func() { first = true })
	if first {
		close(s.started)
		<-s.gate
	}
	return v, err
}

func TestConcurrentWritesAndReadsConverge(t *testing.T) {
	m := memstore.New()
	s := newCache(t, m, cachestore.Options{MaxStale: time.Hour})
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 200 {
				s.Write(ctx, "x", fmt.Sprintf("%d-%d", w, i))
				s.Read(ctx, "x")
			}
		})
	}
	wg.Wait()
	want, _ := m.Read(ctx, "x")
	if got, _ := s.Read(ctx, "x"); got != want {
		t.Errorf("cache holds %q; backend %q", got, want)
	}
}

func TestMaxStale(t *testing.T) {
	m := memstore.New()
	ctx := context.Background()
	s := newCache(t, m, cachestore.Options{MaxStale: 50 * time.Millisecond})
	s.Write(ctx, "a", "1")
	m.Write(ctx, "a", "2") // behind the cache's back
	deadline := time.Now().Add(2 * time.Second)
	for {
		v, _ := s.Read(ctx, "a")
		if v == "2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("stale value outlived MaxStale")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStaleIfError(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	ctx := context.Background()
	var served atomic.Int64
	// Wide margins: a loaded CI machine may stall a goroutine for a
	// good part of a second between two steps.
	s := newCache(t, b, cachestore.Options{StaleIfError: true, MaxStale: 4 * time.Second,
		OnStaleServed: func(string, error) { served.Add(1) }})
	s.Write(ctx, "a", "1")
	time.Sleep(2500 * time.Millisecond) // past freshness (MaxStale/2)
	boom := errors.New("boom")
	b.fail.Store(&boom)
	if v, err := s.Read(ctx, "a"); v != "1" || err != nil {
		t.Fatalf("Read with a failing backend = %q, %v; want the stale value", v, err)
	}
	if served.Load() != 1 {
		t.Errorf("OnStaleServed calls = %d; want 1", served.Load())
	}
	time.Sleep(2 * time.Second) // past MaxStale
	if _, err := s.Read(ctx, "a"); !errors.Is(err, boom) {
		t.Errorf("Read past MaxStale = %v; want the backend error", err)
	}
}

func TestDeleteWithoutDeleter(t *testing.T) {
	s := newCache(t, struct{ store.MutableStore }{memstore.New()}, cachestore.Options{})
	err := s.Delete(context.Background(), "a")
	if err == nil || !strings.Contains(err.Error(), "not a store.Deleter") || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete = %v; want an error saying the backend is not a Deleter", err)
	}
}

// generated makes up content on each Read, so the backend holds nothing.
type generated struct{ size int }

func (g generated) Read(ctx context.Context, name string) (string, error) {
	return name + strings.Repeat("x", g.size-len(name)), nil
}
func (g generated) Write(context.Context, string, string) error { return nil }

func TestMemoryBound(t *testing.T) {
	const maxBytes = 4 << 20
	const size = 1024
	s := newCache(t, generated{size}, cachestore.Options{MaxBytes: maxBytes, MaxStale: time.Hour})
	ctx := context.Background()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 10 * maxBytes / size
	for i := range n {
		if _, err := s.Read(ctx, fmt.Sprintf("page/%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond) // let the eviction policy catch up
	runtime.GC()
	runtime.ReadMemStats(&after)
	w := s.WeightedSize()
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("read %d MiB of distinct values: weighted size %d (max %d), %d entries, heap grew %d bytes", 10*maxBytes>>20, w, maxBytes, s.Len(), grew)
	if w > maxBytes*11/10 {
		t.Errorf("weighted size %d exceeds MaxBytes %d by more than 10%%", w, maxBytes)
	}
	if grew > maxBytes*3/2 {
		t.Errorf("heap grew by %d bytes; want at most 1.5 x MaxBytes (%d)", grew, maxBytes*3/2)
	}
	runtime.KeepAlive(s)
}

func TestValueLargerThanMaxBytesNotKept(t *testing.T) {
	m := memstore.New()
	ctx := context.Background()
	big := strings.Repeat("x", 2<<20)
	m.Write(ctx, "big", big)
	s := newCache(t, m, cachestore.Options{MaxBytes: 1 << 20, MaxStale: time.Hour})
	if v, err := s.Read(ctx, "big"); v != big || err != nil {
		t.Fatalf("Read = %d bytes, %v", len(v), err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for s.WeightedSize() > 1<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("weighted size %d stays above MaxBytes", s.WeightedSize())
		}
		time.Sleep(time.Millisecond)
	}
	m.Write(ctx, "big", "small now")
	if v, _ := s.Read(ctx, "big"); v != "small now" {
		t.Errorf("the oversized value stayed cached")
	}
}
