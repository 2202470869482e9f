package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// A store on a pool the application already has. These examples need a
// server, so they are compiled but not run.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close() // the store never closes the caller's pool

	// New does no I/O. CreateTable creates the table if it is missing,
	// but not its schema: "site" must exist (CREATE SCHEMA site).
	s, err := pgstore.New(pool, pgstore.Options{Table: "site.mutable_store"})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.CreateTable(ctx); err != nil {
		log.Fatal(err)
	}
	if err := s.Write(ctx, "static/index.html", "<h1>Hello</h1>"); err != nil {
		log.Fatal(err)
	}
	page, err := s.Read(ctx, "static/about.html")
	switch {
	case errors.Is(err, store.ErrNotFound):
		fmt.Println("not rendered yet")
	case err != nil:
		log.Fatal(err) // the database failed: do not re-render
	default:
		fmt.Println(page)
	}
}

// A role that may not run DDL uses a table a migration created, and never
// calls CreateTable.
func ExampleNew_migrated() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	s, err := pgstore.New(pool, pgstore.Options{Table: "mutable_store"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = s.Read(ctx, "static/index.html")
	fmt.Println(err)
}

// Opening by URL: the store owns its pool, and Close releases it. The
// schema "site" must exist; the table is created if missing (add
// create_table=false to never create it).
func Example_openURL() {
	// import _ "github.com/mutablestore/mutablestore/pgstore"

	ctx := context.Background()
	s, err := store.Open(ctx, "postgres://app:secret@db.internal:5432/site?sslmode=verify-full&pool_max_conns=8&table=site.mutable_store")
	if err != nil {
		log.Fatal(err)
	}
	defer s.(io.Closer).Close()

	if err := s.Write(ctx, "static/index.html", "<h1>Hello</h1>"); err != nil {
		log.Fatal(err)
	}
}
