package conformance

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/conformance/faultproxy"
	"github.com/mutablestore/mutablestore/store"
)

// The BrokenConnections cases break the connection under a store in every
// way package faultproxy can, while reads and writes are in flight, and hold
// the store to one rule: an operation either fails, with an error that is
// not ErrNotFound, or it did the whole job. A reply cut after 7 bytes must
// never come back as a 7-byte value, a request cut in the middle must never
// leave half a value stored, and a slow or silent server must never make an
// operation outlive its context.

const (
	// brokenDeadline bounds each operation under a fault. It sets the pace
	// of the cases: under a Trickle or a Blackhole operations fail by it,
	// under a cut they fail sooner.
	brokenDeadline = time.Second
	// brokenGrace is how long past its deadline an operation may take to
	// return before the case calls it a hang.
	brokenGrace = 10 * time.Second
	// recoveryBound is how long after Heal a store has to read each name
	// again.
	recoveryBound = 10 * time.Second
)

// brokenSizes are the sizes of the values the cases write. The largest
// spans many TCP segments and several reads of any client's buffer.
var brokenSizes = []int{100, 10 << 10, 256 << 10}

// brokenMode is one fault, and which operations it must make fail.
type brokenMode struct {
	fault faultproxy.Fault
	// mustFail reports whether op on a value of size bytes cannot succeed
	// under the fault, whatever the protocol, given only that a request
	// carries the value it writes and a reply the value it reads, whole:
	// the values are random, so no compression shrinks them. why says so
	// for the failure message.
	mustFail func(op string, size int) bool
	why      string
}

func brokenModes() []brokenMode {
	large := brokenSizes[len(brokenSizes)-1]
	var modes []brokenMode
	for _, n := range []int{1, 7, 100, large / 2} {
		modes = append(modes, brokenMode{
			fault:    faultproxy.CutResponses(n),
			mustFail: func(op string, size int) bool { return op == store.OpRead && size > n },
			why:      fmt.Sprintf("the connection is reset after %d bytes of the reply, fewer than the value", n),
		})
	}
	for _, n := range []int{1, 7, 100, large / 2} {
		modes = append(modes, brokenMode{
			fault:    faultproxy.CutRequests(n),
			mustFail: func(op string, size int) bool { return op == store.OpWrite && size > n },
			why:      fmt.Sprintf("the connection is reset after %d bytes of the request, fewer than the value", n),
		})
	}
	const chunk, delay = 512, 5 * time.Millisecond
	modes = append(modes, brokenMode{
		fault: faultproxy.Trickle(chunk, delay),
		mustFail: func(op string, size int) bool {
			return time.Duration(size/chunk)*delay > 2*brokenDeadline
		},
		why: fmt.Sprintf("the value cannot cross the trickle before the operation's %v deadline", brokenDeadline),
	}, brokenMode{
		fault:    faultproxy.Blackhole(),
		mustFail: func(string, int) bool { return true },
		why:      "the server never answers",
	})
	return modes
}

// brokenOp is one operation run under a fault, and what it returned.
type brokenOp struct {
	op, name string
	size     int
	got      string
	err      error
}

// brokenHistory is what a name may hold: the value of its last successful
// write, or of any write that failed. A failed write may have landed, and
// may even land after later writes: its request can still be on its way
// to the server, in a slow network's buffers, after the client gave up.
type brokenHistory struct {
	last   string
	failed map[string]faultproxy.Fault // value → the fault its write failed under
}

// holds reports whether v is a value h allows, and whether it is the value
// of a failed write.
func (h *brokenHistory) holds(v string) (ok, late bool) {
	if v == h.last {
		return true, false
	}
	_, late = h.failed[v]
	return late, late
}

// lateFrom returns the fault under which the write of v failed.
func (h *brokenHistory) lateFrom(v string) faultproxy.Fault { return h.failed[v] }

// brokenTally counts what the operations under one fault did.
type brokenTally struct {
	ops, ok, failed, partial, retries int
	late                              []string // for each read of a failed write's value, the fault it failed under
}

// testBrokenConnections writes a value of each of brokenSizes, then under
// each fault reads and overwrites them all at once, each operation with
// brokenDeadline, heals the proxy and checks that the same store reads and
// writes again, and that each name holds a whole value.
func testBrokenConnections(t *testing.T, h Harness) {
	s, p := h.Proxied(t)
	names := map[string]*brokenHistory{}
	var order []string
	for _, size := range brokenSizes {
		name := fmt.Sprintf("broken/%d", size)
		order = append(order, name)
		names[name] = &brokenHistory{last: brokenValue(name, 0, size), failed: map[string]faultproxy.Fault{}}
		mustWrite(t, s, name, names[name].last)
	}
	var summary []string
	for i, m := range brokenModes() {
		start := time.Now()
		tally := runBroken(t, h, s, p, m, order, names, i+1)
		line := fmt.Sprintf("%v: %d operations, %d succeeded, %d failed, %d partial values accepted, %d failed reads before recovery (%v)",
			m.fault, tally.ops, tally.ok, tally.failed, tally.partial, tally.retries, time.Since(start).Round(time.Millisecond))
		if len(tally.late) > 0 {
			line += fmt.Sprintf("; read %d value(s) of writes that had failed under %s", len(tally.late), strings.Join(tally.late, ", "))
		}
		summary = append(summary, line)
	}
	t.Logf("broken connections, values of %v bytes, each operation with a %v deadline:\n\t%s",
		brokenSizes, brokenDeadline, strings.Join(summary, "\n\t"))
}

