package pgstore_test

import (
	"errors"
	"io"
	"io/fs"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/internal/urlparam"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// storeURL returns the test server's URL with the scheme and extra query
// parameters given.
func storeURL(t *testing.T, scheme string, params url.Values) string {
	t.Helper()
	u, err := url.Parse(testservice.Postgres(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	u.Scheme = scheme
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func TestOpenURL(t *testing.T) {
	for _, scheme := range []string{"postgres", "postgresql", "PostgreSQL"} {
		t.Run(scheme, func(t *testing.T) {
			pool := testPool(t)
			table := uniqueTable(t, pool)
			s, err := store.Open(t.Context(), storeURL(t, scheme, url.Values{"table": {table}}))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if _, ok := s.(*pgstore.Store); !ok {
				t.Fatalf("Open returned a %T; want a *pgstore.Store", s)
			}
			closer, ok := s.(io.Closer)
			if !ok {
				t.Fatalf("the store Open returned does not implement io.Closer; it owns its pool")
			}
			if !tableExists(t, pool, "", table) {
				t.Errorf("Open did not create table %q from the table parameter", table)
			}
			if err := s.Write(t.Context(), "static/a", "content"); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if got, err := s.Read(t.Context(), "static/a"); err != nil || got != "content" {
				t.Fatalf("Read = %q, %v; want \"content\"", got, err)
			}
			if err := closer.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if err := closer.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			_, err = s.Read(t.Context(), "static/a")
			if err == nil || errors.Is(err, store.ErrNotFound) {
				t.Errorf("Read after Close: err = %v; want an error other than store.ErrNotFound (the pool is closed)", err)
			}
		})
	}
}

// TestCloseLeavesCallersPool checks that Close of a store from New ends
// the store but leaves the caller's pool open for its other users.
func TestCloseLeavesCallersPool(t *testing.T) {
	pool := testPool(t)
	s := newStore(t, pool)
	for i := range 2 {
		if err := s.Close(); err != nil {
			t.Fatalf("Close #%d of a store from New: %v", i+1, err)
		}
	}
	if err := pool.Ping(t.Context()); err != nil {
		t.Fatalf("the caller's pool after Close of a store from New: %v; want it open", err)
	}
	if err := s.Write(t.Context(), "static/a", "x"); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Close of a store from New = %v; want an error matching fs.ErrClosed", err)
	}
	if err := newStore(t, pool).Write(t.Context(), "static/a", "x"); err != nil {
		t.Fatalf("Write of another store on the same pool after Close: %v; the pool is the caller's, Close must not close it", err)
	}
}

func TestOpenURLDefaultTableAndSchema(t *testing.T) {
	pool := testPool(t)
	schema := uniqueSchema(t, pool)
	// The default table, in a schema of its own through pgx's search_path
	// run-time parameter.
	s, err := store.Open(t.Context(), storeURL(t, "postgres", url.Values{"search_path": {schema}}))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.(io.Closer).Close()
	if !tableExists(t, pool, schema, pgstore.DefaultTable) {
		t.Errorf("Open without a table parameter did not create %s.%s", schema, pgstore.DefaultTable)
	}

	table := uniqueTable(t, pool)
	s2, err := store.Open(t.Context(), storeURL(t, "postgres", url.Values{"table": {schema + "." + table}}))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s2.(io.Closer).Close()
	if !tableExists(t, pool, schema, table) {
		t.Errorf("Open with table=%s.%s did not create it", schema, table)
	}
}

func TestOpenURLCreateTable(t *testing.T) {
	pool := testPool(t)
	table := uniqueTable(t, pool)
	s, err := store.Open(t.Context(), storeURL(t, "postgres", url.Values{"table": {table}, "create_table": {"false"}}))
	if err != nil {
		t.Fatalf("Open with create_table=false: %v", err)
	}
	defer s.(io.Closer).Close()
	if tableExists(t, pool, "", table) {
		t.Fatalf("Open with create_table=false created table %q", table)
	}
	_, err = s.Read(t.Context(), "static/a")
	if err == nil || errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Read from a missing table: err = %v; want an error saying the table does not exist", err)
	}

	s2, err := store.Open(t.Context(), storeURL(t, "postgres", url.Values{"table": {table}, "create_table": {"true"}}))
	if err != nil {
		t.Fatalf("Open with create_table=true: %v", err)
	}
	defer s2.(io.Closer).Close()
	if !tableExists(t, pool, "", table) {
		t.Fatalf("Open with create_table=true did not create table %q", table)
	}
}

// TestOpenURLErrors checks the URLs Open refuses: each error says what is
// wrong and none quotes a password.
func TestOpenURLErrors(t *testing.T) {
	right := password(t)
	const secret = "s3cr3t-p@ss/w0rd"
	withPassword := func(pw string, params url.Values) string {
		u, err := url.Parse(storeURL(t, "postgres", params))
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(u.User.Username(), pw)
		return u.String()
	}
	for _, tc := range []struct {
		label, url, want string
	}{
		{"three-part table", storeURL(t, "postgres", url.Values{"table": {"a.b.c"}}), `Options.Table "a.b.c" has 3 dot-separated parts`},
		{"table twice", storeURL(t, "postgres", url.Values{"table": {"a", "b"}}), `parameter "table": given more than once`},
		{"create_table not a boolean", storeURL(t, "postgres", url.Values{"create_table": {"maybe"}}), `parameter "create_table": strconv.ParseBool: parsing "maybe": invalid syntax`},
		{"bad pgx parameter", storeURL(t, "postgres", url.Values{"pool_max_conns": {"many"}}), "pool_max_conns"},
		{"bad sslmode", withPassword(secret, url.Values{"sslmode": {"bogus"}}), "sslmode"},
		{"password parameter", storeURL(t, "postgres", url.Values{"password": {secret}, "sslmode": {"bogus"}}), "sslmode"},
		{"bad query escape", "postgres://u:" + url.PathEscape(secret) + "@127.0.0.1/db?table=%zz", `parameter "table": invalid percent-encoding`},
		{"wrong password", withPassword(secret, nil), "password authentication failed"},
		{"unreachable server", "postgres://u:" + url.PathEscape(secret) + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=5", "failed to connect"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			s, err := store.Open(t.Context(), tc.url)
			if err == nil {
				s.(io.Closer).Close()
				t.Fatalf("Open(%s): err = nil; want an error", tc.label)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open: %v; want an error containing %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "store.Open: postgres URL: ") || strings.Contains(err.Error(), "pgstore") {
				t.Errorf("Open: %v; want one prefix, store.Open's", err)
			}
			conformance.ExpectNoSecret(t, "Open", err, secret, url.PathEscape(secret), url.QueryEscape(secret), right)
			t.Logf("%v", err)
		})
	}
}

// TestOpenURLWrongPasswordReachesPgError checks that the server's error
// stays reachable through Open's redacted message.
func TestOpenURLWrongPasswordReachesPgError(t *testing.T) {
	u, err := url.Parse(storeURL(t, "postgres", nil))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "wrong")
	_, err = store.Open(t.Context(), u.String())
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
		t.Fatalf("Open with a wrong password: %v does not reach a *pgconn.PgError with code 28P01", err)
	}
}

