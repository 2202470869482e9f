package redisstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/redisstore"
)

func TestMain(m *testing.M) { testservice.Main(m) }

// redisPassword is the password of the servers testservice provides; the
// tests look for it in error messages.
func redisPassword(t testing.TB) string {
	t.Helper()
	pw := testservice.Redis(t).Password
	if pw == "" {
		t.Fatal("testservice.Redis gave a server without a password; the leak checks need one")
	}
	return pw
}

// standaloneOptions parses testservice.Redis's URL.
func standaloneOptions(t testing.TB) *redis.Options {
	t.Helper()
	o, err := redis.ParseURL(testservice.Redis(t).URL)
	if err != nil {
		t.Fatalf("parse testservice.Redis's URL: %v", err)
	}
	return o
}

// newClient returns a client of the standalone server that the test closes
// when it ends. tune, when not nil, changes its options first.
func newClient(t testing.TB, tune func(*redis.Options)) *redis.Client {
	t.Helper()
	o := standaloneOptions(t)
	if tune != nil {
		tune(o)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

// newClusterClient returns a client of the test cluster that the test
// closes when it ends.
func newClusterClient(t testing.TB) *redis.ClusterClient {
	t.Helper()
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: testservice.RedisClusterAddrs(t)})
	t.Cleanup(func() { c.Close() })
	return c
}

// backend is one kind of deployment every integration test runs against.
type backend struct {
	name   string
	client func(testing.TB) redis.UniversalClient
}

var backends = []backend{
	{"standalone", func(t testing.TB) redis.UniversalClient { return newClient(t, nil) }},
	{"cluster", func(t testing.TB) redis.UniversalClient { return newClusterClient(t) }},
}

// newPrefix returns a key prefix no other test uses and deletes every key
// under it when the test ends.
func newPrefix(t testing.TB, c redis.UniversalClient) string {
	t.Helper()
	prefix := testservice.UniqueName(t, "redisstore") + ":"
	testservice.Cleanup(t, func(ctx context.Context) {
		if err := deleteKeys(ctx, c, prefix); err != nil {
			t.Errorf("delete the keys under %q: %v", prefix, err)
		}
	})
	return prefix
}

// newStore returns a store on c under a fresh prefix.
func newStore(t testing.TB, c redis.UniversalClient, opts redisstore.Options) (*redisstore.Store, string) {
	t.Helper()
	opts.Prefix = newPrefix(t, c)
	return mustNew(t, c, opts), opts.Prefix
}

// mustNew is redisstore.New for options a test knows are valid.
func mustNew(t testing.TB, c redis.UniversalClient, opts redisstore.Options) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(c, opts)
	if err != nil {
		t.Fatalf("redisstore.New: %v", err)
	}
	return s
}

// deleteKeys deletes every key that starts with prefix. A cluster keeps
// each key on one master only, so it scans every master.
func deleteKeys(ctx context.Context, c redis.UniversalClient, prefix string) error {
	if cc, ok := c.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return deleteNodeKeys(ctx, node, prefix)
		})
	}
	return deleteNodeKeys(ctx, c, prefix)
}

func deleteNodeKeys(ctx context.Context, c redis.Cmdable, prefix string) error {
	var keys []string
	iter := c.Scan(ctx, 0, globEscape(prefix)+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	// One DEL per key: on a cluster node, keys of different slots cannot
	// share a command.
	_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			p.Del(ctx, k)
		}
		return nil
	})
	return err
}

// globEscape quotes the characters SCAN MATCH treats as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sent is one command a client sent: its name and its first argument.
type sent struct{ name, key string }

// recorder is a go-redis hook that records every command it sees, to count
// round trips rather than trust the code to make one.
type recorder struct {
	mu   sync.Mutex
	cmds []sent
}

func (r *recorder) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *recorder) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.add(cmd)
		return next(ctx, cmd)
	}
}

func (r *recorder) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, cmd := range cmds {
			r.add(cmd)
		}
		return next(ctx, cmds)
	}
}

func (r *recorder) add(cmd redis.Cmder) {
	s := sent{name: cmd.Name()}
	if args := cmd.Args(); len(args) > 1 {
		s.key, _ = args[1].(string)
	}
	r.mu.Lock()
	r.cmds = append(r.cmds, s)
	r.mu.Unlock()
}

// take returns the commands recorded since the last take whose key starts
// with prefix (every command when prefix is empty) and forgets them all.
func (r *recorder) take(prefix string) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var got []sent
	for _, s := range r.cmds {
		if strings.HasPrefix(s.key, prefix) {
			got = append(got, s)
		}
	}
	r.cmds = nil
	return got
}
