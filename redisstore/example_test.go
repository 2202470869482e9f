package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// A store on a standalone server, with the client options that bound how
// long a request of the engine can wait for Redis. It needs a server, so it
// has no output to check.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{
		Addr:     "127.0.0.1:6379",
		Password: "secret",
		// Let the request's context deadline reach the socket.
		ContextTimeoutEnabled: true,
		ReadTimeout:           time.Second,
		WriteTimeout:          time.Second,
	})
	defer client.Close() // the store does not own the client

	s, err := redisstore.New(client, redisstore.Options{Prefix: "example.com:"})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	if err := s.Write(ctx, "static/index.html", "<h1>Hello</h1>"); err != nil {
		log.Fatal(err)
	}
	page, err := s.Read(ctx, "static/about.html")
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Not rendered yet: render it and Write it.
	case err != nil:
		// Redis is failing: do not render in its place.
		log.Fatal(err)
	default:
		fmt.Println(page)
	}
}

// The same constructor takes a cluster client: each operation is a single
// key, which the client routes to the node that holds its slot.
func ExampleNew_cluster() {
	client := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"},
	})
	defer client.Close()

	s, err := redisstore.New(client, redisstore.Options{Prefix: "example.com:"})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Write(context.Background(), "static/index.html", "<h1>Hello</h1>"); err != nil {
		log.Fatal(err)
	}
}

// Opening by URL: the store owns the client it creates, so Close it.
func Example_openURL() {
	ctx := context.Background()
	s, err := store.Open(ctx, "redis://:secret@127.0.0.1:6379/0?prefix=example.com%3A&read_timeout=1s")
	if err != nil {
		log.Fatal(err)
	}
	defer s.(io.Closer).Close()

	if err := s.Write(ctx, "static/index.html", "<h1>Hello</h1>"); err != nil {
		log.Fatal(err)
	}
}

// Opening a URL does not contact the server, so mistakes in the URL show at
// once, and the password never appears in the error.
func Example_openURLError() {
	_, err := store.Open(context.Background(), "redis://:secret@127.0.0.1:6379/0?prefix=site%3A&colour=blue")
	fmt.Println(err)
	_, err = store.Open(context.Background(), "redis://:secret@127.0.0.1:6379/0?ttl=forever")
	fmt.Println(err)
	// Output:
	// store.Open: redis URL: unknown parameter "colour" (recognized: context_timeout_enabled, prefix, ttl, wait_replicas, wait_timeout; and those of go-redis)
	// store.Open: redis URL: parameter "ttl": time: invalid duration "forever"
}
