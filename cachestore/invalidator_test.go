package cachestore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/cachestore"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

// fakeInvalidator lets a test drive the subscription.
type fakeInvalidator struct {
	mu        sync.Mutex
	handle    func(cachestore.Event)
	ready     chan struct{}
	published []string
}

func newFake() *fakeInvalidator { return &fakeInvalidator{ready: make(chan struct{})} }

func (f *fakeInvalidator) Publish(_ context.Context, name string) error {
	f.mu.Lock()
	f.published = append(f.published, name)
	f.mu.Unlock()
	return nil
}

func (f *fakeInvalidator) Subscribe(ctx context.Context, handle func(cachestore.Event)) error {
	f.mu.Lock()
	f.handle = handle
	f.mu.Unlock()
	close(f.ready)
	<-ctx.Done()
	return ctx.Err()
}

func (f *fakeInvalidator) send(ev cachestore.Event) {
	f.mu.Lock()
	h := f.handle
	f.mu.Unlock()
	h(ev)
}

func fakeCache(t *testing.T, b store.MutableStore) (*cachestore.Store, *fakeInvalidator) {
	f := newFake()
	s := newCache(t, b, cachestore.Options{Invalidator: f, MaxStale: time.Hour})
	<-f.ready
	return s, f
}

func TestNotLiveUntilSubscribed(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	s, f := fakeCache(t, b)
	ctx := context.Background()
	b.MutableStore.Write(ctx, "a", "1")
	s.Read(ctx, "a")
	s.Read(ctx, "a")
	if n := b.reads.Load(); n != 2 || s.Live() {
		t.Errorf("before Live: %d backend Reads for 2 Reads, Live %v; want 2, false", n, s.Live())
	}
	f.send(cachestore.Event{Kind: cachestore.Live})
	s.Read(ctx, "a")
	s.Read(ctx, "a")
	if n := b.reads.Load(); n != 3 {
		t.Errorf("after Live: %d backend Reads; want 3 (one miss, one hit)", n)
	}
}