// runBroken runs one mode: the operations under its fault, then the
// recovery after Heal. version makes every written value new.
func runBroken(t *testing.T, h Harness, s store.MutableStore, p *faultproxy.Proxy, m brokenMode, order []string, names map[string]*brokenHistory, version int) brokenTally {
	t.Helper()
	const missing = "broken/missing"
	var ops []*brokenOp
	next := map[string]string{}
	for _, name := range order {
		size := len(names[name].last)
		next[name] = brokenValue(name, version, size)
		ops = append(ops,
			&brokenOp{op: store.OpRead, name: name, size: size},
			&brokenOp{op: store.OpWrite, name: name, size: size})
	}
	ops = append(ops, &brokenOp{op: store.OpRead, name: missing})

	p.Inject(m.fault)
	healed := false
	heal := func() {
		if !healed {
			p.Heal()
			healed = true
		}
	}
	defer heal()
	var wg sync.WaitGroup
	for _, o := range ops {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(t.Context(), brokenDeadline)
			defer cancel()
			if o.op == store.OpRead {
				o.got, o.err = s.Read(ctx, o.name)
			} else {
				o.err = s.Write(ctx, o.name, next[o.name])
			}
		})
	}
	if !waitBounded(&wg, brokenDeadline+brokenGrace) {
		t.Errorf("under %v, operations with a %v deadline had not returned %v later; want each to return by its deadline",
			m.fault, brokenDeadline, brokenGrace)
		heal() // resets blackholed connections, ends trickles
		if !waitBounded(&wg, brokenGrace) {
			t.Fatalf("under %v, operations had not returned %v after Heal either", m.fault, brokenGrace)
		}
	}

	var tally brokenTally
	for _, o := range ops {
		tally.ops++
		desc := fmt.Sprintf("under %v, %s", m.fault, describeBroken(o))
		if o.name == missing && errors.Is(o.err, store.ErrNotFound) && m.fault != faultproxy.Blackhole() {
			tally.ok++ // the server's answer got through
			continue
		}
		if o.err != nil {
			tally.failed++
			ExpectFailure(t, desc, o.err, o.op, o.name, h.Secrets...)
			continue
		}
		tally.ok++
		if o.name == missing {
			t.Errorf("%s returned %s and err = nil; want store.ErrNotFound or a failure: the name was never written", desc, size(o.got))
			continue
		}
		if o.op == store.OpRead {
			ok, late := names[o.name].holds(o.got)
			if late {
				tally.late = append(tally.late, names[o.name].lateFrom(o.got).String())
			}
			if !ok && o.got != next[o.name] {
				tally.partial++
				t.Errorf("%s returned err = nil with content that is not a value ever written: %s; want an error, never part of a value",
					desc, diff(o.got, names[o.name].last))
				continue
			}
		}
		if m.mustFail(o.op, o.size) {
			t.Errorf("%s returned err = nil; want an error: %s, so the operation cannot have done its job by its deadline", desc, m.why)
		}
	}
	for _, o := range ops {
		if o.op == store.OpWrite && o.err == nil {
			names[o.name].last = next[o.name]
		} else if o.op == store.OpWrite {
			names[o.name].failed[next[o.name]] = m.fault
		}
	}
	heal()

	for _, name := range order {
		got, retries := readRecovered(t, h, s, m.fault, name)
		tally.retries += retries
		if ok, late := names[name].holds(got); !ok {
			t.Errorf("after %v healed, %s = %s; want the value last written whole, or one whose write failed: a cut request must not store part of a value (against the last: %s)",
				m.fault, callRead(name), size(got), diff(got, names[name].last))
		} else if late {
			// It landed: from now on it is what the name holds.
			tally.late = append(tally.late, names[name].lateFrom(got).String())
			names[name].last = got
			delete(names[name].failed, got)
		}
	}
	// And it writes again, under a name no failed write can land on.
	name := fmt.Sprintf("broken/healed-%d", version)
	fresh := brokenValue(name, 0, brokenSizes[0])
	if err := s.Write(t.Context(), name, fresh); err != nil {
		t.Fatalf("after %v healed, %s = %v; want nil: the same store must recover by itself", m.fault, callWrite(name, fresh), err)
	}
	if !wantContent(t, s, name, fresh) {
		t.FailNow()
	}
	return tally
}

// readRecovered reads name after Heal until it succeeds, for at most
// recoveryBound, and returns the value and how many reads failed first.
// Every failure must still be a failure, not ErrNotFound.
func readRecovered(t *testing.T, h Harness, s store.MutableStore, fault faultproxy.Fault, name string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), recoveryBound)
	defer cancel()
	for retries := 0; ; retries++ {
		got, err := s.Read(ctx, name)
		if err == nil {
			return got, retries
		}
		desc := fmt.Sprintf("after %v healed, %s", fault, callRead(name))
		ExpectFailure(t, desc, err, store.OpRead, name, h.Secrets...)
		if ctx.Err() != nil {
			t.Fatalf("%s still failed %v after Heal: %v; want the same store to recover by itself", desc, recoveryBound, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func describeBroken(o *brokenOp) string {
	if o.op == store.OpRead {
		return callRead(o.name)
	}
	return fmt.Sprintf("Write(%s, %d bytes)", quoteName(o.name), o.size)
}

// waitBounded waits for wg, at most d, and reports whether it finished.
func waitBounded(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// brokenValue returns size random bytes, different for every name and
// version: random, so no layer compresses them, and distinct, so a stale
// value shows.
func brokenValue(name string, version, size int) string {
	var seed [32]byte
	copy(seed[:], fmt.Sprintf("%s#%d", name, version))
	buf := make([]byte, size)
	_, _ = rand.NewChaCha8(seed).Read(buf) // never fails
	return string(buf)
}
