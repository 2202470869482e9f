package conformance_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

// gated is memstore behind a switch and a request counter: the backend of
// the harness's own tests. fault breaks it the way a wrong adapter would.
type gated struct {
	mem   *memstore.Store
	down  atomic.Bool
	sent  atomic.Int64
	fault string // "", "outage-not-found", "double-read"; "trusts-partial-reply" breaks Proxied (see wire)
}

var errDown = errors.New("connection refused")

func (g *gated) call(ctx context.Context, op, name string) error {
	if err := store.Check(ctx, op, name); err != nil {
		return err
	}
	g.sent.Add(1)
	if op == store.OpRead && g.fault == "double-read" {
		g.sent.Add(1)
	}
	if g.down.Load() || g.fault == "misconfigured" {
		if g.fault == "outage-not-found" && op == store.OpRead {
			return &store.Error{Op: op, Name: name, Err: store.ErrNotFound}
		}
		return &store.Error{Op: op, Name: name, Err: errDown}
	}
	return nil
}

func (g *gated) Read(ctx context.Context, name string) (string, error) {
	if err := g.call(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	return g.mem.Read(ctx, name)
}

func (g *gated) Write(ctx context.Context, name, content string) error {
	if err := g.call(ctx, store.OpWrite, name); err != nil {
		return err
	}
	return g.mem.Write(ctx, name, content)
}

func (g *gated) Delete(ctx context.Context, name string) error {
	if err := g.call(ctx, store.OpDelete, name); err != nil {
		return err
	}
	return g.mem.Delete(ctx, name)
}

func (g *gated) Stop()  { g.down.Store(true) }
func (g *gated) Start() { g.down.Store(false) }

func gatedHarness(fault string) conformance.Harness {
	newGated := func() *gated { return &gated{mem: memstore.New(), fault: fault} }
	return conformance.Harness{
		NewStore: func(testing.TB) store.MutableStore { return newGated() },
		Misconfigured: func(testing.TB) store.MutableStore {
			g := newGated()
			g.fault = "misconfigured"
			return g
		},
		Outage: func(testing.TB) (store.MutableStore, conformance.Switch) {
			g := newGated()
			return g, g
		},
		Requests: func(testing.TB) (store.MutableStore, func() int) {
			g := newGated()
			return g, func() int { return int(g.sent.Load()) }
		},
		Proxied: wireProxied(fault == "trusts-partial-reply"),
	}
}

func TestRunHarnessOnGatedMemstore(t *testing.T) {
	conformance.RunHarness(t, gatedHarness(""))
}

const brokenHarnessEnv = "CONFORMANCE_BROKEN_HARNESS"

// TestHarnessCatchesBrokenStores runs the harness in a child process on a
// store with one fault and wants the case that covers it to fail.
func TestHarnessCatchesBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	for _, f := range []struct{ fault, run, want string }{
		{"outage-not-found", "Outage", "matches store.ErrNotFound"},
		{"double-read", "Requests", "sent 2 requests to the backend; want 1"},
		{"trusts-partial-reply", "BrokenConnections", "not a value ever written"},
	} {
		t.Run(f.fault, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenHarness$/^"+f.run+"$", "-test.v")
			cmd.Env = append(os.Environ(), brokenHarnessEnv+"="+f.fault)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the harness passed (err = %v) on a store with fault %q; want %s to fail. Output:\n%s", err, f.fault, f.run, out)
			}
			if !strings.Contains(string(out), f.want) {
				t.Errorf("%s failed with fault %q, but the output lacks %q. Output:\n%s", f.run, f.fault, f.want, out)
			}
		})
	}
}

func TestBrokenHarness(t *testing.T) {
	fault := os.Getenv(brokenHarnessEnv)
	if fault == "" {
		t.Skip("run by TestHarnessCatchesBrokenStores")
	}
	conformance.RunHarness(t, gatedHarness(fault))
}
