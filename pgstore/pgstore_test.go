package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestConformanceSchemaQualified runs the suite on tables named
// "schema.table" in a schema of their own, outside the search_path.
func TestConformanceSchemaQualified(t *testing.T) {
	pool := testPool(t)
	schema := uniqueSchema(t, pool)
	conformance.Run(t, func(tb testing.TB) store.MutableStore {
		table := uniqueTable(tb, pool) // names it; the schema's CASCADE drops it
		s, err := openTable(tb.Context(), pool, pgstore.Options{Table: schema + "." + table})
		if err != nil {
			tb.Fatalf("pgstore.New: %v", err)
		}
		if !tableExists(tb, pool, schema, table) {
			tb.Fatalf("New did not create %s.%s", schema, table)
		}
		return s
	})
}

// TestNameAndChildCoexist checks that "a" and "a/b" are two rows: a table has
// no directories to conflict.
func TestNameAndChildCoexist(t *testing.T) {
	s := newStore(t, testPool(t))
	ctx := t.Context()
	for _, name := range []string{"a", "a/b", "a/b/c"} {
		if err := s.Write(ctx, name, "content of "+name); err != nil {
			t.Fatalf("Write(%q): %v", name, err)
		}
	}
	for _, name := range []string{"a", "a/b", "a/b/c"} {
		got, err := s.Read(ctx, name)
		if err != nil || got != "content of "+name {
			t.Errorf("Read(%q) = %q, %v; want %q", name, got, err, "content of "+name)
		}
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete(a): %v", err)
	}
	if got, err := s.Read(ctx, "a/b"); err != nil || got != "content of a/b" {
		t.Errorf("after Delete(a), Read(a/b) = %q, %v; want it unchanged", got, err)
	}
}

// TestContentIsStoredByteForByte reads the column back with plain SQL. A
// content sent as a Go string would be parsed by the server as bytea's text
// syntax: `\x41` would become "A" and a lone backslash an error.
func TestContentIsStoredByteForByte(t *testing.T) {
	pool := testPool(t)
	table := uniqueTable(t, pool)
	s, err := openTable(t.Context(), pool, pgstore.Options{Table: table})
	if err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{`\x41`, `\`, `\\`, `\000`, "a\x00b", "\xff\xfe", "é", "", strings.Repeat("<p>é</p>", 4096)} {
		if err := s.Write(t.Context(), "n", content); err != nil {
			t.Fatalf("Write(%q): %v", content, err)
		}
		var stored []byte
		if err := pool.QueryRow(t.Context(), "SELECT content FROM "+pgx.Identifier{table}.Sanitize()+" WHERE name = 'n'").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(stored, []byte(content)) || stored == nil {
			t.Errorf("Write(%.20q) stored %.20q (nil: %t); want the same bytes", content, stored, stored == nil)
		}
		if got, err := s.Read(t.Context(), "n"); err != nil || got != content {
			t.Errorf("Read after Write(%.20q) = %.20q, %v; want the content", content, got, err)
		}
	}
}

// TestNewConcurrently runs New on one missing table from several goroutines,
// as replicas starting together do: PostgreSQL may report a catalog conflict
// to all but one CREATE TABLE IF NOT EXISTS, and New must not fail on it.
func TestNewConcurrently(t *testing.T) {
	pool := testPool(t)
	for range 5 {
		table := uniqueTable(t, pool)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = openTable(t.Context(), pool, pgstore.Options{Table: table})
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("concurrent New on one missing table: %v", err)
		}
	}
}

// TestMissingTable checks that a table dropped or never created is an error
// that names the table and how to fix it, never ErrNotFound.
func TestMissingTable(t *testing.T) {
	pool := testPool(t)
	table := uniqueTable(t, pool)
	s, err := pgstore.New(pool, pgstore.Options{Table: table})
	if err != nil {
		t.Fatalf("New on a missing table: %v; want no error (New does no I/O then)", err)
	}
	ctx := t.Context()
	for op, run := range map[string]func() error{
		store.OpRead:   func() error { _, err := s.Read(ctx, "static/a"); return err },
		store.OpWrite:  func() error { return s.Write(ctx, "static/a", "x") },
		store.OpDelete: func() error { return s.Delete(ctx, "static/a") },
	} {
		err := run()
		if err == nil {
			t.Errorf("%s on a missing table: err = nil; want an error", op)
			continue
		}
		if errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s on a missing table: %v matches store.ErrNotFound; want another error", op, err)
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42P01" {
			t.Errorf("%s on a missing table: %v does not reach a *pgconn.PgError with code 42P01", op, err)
		}
		var se *store.Error
		if !errors.As(err, &se) || se.Op != op || se.Name != "static/a" {
			t.Errorf("%s on a missing table: %v is not a *store.Error for %s \"static/a\"", op, err, op)
		}
		msg := err.Error()
		for _, want := range []string{`table "` + table + `" does not exist`, "Store.CreateTable"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s on a missing table: message %q does not contain %q", op, msg, want)
			}
		}
	}
}

// TestTableDroppedAfterNew checks the error of a store whose table was
// dropped after CreateTable made it: it names the table and how to create
// it, and is never ErrNotFound. CreateTable creates the table again.
func TestTableDroppedAfterNew(t *testing.T) {
	pool := testPool(t)
	s, table := newStoreTable(t, pool)
	ctx := t.Context()
	if err := s.Write(ctx, "static/a", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "DROP TABLE "+pgx.Identifier{table}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	_, err := s.Read(ctx, "static/a")
	if err == nil || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Read from a dropped table: err = %v; want an error other than ErrNotFound", err)
	}
	want := `read "static/a": table "` + table + `" does not exist (it was dropped, or never created: call Store.CreateTable`
	if msg := err.Error(); !strings.HasPrefix(msg, want) {
		t.Errorf("Read from a dropped table = %q; want it to start with %q", msg, want)
	}
	s2, err := openTable(ctx, pool, pgstore.Options{Table: table})
	if err != nil {
		t.Fatalf("New after the drop: %v", err)
	}
	if _, err := s2.Read(ctx, "static/a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read after New created the table again = %v; want ErrNotFound", err)
	}
}

// TestMissingSchema checks that New says the schema is missing, rather than
// creating it (which needs a privilege a store's role should not have).
func TestMissingSchema(t *testing.T) {
	_, err := openTable(t.Context(), testPool(t), pgstore.Options{Table: "pgstore_no_such_schema.t"})
	if err == nil || !strings.Contains(err.Error(), "schema does not exist") {
		t.Fatalf("New in a missing schema: err = %v; want an error saying the schema does not exist", err)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3F000" {
		t.Errorf("New in a missing schema: %v does not reach a *pgconn.PgError with code 3F000", err)
	}
}

func TestNewNilPool(t *testing.T) {
	if _, err := openTable(context.Background(), nil, pgstore.Options{}); err == nil {
		t.Fatal("New(nil pool): err = nil; want an error")
	}
}
