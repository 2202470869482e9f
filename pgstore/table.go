package pgstore

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// maxIdentifierLen is PostgreSQL's NAMEDATALEN-1. The server silently
// truncates a longer identifier, so two different Options.Table values could
// name one table; New refuses them instead.
const maxIdentifierLen = 63

// parseTable splits Options.Table into its parts. They are only ever used
// quoted, by pgx.Identifier.Sanitize, so validation is for clear errors,
// not for safety.
func parseTable(table string) (pgx.Identifier, error) {
	if table == "" {
		return pgx.Identifier{DefaultTable}, nil
	}
	parts := strings.Split(table, ".")
	if len(parts) > 2 {
		return nil, errorf("Options.Table %q has %d dot-separated parts; want \"table\" or \"schema.table\"", table, len(parts))
	}
	for i, p := range parts {
		what := "table"
		if i == 0 && len(parts) == 2 {
			what = "schema"
		}
		switch {
		case p == "":
			return nil, errorf("Options.Table %q has an empty %s name", table, what)
		case len(p) > maxIdentifierLen:
			return nil, errorf("Options.Table %q: %s name is %d bytes long, more than PostgreSQL's %d", table, what, len(p), maxIdentifierLen)
		case !utf8.ValidString(p):
			return nil, errorf("Options.Table %q: %s name is not valid UTF-8", table, what)
		case strings.IndexByte(p, 0) >= 0:
			// Sanitize would drop the NUL and name another table.
			return nil, errorf("Options.Table %q: %s name contains a NUL byte", table, what)
		}
	}
	return pgx.Identifier(parts), nil
}

// statements is the SQL of a Store, built once by New.
type statements struct {
	exists, create, read, write, delete string
}

func newStatements(id pgx.Identifier) statements {
	t := id.Sanitize()
	return statements{
		exists: `SELECT to_regclass($1) IS NOT NULL`,
		create: `CREATE TABLE IF NOT EXISTS ` + t + ` (name text COLLATE "C" PRIMARY KEY, content bytea NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
		read:   `SELECT content FROM ` + t + ` WHERE name = $1`,
		write:  `INSERT INTO ` + t + ` (name, content) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, updated_at = now()`,
		delete: `DELETE FROM ` + t + ` WHERE name = $1`,
	}
}

// CreateTable creates the store's table, as the package documentation
// shows, unless it exists; calling it again, or from several processes at
// once, is not an error. It never creates a schema. It asks first because
// CREATE TABLE IF NOT EXISTS needs the CREATE privilege on the schema even
// when the table is there, which a least-privileged role does not have.
func (s *Store) CreateTable(ctx context.Context) error {
	exists, err := s.tableExists(ctx)
	if err != nil {
		if ce := (*pgconn.ConnectError)(nil); errors.As(err, &ce) {
			return errorf("connect to PostgreSQL to check table %s: %w", s.table, err)
		}
		return errorf("check that table %s exists: %w", s.table, err)
	}
	if exists {
		return nil
	}
	_, err = s.pool.Exec(ctx, s.sql.create, execMode) // no arguments: pgx uses the simple protocol
	if err == nil {
		return nil
	}
	// Sessions that create one table at the same moment race in the
	// catalog: all but one CREATE TABLE IF NOT EXISTS can fail, with a
	// unique violation (23505) or "type already exists" (42710), instead
	// of skipping. If the table is there now, another CreateTable made it.
	if exists, _ := s.tableExists(ctx); exists {
		return nil
	}
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "3F000" {
		return errorf("create table %s: its schema does not exist; create the schema first: %w", s.table, err)
	}
	return errorf("create table %s: %w", s.table, err)
}

// tableExists resolves an unqualified name through the search_path, as
// every statement of the store does.
func (s *Store) tableExists(ctx context.Context) (bool, error) {
	var exists bool
	err := s.pool.QueryRow(ctx, s.sql.exists, execMode, s.table).Scan(&exists)
	return exists, err
}
