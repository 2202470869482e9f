// Package pgstore keeps a store's names in a PostgreSQL table, one row per
// name, through a pgx connection pool (github.com/jackc/pgx/v5/pgxpool).
//
// Use it for self-hosted deployments that already run PostgreSQL: every
// replica of a site sees the same artifacts, a write is a committed
// transaction, and the artifacts are backed up with the rest of the
// database.
//
// # Table layout
//
// CreateTable, and a store opened by URL, create this table when it is
// missing (here with the default name):
//
//	CREATE TABLE IF NOT EXISTS mutable_store (
//	    name       text COLLATE "C" PRIMARY KEY,
//	    content    bytea NOT NULL,
//	    updated_at timestamptz NOT NULL DEFAULT now()
//	);
//
// The content is bytea because a text column rejects NUL bytes and invalid
// UTF-8. The "C" collation makes names compare byte by byte, as on every
// other backend, whatever the database's locale, and spares the primary key
// locale-aware comparisons. The store never reads updated_at: it is there
// so that operators can find artifacts no site rewrote for months. A table
// has no directories, so "a" and "a/b" coexist. The database should use the
// UTF8 encoding.
//
// Options.Table names the table, optionally with its schema. New refuses a
// value with more than two dot-separated parts, an empty part, or a part
// longer than PostgreSQL's 63-byte identifier limit, so a schema or table
// name with a dot in it cannot be given.
//
// Where a DBA migrates the schema, create the table with the statement
// above and never call CreateTable. Where the store creates it, leave
// CreateTable (create_table=false in a URL) out of read-only uses such as
// `mstore get` or a health check, which must not leave an empty table
// behind.
//
// # Statements and round trips
//
// Read, Write and Delete each run one statement:
//
//	SELECT content FROM t WHERE name = $1
//	INSERT INTO t (name, content) VALUES ($1, $2)
//	    ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, updated_at = now()
//	DELETE FROM t WHERE name = $1
//
// Each is one round trip, from the first use of a connection on: the store
// sends every statement unnamed with pgx.QueryExecModeExec, whatever the
// pool's DefaultQueryExecMode, and prepares nothing per connection. The
// cost is that bytea travels as hex text, twice the content's size on the
// wire. pgxpool still pings a connection idle for more than a second
// before lending it (pgxpool.Config.ShouldPing).
//
// # Connection poolers
//
// The store works unchanged behind a pooler in transaction mode such as
// PgBouncer (pool_mode=transaction). Your own queries on the same pool
// still run in the pool's mode, and pgx's default one names prepared
// statements per connection, which fails there with 42P05 "already exists"
// or 26000 "does not exist": set default_query_exec_mode=exec (or
// cache_describe, or simple_protocol) in the URL for them. PgBouncer
// refuses run-time parameters in the URL, such as search_path, unless its
// ignore_startup_parameters lists them; name the schema in table= instead.
//
// # Permissions
//
// The store's role needs USAGE on the table's schema and SELECT, INSERT,
// UPDATE and DELETE on the table (INSERT ... ON CONFLICT DO UPDATE needs
// UPDATE):
//
//	GRANT USAGE ON SCHEMA site TO app;
//	GRANT SELECT, INSERT, UPDATE, DELETE ON site.mutable_store TO app;
//
// Creating the table needs CREATE on the schema, and only when the table is
// missing. Since PostgreSQL 15, ordinary roles no longer have CREATE on the
// public schema.
//
// # Errors
//
// Only a Read that finds no row is store.ErrNotFound. errors.As reaches a
// *pgconn.PgError for an error the server sent (its Code is the SQLSTATE,
// such as 28P01 for a wrong password) and a *pgconn.ConnectError for a
// connection that could not be made. An operation on a missing table, or
// one dropped while the store uses it, fails with an error naming the
// table, the server's 42P01 wrapped. pgx closes the connection of a
// statement that a cancelled context interrupted.
//
// A lost server is not fatal: the pool dials new connections, so once the
// server answers again the same Store works. Each connection that died
// with the server fails at most one operation before the pool drops it
// (fewer when the idle ping catches it first).
//
// # URLs
//
// Importing the package registers the "postgres" and "postgresql" schemes
// with store.Open. The URL is a pgx connection string, so every libpq and
// pgxpool parameter works (sslmode, pool_max_conns, search_path...), plus
// two of the store's own, removed before the URL reaches pgx:
//
//   - table: Options.Table (default mutable_store);
//   - create_table: false opens the store without calling CreateTable
//     (default true).
//
// For example:
//
//	postgres://app:secret@db.internal:5432/site?sslmode=verify-full&table=site.mutable_store&create_table=false
//
// pgx's parameters follow store.Open's rules too: each given once, with a
// value. For a URL that pgx cannot parse, Open gives pgx's reason (such
// as "failed to configure TLS (sslmode is invalid)") but not the connection
// string, which pgx's own message quotes.
package pgstore
