// Package loadfault measures a store over a real network server while the
// server fails under load: 16 goroutines read and write through one store
// while the test kills the server with SIGKILL and restarts it on the same
// port and data, or freezes it with SIGSTOP for two seconds. The backends'
// tests (redisstore, pgstore, s3store: loadfault_test.go) give it the store
// and the server (internal/serverproc); everything else lives here. Import
// it from _test.go files only.
//
// # What it asserts
//
// Only invariants, never speeds, so a slow or shared machine cannot make it
// flake:
//
//   - no wrong store.ErrNotFound: a name with an acknowledged write (and no
//     delete: the load never deletes) is never reported missing;
//   - no corrupt value accepted: every successful Read returns a whole value
//     of its own name (each value carries its name, sequence number, length
//     and SHA-256), and no older acknowledged value than the last;
//   - no acknowledged write lost by a SIGKILL and restart: after recovery,
//     every name holds its last acknowledged value or a value whose Write
//     returned an error, since a failed Write may still have been applied,
//     even after a later one;
//   - every operation returns at most lateBound after its deadline;
//   - the same store serves a successful operation within recoverBound of
//     the server being back.
//
// Each fault's counts go to t.Logf and to one summary line starting
// "loadfault ". Every worker owns its names, so it knows their history
// without locks.
//
// # Duration
//
// By default each fault happens once, which takes a few seconds.
// MUTABLESTORE_FAULT_DURATION=60s repeats it until a minute has passed.
package loadfault

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/store"
)

// EnvDuration, a Go duration, makes each fault repeat until it has passed.
const EnvDuration = "MUTABLESTORE_FAULT_DURATION"

const (
	workers        = 16
	namesPerWorker = 4
	// opTimeout is each operation's deadline, as an engine's request
	// would give it.
	opTimeout = time.Second
	// lateBound is how long after its deadline an operation may return. It
	// catches a hang, not a slow return: two busy cores under -race, with
	// other packages' tests beside, deschedule goroutines for hundreds of
	// milliseconds (the worst seen here: 0.47 s).
	lateBound = 5 * time.Second
	// recoverBound is how soon after the server is back the store must
	// work again.
	recoverBound = 10 * time.Second
	// stopFor is how long SIGSTOP freezes the server.
	stopFor = 2 * time.Second
	// steady is the load before and after each fault.
	steady = 500 * time.Millisecond
	// pause is how long a worker waits after a failed operation, as an
	// engine would before its next request: sixteen goroutines spinning on
	// refused connections under -race would starve the restarting server
	// of the two cores.
	pause = 10 * time.Millisecond
)

// Server is the server process under the store: *serverproc.Server.
// Each method ends the test through t when it fails.
type Server interface {
	Kill(t testing.TB)
	Restart(t testing.TB)
	Stop(t testing.TB)
	Cont(t testing.TB)
}

// fault is one way the server fails. inject returns when the server is back.
type fault struct {
	name   string
	inject func(*testing.T, Server)
	// durable: after it, every name is checked for lost acknowledged
	// writes (a SIGSTOP loses nothing by design; the load's own reads
	// check it anyway).
	durable bool
}

var faults = []fault{
	{"kill", func(t *testing.T, s Server) { s.Kill(t); s.Restart(t) }, true},
	{"stop", func(t *testing.T, s Server) { s.Stop(t); time.Sleep(stopFor); s.Cont(t) }, false},
}

// Run runs the load over st through each fault of srv, as subtests "kill"
// and "stop", on the same store. backend names it in the summary lines.
func Run(t *testing.T, backend string, st store.MutableStore, srv Server) {
	duration := time.Duration(0)
	if v := os.Getenv(EnvDuration); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", EnvDuration, v, err)
		}
		duration = d
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) { runFault(t, backend, st, srv, f, duration) })
	}
}

// load is the state the test goroutine shares with the workers.
type load struct {
	st     store.MutableStore
	prefix string
	stop   atomic.Bool
	// backAt is when the server was last back (UnixNano, 0 while it is
	// failing); recoveredAt when an operation first succeeded after it.
	backAt, recoveredAt atomic.Int64
	// verifyEpoch, when it changes, asks each worker to check its names
	// and then call checked.Done.
	verifyEpoch atomic.Int64
	checked     sync.WaitGroup
}

