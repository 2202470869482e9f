package faultproxy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/conformance/faultproxy"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// A test puts the proxy between one store's client and the real server,
// then breaks that store's connections while other stores keep theirs.
// (The test function is shown, not run: it needs a Redis server.)
func Example() {
	_ = func(t *testing.T) {
		p := faultproxy.New(t, "127.0.0.1:6379")
		client := redis.NewClient(&redis.Options{Addr: p.Addr(), ContextTimeoutEnabled: true})
		t.Cleanup(func() { client.Close() })
		s, err := redisstore.New(client, redisstore.Options{Prefix: "test:"})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()

		// Seven bytes of every reply reach the client, then the
		// connection is reset: a Read must fail, never return part of
		// the value, and never claim the name is missing.
		p.Inject(faultproxy.CutResponses(7))
		if _, err := s.Read(ctx, "page"); err == nil || errors.Is(err, store.ErrNotFound) {
			t.Errorf("Read over a cut connection = %v; want a failure other than ErrNotFound", err)
		}

		p.Heal() // the same store works again on new connections
		p.Stop() // the server is gone for this store alone, until p.Start()
	}
}
