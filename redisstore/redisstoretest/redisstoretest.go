// Package redisstoretest gives a test a ready, empty *redisstore.Store on a
// real Redis server, for testing a web engine (or anything else built on
// store.MutableStore) against Redis rather than a mock.
//
//	func TestMain(m *testing.M) { redisstoretest.Main(m) }
//
//	func TestRender(t *testing.T) {
//		t.Parallel()
//		s := redisstoretest.New(t) // own key prefix, removed when t ends
//		...
//	}
//
// The server is, in order:
//
//  1. the one MUTABLESTORE_TEST_REDIS_URL names
//     (redis://:PASSWORD@HOST:PORT/DB), shared with whatever else uses it;
//  2. otherwise a container started with testcontainers-go when a Docker
//     engine answers, image MUTABLESTORE_TEST_REDIS_IMAGE (default
//     redis:7-alpine; any image taking "redis-server --requirepass PW"),
//     shared by the tests of one test binary and removed when it ends;
//  3. otherwise the test is skipped with a message saying how to provide a
//     server, or fails when MUTABLESTORE_TEST_REQUIRE=1.
//
// Each store gets its own key prefix and its keys are deleted when the test
// ends, so tests may run in parallel on one server. Call Main from TestMain:
// without it a container outlives the test binary when Ryuk, the
// testcontainers reaper, is disabled (TESTCONTAINERS_RYUK_DISABLED=true).
package redisstoretest

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/redisstore"
)

// Main runs the tests, removes the containers they started and exits with
// their status; use it as the whole body of TestMain. One call serves every
// harness package (redisstoretest, pgstoretest, s3storetest) of a binary.
func Main(m *testing.M) { testservice.Main(m) }

// URL returns the go-redis URL of the server, starting a container if
// needed (see the package documentation). The server is shared: keep keys
// under a prefix of your own.
func URL(t testing.TB) string {
	t.Helper()
	return testservice.Redis(t).URL
}

// Client returns a client of the server, closed when the test ends.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(URL(t))
	if err != nil {
		t.Fatalf("redisstoretest: %v", err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

// New returns an empty store on the server with a key prefix no other store
// uses. When the test ends its keys are deleted and its client closed.
func New(t testing.TB) *redisstore.Store {
	t.Helper()
	return NewWithOptions(t, redisstore.Options{})
}

// NewWithOptions is New with options such as a TTL; opts.Prefix is replaced
// by the store's own prefix.
func NewWithOptions(t testing.TB, opts redisstore.Options) *redisstore.Store {
	t.Helper()
	c := Client(t)
	opts.Prefix = testservice.UniqueName(t, "mstoretest") + ":"
	testservice.Cleanup(t, func(ctx context.Context) {
		iter := c.Scan(ctx, 0, opts.Prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			if err := c.Del(ctx, iter.Val()).Err(); err != nil {
				t.Errorf("redisstoretest: removing %s: %v", iter.Val(), err)
				return
			}
		}
		if err := iter.Err(); err != nil {
			t.Errorf("redisstoretest: removing the keys under %s: %v", opts.Prefix, err)
		}
	})
	s, err := redisstore.New(c, opts)
	if err != nil {
		t.Fatalf("redisstoretest: %v", err)
	}
	return s
}