func TestNotFoundCachedWhileLive(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	s, f := fakeCache(t, b)
	f.send(cachestore.Event{Kind: cachestore.Live})
	ctx := context.Background()
	for range 3 {
		if _, err := s.Read(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if n := b.reads.Load(); n != 1 {
		t.Errorf("%d backend Reads; want 1 (NotFound cached while live)", n)
	}
	b.MutableStore.Write(ctx, "missing", "now")
	f.send(cachestore.Event{Kind: cachestore.Invalidate, Name: "missing"})
	if v, err := s.Read(ctx, "missing"); v != "now" || err != nil {
		t.Errorf("Read after invalidation = %q, %v; want now", v, err)
	}
}

func TestDownDropsEverythingAndReadsThrough(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	s, f := fakeCache(t, b)
	f.send(cachestore.Event{Kind: cachestore.Live})
	ctx := context.Background()
	s.Write(ctx, "a", "1")
	f.send(cachestore.Event{Kind: cachestore.Down, Err: errors.New("connection reset")})
	if s.Len() != 0 {
		t.Errorf("%d entries after Down; want 0", s.Len())
	}
	b.MutableStore.Write(ctx, "a", "2")
	for range 2 {
		if v, _ := s.Read(ctx, "a"); v != "2" {
			t.Errorf("Read while down = %q; want 2", v)
		}
	}
	if n := b.reads.Load(); n != 2 {
		t.Errorf("%d backend Reads for 2 Reads while down; want 2", n)
	}
	// A write while down is not cached either.
	s.Write(ctx, "a", "3")
	b.MutableStore.Write(ctx, "a", "4")
	if v, _ := s.Read(ctx, "a"); v != "4" {
		t.Errorf("Read while down after a Write = %q; want 4", v)
	}
	if f.published[len(f.published)-1] != "a" {
		t.Errorf("published %v; want the last to be a", f.published)
	}
}

// TestEventsDuringFill: a miss has read the old value from the backend
// when another instance writes and this one hears of it, either as an
// invalidation or as a lost and regained subscription; the fill must not be
// stored.
func TestEventsDuringFill(t *testing.T) {
	for _, tc := range []struct {
		desc          string
		before, after []cachestore.Event // sent around the other instance's write
	}{
		{"invalidation", nil, []cachestore.Event{{Kind: cachestore.Invalidate, Name: "a"}}},
		{"reconnection", []cachestore.Event{{Kind: cachestore.Down}}, []cachestore.Event{{Kind: cachestore.Live}}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			m := memstore.New()
			ctx := context.Background()
			m.Write(ctx, "a", "old")
			b := &slowRead{MutableStore: m, started: make(chan struct{}), gate: make(chan struct{})}
			s, f := fakeCache(t, b)
			f.send(cachestore.Event{Kind: cachestore.Live})
			done := make(chan string)
			go func() { v, _ := s.Read(ctx, "a"); done <- v }()
			<-b.started
			for _, e := range tc.before {
				f.send(e)
			}
			m.Write(ctx, "a", "new") // another instance wrote
			for _, e := range tc.after {
				f.send(e)
			}
			close(b.gate)
			<-done
			if v, _ := s.Read(ctx, "a"); v != "new" {
				t.Errorf("Read after a fill that straddled the %s = %q; want new", tc.desc, v)
			}
		})
	}
}

func TestStaleIfErrorWhileDown(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	f := newFake()
	var served []error
	s := newCache(t, b, cachestore.Options{Invalidator: f, MaxStale: time.Hour, StaleIfError: true,
		OnStaleServed: func(_ string, err error) { served = append(served, err) }})
	<-f.ready
	f.send(cachestore.Event{Kind: cachestore.Live})
	ctx := context.Background()
	s.Write(ctx, "a", "1")
	f.send(cachestore.Event{Kind: cachestore.Down})
	boom := errors.New("boom")
	b.fail.Store(&boom)
	if v, err := s.Read(ctx, "a"); v != "1" || err != nil {
		t.Errorf("Read while down with a failing backend = %q, %v; want the stale 1", v, err)
	}
	if len(served) != 1 || !errors.Is(served[0], boom) {
		t.Errorf("OnStaleServed got %v; want boom once", served)
	}
	b.fail.Store(nil)
	b.MutableStore.Write(ctx, "a", "2")
	if v, _ := s.Read(ctx, "a"); v != "2" {
		t.Errorf("Read while down with a working backend = %q; want 2", v)
	}
}

func TestNotFoundHitAllocs(t *testing.T) {
	b := &counting{MutableStore: memstore.New()}
	s, f := fakeCache(t, b)
	f.send(cachestore.Event{Kind: cachestore.Live})
	ctx := context.Background()
	s.Read(ctx, "missing")
	allocs := testing.AllocsPerRun(1000, func() { s.Read(ctx, "missing") })
	if allocs > 1 || b.reads.Load() != 1 {
		t.Errorf("NotFound hit: %v allocations, %d backend Reads; want at most 1 (the *store.Error) and 1", allocs, b.reads.Load())
	}
}

// failingPublish fails every Publish.
type failingPublish struct{ *fakeInvalidator }

func (failingPublish) Publish(context.Context, string) error { return errors.New("pubsub down") }

func TestPublishFailureReported(t *testing.T) {
	f := newFake()
	var reported []error
	var mu sync.Mutex
	s := newCache(t, memstore.New(), cachestore.Options{Invalidator: failingPublish{f}, MaxStale: time.Hour,
		OnError: func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() }})
	<-f.ready
	f.send(cachestore.Event{Kind: cachestore.Live})
	ctx := context.Background()
	if err := s.Write(ctx, "a", "1"); err != nil {
		t.Errorf("Write = %v; want nil: the backend has the value", err)
	}
	if v, _ := s.Read(ctx, "a"); v != "1" {
		t.Errorf("Read = %q; want 1", v)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "pubsub down") {
		t.Errorf("OnError got %v; want the Publish failure once", reported)
	}
}
