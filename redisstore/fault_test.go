package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestServerStopped takes the server away from one store, through a proxy,
// and brings it back: errors while it is down, and the same Store works
// again afterwards.
func TestServerStopped(t *testing.T) {
	ctx := t.Context()
	password := redisPassword(t)
	proxy := testservice.NewProxy(t, standaloneOptions(t).Addr)
	c := newClient(t, func(o *redis.Options) {
		o.Addr = proxy.Addr()
		o.DialTimeout = time.Second
		o.ReadTimeout = time.Second
		o.WriteTimeout = time.Second
		o.MaxRetries = -1   // fail at once instead of retrying with backoff
		o.DialerRetries = 1 // and dial once per command
	})
	s, _ := newStore(t, c, redisstore.Options{})
	if err := s.Write(ctx, "page", "before"); err != nil {
		t.Fatalf("Write with the server up: %v", err)
	}

	proxy.Stop()
	_, err := s.Read(ctx, "page")
	conformance.ExpectFailure(t, "Read with the server down", err, store.OpRead, "page", password)
	// The pooled connection was reset by the first failure; this one dials.
	_, err = s.Read(ctx, "page")
	conformance.ExpectFailure(t, "second Read with the server down", err, store.OpRead, "page", password)
	err = s.Write(ctx, "page", "during")
	conformance.ExpectFailure(t, "Write with the server down", err, store.OpWrite, "page", password)
	err = s.Delete(ctx, "page")
	conformance.ExpectFailure(t, "Delete with the server down", err, store.OpDelete, "page", password)
	t.Logf("error with the server down: %v", err)

	proxy.Start()
	conformance.ExpectRecovery(t, s, "page", "before")
}

// TestAuthFailure uses a client with a wrong password, and one with none.
func TestAuthFailure(t *testing.T) {
	password := redisPassword(t)
	wrong := "wrong-" + testservice.UniqueName(t, "pw")
	for _, tc := range []struct {
		desc, password string
	}{
		{"wrong password", wrong},
		{"no password", ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ctx := t.Context()
			c := newClient(t, func(o *redis.Options) {
				o.Password = tc.password
				o.MaxRetries = -1
			})
			s := mustNew(t, c, redisstore.Options{Prefix: testservice.UniqueName(t, "redisstore") + ":"})
			_, err := s.Read(ctx, "page")
			conformance.ExpectFailure(t, "Read with "+tc.desc, err, store.OpRead, "page", password, wrong)
			t.Logf("Read with %s: %v", tc.desc, err)
			err = s.Write(ctx, "page", "x")
			conformance.ExpectFailure(t, "Write with "+tc.desc, err, store.OpWrite, "page", password, wrong)
			var re redis.Error
			if !errors.As(err, &re) {
				t.Errorf("Write with %s: %v; want errors.As to reach the server's redis.Error", tc.desc, err)
			}
		})
	}
}

// TestContextEndsDuringCall blocks a Write in the server with CLIENT PAUSE
// WRITE, which holds every write command of every client until it ends, and
// lets the caller's context end meanwhile.
//
// The pause holds the writes of every client of the shared server, so the
// test keeps it short: it unpauses as soon as the Write returned.
func TestContextEndsDuringCall(t *testing.T) {
	password := redisPassword(t)
	admin := newClient(t, nil)
	for _, tc := range []struct {
		desc string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{
			desc: "deadline",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(t.Context(), 200*time.Millisecond)
			},
			want: context.DeadlineExceeded,
		},
		{
			desc: "cancel",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(t.Context())
				time.AfterFunc(200*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: context.Canceled,
		},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			c := newClient(t, func(o *redis.Options) {
				o.ContextTimeoutEnabled = true
				// go-redis sees a cancellation without deadline only when
				// the read times out.
				o.ReadTimeout = time.Second
				o.MaxRetries = -1
			})
			s, _ := newStore(t, c, redisstore.Options{})
			if err := c.Ping(t.Context()).Err(); err != nil { // dial before the pause
				t.Fatalf("PING: %v", err)
			}
			if err := admin.Do(t.Context(), "client", "pause", 10_000, "write").Err(); err != nil {
				t.Fatalf("CLIENT PAUSE: %v", err)
			}
			unpause := func() {
				if err := admin.Do(context.Background(), "client", "unpause").Err(); err != nil {
					t.Errorf("CLIENT UNPAUSE: %v", err)
				}
			}
			t.Cleanup(unpause) // also when the test fails early

			ctx, cancel := tc.ctx()
			defer cancel()
			err := s.Write(ctx, "paused", "x")
			unpause()
			conformance.ExpectFailure(t, "Write blocked by CLIENT PAUSE", err, store.OpWrite, "paused", password)
			if !errors.Is(err, tc.want) {
				t.Errorf("Write blocked by CLIENT PAUSE, context %s: %v; want an error matching %v", tc.desc, err, tc.want)
			}
			t.Logf("Write blocked until the %s: %v", tc.desc, err)
		})
	}
}