// TestOpenURLParseErrorQuotesNothing checks URLs that pgx refuses to parse:
// pgx's message quotes the whole connection string, masking passwords only
// on a best-effort basis, so Open keeps pgx's reason and drops the string,
// and does not wrap the *pgconn.ParseConfigError, which holds it whole.
// No server is needed: parsing fails before any connection.
func TestOpenURLParseErrorQuotesNothing(t *testing.T) {
	const pw = "S3cr3tPW"
	for _, tc := range []struct {
		url, reason string
	}{
		{"postgres://app:" + pw + "@127.0.0.1:15432/db?sslmode=bogus", "failed to configure TLS (sslmode is invalid)"},
		{"postgres://app:12345:" + pw + "@127.0.0.1:15432/db?sslmode=bogus", "failed to configure TLS (sslmode is invalid)"},
		{"postgres://app:" + pw + "@127.0.0.1:99999/db", "invalid port"},
		{"postgres://app:" + pw + "@127.0.0.1:15432/db?connect_timeout=soon", "invalid connect_timeout"},
		{"postgres://app:" + pw + "@127.0.0.1:15432/db?pool_max_conns=many", "cannot parse pool_max_conns"},
		{"postgres://app:" + pw + "@127.0.0.1:15432/db?target_session_attrs=any-" + pw, "unknown target_session_attrs value"},
		{"postgres://app@127.0.0.1:15432/db?password=" + pw + "&sslmode=bogus", "failed to configure TLS (sslmode is invalid)"},
		{"postgresql://app:" + pw + "%2F%3F@127.0.0.1:15432/db?sslmode=bogus", "failed to configure TLS (sslmode is invalid)"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			s, err := store.Open(t.Context(), tc.url)
			if err == nil {
				s.(io.Closer).Close()
				t.Fatalf("Open(%s) succeeded; want an error", tc.url)
			}
			msg := err.Error()
			scheme, _, _ := strings.Cut(tc.url, ":")
			prefix := "store.Open: " + scheme + " URL: "
			if want := prefix + "pgx cannot parse the connection URL: " + tc.reason; !strings.HasPrefix(msg, want) {
				t.Errorf("Open = %q; want it to contain %q", msg, want)
			}
			for _, leak := range []string{"`", "cannot parse `", "postgres", "127.0.0.1", "app", pw, pw[:4], pw[4:]} {
				if strings.Contains(strings.TrimPrefix(msg, prefix), leak) {
					t.Errorf("Open = %q; it quotes %q from the connection string", msg, leak)
				}
			}
			conformance.ExpectNoSecret(t, "Open", err, pw)
			if pce := (*pgconn.ParseConfigError)(nil); errors.As(err, &pce) {
				t.Errorf("Open = %v wraps a *pgconn.ParseConfigError, whose ConnString holds the password", err)
			}
		})
	}
}

