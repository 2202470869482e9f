package testservice

import "testing"

// EnvPgBouncerURL names a running PgBouncer in transaction pooling mode in
// front of the PostgreSQL server of Postgres.
const EnvPgBouncerURL = "MUTABLESTORE_TEST_PGBOUNCER_URL"

// PgBouncer returns the role and database of Postgres through PgBouncer
// with pool_mode=transaction: consecutive transactions of one client
// connection may run on different server connections, so session state
// such as named prepared statements does not carry over. There is no container fallback: only the environment
// (scripts/services starts one) provides it.
func PgBouncer(t testing.TB) PostgresServer {
	t.Helper()
	if u := env(EnvPgBouncerURL); u != "" {
		return postgresServer(t, EnvPgBouncerURL, u)
	}
	unavailable(t, "PgBouncer",
		EnvPgBouncerURL+"="+postgresExampleURL("PGBOUNCER_PORT"),
		"run `eval \"$(scripts/services env)\"` after `scripts/services start`",
		"no container is started for it")
	return PostgresServer{}
}
