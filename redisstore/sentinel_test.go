package redisstore_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// newFailoverClient returns a client of the test sentinels' master.
func newFailoverClient(t testing.TB, s testservice.Sentinel) *redis.Client {
	t.Helper()
	c := redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName:       s.Master,
		SentinelAddrs:    s.Addrs,
		SentinelPassword: s.Password,
		Password:         s.Password,
		DialTimeout:      time.Second,
		ReadTimeout:      3 * time.Second,
		WriteTimeout:     time.Second,
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// failover makes the sentinels promote the replica, once they agree the
// replica is fit (an earlier failover's demoted master must have resynced
// first), and waits until they name the new master.
func failover(t testing.TB, s testservice.Sentinel) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addrs[0], Password: s.Password})
	defer sc.Close()
	before, err := sc.GetMasterAddrByName(ctx, s.Master).Result()
	if err != nil {
		t.Fatalf("SENTINEL GET-MASTER-ADDR-BY-NAME: %v", err)
	}
	for {
		err = sc.Failover(ctx, s.Master).Err()
		// NOGOODSLAVE and INPROG pass once the last failover has settled.
		if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "NOGOODSLAVE") && !strings.Contains(err.Error(), "INPROG") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("SENTINEL FAILOVER %s: %v", s.Master, err)
	}
	for {
		after, err := sc.GetMasterAddrByName(ctx, s.Master).Result()
		if err == nil && after[0]+":"+after[1] != before[0]+":"+before[1] {
			t.Logf("failover: master %s:%s -> %s:%s", before[0], before[1], after[0], after[1])
			// Sentinel demotes the old master only after it reported the
			// wrong role for about 8s; do it now, so the next test finds
			// a replica in sync. The sentinels then see what they expect.
			old := redis.NewClient(&redis.Options{Addr: before[0] + ":" + before[1], Password: s.Password})
			defer old.Close()
			if err := old.Do(ctx, "replicaof", after[0], after[1]).Err(); err != nil {
				t.Errorf("REPLICAOF on the old master: %v", err)
			}
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the sentinels still name %v as master after SENTINEL FAILOVER", before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// settle waits until the master has a replica that acknowledges writes:
// after an earlier failover the demoted master needs a resync first.
func settle(t testing.TB, c *redis.Client) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := c.Do(t.Context(), "wait", 1, 100).Int()
		if err == nil && n >= 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the master has no replica in sync (WAIT 1 = %d, %v)", n, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSentinelFailover (item 11) writes in a loop through a failover
// client, to a store with WaitReplicas and to one without, while the
// sentinels fail over. Every Write of the first that returned nil must read
// back after the failover; for the second the lost writes are only counted,
// since a failover may lose none.
func TestSentinelFailover(t *testing.T) {
	sen := testservice.RedisSentinel(t)
	c := newFailoverClient(t, sen)
	settle(t, c)
	ctx := t.Context()
	type writer struct {
		name   string
		s      *redisstore.Store
		acked  []int
		failed int
	}
	waiting, _ := newStore(t, c, redisstore.Options{WaitReplicas: 1, WaitTimeout: 500 * time.Millisecond})
	plain, _ := newStore(t, c, redisstore.Options{})
	writers := []*writer{{name: "wait_replicas=1", s: waiting}, {name: "no wait", s: plain}}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				err := w.s.Write(ctx, "n/"+strconv.Itoa(i), "v"+strconv.Itoa(i))
				if err == nil {
					w.acked = append(w.acked, i)
					continue
				}
				w.failed++
				if errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s: Write: %v; must not match store.ErrNotFound", w.name, err)
				}
				if w.failed <= 3 {
					t.Logf("%s: Write %d: %v", w.name, i, err)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	failover(t, sen)
	time.Sleep(800 * time.Millisecond) // writes go on to the new master
	close(stop)
	wg.Wait()

	for _, w := range writers {
		lost := 0
		for _, i := range w.acked {
			name := "n/" + strconv.Itoa(i)
			got, err := w.s.Read(ctx, name)
			if err != nil || got != "v"+strconv.Itoa(i) {
				lost++
				if w.s == waiting && lost <= 5 {
					t.Errorf("%s: acknowledged Write(%q) lost in the failover: Read = %q, %v", w.name, name, got, err)
				}
			}
		}
		t.Logf("%s: %d writes acknowledged, %d failed, %d acknowledged writes lost", w.name, len(w.acked), w.failed, lost)
		if len(w.acked) == 0 {
			t.Errorf("%s: no Write succeeded", w.name)
		}
	}
}

// TestOpenSentinelURL opens the sentinels' master by URL: the sentinels'
// password in the user information, the master's in password=.
func TestOpenSentinelURL(t *testing.T) {
	sen := testservice.RedisSentinel(t)
	c := newFailoverClient(t, sen)
	prefix := newPrefix(t, c)
	q := url.Values{"master_name": {sen.Master}, "password": {sen.Password}, "addr": sen.Addrs[1:], "prefix": {prefix}}
	u := url.URL{Scheme: "redis+sentinel", User: url.UserPassword("", sen.Password), Host: sen.Addrs[0], RawQuery: q.Encode()}
	s := openStore(t, u.String())
	ctx := t.Context()
	if err := s.Write(ctx, "page", "x"); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got, err := c.Get(ctx, prefix+"page").Result(); err != nil || got != "x" {
		t.Errorf("GET on the master = %q, %v; want %q", got, err, "x")
	}
}