func runFault(t *testing.T, backend string, st store.MutableStore, srv Server, f fault, duration time.Duration) {
	l := &load{st: st, prefix: fmt.Sprintf("loadfault-%s-%d/", f.name, time.Now().UnixNano())}
	l.backAt.Store(time.Now().UnixNano())
	var wg sync.WaitGroup
	results := make([]*stats, workers)
	for w := range workers {
		results[w] = &stats{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.work(w, results[w])
		}()
	}
	// However the test ends, the workers stop before the store's owner
	// closes it.
	defer func() {
		l.stop.Store(true)
		wg.Wait()
	}()

	start := time.Now()
	var worstRecovery, worstDown time.Duration
	n := 0
	for n == 0 || time.Since(start) < duration {
		n++
		time.Sleep(steady)
		l.backAt.Store(0)
		l.recoveredAt.Store(0)
		began := time.Now()
		f.inject(t, srv)
		back := time.Now()
		down := back.Sub(began)
		worstDown = max(worstDown, down)
		l.backAt.Store(back.UnixNano())
		for l.recoveredAt.Load() == 0 {
			if time.Since(back) > recoverBound {
				t.Fatalf("%s %s #%d: no operation succeeded within %v of the server being back", backend, f.name, n, recoverBound)
			}
			time.Sleep(5 * time.Millisecond)
		}
		rec := time.Duration(l.recoveredAt.Load() - back.UnixNano())
		worstRecovery = max(worstRecovery, rec)
		t.Logf("%s #%d: server down for %v, first success %v after it was back", f.name, n, down.Round(time.Millisecond), rec.Round(time.Millisecond))
		if f.durable {
			l.checked.Add(workers)
			l.verifyEpoch.Add(1)
			l.checked.Wait()
		}
		time.Sleep(steady)
	}
	l.stop.Store(true)
	wg.Wait()

	var total stats
	for _, r := range results {
		total.merge(r)
	}
	report(t, backend, f, n, worstDown, worstRecovery, &total)
}

// report logs the counts and asserts the invariants.
func report(t *testing.T, backend string, f fault, n int, down, recovery time.Duration, s *stats) {
	t.Logf("operations: %d (%d reads, %d writes); errors: %d %v", s.ops, s.reads, s.writes, s.errors(), s.errs)
	for _, m := range s.samples {
		t.Logf("  an error of kind other: %s", m)
	}
	t.Logf("ErrNotFound for names never acknowledged (right): %d; failed writes applied after a later acknowledged one: %d",
		s.notFoundUnwritten, s.lateApplied)
	if f.durable {
		t.Logf("names checked after each restart: %d; acknowledged writes lost: %d", s.checked, s.lost.n)
	}
	t.Logf("worst return past the %v deadline: %v; worst recovery: %v", opTimeout, s.worstLate, recovery)
	t.Log(s.summary(backend, f.name, n, down, recovery, f.durable))
	if s.reads == 0 || s.writes == 0 {
		t.Errorf("the load ran %d reads and %d writes; want both", s.reads, s.writes)
	}
	for _, c := range []struct {
		what string
		f    finding
	}{
		{"wrong ErrNotFound (a name with an acknowledged write reported missing)", s.wrongNotFound},
		{"corrupt or foreign values accepted as success", s.corrupt},
		{"stale reads (an older acknowledged value than the last)", s.stale},
		{"acknowledged writes lost after the restart", s.lost},
		{"names whose check after the restart kept failing", s.unverified},
	} {
		if c.f.n != 0 {
			t.Errorf("%s: %d, want 0; first: %q", c.what, c.f.n, c.f.examples)
		}
	}
	if s.worstLate > lateBound {
		t.Errorf("an operation returned %v after its %v deadline; want at most %v", s.worstLate, opTimeout, lateBound)
	}
}

