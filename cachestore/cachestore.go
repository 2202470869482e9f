package cachestore

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/sync/singleflight"

	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

const (
	// DefaultMaxBytes is Options.MaxBytes when it is zero.
	DefaultMaxBytes = 64 << 20
	// DefaultMaxStale is Options.MaxStale when it is zero.
	DefaultMaxStale = 5 * time.Second
	// EntryOverhead is the weight added to len(name)+len(content) for each
	// entry: the cache's node, its hash table slot and the string headers.
	EntryOverhead = 160
	// FillTimeout bounds one backend Read made for a miss. The Read runs
	// on behalf of every caller waiting for the name, so no single
	// caller's context may cancel it; each caller still returns as soon as
	// its own context is done.
	FillTimeout = 30 * time.Second
)

// Options configure a Store. The zero value uses the defaults, with no
// invalidator.
type Options struct {
	// MaxBytes bounds the summed weight of the entries (see "Eviction and
	// memory"). Zero means DefaultMaxBytes.
	MaxBytes int64

	// MaxStale is the oldest a served value may be: an entry is dropped
	// this long after it was filled, whatever the invalidator does. Zero
	// means DefaultMaxStale; negative is an error.
	MaxStale time.Duration

	// Invalidator, when set, tells other instances about writes and this
	// one about theirs; see "Coherence" for what each gives. An
	// Invalidator serves one Store.
	Invalidator Invalidator

	// StaleIfError serves a cached value that can no longer be served as
	// a hit (its freshness passed, or the invalidator's subscription is
	// down) when the backend's Read fails, as long as the value is younger
	// than MaxStale. With StaleIfError and no Invalidator, an entry is
	// fresh for half of MaxStale, then the next Read asks the backend.
	StaleIfError bool

	// OnStaleServed, when set, receives the backend error behind each
	// value StaleIfError served.
	OnStaleServed func(name string, err error)

	// OnError, when set, receives failures that no operation returns: a
	// Publish that failed after the backend write succeeded, and the
	// invalidator's subscription errors.
	OnError func(err error)
}

// Store is a read cache in front of a backend store. It is a
// store.MutableStore, a store.Deleter and an io.Closer, safe for
// concurrent use.
type Store struct {
	backend store.MutableStore
	// otter was chosen over ristretto and golang-lru because it bounds by
	// weight deterministically (ristretto admits probabilistically and may
	// silently drop a Set; golang-lru counts entries, not bytes), its
	// policy keeps a higher hit ratio than LRU on skewed web traffic (v2's
	// W-TinyLFU matches or beats v1's S3-FIFO in otter's published
	// hit-ratio traces), and its reads are lock-free (striped read
	// buffers, no global mutex), so hits scale with cores.
	cache    *otter.Cache[string, entry]
	maxStale time.Duration
	fresh    time.Duration // how long an entry is a hit
	opts     Options

	sf    singleflight.Group
	seed  maphash.Seed
	gens  [stripes]atomic.Uint64 // per-stripe generation, bumped by every change of a name
	epoch atomic.Uint64          // bumped when the subscription goes down or up
	live  atomic.Bool            // entries may be served as hits

	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	life      lifetime.State
}

// stripes is the number of generation counters. Every change of a name
// bumps its stripe's counter before and after its backend call, and a fill
// or a local update is stored only when the counter did not move in
// between.
const stripes = 4096

// entry is one cached name: its content, or that it is missing.
type entry struct {
	content string
	missing bool
	epoch   uint64
	born    int64 // UnixNano of the fill
}

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
	_ io.Closer          = (*Store)(nil)
)

