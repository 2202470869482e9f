package testservice

import (
	"context"
	"strings"
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

// PostgresServer describes a PostgreSQL server (or PgBouncer in front of
// one) and a role that owns its database and authenticates with a password.
type PostgresServer struct {
	// URL is a pgx connection URL:
	// postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=disable.
	URL string
	// Addr, User, Password and Database are the URL's parts; tests check
	// that no error contains the password.
	Addr, User, Password, Database string
}

// Postgres returns a PostgreSQL server. The database is shared: create
// tables under UniqueName names and drop them in t.Cleanup.
func Postgres(t testing.TB) PostgresServer {
	t.Helper()
	u := env(EnvPostgresURL)
	if u == "" {
		var err error
		u, err = postgresContainer.get(startPostgres)
		if err != nil {
			unavailable(t, "PostgreSQL",
				EnvPostgresURL+"="+postgresExampleURL("POSTGRES_PORT"),
				howToStart, err.Error())
		}
	}
	return postgresServer(t, EnvPostgresURL, u)
}

// postgresServer takes the URL from the variable envName (or a container)
// apart.
func postgresServer(t testing.TB, envName, u string) PostgresServer {
	t.Helper()
	p := parseServerURL(t, envName, u)
	return PostgresServer{URL: u, Addr: p.Host, User: p.User.Username(), Password: p.password,
		Database: strings.TrimPrefix(p.Path, "/")}
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
