package otelstore_test

import (
	"context"
	"fmt"
	"log"
	"os"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/mutablestore/mutablestore/cachestore"
	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/otelstore"
)

// Example instruments a file store and puts a cache in front of it: only
// the reads the cache misses reach the instrumented store, so the spans
// show the backend traffic. (Wrap the cache instead to trace every read.)
func Example() {
	dir, err := os.MkdirTemp("", "otelstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	fs, err := fsstore.New(dir, fsstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer fs.Close()

	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	instrumented, err := otelstore.New(fs, otelstore.Options{Kind: "fs", TracerProvider: tp})
	if err != nil {
		log.Fatal(err)
	}
	cache, err := cachestore.New(instrumented, cachestore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	ctx := context.Background()
	_, err = cache.Read(ctx, "static/index.html") // a miss: the backend says not found
	fmt.Println(err)
	if err := cache.Write(ctx, "static/index.html", "<h1>hello</h1>"); err != nil {
		log.Fatal(err)
	}
	page, _ := cache.Read(ctx, "static/index.html") // a hit: no span
	fmt.Println(page)
	for _, s := range spans.Ended() {
		fmt.Println(s.Name(), s.Status().Code)
	}
	// Output:
	// read "static/index.html": not found
	// <h1>hello</h1>
	// mutablestore.read Unset
	// mutablestore.write Unset
}
