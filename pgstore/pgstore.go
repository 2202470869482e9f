package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/internal/bytestring"
	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

// Options configure a Store. The zero value is a store in the table
// "mutable_store" of the connection's search_path.
type Options struct {
	// Table is the table that holds the names: "table", or "schema.table"
	// to name its schema. Each part is used literally, as a quoted
	// identifier: "Artifacts" is not "artifacts", and quotes, spaces or
	// semicolons in it are part of the name, never SQL. Empty means
	// DefaultTable.
	Table string
}

// DefaultTable is the table a Store uses when Options.Table is empty.
const DefaultTable = "mutable_store"

// execMode is the pgx exec mode of every statement, passed per query so
// that the pool's DefaultQueryExecMode cannot change it (see "Statements
// and round trips" for why Exec). The modes not taken:
// QueryExecModeCacheDescribe keeps binary parameters but costs a Describe
// round trip per statement and connection; QueryExecModeDescribeExec is two
// round trips and unsafe behind a pooler.
const execMode = pgx.QueryExecModeExec

// Store is a store.MutableStore and store.Deleter kept in one PostgreSQL
// table. A Store is safe for concurrent use; it holds no connection of its
// own, it borrows one from the pool for each operation.
type Store struct {
	pool     *pgxpool.Pool
	table    string // the quoted identifier, schema-qualified when given, for messages
	sql      statements
	ownsPool bool // opened by URL: Close closes the pool
	life     lifetime.State
}

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
)

// New returns a store kept in the table opts.Table of the database pool
// connects to. Like sql.Open, it only validates its arguments and touches
// no connection: call CreateTable to create the table, or create it with a
// migration (see the package documentation). The store borrows pool: the
// caller closes it, after the last use of the store.
func New(pool *pgxpool.Pool, opts Options) (*Store, error) {
	if pool == nil {
		return nil, errorf("New with a nil *pgxpool.Pool")
	}
	id, err := parseTable(opts.Table)
	if err != nil {
		return nil, err
	}
	return &Store{pool: pool, table: id.Sanitize(), sql: newStatements(id)}, nil
}

// Read returns the content stored under name, or an error matching
// store.ErrNotFound when no row has that name. It runs one SELECT.
func (s *Store) Read(ctx context.Context, name string) (string, error) {
	if err := s.life.Check(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	var content contentString
	if err := s.pool.QueryRow(ctx, s.sql.read, execMode, name).Scan(&content); err != nil {
		return "", s.fail(ctx, store.OpRead, name, err)
	}
	return string(content), nil
}

// Write stores content under name with one INSERT ... ON CONFLICT DO UPDATE.
func (s *Store) Write(ctx context.Context, name, content string) error {
	if err := s.life.Check(ctx, store.OpWrite, name); err != nil {
		return err
	}
	// content goes as a []byte, not a string: pgx sends a Go string in text
	// format whatever the column type, and the server would parse it as
	// bytea's text syntax, turning `\x41` into "A" and rejecting a lone
	// backslash, while a []byte goes as bytea, decoded byte for byte.
	// bytestring.Bytes does not copy content, which pgx only reads (its bytea
	// encoders hex-encode it or append it to their own send buffer), and is
	// never nil, which pgx would send as NULL.
	if _, err := s.pool.Exec(ctx, s.sql.write, execMode, name, bytestring.Bytes(content)); err != nil {
		return s.fail(ctx, store.OpWrite, name, err)
	}
	return nil
}

// Delete removes name with one DELETE.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := s.life.Check(ctx, store.OpDelete, name); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, s.sql.delete, execMode, name); err != nil {
		return s.fail(ctx, store.OpDelete, name, err)
	}
	return nil
}

// Close ends the store as store.Store describes, and closes the pool of a
// store opened by URL (store.Open), which owns it. The pool of a store from
// New is the caller's and stays open.
func (s *Store) Close() error {
	if s.life.End() && s.ownsPool {
		s.pool.Close()
	}
	return nil
}

// contentString is the scan target of Read. pgx hands a BytesScanner the
// bytea value without copying it again (in execMode, the buffer it decoded
// the hex into), so converting it to a string is the one copy the store
// adds: scanning into a []byte and then converting would add two.
type contentString string

func (c *contentString) ScanBytes(b []byte) error {
	*c = contentString(b)
	return nil
}
