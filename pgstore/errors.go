package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mutablestore/mutablestore/store"
)

// fail wraps the error of an operation for the caller. It is the only place
// that decides what an error means.
func (s *Store) fail(ctx context.Context, op, name string, err error) error {
	switch {
	case notFound(err):
		err = store.ErrNotFound
	case missingTable(err):
		err = &tableError{table: s.table, err: err}
	}
	return store.NewError(ctx, op, name, err)
}

// notFound reports whether err means the name is missing. Only a read that
// returned no row does: a missing table, a lost connection or a timeout is a
// failure, and reporting it as NotFound would make an engine re-render
// instead of failing.
func notFound(err error) bool {
	return errors.Is(err, pgx.ErrNoRows)
}

// missingTable reports PostgreSQL's undefined_table, the error of every
// statement on a table that is not there.
func missingTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01"
}

// tableError explains undefined_table in the store's terms. It wraps the
// server's *pgconn.PgError.
type tableError struct {
	table string
	err   error
}

func (e *tableError) Error() string {
	return fmt.Sprintf("table %s does not exist (it was dropped, or never created: "+
		"call Store.CreateTable, open the URL without create_table=false, or run the DDL in the pgstore "+
		"documentation): %v", e.table, e.err)
}

func (e *tableError) Unwrap() error { return e.err }

// errorf returns an error of New or of the URL opener, prefixed with the
// package name like the errors of package store.
func errorf(format string, args ...any) error {
	return fmt.Errorf("pgstore: "+format, args...)
}
