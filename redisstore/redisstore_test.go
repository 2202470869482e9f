package redisstore_test

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

func TestConformance(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			c := b.client(t)
			conformance.Run(t, func(tb testing.TB) store.MutableStore {
				s, _ := newStore(tb, c, redisstore.Options{})
				return s
			})
		})
	}
}

// TestKeys checks the key layout the package documents: prefix + name,
// nothing else, so "a" and "a/b" are two keys that coexist.
func TestKeys(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			c := b.client(t)
			s, prefix := newStore(t, c, redisstore.Options{})
			want := map[string]string{"a": "file a", "a/b": "file a/b", "a/b/c d%2F": "deeper"}
			for name, content := range want {
				if err := s.Write(ctx, name, content); err != nil {
					t.Fatalf("Write(%q) = %v; want nil", name, err)
				}
			}
			for name, content := range want {
				if got, err := s.Read(ctx, name); err != nil || got != content {
					t.Errorf("Read(%q) = %q, %v; want %q, nil", name, got, err, content)
				}
				if got, err := c.Get(ctx, prefix+name).Result(); err != nil || got != content {
					t.Errorf("GET %q = %q, %v; want %q, nil: the key must be prefix+name", prefix+name, got, err, content)
				}
			}
			if err := s.Delete(ctx, "a"); err != nil {
				t.Fatalf("Delete(a) = %v; want nil", err)
			}
			if got, err := s.Read(ctx, "a/b"); err != nil || got != want["a/b"] {
				t.Errorf("after Delete(a), Read(a/b) = %q, %v; want %q, nil", got, err, want["a/b"])
			}
			if n, err := c.Exists(ctx, prefix+"a").Result(); err != nil || n != 0 {
				t.Errorf("after Delete(a), EXISTS %q = %d, %v; want 0, nil", prefix+"a", n, err)
			}
		})
	}
}

// TestNoPrefix checks that the zero Options keep a name at the key of the
// same name.
func TestNoPrefix(t *testing.T) {
	ctx := t.Context()
	c := newClient(t, nil)
	name := newPrefix(t, c) + "page" // a key only this test uses, deleted at the end
	s := mustNew(t, c, redisstore.Options{})
	if err := s.Write(ctx, name, "x"); err != nil {
		t.Fatalf("Write = %v", err)
	}
	if got, err := c.Get(ctx, name).Result(); err != nil || got != "x" {
		t.Errorf("GET %q = %q, %v; want %q, nil", name, got, err, "x")
	}
}

// TestOneRoundTrip counts the commands each operation sends: exactly one
// GET, SET or DEL, found or not, with or without a TTL.
func TestOneRoundTrip(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			c := b.client(t)
			// Commands as the caller issues them.
			top := &recorder{}
			c.AddHook(top)
			// Commands as they reach the nodes of a cluster, after routing
			// and any MOVED redirection.
			wire := top
			if cc, ok := c.(*redis.ClusterClient); ok {
				wire = &recorder{}
				cc.OnNewNode(func(node *redis.Client) { node.AddHook(wire) })
			}
			plain, prefix := newStore(t, c, redisstore.Options{})
			withTTL := mustNew(t, c, redisstore.Options{Prefix: prefix, TTL: time.Hour})
			if err := c.Ping(ctx).Err(); err != nil { // dial and, on a cluster, load the slots
				t.Fatalf("PING: %v", err)
			}
			top.take("")
			wire.take("")

			key := prefix + "page.html"
			steps := []struct {
				desc string
				op   func() error
				want sent
			}{
				{"Read of a missing name", func() error { _, err := plain.Read(ctx, "page.html"); return wantNotFound(err) }, sent{"get", key}},
				{"Write", func() error { return plain.Write(ctx, "page.html", "v1") }, sent{"set", key}},
				{"Write with TTL", func() error { return withTTL.Write(ctx, "page.html", "v2") }, sent{"set", key}},
				{"Read", func() error { _, err := plain.Read(ctx, "page.html"); return err }, sent{"get", key}},
				{"Delete", func() error { return plain.Delete(ctx, "page.html") }, sent{"del", key}},
				{"Delete of a missing name", func() error { return plain.Delete(ctx, "page.html") }, sent{"del", key}},
			}
			for _, st := range steps {
				if err := st.op(); err != nil {
					t.Fatalf("%s: %v", st.desc, err)
				}
				want := []sent{st.want}
				if got := top.take(""); !slices.Equal(got, want) {
					t.Errorf("%s issued commands %v; want exactly %v", st.desc, got, want)
				}
				if wire != top {
					// Only keys of this test: the cluster client may refresh
					// its slot map in the background.
					if got := wire.take(prefix); !slices.Equal(got, want) {
						t.Errorf("%s sent commands %v to the cluster nodes; want exactly %v", st.desc, got, want)
					}
				}
			}
		})
	}
}

