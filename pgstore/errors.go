package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

// fail is the one place that decides what an operation's error means.
func (s *Store) fail(ctx context.Context, op, name string, err error) error {
	switch {
	case notFound(err):
		err = store.ErrNotFound
	case missingTable(err):
		err = &tableError{table: s.table, err: err}
	case s.life.Ended():
		// Close closed the owned pool under an operation in flight.
		err = fmt.Errorf("%w: %w", lifetime.ErrClosed, err)
	}
	return store.NewError(ctx, op, name, err)
}

// notFound reports a read that returned no row, the only missing name.
func notFound(err error) bool {
	return errors.Is(err, pgx.ErrNoRows)
}

// missingTable reports PostgreSQL's undefined_table.
func missingTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01"
}

// tableError explains undefined_table in the store's terms.
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

// errorf returns an error of New or of the URL opener.
func errorf(format string, args ...any) error {
	return fmt.Errorf("pgstore: "+format, args...)
}
