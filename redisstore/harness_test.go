package redisstore_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/conformance/faultproxy"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestConformanceHarness runs the whole contract, its failure half included, on the
// standalone server: a wrong password, a server taken away by a proxy, and
// the commands each operation sends, counted by a client hook (a pipeline
// is one round trip).
func TestConformanceHarness(t *testing.T) {
	password := redisPassword(t)
	shared := newClient(t, nil)
	failFast := func(o *redis.Options) {
		o.DialTimeout = time.Second
		o.ReadTimeout = time.Second
		o.WriteTimeout = time.Second
		o.MaxRetries = -1
		o.DialerRetries = 1
	}
	conformance.RunHarness(t, conformance.Harness{
		NewStore: func(tb testing.TB) store.MutableStore {
			s, _ := newStore(tb, shared, redisstore.Options{})
			return s
		},
		Misconfigured: func(tb testing.TB) store.MutableStore {
			c := newClient(tb, func(o *redis.Options) {
				failFast(o)
				o.Password = "wrong-" + testservice.UniqueName(tb, "pw")
			})
			return mustNew(tb, c, redisstore.Options{Prefix: "misconfigured:"})
		},
		Proxied: func(tb testing.TB) (store.MutableStore, *faultproxy.Proxy) {
			p := faultproxy.New(tb, standaloneOptions(tb).Addr)
			c := newClient(tb, func(o *redis.Options) {
				failFast(o)
				o.Addr = p.Addr()
			})
			s, _ := newStore(tb, c, redisstore.Options{})
			return s, p
		},
		Requests: func(tb testing.TB) (store.MutableStore, func() int) {
			c := newClient(tb, nil)
			var n roundTrips
			c.AddHook(&n)
			s, _ := newStore(tb, c, redisstore.Options{})
			return s, func() int { return int(n.Load()) }
		},
		Secrets: []string{password},
	})
}

// roundTrips counts what a client sends to the server: one per command, one
// per pipeline.
type roundTrips struct{ atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.Add(1)
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.Add(1)
		return next(ctx, cmds)
	}
}
