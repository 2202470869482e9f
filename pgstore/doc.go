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
// CreateTable (and a store opened by URL) creates this table when it is
// missing (here with the default name):
//
//	CREATE TABLE IF NOT EXISTS mutable_store (
//	    name       text COLLATE "C" PRIMARY KEY,
//	    content    bytea NOT NULL,
//	    updated_at timestamptz NOT NULL DEFAULT now()
//	);
//
// The content is bytea because a store's content is any bytes, and a text
// column rejects NUL bytes and invalid UTF-8. The name uses the "C"
// collation so that names compare byte by byte, as on every other backend,
// whatever the database's locale, and so that the primary key index does
// not pay for locale-aware comparisons. Every Write sets updated_at; the
// store never reads it, it is there for operators (finding artifacts no
// site rewrote for months costs nothing on the write path). "a" and "a/b"
// are two rows: a table has no directories, so no name conflicts with
// another. The database should use the UTF8 encoding, as names are UTF-8.
//
// Options.Table names the table, optionally with its schema
// ("site.mutable_store"). Each part is quoted with pgx.Identifier and used
// literally: "Artifacts" is not "artifacts", and no value of the option can
// inject SQL. A schema or table name with a dot in it cannot be given: New
// refuses names with more than two parts, empty parts, or parts longer than
// PostgreSQL's 63-byte identifier limit.
//
// # Statements and round trips
//
// Read, Write and Delete each run one statement, built once by New:
//
//	SELECT content FROM t WHERE name = $1
//	INSERT INTO t (name, content) VALUES ($1, $2)
//	    ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, updated_at = now()
//	DELETE FROM t WHERE name = $1
//
// Each is one round trip to the server, from the first use on a new
// connection on: every statement is sent with pgx.QueryExecModeExec,
// whatever the pool's DefaultQueryExecMode, as the unnamed statement with
// its parameters (Parse, Bind, Execute and Sync in one write). Nothing is
// prepared or cached per connection. The cost is that bytea travels as hex
// text, twice the content's size on the wire. pgxpool still pings a
// connection that sat idle for more than a second before lending it
// (pgxpool.Config.ShouldPing).
//
// # Connection poolers
//
// The store works unchanged, with no URL parameter or pool option, behind a
// pooler in transaction mode such as PgBouncer (pool_mode=transaction),
// where each transaction may run on another server connection. pgx's
// default mode, which names a prepared statement per client connection,
// fails there with "prepared statement ... already exists" (42P05) or
// "does not exist" (26000); the store does not use it. That is the store's
// statements only: queries of your own on the same pool still run in the
// pool's mode, so set default_query_exec_mode=exec (or cache_describe, or
// simple_protocol) in the URL for them. Run-time parameters in the URL,
// such as search_path, are startup parameters, which PgBouncer refuses
// unless its ignore_startup_parameters lists them; name the schema in
// table= instead.
//
// # Creating the table
//
// New does no I/O, as sql.Open does not. CreateTable asks the server
// whether the table exists (to_regclass) and runs CREATE TABLE IF NOT
// EXISTS only when it does not, so a role without the CREATE privilege can
// call it on a table that exists, and replicas that start together may all
// call it. It never creates a schema. A store opened by URL calls it unless
// the URL says create_table=false; leave it out of read-only uses (such as
// `mstore get` or a health check) that must not leave an empty table
// behind.
//
// Where the schema is migrated by a DBA, create the table with the
// statement above and never call CreateTable. An operation on a missing
// table, or one dropped while a store uses it, fails with an error that
// names the table, never with store.ErrNotFound.
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
// Only a Read that finds no row reports store.ErrNotFound. Every other
// failure wraps pgx's error unchanged: errors.As reaches a *pgconn.PgError
// for an error the server sent (its Code is the SQLSTATE, such as 28P01 for
// a wrong password) and a *pgconn.ConnectError for a connection that could
// not be made. A missing table is reported as such, naming the table, with
// the server's 42P01 error wrapped. pgx closes the connection of a
// statement that a cancelled context interrupted.
//
// A lost server is not fatal to a Store: the pool dials new connections,
// so once the server answers again the same Store works. Each connection
// that died with the server fails at most one operation before the pool
// drops it (fewer when the idle ping catches it first).
//
// # URLs
//
// Importing the package registers the "postgres" and "postgresql" schemes
// with store.Open. The URL is a pgx connection string, so every libpq and
// pgxpool parameter works (sslmode, pool_max_conns, search_path...), plus
// two of the store's own, removed before the URL reaches pgx:
//
//   - table: Options.Table (default mutable_store);
//   - create_table: false opens the store without calling CreateTable (default true).
//
// Open refuses a URL that it could only read by guessing: a parameter given
// twice (the store's or pgx's), an empty table= or create_table=, and a
// #fragment, which a PostgreSQL URL has no use for.
//
// For example:
//
//	postgres://app:secret@db.internal:5432/site?sslmode=verify-full&table=site.mutable_store&create_table=false
//
// A store opened by URL owns its pool, which Close closes. For a URL that
// pgx cannot parse, Open gives pgx's reason (such as "failed to configure
// TLS (sslmode is invalid)") but not the connection string, which pgx's
// own message quotes.
package pgstore
