package cachestore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/mutablestore/mutablestore/cachestore"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/otelstore"
	"github.com/mutablestore/mutablestore/store"
)

// Example wires a backend (memstore here; fsstore, redisstore or pgstore in
// production), instruments it with otelstore and caches it with
// cachestore. With an Invalidator (redisstore.NewInvalidator,
// pgstore.NewInvalidator) the caches of several instances stay coherent.
func Example() {
	ctx := context.Background()
	instrumented, err := otelstore.New(memstore.New(), otelstore.Options{Kind: "mem"})
	if err != nil {
		log.Fatal(err)
	}
	s, err := cachestore.New(instrumented, cachestore.Options{MaxBytes: 16 << 20, MaxStale: 2 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	if _, err := s.Read(ctx, "static/index.html"); errors.Is(err, store.ErrNotFound) {
		fmt.Println("not rendered yet")
	}
	if err := s.Write(ctx, "static/index.html", "<h1>hello</h1>"); err != nil {
		log.Fatal(err)
	}
	page, err := s.Read(ctx, "static/index.html") // a hit: no backend call
	fmt.Println(page, err)
	// Output:
	// not rendered yet
	// <h1>hello</h1> <nil>
}
