package redisstore_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/loadfault"
	"github.com/mutablestore/mutablestore/internal/serverproc"
	"github.com/mutablestore/mutablestore/redisstore"
)

// TestLoadFault kills and freezes a Redis server (AOF, fsync always) that
// the test starts, under load through one store; internal/loadfault says
// what it asserts.
func TestLoadFault(t *testing.T) {
	srv := serverproc.Redis(t)
	// As the package documentation recommends: the context's deadline
	// bounds each command, which is not retried.
	c := redis.NewClient(&redis.Options{
		Addr:                  srv.Addr,
		ContextTimeoutEnabled: true,
		DialTimeout:           time.Second,
		ReadTimeout:           time.Second,
		WriteTimeout:          time.Second,
		MaxRetries:            -1,
	})
	t.Cleanup(func() { c.Close() })
	s, err := redisstore.New(c, redisstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	loadfault.Run(t, "redis", s, srv)
}
