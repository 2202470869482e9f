package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// wantFailure checks an error the store returns when the server is not
// answering as it should: an *store.Error for op and name that is not
// NotFound and does not leak any of secrets.
func wantFailure(t *testing.T, desc string, err error, op, name string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: err = nil; want an error", desc)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: %v matches store.ErrNotFound; want it not to (a failing server is not a missing name)", desc, err)
	}
	var se *store.Error
	if !errors.As(err, &se) || se.Op != op || se.Name != name {
		t.Errorf("%s: %#v; want a *store.Error for %s %q", desc, err, op, name)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("%s: message %q contains a password", desc, err)
		}
	}
}

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
	wantFailure(t, "Read with the server down", err, store.OpRead, "page", password)
	// The pooled connection was reset by the first failure; this one dials.
	_, err = s.Read(ctx, "page")
	wantFailure(t, "second Read with the server down", err, store.OpRead, "page", password)
	err = s.Write(ctx, "page", "during")
	wantFailure(t, "Write with the server down", err, store.OpWrite, "page", password)
	err = s.Delete(ctx, "page")
	wantFailure(t, "Delete with the server down", err, store.OpDelete, "page", password)
	t.Logf("error with the server down: %v", err)

	proxy.Start()
	if got, err := s.Read(ctx, "page"); err != nil || got != "before" {
		t.Errorf("Read after the server came back = %q, %v; want %q, nil", got, err, "before")
	}
	if err := s.Write(ctx, "page", "after"); err != nil {
		t.Errorf("Write after the server came back = %v; want nil", err)
	}
	if got, err := s.Read(ctx, "page"); err != nil || got != "after" {
		t.Errorf("Read after the server came back = %q, %v; want %q, nil", got, err, "after")
	}
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
			s := redisstore.New(c, redisstore.Options{Prefix: testservice.UniqueName(t, "redisstore") + ":"})
			_, err := s.Read(ctx, "page")
			wantFailure(t, "Read with "+tc.desc, err, store.OpRead, "page", password, wrong)
			t.Logf("Read with %s: %v", tc.desc, err)
			err = s.Write(ctx, "page", "x")
			wantFailure(t, "Write with "+tc.desc, err, store.OpWrite, "page", password, wrong)
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
			wantFailure(t, "Write blocked by CLIENT PAUSE", err, store.OpWrite, "paused", password)
			if !errors.Is(err, tc.want) {
				t.Errorf("Write blocked by CLIENT PAUSE, context %s: %v; want an error matching %v", tc.desc, err, tc.want)
			}
			t.Logf("Write blocked until the %s: %v", tc.desc, err)
		})
	}
}
