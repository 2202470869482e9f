package fsstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

func Example() {
	dir, err := os.MkdirTemp("", "fsstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := fsstore.New(filepath.Join(dir, "mutable"), fsstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	if err := s.Write(ctx, "static/index.html", "<h1>Hello</h1>"); err != nil {
		log.Fatal(err)
	}
	page, err := s.Read(ctx, "static/index.html")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page)

	// The name is an ordinary file.
	b, err := os.ReadFile(filepath.Join(dir, "mutable", "static", "index.html"))
	fmt.Println(string(b), err)

	_, err = s.Read(ctx, "static/about.html")
	fmt.Println(errors.Is(err, store.ErrNotFound), err)
	// Output:
	// <h1>Hello</h1>
	// <h1>Hello</h1> <nil>
	// true read "static/about.html": not found
}

func ExampleStore_Write_conflict() {
	dir, err := os.MkdirTemp("", "fsstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s, err := fsstore.New(dir, fsstore.Options{NoSync: true})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	if err := s.Write(ctx, "post", "a post"); err != nil {
		log.Fatal(err)
	}
	// "post" is a file, so it cannot also be a directory.
	err = s.Write(ctx, "post/comments", "none yet")
	fmt.Println(errors.Is(err, store.ErrConflict))
	post, err := s.Read(ctx, "post")
	fmt.Println(post, err)
	// Output:
	// true
	// a post <nil>
}

func Example_openURL() {
	// import _ "github.com/mutablestore/mutablestore/fsstore"

	dir, err := os.MkdirTemp("", "fsstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// file:///abs/dir, or file:rel/dir for a directory relative to the
	// working directory; sync=false is Options.NoSync.
	ctx := context.Background()
	s, err := store.Open(ctx, "file://"+filepath.ToSlash(dir)+"?sync=false")
	if err != nil {
		log.Fatal(err)
	}
	defer s.(*fsstore.Store).Close()

	if err := s.Write(ctx, "static/index.html.revld.txt", "1700000000"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Read(ctx, "static/index.html.revld.txt"))
	// Output:
	// 1700000000 <nil>
}
