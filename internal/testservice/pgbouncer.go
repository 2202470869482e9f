package testservice

import "testing"

// EnvPgBouncerURL names a running PgBouncer in transaction pooling mode in
// front of the PostgreSQL server of PostgresURL.
const EnvPgBouncerURL = "MUTABLESTORE_TEST_PGBOUNCER_URL"

// PgBouncerURL returns a pgx connection URL for the role and database of
// PostgresURL, through PgBouncer with pool_mode=transaction: consecutive
// transactions of one client connection may run on different server
// connections, so session state such as named prepared statements does not
// carry over. There is no container fallback: only the environment
// (scripts/services starts one) provides it.
func PgBouncerURL(t testing.TB) string {
	t.Helper()
	if u := env(EnvPgBouncerURL); u != "" {
		return u
	}
	unavailable(t, "PgBouncer",
		EnvPgBouncerURL+"="+postgresExampleURL("PGBOUNCER_PORT"),
		"run `eval \"$(scripts/services env)\"` after `scripts/services start`",
		"no container is started for it")
	return ""
}
