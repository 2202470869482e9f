package pgstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestOneRoundTrip counts, for each operation, the statements pgx runs and
// the times the client writes to the wire: each must be exactly one, from
// the first use on a new connection on (the store prepares nothing), on the
// server directly and through PgBouncer. The pool has one connection and
// never pings it, so the counts are the store's alone.
func TestOneRoundTrip(t *testing.T) {
	t.Run("direct", func(t *testing.T) { testOneRoundTrip(t, poolConfig(t)) })
	t.Run("pgbouncer", func(t *testing.T) {
		config, err := pgxpool.ParseConfig(testservice.PgBouncer(t).URL)
		if err != nil {
			t.Fatal(err)
		}
		testOneRoundTrip(t, config)
	})
}

func testOneRoundTrip(t *testing.T, config *pgxpool.Config) {
	config.MaxConns = 1
	config.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	var c counter
	c.install(config)
	pool := newPool(t, config)
	s := newStore(t, pool)
	ctx := t.Context()

	ops := []struct {
		name string
		run  func() error
	}{
		{"Write", func() error { return s.Write(ctx, "static/page.html", "<p>hi</p>") }},
		{"Read", func() error { _, err := s.Read(ctx, "static/page.html"); return err }},
		{"Delete", func() error { return s.Delete(ctx, "static/page.html") }},
		{"Read missing", func() error {
			_, err := s.Read(ctx, "static/page.html")
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Read of a deleted name: err = %v; want store.ErrNotFound", err)
			}
			return nil
		}},
		{"Delete missing", func() error { return s.Delete(ctx, "static/page.html") }},
	}

	// New's statements ran on the only connection; a fresh one would only
	// add the connection setup, which is not the store's.
	for pass := range 2 {
		for _, op := range ops {
			c.reset()
			if err := op.run(); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			w := c.writes.Load()
			if sql := c.reset(); len(sql) != 1 || w != 1 {
				t.Errorf("pass %d, %s: %d statements %q and %d writes to the server; want exactly 1 of each (no Prepare)",
					pass+1, op.name, len(sql), sql, w)
			}
		}
	}
}

// TestNewChecksBeforeCreating checks that New on an existing table runs no
// DDL, which a role without the CREATE privilege could not run.
func TestNewChecksBeforeCreating(t *testing.T) {
	config := poolConfig(t)
	var c counter
	c.install(config)
	pool := newPool(t, config)
	table := uniqueTable(t, pool)

	if _, err := openTable(t.Context(), pool, pgstore.Options{Table: table}); err != nil {
		t.Fatalf("New on a missing table: %v", err)
	}
	if sql := c.reset(); len(sql) != 2 {
		t.Errorf("New on a missing table ran %q; want the existence check and the CREATE TABLE", sql)
	}
	if !tableExists(t, pool, "", table) {
		t.Fatalf("New did not create table %q", table)
	}
	c.reset()

	if _, err := openTable(t.Context(), pool, pgstore.Options{Table: table}); err != nil {
		t.Fatalf("New on an existing table: %v", err)
	}
	if sql := c.reset(); len(sql) != 1 {
		t.Errorf("New on an existing table ran %q; want only the existence check", sql)
	}

	if _, err := pgstore.New(pool, pgstore.Options{Table: table}); err != nil {
		t.Fatalf("New: %v", err)
	}
	if q, w := c.queries.Load(), c.writes.Load(); q != 0 || w != 0 {
		t.Errorf("New ran %d statements and wrote %d times; want no I/O", q, w)
	}
}
