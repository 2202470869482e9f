package testservice

import (
	"context"
	"testing"

	"github.com/testcontainers/testcontainers-go"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
)

// Environment variables naming a running PostgreSQL server.
const (
	EnvPostgresURL   = "MUTABLESTORE_TEST_POSTGRES_URL"
	EnvPostgresImage = "MUTABLESTORE_TEST_POSTGRES_IMAGE"
)

// The development role and database of services.env, used by the
// container too.
var (
	postgresUser     = dev.get("POSTGRES_USER")
	postgresPassword = dev.get("POSTGRES_PASSWORD")
	postgresDB       = dev.get("POSTGRES_DB")
)

var postgresContainer shared[string]

// PostgresURL returns a pgx connection URL
// (postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=disable) for a role that
// owns its database and authenticates with a password. The database is
// shared: create tables under UniqueName names and drop them in t.Cleanup.
func PostgresURL(t testing.TB) string {
	t.Helper()
	if u := env(EnvPostgresURL); u != "" {
		return u
	}
	u, err := postgresContainer.get(startPostgres)
	if err != nil {
		unavailable(t, "PostgreSQL",
			EnvPostgresURL+"="+postgresExampleURL("POSTGRES_PORT"),
			howToStart, err.Error())
	}
	return u
}

func startPostgres(ctx context.Context) (string, testcontainers.Container, error) {
	c, err := tcpostgres.Run(ctx, envOr(EnvPostgresImage, "postgres:16-alpine"),
		tcpostgres.WithDatabase(postgresDB),
		tcpostgres.WithUsername(postgresUser),
		tcpostgres.WithPassword(postgresPassword),
		tcpostgres.BasicWaitStrategies(),
		// pg_stat_statements: pgstore's servercount_test.go reads the
		// server's own statement counts (the container's role is the
		// superuser, so the test creates the extension itself).
		testcontainers.WithCmdArgs("-c", "shared_preload_libraries=pg_stat_statements"),
	)
	if c == nil {
		return "", nil, err
	}
	if err != nil {
		return "", c, err
	}
	u, err := c.ConnectionString(ctx, "sslmode=disable")
	return u, c, err
}
