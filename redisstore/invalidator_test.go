package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/cachestore"
	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/cachetest"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// invClient returns a client of the test server named clientName (so a
// test can find and kill its connections), closed when the test ends.
func invClient(t testing.TB, clientName string) *redis.Client {
	t.Helper()
	o, err := redis.ParseURL(testservice.Redis(t).URL)
	if err != nil {
		t.Fatalf("parse testservice.Redis's URL: %v", err)
	}
	o.ClientName = clientName
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

// invPrefix returns a fresh key prefix whose keys are deleted at the end.
func invPrefix(t testing.TB, c *redis.Client) string {
	t.Helper()
	prefix := testservice.UniqueName(t, "inv") + ":"
	testservice.Cleanup(t, func(ctx context.Context) {
		keys, _ := c.Keys(ctx, prefix+"*").Result()
		for _, k := range keys {
			c.Del(ctx, k)
		}
	})
	return prefix
}

// readCounter counts the backend's Reads.
type readCounter struct {
	*redisstore.Store
	reads atomic.Int64
}

func (r *readCounter) Read(ctx context.Context, name string) (string, error) {
	r.reads.Add(1)
	return r.Store.Read(ctx, name)
}

// invCache returns a cache over backend whose invalidator subscribes on a
// client of its own, named subName, on channel; it waits until the
// subscription is live.
func invCache(t testing.TB, backend store.MutableStore, channel, subName string, opts cachestore.Options) *cachestore.Store {
	t.Helper()
	inv, err := redisstore.NewInvalidator(invClient(t, subName), redisstore.InvalidatorOptions{Channel: channel, PingInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	opts.Invalidator = inv
	if opts.MaxStale == 0 {
		opts.MaxStale = time.Minute
	}
	s, err := cachestore.New(backend, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cachetest.WaitLive(t, s, true)
	return s
}

func TestInvalidatorConformance(t *testing.T) {
	c := invClient(t, "")
	conformance.Run(t, func(tb testing.TB) store.MutableStore {
		prefix := invPrefix(tb, c)
		return invCache(tb, mustNew(tb, c, redisstore.Options{Prefix: prefix}), prefix+"inv", "", cachestore.Options{})
	})
}

// pair returns two caches, A and B, over one Redis backend.
func pair(t testing.TB) (a, b *cachestore.Store, backend *readCounter, bSubName string, c *redis.Client) {
	c = invClient(t, "")
	prefix := invPrefix(t, c)
	backend = &readCounter{Store: mustNew(t, c, redisstore.Options{Prefix: prefix})}
	bSubName = testservice.UniqueName(t, "sub-b")
	a = invCache(t, backend, prefix+"inv", "", cachestore.Options{})
	b = invCache(t, backend, prefix+"inv", bSubName, cachestore.Options{})
	return a, b, backend, bSubName, c
}

// TestInvalidatorPropagation: see cachetest.Propagation.
func TestInvalidatorPropagation(t *testing.T) {
	a, b, _, _, _ := pair(t)
	cachetest.Propagation(t, a, b)
}

// killClient kills the connections of the client named name.
func killClient(t *testing.T, c *redis.Client, name string) int {
	t.Helper()
	ctx := context.Background()
	list, err := c.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	killed := 0
	for line := range strings.SplitSeq(list, "\n") {
		var id string
		hit := false
		for f := range strings.FieldsSeq(line) {
			if v, ok := strings.CutPrefix(f, "id="); ok {
				id = v
			}
			if f == "name="+name {
				hit = true
			}
		}
		if hit && id != "" {
			if err := c.Do(ctx, "CLIENT", "KILL", "ID", id).Err(); err != nil {
				t.Fatal(err)
			}
			killed++
		}
	}
	return killed
}

func TestInvalidatorSubscriptionKilled(t *testing.T) {
	a, b, backend, bSub, c := pair(t)
	ctx := context.Background()
	if err := a.Write(ctx, "page", "v1"); err != nil {
		t.Fatal(err)
	}
	cachetest.WaitFor(t, b, "page", "v1")
	if n := killClient(t, c, bSub); n == 0 {
		t.Fatal("found no connection of B's subscription")
	}
	killed := time.Now()
	noticed := cachetest.WaitLive(t, b, false)
	t.Logf("B noticed the killed subscription after %v", noticed)
	// Written behind every cache's back, after the kill: B must read it.
	backend.Store.Write(ctx, "page", "v2")
	if got, err := b.Read(ctx, "page"); got != "v2" || err != nil {
		t.Errorf("B read %q, %v after the kill; want v2 (nothing older than the kill)", got, err)
	}
	// While down B reads through: every Read reaches the backend.
	n := backend.reads.Load()
	b.Read(ctx, "page")
	b.Read(ctx, "page")
	if backend.reads.Load()-n != 2 {
		t.Errorf("B made %d backend Reads for 2 Reads while down; want 2", backend.reads.Load()-n)
	}
	back := cachetest.WaitLive(t, b, true)
	t.Logf("B resubscribed %v after the kill", time.Since(killed))
	_ = back
	if err := a.Write(ctx, "page", "v3"); err != nil {
		t.Fatal(err)
	}
	cachetest.WaitFor(t, b, "page", "v3")
}

func TestInvalidatorSingleFlight(t *testing.T) {
	_, b, backend, _, _ := pair(t)
	cachetest.SingleFlight(t, b, backend.reads.Load)
}

func TestInvalidatorDelete(t *testing.T) {
	a, b, _, _, _ := pair(t)
	ctx := context.Background()
	a.Write(ctx, "p", "x")
	cachetest.WaitFor(t, b, "p", "x")
	if err := a.Delete(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := b.Read(ctx, "p")
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B still reads the deleted name: %v", err)
		}
	}
}

func BenchmarkCacheHitVsGET(b *testing.B) {
	c := invClient(b, "")
	prefix := invPrefix(b, c)
	ctx := context.Background()
	content := strings.Repeat("x", 1024)
	backend := mustNew(b, c, redisstore.Options{Prefix: prefix})
	if err := backend.Write(ctx, "page", content); err != nil {
		b.Fatal(err)
	}
	b.Run("RawGET", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Get(ctx, prefix+"page").Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CacheHit", func(b *testing.B) {
		s := invCache(b, backend, prefix+"inv", "", cachestore.Options{})
		s.Read(ctx, "page")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Read(ctx, "page"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestInvalidatorCloseIsPrompt(t *testing.T) {
	c := invClient(t, "")
	prefix := invPrefix(t, c)
	s := invCache(t, mustNew(t, c, redisstore.Options{Prefix: prefix}), prefix+"inv", "", cachestore.Options{})
	start := time.Now()
	s.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v; want it prompt", d)
	}
}

// TestInvalidatorCluster: on a cluster, PUBLISH reaches the subscribers
// of every node, so two caches over a cluster backend stay coherent.
func TestInvalidatorCluster(t *testing.T) {
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: testservice.RedisClusterAddrs(t)})
	t.Cleanup(func() { cc.Close() })
	ctx := context.Background()
	prefix := testservice.UniqueName(t, "invc") + ":"
	testservice.Cleanup(t, func(ctx context.Context) {
		cc.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error {
			keys, _ := n.Keys(ctx, prefix+"*").Result()
			for _, k := range keys {
				n.Del(ctx, k)
			}
			return nil
		})
	})
	backend := mustNew(t, cc, redisstore.Options{Prefix: prefix})
	mk := func() *cachestore.Store {
		inv, err := redisstore.NewInvalidator(cc, redisstore.InvalidatorOptions{Channel: prefix + "inv"})
		if err != nil {
			t.Fatal(err)
		}
		s, err := cachestore.New(backend, cachestore.Options{MaxStale: time.Minute, Invalidator: inv})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		cachetest.WaitLive(t, s, true)
		return s
	}
	a, b := mk(), mk()
	for i := range 50 {
		name := fmt.Sprint("page/", i) // names on many slots
		b.Read(ctx, name)
		if err := a.Write(ctx, name, "v"); err != nil {
			t.Fatal(err)
		}
		cachetest.WaitFor(t, b, name, "v")
	}
}

func TestNewInvalidatorRejects(t *testing.T) {
	if _, err := redisstore.NewInvalidator(nil, redisstore.InvalidatorOptions{}); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("NewInvalidator(nil client) = %v, want an error naming the nil client", err)
	}
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer client.Close()
	if _, err := redisstore.NewInvalidator(client, redisstore.InvalidatorOptions{PingInterval: -time.Second}); err == nil || !strings.Contains(err.Error(), "PingInterval") {
		t.Errorf("NewInvalidator(PingInterval -1s) = %v, want an error naming PingInterval", err)
	}
}

// BenchmarkInvalidatorPropagation: see cachetest.BenchmarkPropagation.
func BenchmarkInvalidatorPropagation(bm *testing.B) {
	a, b, _, _, _ := pair(bm)
	cachetest.BenchmarkPropagation(bm, a, b)
}
