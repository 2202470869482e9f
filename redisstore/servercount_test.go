package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/serverproc"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// serverCountOps is how many times each operation runs between two
// readings of INFO commandstats.
const serverCountOps = 5

// TestServerCountsOneCommand is the hook-counted round-trip tests from the
// server's side: Redis's own INFO commandstats must show that N operations
// of one kind ran the expected command N times and no other command. The
// counts are server-wide, so the test starts private servers that nothing
// else talks to: standalone, standalone with a replica (WaitReplicas: SET
// or DEL and WAIT, each N times) and a one-node cluster.
func TestServerCountsOneCommand(t *testing.T) {
	t.Run("standalone", func(t *testing.T) {
		addr := serverproc.Redis(t).Addr
		c := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { c.Close() })
		testServerCounts(t, addr, c, redisstore.Options{}, nil)
	})
	t.Run("replicated", func(t *testing.T) {
		// No 5s wait for more replicas before the first full sync.
		addr := serverproc.Redis(t, "--repl-diskless-sync-delay", "0").Addr
		serverproc.Redis(t, "--replicaof", strings.Replace(addr, ":", " ", 1))
		waitReplicas(t, addr, 1)
		c := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { c.Close() })
		// The replica's REPLCONF (acknowledgements, also those WAIT asks
		// for) reaches the master on the replication link, not from the
		// store's client.
		testServerCounts(t, addr, c, redisstore.Options{WaitReplicas: 1, WaitTimeout: 5 * time.Second}, []string{"replconf"})
	})
	t.Run("cluster", func(t *testing.T) {
		addr := serverproc.Redis(t, "--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(t.TempDir(), "nodes.conf")).Addr
		makeOneNodeCluster(t, addr)
		c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{addr}})
		t.Cleanup(func() { c.Close() })
		testServerCounts(t, addr, c, redisstore.Options{}, nil)
	})
}

func testServerCounts(t *testing.T, addr string, c redis.UniversalClient, opts redisstore.Options, ignore []string) {
	s := mustNew(t, c, opts)
	admin := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 1})
	t.Cleanup(func() { admin.Close() })
	ctx := t.Context()
	// Warm up every connection the counts must not see opened: each says
	// HELLO (and CLIENT SETINFO) on connect, a cluster client reads the
	// slots first, and go-redis keeps pipelines, so WaitReplicas' SET+WAIT,
	// on a pool of their own.
	if err := s.Write(ctx, "warm-up", "x"); err != nil {
		t.Fatalf("warm-up Write: %v", err)
	}
	if err := s.Delete(ctx, "warm-up"); err != nil {
		t.Fatalf("warm-up Delete: %v", err)
	}
	if _, err := s.Read(ctx, "warm-up"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("warm-up Read: err = %v; want store.ErrNotFound", err)
	}
	commandStats(t, admin)

	write, del := map[string]int64{"set": serverCountOps}, map[string]int64{"del": serverCountOps}
	if opts.WaitReplicas > 0 {
		write["wait"], del["wait"] = serverCountOps, serverCountOps
	}
	name := func(i int) string { return fmt.Sprintf("page/%d.html", i) }
	phases := []struct {
		op   string
		want map[string]int64
		run  func(i int) error
	}{
		{"Write", write, func(i int) error { return s.Write(ctx, name(i), "<p>hi</p>") }},
		{"Read", map[string]int64{"get": serverCountOps}, func(i int) error { _, err := s.Read(ctx, name(i)); return err }},
		{"Delete", del, func(i int) error { return s.Delete(ctx, name(i)) }},
		{"Read missing", map[string]int64{"get": serverCountOps}, func(i int) error {
			if _, err := s.Read(ctx, name(i)); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("Read of deleted %q: err = %v; want store.ErrNotFound", name(i), err)
			}
			return nil
		}},
	}
	for _, p := range phases {
		before := commandStats(t, admin)
		for i := range serverCountOps {
			if err := p.run(i); err != nil {
				t.Fatalf("%s: %v", p.op, err)
			}
		}
		after := commandStats(t, admin)
		delta := map[string]int64{}
		for cmd, n := range after {
			if d := n - before[cmd]; d != 0 {
				delta[cmd] = d
			}
		}
		// The INFO that read before ran on the admin connection.
		delete(delta, "info")
		for _, cmd := range ignore {
			delete(delta, cmd)
		}
		if !maps.Equal(delta, p.want) {
			t.Errorf("%d × %s: the server counted %v; want %v", serverCountOps, p.op, delta, p.want)
		}
		t.Logf("%d × %s: commandstats calls %v", serverCountOps, p.op, delta)
	}
}

// commandStats returns INFO commandstats as calls per command
// ("get", "client|setinfo").
func commandStats(t *testing.T, admin *redis.Client) map[string]int64 {
	t.Helper()
	info, err := admin.Info(t.Context(), "commandstats").Result()
	if err != nil {
		t.Fatalf("INFO commandstats: %v", err)
	}
	calls := map[string]int64{}
	for line := range strings.Lines(info) {
		// cmdstat_get:calls=3,usec=9,usec_per_call=3.00,...
		cmd, stats, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "cmdstat_")), ":")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		field, _, _ := strings.Cut(stats, ",")
		n, err := strconv.ParseInt(strings.TrimPrefix(field, "calls="), 10, 64)
		if err != nil {
			t.Fatalf("INFO commandstats line %q: %v", line, err)
		}
		calls[cmd] = n
	}
	return calls
}

// waitReplicas waits until n replicas are online at the master addr.
func waitReplicas(t *testing.T, addr string, n int) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	want := fmt.Sprintf("connected_slaves:%d", n)
	waitUntil(t, func(ctx context.Context) bool {
		info, err := c.Info(ctx, "replication").Result()
		return err == nil && strings.Contains(info, want) && strings.Contains(info, "state=online")
	}, "%d replica(s) online at %s", n, addr)
}

// makeOneNodeCluster gives the cluster-enabled server at addr every slot.
func makeOneNodeCluster(t *testing.T, addr string) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	if err := c.ClusterAddSlotsRange(t.Context(), 0, 16383).Err(); err != nil {
		t.Fatalf("CLUSTER ADDSLOTSRANGE: %v", err)
	}
	waitUntil(t, func(ctx context.Context) bool {
		info, err := c.ClusterInfo(ctx).Result()
		return err == nil && strings.Contains(info, "cluster_state:ok")
	}, "cluster_state:ok at %s", addr)
}

func waitUntil(t *testing.T, ok func(context.Context) bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok(t.Context()) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20s for "+format, args...)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
