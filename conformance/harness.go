package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/conformance/faultproxy"
	"github.com/mutablestore/mutablestore/store"
)

// Harness is what an adapter gives RunHarness: the stores of a healthy
// backend, and optional capabilities that let the suite check the failure
// half of the contract. A nil capability skips the cases that need it.
type Harness struct {
	// NewStore returns a new, empty store on a healthy backend, as the
	// newStore of Run does. It is required.
	NewStore func(tb testing.TB) store.MutableStore

	// Misconfigured returns a store whose backend answers but cannot serve
	// it: a missing bucket, table or database, or credentials the server
	// refuses. Every operation must fail, and never with ErrNotFound: an
	// engine would render into a store that cannot keep anything.
	Misconfigured func(tb testing.TB) store.MutableStore

	// Outage returns a new, empty store and the Switch that takes its
	// backend away from that store alone (see package faultproxy). When it
	// is nil, the Outage cases use Proxied.
	Outage func(tb testing.TB) (store.MutableStore, Switch)

	// Proxied returns a new, empty store whose client reaches the backend
	// only through the returned proxy, and sends it every operation (no
	// cache in front). The BrokenConnections cases inject each
	// faultproxy.Fault under it; the store's client must give up on an
	// operation by the operation's context deadline or its own timeouts,
	// which should be a few seconds at most.
	Proxied func(tb testing.TB) (store.MutableStore, *faultproxy.Proxy)

	// Requests returns a new, empty store and a function that reports how
	// many requests that store has sent to its backend so far, counted by
	// the client or the server. The suite checks one per operation, after a
	// warm-up operation that may open connections.
	Requests func(tb testing.TB) (s store.MutableStore, sent func() int)

	// Secrets are strings no error may contain, such as the password the
	// client was given.
	Secrets []string

	// OutageTimeout bounds each operation while the backend is down. Zero
	// means 10 seconds.
	OutageTimeout time.Duration
}

// Switch stops and starts the backend of one store. *faultproxy.Proxy is
// one.
type Switch interface {
	Stop()
	Start()
}

// RunHarness runs every case of Run on h.NewStore, then the cases of each
// capability h has, as subtests named Misconfigured, Outage,
// BrokenConnections and Requests.
func RunHarness(t *testing.T, h Harness) {
	t.Helper()
	if h.NewStore == nil {
		t.Fatal("conformance.Harness.NewStore is nil; it is required")
	}
	Run(t, h.NewStore)
	t.Run("Misconfigured", func(t *testing.T) {
		if h.Misconfigured == nil {
			t.Skip("the harness has no Misconfigured store")
		}
		testMisconfigured(t, h)
	})
	t.Run("Outage", func(t *testing.T) {
		if h.Outage == nil && h.Proxied == nil {
			t.Skip("the harness has no Outage and no Proxied store")
		}
		testOutage(t, h)
	})
	t.Run("BrokenConnections", func(t *testing.T) {
		if h.Proxied == nil {
			t.Skip("the harness has no Proxied store")
		}
		testBrokenConnections(t, h)
	})
	t.Run("Requests", func(t *testing.T) {
		if h.Requests == nil {
			t.Skip("the harness has no request counter")
		}
		testRequests(t, h)
	})
}

