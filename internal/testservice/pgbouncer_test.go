package testservice_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

func TestPgBouncerAnswers(t *testing.T) {
	raw := testservice.PgBouncer(t).URL
	config, err := pgx.ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	// The default mode's named statements do not survive transaction
	// pooling; this only checks the server and the credentials.
	config.DefaultQueryExecMode = pgx.QueryExecModeExec
	conn, err := pgx.ConnectConfig(t.Context(), config)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var db string
	if err := conn.QueryRow(t.Context(), "select current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	// The same database as Postgres's, so tables are shared with it.
	if want := testservice.Postgres(t).Database; db != want {
		t.Errorf("current_database() through PgBouncer = %q; want %q, Postgres's", db, want)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "wrong")
	if bad, err := pgx.Connect(t.Context(), u.String()); err == nil {
		bad.Close(context.Background())
		t.Fatal("connecting through PgBouncer with a wrong password succeeded")
	}
}

func TestPgBouncerMissing(t *testing.T) {
	for _, require := range []string{"", "1"} {
		t.Run("require="+require, func(t *testing.T) {
			t.Setenv(testservice.EnvPgBouncerURL, "")
			t.Setenv(testservice.EnvRequire, require)
			r := run(t, func(t testing.TB) { testservice.PgBouncer(t) })
			if require == "1" && !r.failed || require == "" && !r.skipped {
				t.Fatalf("skipped=%v failed=%v (%q); want skipped without %s, failed with it",
					r.skipped, r.failed, r.msg, testservice.EnvRequire)
			}
			if !strings.Contains(r.msg, testservice.EnvPgBouncerURL+"=") {
				t.Errorf("message %q does not say to set %s", r.msg, testservice.EnvPgBouncerURL)
			}
		})
	}
}
