package store_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

func ExampleValidateName() {
	for _, name := range []string{
		"static/en-US-post%2Ffoo.json",
		"static/index.html.revld.txt",
		"static/my page.html",
		"../etc/passwd",
		"static//x",
		"/absolute",
		"tab\there",
	} {
		fmt.Printf("%q: %v\n", name, store.ValidateName(name))
	}
	// Output:
	// "static/en-US-post%2Ffoo.json": <nil>
	// "static/index.html.revld.txt": <nil>
	// "static/my page.html": <nil>
	// "../etc/passwd": invalid name: name has a ".." segment
	// "static//x": invalid name: name has an empty segment at byte 7
	// "/absolute": invalid name: name starts with '/'
	// "tab\there": invalid name: name has control character U+0009 at byte 3
}

// An engine renders a page when the store does not have it yet, and fails
// on any other error: only ErrNotFound means "not rendered yet".
func Example_notFound() {
	ctx := context.Background()
	var s store.MutableStore = memstore.New()

	page, err := s.Read(ctx, "static/about.html")
	if errors.Is(err, store.ErrNotFound) {
		page = "<h1>About</h1>" // render it
		if err := s.Write(ctx, "static/about.html", page); err != nil {
			fmt.Println(err)
			return
		}
	} else if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(page)

	// The error says which operation failed on which name.
	_, err = s.Read(ctx, "static/missing.html")
	var se *store.Error
	if errors.As(err, &se) {
		fmt.Println(se.Op, se.Name, err)
	}
	// Output:
	// <h1>About</h1>
	// read static/missing.html read "static/missing.html": not found
}

// A cancelled context is reported as such, never as a missing name.
func Example_canceled() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := memstore.New().Read(ctx, "static/x")
	fmt.Println(errors.Is(err, context.Canceled), errors.Is(err, store.ErrNotFound))
	fmt.Println(err)
	// Output:
	// true false
	// read "static/x": context canceled
}

// Adapters register a URL scheme when imported; Open picks one by scheme.
func ExampleOpen() {
	ctx := context.Background()
	s, err := store.Open(ctx, "mem://") // registered by importing memstore
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = s.Write(ctx, "static/x", "hello")
	content, err := s.Read(ctx, "static/x")
	fmt.Println(content, err)
	// Output:
	// hello <nil>
}

// An adapter runs Check before touching its backend and wraps whatever the
// backend returns with NewError.
func ExampleNewError() {
	ctx := context.Background()
	driverErr := errors.New("READONLY You can't write against a read only replica")

	err := store.NewError(ctx, store.OpWrite, "static/x", driverErr)
	fmt.Println(err)
	fmt.Println(errors.Is(err, driverErr))
	fmt.Println(store.NewError(ctx, store.OpWrite, "static/x", nil))
	// Output:
	// write "static/x": READONLY You can't write against a read only replica
	// true
	// <nil>
}

func ExampleCheck() {
	fmt.Println(store.Check(context.Background(), store.OpRead, "static/index.html"))
	fmt.Println(store.Check(context.Background(), store.OpWrite, "a/../b"))
	// Output:
	// <nil>
	// write "a/../b": invalid name: name has a ".." segment
}
