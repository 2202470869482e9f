package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

func Example() {
	ctx := context.Background()
	s := memstore.New()

	if err := s.Write(ctx, "static/index.html.revld.txt", "2024-05-01T12:00:00Z"); err != nil {
		fmt.Println(err)
		return
	}
	content, err := s.Read(ctx, "static/index.html.revld.txt")
	fmt.Printf("%q %v\n", content, err)

	_, err = s.Read(ctx, "static/about.html")
	fmt.Println(errors.Is(err, store.ErrNotFound), err)
	// Output:
	// "2024-05-01T12:00:00Z" <nil>
	// true read "static/about.html": not found
}

// Opening by URL gives a new, empty store each time: the mem scheme is
// registered when the package is imported. Like every store opened by URL,
// it is an io.Closer.
func Example_openURL() {
	// import _ "github.com/mutablestore/mutablestore/memstore"

	ctx := context.Background()
	s, err := store.Open(ctx, "mem://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.(io.Closer).Close()
	fmt.Printf("%T\n", s)

	_, err = store.Open(ctx, "mem://somehost/data")
	fmt.Println(err)
	// Output:
	// *memstore.Store
	// store.Open: mem URL: takes no user, host, path, query or fragment: use mem://
}

func ExampleStore_Delete() {
	ctx := context.Background()
	s := memstore.New()
	_ = s.Write(ctx, "static/old.html", "<p>old</p>")

	fmt.Println(s.Delete(ctx, "static/old.html"), s.Len())
	fmt.Println(s.Delete(ctx, "static/old.html")) // a missing name is not an error

	_, err := s.Read(ctx, "static/old.html")
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// <nil> 0
	// <nil>
	// true
}

func ExampleStore_Write_invalidName() {
	ctx := context.Background()
	s := memstore.New()
	err := s.Write(ctx, "../etc/passwd", "x")
	fmt.Println(errors.Is(err, store.ErrInvalidName))
	fmt.Println(err)
	fmt.Println(s.Len())
	// Output:
	// true
	// write "../etc/passwd": invalid name: name has a ".." segment
	// 0
}