// TestOpenURLRefusesAmbiguousParameters checks parameters that Open used to
// ignore or default silently. Each fails before any connection, says what
// is wrong and quotes no password.
func TestOpenURLRefusesAmbiguousParameters(t *testing.T) {
	const pw = "S3cr3tPW"
	const base = "postgres://app:" + pw + "@127.0.0.1:1/db"
	for _, tc := range []struct {
		label, url, want string
	}{
		{"create_table empty", base + "?create_table=", `parameter "create_table": empty value`},
		{"create_table without value", base + "?create_table", `parameter "create_table": empty value`},
		{"table empty", base + "?table=", `parameter "table": empty value`},
		{"fragment", base + "?sslmode=disable#frag", "#fragment, which store URLs do not take"},
		{"fragment after path", base + "#" + pw, "#fragment, which store URLs do not take"},
		{"fragment escaped", base + "?sslmode=disable#%41", "#fragment"},
		{"table twice", base + "?table=a&table=a", `parameter "table": given more than once`},
		{"create_table twice", base + "?create_table=true&create_table=false", `parameter "create_table": given more than once`},
		{"pgx parameter twice", base + "?sslmode=disable&sslmode=require", `parameter "sslmode": given more than once`},
		{"password parameter twice", "postgres://app@127.0.0.1:1/db?password=" + pw + "&password=" + pw + "x", `parameter "password": given more than once`},
		{"run-time parameter twice", base + "?search_path=a&search_path=b", `parameter "search_path": given more than once`},
		{"empty parameter name", base + "?=" + pw, "a parameter has an empty name"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			s, err := store.Open(t.Context(), tc.url)
			if err == nil {
				s.(io.Closer).Close()
				t.Fatalf("Open(%s) succeeded; want an error", tc.label)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open = %q; want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "sslmode is invalid") {
				t.Errorf("Open = %q; a misleading pgx reason", err)
			}
			if pe := (*urlparam.Error)(nil); !errors.As(err, &pe) {
				t.Errorf("Open = %v; want a *urlparam.Error", err)
			}
			if !strings.HasPrefix(err.Error(), "store.Open: postgres URL: ") || strings.Contains(err.Error(), "pgstore") {
				t.Errorf("Open = %q; want one prefix, store.Open's", err)
			}
			conformance.ExpectNoSecret(t, "Open", err, pw)
		})
	}
}
