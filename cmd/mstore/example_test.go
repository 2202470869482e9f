package main

import (
	"context"
	"os"
)

// Example runs mstore as a shell would: put a page into a file store, then
// print it back.
func Example() {
	dir, err := os.MkdirTemp("", "mstore-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	env := map[string]string{"MSTORE_URL": "file://" + dir}
	getenv := func(k string) string { return env[k] }

	ctx := context.Background()
	run(ctx, []string{"put", "static/index.html", "<h1>hello</h1>"}, nil, os.Stdout, os.Stderr, getenv)
	run(ctx, []string{"get", "static/index.html"}, nil, os.Stdout, os.Stderr, getenv)
	// Output: <h1>hello</h1>
}