// wantNotFound turns the expected NotFound of a read into success.
func wantNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return errors.New("want an error matching store.ErrNotFound, got " + errString(err))
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// TestTTL checks that Options.TTL reaches the server as the key's expiry,
// and that without it a Write leaves no expiry, not even one an earlier
// Write with a TTL had set.
func TestTTL(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			c := b.client(t)
			plain, prefix := newStore(t, c, redisstore.Options{})
			for _, ttl := range []time.Duration{
				time.Hour,                        // SET ... EX 3600
				time.Hour + 500*time.Millisecond, // SET ... PX 3600500
			} {
				s := mustNew(t, c, redisstore.Options{Prefix: prefix, TTL: ttl})
				if err := s.Write(ctx, "expiring", "x"); err != nil {
					t.Fatalf("Write with TTL %v: %v", ttl, err)
				}
				ms, err := c.Do(ctx, "pttl", prefix+"expiring").Int64()
				if err != nil {
					t.Fatalf("PTTL: %v", err)
				}
				if got := time.Duration(ms) * time.Millisecond; got <= 0 || got > ttl {
					t.Errorf("after Write with TTL %v, PTTL = %v; want in (0, %v]", ttl, got, ttl)
				}
			}
			if err := plain.Write(ctx, "expiring", "y"); err != nil {
				t.Fatalf("Write without TTL: %v", err)
			}
			if ms, err := c.Do(ctx, "pttl", prefix+"expiring").Int64(); err != nil || ms != -1 {
				t.Errorf("after Write without TTL over a key with an expiry, PTTL = %d, %v; want -1 (no expiry), nil", ms, err)
			}
		})
	}
}

// TestWrongType puts a list where a name's key is: a Read must give the
// server's WRONGTYPE error, not NotFound, and a Write must replace it.
func TestWrongType(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			c := b.client(t)
			s, prefix := newStore(t, c, redisstore.Options{})
			if err := c.LPush(ctx, prefix+"list", "item").Err(); err != nil {
				t.Fatalf("LPUSH: %v", err)
			}
			got, err := s.Read(ctx, "list")
			if err == nil {
				t.Fatalf("Read of a list key = %q, nil; want a WRONGTYPE error", got)
			}
			if errors.Is(err, store.ErrNotFound) {
				t.Errorf("Read of a list key: %v matches store.ErrNotFound; want it not to", err)
			}
			var se *store.Error
			if !errors.As(err, &se) || se.Op != store.OpRead || se.Name != "list" {
				t.Errorf("Read of a list key: %#v; want a *store.Error for read %q", err, "list")
			}
			var re redis.Error
			if !errors.As(err, &re) || !strings.HasPrefix(re.Error(), "WRONGTYPE") {
				t.Errorf("Read of a list key: %v; want errors.As to reach a redis.Error starting with WRONGTYPE", err)
			}
			if err := s.Write(ctx, "list", "now a string"); err != nil {
				t.Fatalf("Write over a list key: %v; want nil (SET replaces any type)", err)
			}
			if got, err := s.Read(ctx, "list"); err != nil || got != "now a string" {
				t.Errorf("Read after Write over a list = %q, %v; want %q, nil", got, err, "now a string")
			}
		})
	}
}

// TestClose checks who owns the client: a store built with New ends, but
// leaves the caller's client open.
func TestClose(t *testing.T) {
	ctx := t.Context()
	c := newClient(t, nil)
	s, _ := newStore(t, c, redisstore.Options{})
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v; want nil", err)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Errorf("PING after Close of a store built with New = %v; want nil (the caller's client stays open)", err)
	}
	if err := s.Write(ctx, "still", "works"); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Close of a store built with New = %v; want an error matching fs.ErrClosed", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dials
	defer c.Close()
	for _, tc := range []struct {
		desc   string
		client redis.UniversalClient
		opts   redisstore.Options
		want   string
	}{
		{"nil client", nil, redisstore.Options{}, "got nil"},
		{"negative TTL", c, redisstore.Options{TTL: -time.Second}, "Options.TTL is -1s"},
		{"negative WaitReplicas", c, redisstore.Options{WaitReplicas: -1}, "Options.WaitReplicas is -1"},
		{"negative WaitTimeout", c, redisstore.Options{WaitTimeout: -time.Second}, "Options.WaitTimeout is -1s"},
		{"prefix without separator", c, redisstore.Options{Prefix: "site"}, "must end with '/' or ':'"},
		{"prefix too long", c, redisstore.Options{Prefix: strings.Repeat("p", store.MaxPrefixLen) + ":"}, "more than 256"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			s, err := redisstore.New(tc.client, tc.opts)
			if s != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New with %s = %v, %v; want nil and an error containing %q", tc.desc, s, err, tc.want)
			}
		})
	}
}