// New returns a cache in front of backend. With an Invalidator it starts
// the subscription, and reads through until it is confirmed.
func New(backend store.MutableStore, opts Options) (*Store, error) {
	if backend == nil {
		return nil, errors.New("cachestore: New with a nil backend")
	}
	if opts.MaxBytes < 0 || opts.MaxStale < 0 {
		return nil, errors.New("cachestore: negative MaxBytes or MaxStale")
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxStale == 0 {
		opts.MaxStale = DefaultMaxStale
	}
	s := &Store{backend: backend, maxStale: opts.MaxStale, fresh: opts.MaxStale, opts: opts, seed: maphash.MakeSeed(), done: make(chan struct{})}
	if opts.StaleIfError && opts.Invalidator == nil {
		s.fresh = opts.MaxStale / 2
	}
	c, err := otter.New(&otter.Options[string, entry]{
		MaximumWeight:    uint64(opts.MaxBytes),
		Weigher:          weigh,
		ExpiryCalculator: otter.ExpiryWriting[string, entry](opts.MaxStale),
	})
	if err != nil {
		return nil, fmt.Errorf("cachestore: %w", err)
	}
	s.cache = c
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if opts.Invalidator == nil {
		s.live.Store(true)
		close(s.done)
		return s, nil
	}
	go func() {
		defer close(s.done)
		err := opts.Invalidator.Subscribe(ctx, s.handle)
		s.handle(Event{Kind: Down, Err: err})
	}()
	return s, nil
}

// tooBig reports an entry heavier than the whole cache. otter applies
// weights asynchronously, so it would serve such an entry for a while
// before evicting it; it is never stored instead, and read through.
func (s *Store) tooBig(name string, e entry) bool {
	return int64(weigh(name, e)) > s.opts.MaxBytes
}

// weigh is capped at the uint32 range.
func weigh(name string, e entry) uint32 {
	w := uint64(len(name)) + uint64(len(e.content)) + EntryOverhead
	if w > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(w)
}

func (s *Store) gen(name string) *atomic.Uint64 {
	return &s.gens[maphash.String(s.seed, name)%stripes]
}

// handle applies one event of the subscription.
func (s *Store) handle(ev Event) {
	switch ev.Kind {
	case Invalidate:
		if store.ValidateName(ev.Name) == nil {
			s.drop(ev.Name)
		}
	case Live:
		// Messages sent while the subscription was down are lost: forget
		// everything once more, then serve hits again.
		s.epoch.Add(1)
		s.cache.InvalidateAll()
		s.live.Store(true)
	case Down:
		s.live.Store(false)
		s.epoch.Add(1)
		if !s.opts.StaleIfError {
			s.cache.InvalidateAll()
		}
		if ev.Err != nil && !errors.Is(ev.Err, context.Canceled) && s.opts.OnError != nil {
			s.opts.OnError(ev.Err)
		}
	}
}

// drop forgets name: a fill in flight for it will not be stored.
func (s *Store) drop(name string) {
	s.gen(name).Add(1)
	s.sf.Forget(name)
	s.cache.Invalidate(name)
}

// Live reports whether the cache serves hits: always without an
// Invalidator, and while its subscription is confirmed with one.
func (s *Store) Live() bool { return s.live.Load() }

// WeightedSize is the summed weight of the cached entries, in bytes.
func (s *Store) WeightedSize() uint64 { return s.cache.WeightedSize() }

// Len is the approximate number of cached entries.
func (s *Store) Len() int { return s.cache.EstimatedSize() }

// Read returns name's content from the cache, or from the backend on a
// miss.
func (s *Store) Read(ctx context.Context, name string) (string, error) {
	if err := s.life.Check(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	e, ok := s.cache.GetIfPresent(name)
	if ok && s.live.Load() && e.epoch == s.epoch.Load() && (s.fresh == s.maxStale || time.Now().UnixNano()-e.born < int64(s.fresh)) {
		if e.missing {
			return "", &store.Error{Op: store.OpRead, Name: name, Err: store.ErrNotFound}
		}
		return e.content, nil
	}
	return s.miss(ctx, name, e, ok)
}

type result struct {
	content string
	err     error
}

func (s *Store) miss(ctx context.Context, name string, stale entry, haveStale bool) (string, error) {
	ch := s.sf.DoChan(name, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), FillTimeout)
		defer cancel()
		return s.fill(fctx, name), nil
	})
	var r result
	select {
	case res := <-ch:
		r = res.Val.(result)
	case <-ctx.Done():
		return "", store.NewError(ctx, store.OpRead, name, ctx.Err())
	}
	if r.err != nil && s.opts.StaleIfError && haveStale && !stale.missing && !errors.Is(r.err, store.ErrNotFound) &&
		time.Now().UnixNano()-stale.born < int64(s.maxStale) {
		if s.opts.OnStaleServed != nil {
			s.opts.OnStaleServed(name, r.err)
		}
		return stale.content, nil
	}
	if r.err != nil {
		if ctx.Err() != nil && !errors.Is(r.err, store.ErrNotFound) {
			return "", store.NewError(ctx, store.OpRead, name, ctx.Err())
		}
		return "", r.err
	}
	return r.content, nil
}