// history is what a worker knows of one of its names.
type history struct {
	name   string
	next   int          // sequence number of the next write
	acked  int          // last acknowledged write, -1 for none
	failed map[int]bool // writes that returned an error: they may be applied, at any time
}

// accepts reports whether a read of seq agrees with the history, and whether
// it is a failed write older than the last acknowledged one.
func (h *history) accepts(seq int) (ok, late bool) {
	switch {
	case seq == h.acked:
		return true, false
	case h.failed[seq]:
		return true, seq < h.acked
	}
	return false, false
}

func (l *load) work(w int, s *stats) {
	r := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
	names := make([]*history, namesPerWorker)
	for i := range names {
		names[i] = &history{name: fmt.Sprintf("%sw%02d-n%d", l.prefix, w, i), acked: -1, failed: map[int]bool{}}
	}
	epoch := int64(0)
	for !l.stop.Load() {
		if e := l.verifyEpoch.Load(); e != epoch {
			epoch = e
			for _, h := range names {
				l.verify(h, s)
			}
			l.checked.Done()
			continue
		}
		h := names[r.IntN(len(names))]
		failed := s.errors()
		if r.IntN(2) == 0 {
			l.read(h, s)
		} else {
			l.write(r, h, s)
		}
		if s.errors() > failed {
			time.Sleep(pause)
		}
	}
}

// succeeded marks the store as recovered at its first success after the
// server is back.
func (l *load) succeeded() {
	if l.backAt.Load() != 0 {
		l.recoveredAt.CompareAndSwap(0, time.Now().UnixNano())
	}
}

func (l *load) write(r *rand.Rand, h *history, s *stats) {
	seq := h.next
	h.next++
	v := newValue(r, h.name, seq)
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	deadline, _ := ctx.Deadline()
	err := l.st.Write(ctx, h.name, v)
	cancel()
	s.late(deadline)
	s.ops++
	s.writes++
	if err != nil {
		h.failed[seq] = true
		s.fail(err)
		return
	}
	l.succeeded()
	h.acked = seq
}

func (l *load) read(h *history, s *stats) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	deadline, _ := ctx.Deadline()
	v, err := l.st.Read(ctx, h.name)
	cancel()
	s.late(deadline)
	s.ops++
	s.reads++
	switch {
	case errors.Is(err, store.ErrNotFound):
		l.succeeded()
		if h.acked >= 0 {
			s.wrongNotFound.add("%s: ErrNotFound after write %d was acknowledged: %v", h.name, h.acked, err)
		} else {
			s.notFoundUnwritten++
		}
		return
	case err != nil:
		s.fail(err)
		return
	}
	l.succeeded()
	seq, perr := parseValue(h.name, v)
	if perr != nil {
		s.corrupt.add("%s: %v", h.name, perr)
		return
	}
	switch ok, late := h.accepts(seq); {
	case late:
		s.lateApplied++
	case ok:
	case seq < h.acked:
		s.stale.add("%s: read write %d after write %d was acknowledged", h.name, seq, h.acked)
	default:
		s.corrupt.add("%s: read write %d, which was never attempted (next %d)", h.name, seq, h.next)
	}
}

// verify reads a name after a restart until the store answers (each try
// under its own deadline, for at most recoverBound) and checks that its last
// acknowledged write survived.
func (l *load) verify(h *history, s *stats) {
	s.checked++
	begin := time.Now()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		v, err := l.st.Read(ctx, h.name)
		cancel()
		switch {
		case errors.Is(err, store.ErrNotFound):
			if h.acked >= 0 {
				s.lost.add("%s: ErrNotFound, write %d was acknowledged", h.name, h.acked)
			}
			return
		case err == nil:
			seq, perr := parseValue(h.name, v)
			if perr != nil {
				s.corrupt.add("%s (after the restart): %v", h.name, perr)
			} else if ok, _ := h.accepts(seq); !ok {
				s.lost.add("%s: holds write %d, write %d was acknowledged", h.name, seq, h.acked)
			}
			return
		}
		if time.Since(begin) > recoverBound {
			s.unverified.add("%s: %v", h.name, err)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
