package pgstore_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/mutablestore/mutablestore/pgstore"
)

// TestTableOptionRejected checks the Options.Table values New refuses, each
// with an error that names the option.
func TestTableOptionRejected(t *testing.T) {
	for _, table := range []string{
		"a.b.c",
		"a..b",
		".t",
		"s.",
		".",
		"x\x00y",
		"\xff",
		strings.Repeat("t", 64),
		strings.Repeat("s", 64) + ".t",
	} {
		// Validation comes before any use of the pool.
		_, err := pgstore.New(testPool(t), pgstore.Options{Table: table})
		if err == nil || !strings.Contains(err.Error(), "Options.Table") {
			t.Errorf("New(Table: %q): err = %v; want an error about Options.Table", table, err)
		}
	}
}

// TestTableOptionCannotInjectSQL gives New hostile table names. Each must
// name a table whose literal name is that string (or be refused), and the
// victim table must survive with its row.
func TestTableOptionCannotInjectSQL(t *testing.T) {
	pool := testPool(t)
	ctx := t.Context()
	victim := uniqueTable(t, pool)
	if _, err := pool.Exec(ctx, "CREATE TABLE "+victim+" (v text); INSERT INTO "+victim+" VALUES ('alive')"); err != nil {
		t.Fatal(err)
	}
	hostile := []string{
		`x"; DROP TABLE ` + victim + `; --`,
		`x'); DROP TABLE ` + victim + `; --`,
		`x; DROP TABLE ` + victim,
		`"` + victim + `"`,
		`Mixed Case`,
		`t" (name text); DROP TABLE ` + victim + `; CREATE TABLE "z`,
		`$1`,
		`--`,
	}
	for _, table := range hostile {
		dropWhenDone(t, pool, pgx.Identifier{table})
		s, err := openTable(ctx, pool, pgstore.Options{Table: table})
		if err != nil {
			t.Errorf("New(Table: %q): %v; want a table of that literal name", table, err)
			continue
		}
		if !tableExists(t, pool, "", table) {
			t.Errorf("New(Table: %q) did not create a table of that literal name", table)
		}
		if err := s.Write(ctx, "static/a", "content"); err != nil {
			t.Errorf("Write in table %q: %v", table, err)
		}
		if got, err := s.Read(ctx, "static/a"); err != nil || got != "content" {
			t.Errorf("Read in table %q = %q, %v; want \"content\"", table, got, err)
		}
		if err := s.Delete(ctx, "static/a"); err != nil {
			t.Errorf("Delete in table %q: %v", table, err)
		}
	}

	// Dots split schema from table, so a hostile schema part names a schema
	// that does not exist: a clear error, no SQL.
	for _, table := range []string{
		`x"; DROP TABLE ` + victim + `; --.t`,
		`public"; DROP TABLE ` + victim + `; --.t`,
	} {
		if _, err := openTable(ctx, pool, pgstore.Options{Table: table}); err == nil || !strings.Contains(err.Error(), "schema does not exist") {
			t.Errorf("New(Table: %q): err = %v; want an error saying the schema does not exist", table, err)
		}
	}

	var v string
	if err := pool.QueryRow(ctx, "SELECT v FROM "+victim).Scan(&v); err != nil || v != "alive" {
		t.Fatalf("the victim table after the hostile names: %q, %v; want its row \"alive\"", v, err)
	}
}
