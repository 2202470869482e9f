package redisstore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestTLSHandshakeBoundedByDialTimeout (item 12): rediss:// to a port that
// accepts and never answers must fail about when dial_timeout ends, not
// when the context's far deadline does.
func TestTLSHandshakeBoundedByDialTimeout(t *testing.T) {
	addr := testservice.StalledServer(t)
	s := openStore(t, "rediss://:secret-pw@"+addr+"/0?dial_timeout=1s")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := s.Read(ctx, "page")
	took := time.Since(start)
	if err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read over TLS from a silent server = %v; want an error, not store.ErrNotFound", err)
	}
	if took > 5*time.Second {
		t.Errorf("Read over TLS from a silent server took %v; want about dial_timeout=1s (under 5s)", took)
	}
	t.Logf("after %v: %v", took, err)
}

// TestTLSHandshakeHonoursContext: with a long dial_timeout, the context's
// deadline still ends the operation during a TLS handshake.
func TestTLSHandshakeHonoursContext(t *testing.T) {
	addr := testservice.StalledServer(t)
	s := openStore(t, "rediss://:secret-pw@"+addr+"/0?dial_timeout=20s")
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Read(ctx, "page")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Read over TLS from a silent server with a 200ms context took %v", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read = %v; want an error matching context.DeadlineExceeded, not store.ErrNotFound", err)
	}
}

// pipelines is a go-redis hook that records the command names of each
// pipeline, and of each single command as a pipeline of one.
type pipelines struct {
	mu   sync.Mutex
	sent [][]string
}

func (p *pipelines) DialHook(next redis.DialHook) redis.DialHook { return next }
func (p *pipelines) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		p.add([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}
func (p *pipelines) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		p.add(cmds)
		return next(ctx, cmds)
	}
}
func (p *pipelines) add(cmds []redis.Cmder) {
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name())
	}
	p.mu.Lock()
	p.sent = append(p.sent, names)
	p.mu.Unlock()
}

// TestWaitReplicasNotConfirmed (item 11): the standalone server has no
// replica, so a Write or Delete waiting for one is applied but fails with
// ErrNotReplicated, and sends its command and WAIT in one pipeline.
func TestWaitReplicasNotConfirmed(t *testing.T) {
	ctx := t.Context()
	c := newClient(t, nil)
	hook := &pipelines{}
	c.AddHook(hook)
	s, prefix := newStore(t, c, redisstore.Options{WaitReplicas: 1, WaitTimeout: 50 * time.Millisecond})
	hook.sent = nil
	err := s.Write(ctx, "page", "x")
	if !errors.Is(err, redisstore.ErrNotReplicated) || errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "applied on the master but not confirmed replicated") {
		t.Errorf("Write without replicas = %v; want an error matching ErrNotReplicated, not store.ErrNotFound", err)
	}
	if got, err := c.Get(ctx, prefix+"page").Result(); err != nil || got != "x" {
		t.Errorf("GET after the unconfirmed Write = %q, %v; want it applied", got, err)
	}
	err = s.Delete(ctx, "page")
	if !errors.Is(err, redisstore.ErrNotReplicated) || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete without replicas = %v; want an error matching ErrNotReplicated", err)
	}
	// Connection set-up (HELLO, CLIENT) and the test's GET aside.
	sent := slices.DeleteFunc(hook.sent, func(names []string) bool {
		return names[0] == "hello" || names[0] == "client" || names[0] == "get"
	})
	want := [][]string{{"set", "wait"}, {"del", "wait"}}
	if !slices.EqualFunc(sent, want, slices.Equal) {
		t.Errorf("sent %v; want %v: the command and WAIT in one pipeline each", sent, want)
	}
	if _, err := s.Read(ctx, "page"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read after the Delete = %v; want store.ErrNotFound", err)
	}
}

// TestWaitReplicasCluster: on a cluster, WAIT goes to the master of the
// name's slot with the SET (the test cluster has no replicas, so every
// Write is applied and unconfirmed); a WAIT sent to another node would
// answer for the wrong server or not be routed at all.
func TestWaitReplicasCluster(t *testing.T) {
	ctx := t.Context()
	c := newClusterClient(t)
	s, prefix := newStore(t, c, redisstore.Options{WaitReplicas: 1, WaitTimeout: 20 * time.Millisecond})
	for i := range 10 {
		name := "page/" + strings.Repeat("x", i+1)
		if err := s.Write(ctx, name, name); !errors.Is(err, redisstore.ErrNotReplicated) {
			t.Errorf("Write(%q) on a cluster without replicas = %v; want ErrNotReplicated", name, err)
		}
		if got, err := c.Get(ctx, prefix+name).Result(); err != nil || got != name {
			t.Errorf("GET %q = %q, %v; want %q applied", prefix+name, got, err, name)
		}
	}
}