// fill reads name from the backend and caches the result unless a change
// of the name, or of the subscription, arrived since the fill began.
func (s *Store) fill(ctx context.Context, name string) result {
	live := s.live.Load()
	g := s.gen(name)
	gen0, epoch0 := g.Load(), s.epoch.Load()
	content, err := s.backend.Read(ctx, name)
	missing := errors.Is(err, store.ErrNotFound)
	if err != nil && !missing {
		return result{err: store.NewError(ctx, store.OpRead, name, err)}
	}
	if !live || (missing && s.opts.Invalidator == nil) {
		if err != nil {
			return result{err: store.NewError(ctx, store.OpRead, name, err)}
		}
		return result{content: content}
	}
	e := entry{content: content, missing: missing, epoch: epoch0, born: time.Now().UnixNano()}
	s.cache.Compute(name, func(old entry, found bool) (entry, otter.ComputeOp) {
		if g.Load() != gen0 || s.epoch.Load() != epoch0 || !s.live.Load() || s.tooBig(name, e) {
			return old, otter.CancelOp
		}
		return e, otter.WriteOp
	})
	if err != nil {
		return result{err: store.NewError(ctx, store.OpRead, name, err)}
	}
	return result{content: content}
}

// Write writes to the backend, then caches content.
func (s *Store) Write(ctx context.Context, name, content string) error {
	if err := s.life.Check(ctx, store.OpWrite, name); err != nil {
		return err
	}
	return s.change(ctx, store.OpWrite, name, func() error { return s.backend.Write(ctx, name, content) },
		entry{content: content})
}

// Delete deletes name in the backend, which must be a store.Deleter.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := s.life.Check(ctx, store.OpDelete, name); err != nil {
		return err
	}
	d, ok := s.backend.(store.Deleter)
	if !ok {
		return &store.Error{Op: store.OpDelete, Name: name, Err: fmt.Errorf("cachestore: the backend %T is not a store.Deleter", s.backend)}
	}
	return s.change(ctx, store.OpDelete, name, func() error { return d.Delete(ctx, name) }, entry{missing: true})
}

// change runs backend and then updates the local entry, or drops it when
// another change of the name (or of its stripe) overlapped this one.
func (s *Store) change(ctx context.Context, op, name string, backend func() error, e entry) error {
	g := s.gen(name)
	gen0 := g.Add(1)
	s.sf.Forget(name)
	epoch0 := s.epoch.Load()
	err := backend()
	if err != nil {
		s.drop(name)
		return store.NewError(ctx, op, name, err)
	}
	keep := s.live.Load() && !(e.missing && s.opts.Invalidator == nil)
	e.epoch, e.born = epoch0, time.Now().UnixNano()
	s.cache.Compute(name, func(old entry, found bool) (entry, otter.ComputeOp) {
		if g.Add(1) != gen0+1 || !keep || s.epoch.Load() != epoch0 || !s.live.Load() || s.tooBig(name, e) {
			return old, otter.InvalidateOp
		}
		return e, otter.WriteOp
	})
	s.sf.Forget(name)
	if s.opts.Invalidator != nil {
		if err := s.opts.Invalidator.Publish(ctx, name); err != nil && s.opts.OnError != nil {
			s.opts.OnError(fmt.Errorf("cachestore: publish the invalidation of %q: %w", name, err))
		}
	}
	return nil
}

// Close stops the invalidator's subscription and empties the cache. It
// does not close the backend. It may be called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.life.End()
		s.cancel()
		<-s.done
		s.live.Store(false)
		s.cache.InvalidateAll()
		s.cache.StopAllGoroutines()
	})
	return nil
}