func (h Harness) outageContext(t *testing.T) context.Context {
	d := h.OutageTimeout
	if d <= 0 {
		d = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// testMisconfigured checks that every operation on a store the backend
// cannot serve fails as a failure, not as a missing name.
func testMisconfigured(t *testing.T, h Harness) {
	s := h.Misconfigured(t)
	const name = "misconfigured/page"
	_, err := s.Read(h.outageContext(t), name)
	ExpectFailure(t, callRead(name)+" on a misconfigured store", err, store.OpRead, name, h.Secrets...)
	err = s.Write(h.outageContext(t), name, "value")
	ExpectFailure(t, callWrite(name, "value")+" on a misconfigured store", err, store.OpWrite, name, h.Secrets...)
	if d, ok := s.(store.Deleter); ok {
		err = d.Delete(h.outageContext(t), name)
		ExpectFailure(t, callDelete(name)+" on a misconfigured store", err, store.OpDelete, name, h.Secrets...)
	}
}

// testOutage stops the backend under a store that holds a value: reads of
// present and missing names, writes and deletes fail, never as
// ErrNotFound; once the backend is back the same store works and the value
// is unchanged (the switch cuts requests before they reach the server, so
// nothing that failed was applied).
func testOutage(t *testing.T, h Harness) {
	var s store.MutableStore
	var sw Switch
	if h.Outage != nil {
		s, sw = h.Outage(t)
	} else {
		s, sw = h.Proxied(t)
	}
	const name, missing = "outage/page", "outage/missing"
	mustWrite(t, s, name, "before")
	sw.Stop()
	restarted := false
	defer func() {
		if !restarted {
			sw.Start()
		}
	}()
	for _, n := range []string{name, missing} {
		_, err := s.Read(h.outageContext(t), n)
		ExpectFailure(t, callRead(n)+" with the backend down", err, store.OpRead, n, h.Secrets...)
	}
	err := s.Write(h.outageContext(t), name, "during")
	ExpectFailure(t, callWrite(name, "during")+" with the backend down", err, store.OpWrite, name, h.Secrets...)
	if d, ok := s.(store.Deleter); ok {
		err := d.Delete(h.outageContext(t), name)
		ExpectFailure(t, callDelete(name)+" with the backend down", err, store.OpDelete, name, h.Secrets...)
	}
	sw.Start()
	restarted = true
	ExpectRecovery(t, s, name, "before")
}

// testRequests checks the contract's one round trip per operation, and none
// for an operation the store must refuse before touching its backend.
func testRequests(t *testing.T, h Harness) {
	s, sent := h.Requests(t)
	ctx := t.Context()
	d, canDelete := s.(store.Deleter)
	steps := []struct {
		what string
		want int
		op   func() error
	}{
		{callWrite("rt/page", "v"), 1, func() error { return s.Write(ctx, "rt/page", "v") }},
		{callRead("rt/page"), 1, func() error { _, err := s.Read(ctx, "rt/page"); return err }},
		{callRead("rt/missing") + " of a missing name", 1, func() error {
			if _, err := s.Read(ctx, "rt/missing"); !isNotFound(err) {
				return errorf("got %v; want store.ErrNotFound", err)
			}
			return nil
		}},
		{callWrite("rt/../x", "v") + " of an invalid name", 0, func() error {
			if err := s.Write(ctx, "rt/../x", "v"); !isInvalidName(err) {
				return errorf("got %v; want store.ErrInvalidName", err)
			}
			return nil
		}},
		{callRead("rt/page") + " with a canceled context", 0, func() error {
			if _, err := s.Read(canceled(t), "rt/page"); !errors.Is(err, context.Canceled) || isNotFound(err) {
				return errorf("got %v; want the context's error, context.Canceled", err)
			}
			return nil
		}},
	}
	if canDelete {
		steps = append(steps, struct {
			what string
			want int
			op   func() error
		}{callDelete("rt/page"), 1, func() error { return d.Delete(ctx, "rt/page") }})
	}
	// A first operation opens the connection; its handshake (AUTH, HELLO,
	// a TLS or SQL session) is not part of the operation's cost.
	if err := s.Write(ctx, "rt/warmup", "v"); err != nil {
		t.Fatalf("warm-up %s: %v", callWrite("rt/warmup", "v"), err)
	}
	for _, step := range steps {
		before := sent()
		if err := step.op(); err != nil {
			t.Errorf("%s: %v", step.what, err)
			continue
		}
		if got := sent() - before; got != step.want {
			t.Errorf("%s sent %d requests to the backend; want %d", step.what, got, step.want)
		}
	}
}

func isNotFound(err error) bool    { return errors.Is(err, store.ErrNotFound) }
func isInvalidName(err error) bool { return errors.Is(err, store.ErrInvalidName) }
func errorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}
