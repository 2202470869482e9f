package pgstore_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestServerStopped stops the server under a store (through a proxy), checks
// that every operation fails cleanly, then starts it again and checks that
// the same store, with the same pool, works without being rebuilt.
func TestServerStopped(t *testing.T) {
	config := poolConfig(t)
	pw := password(t)
	proxy := testservice.NewProxy(t, net.JoinHostPort(config.ConnConfig.Host, strconv.Itoa(int(config.ConnConfig.Port))))
	host, port, _ := net.SplitHostPort(proxy.Addr())
	portNum, _ := strconv.Atoi(port)
	config.ConnConfig.Host, config.ConnConfig.Port = host, uint16(portNum)
	config.MaxConns = 2
	pool := newPool(t, config)
	table := uniqueTable(t, testPool(t)) // dropped through the direct pool
	s, err := openTable(t.Context(), pool, pgstore.Options{Table: table})
	if err != nil {
		t.Fatalf("New through the proxy: %v", err)
	}
	ctx := t.Context()
	const name = "static/index.html"
	if err := s.Write(ctx, name, "before"); err != nil {
		t.Fatalf("Write before the stop: %v", err)
	}

	proxy.Stop()
	// Each failed operation costs the pool one dead connection; going past
	// MaxConns makes sure the later ones fail to connect, the other way a
	// stopped server shows.
	for i := range int(config.MaxConns) + 1 {
		_, err := s.Read(ctx, name)
		conformance.ExpectFailure(t, "Read with the server stopped (try "+strconv.Itoa(i+1)+")", err, store.OpRead, name, pw)
		err = s.Write(ctx, name, "during")
		conformance.ExpectFailure(t, "Write with the server stopped (try "+strconv.Itoa(i+1)+")", err, store.OpWrite, name, pw)
		err = s.Delete(ctx, name)
		conformance.ExpectFailure(t, "Delete with the server stopped (try "+strconv.Itoa(i+1)+")", err, store.OpDelete, name, pw)
		if i == int(config.MaxConns) {
			// By now every connection is gone: the pool has to dial.
			if ce := (*pgconn.ConnectError)(nil); !errors.As(err, &ce) {
				t.Errorf("Delete with the server stopped and no connection left: %v does not reach a *pgconn.ConnectError", err)
			}
			t.Logf("error with the server stopped: %v", err)
		}
	}
	// New needs the server too, unless told not to touch it.
	_, err = openTable(ctx, pool, pgstore.Options{Table: table})
	if err == nil {
		t.Error("New with the server stopped: err = nil; want an error")
	}
	conformance.ExpectNoSecret(t, "New with the server stopped", err, pw)

	proxy.Start()
	conformance.ExpectRecovery(t, s, name, "before")
}

// TestWrongPassword checks that a failed login is an error that says so and
// quotes neither the wrong password nor the right one.
func TestWrongPassword(t *testing.T) {
	right := password(t)
	const wrong = "wrong-password-0xDEADBEEF"
	config := poolConfig(t)
	config.ConnConfig.Password = wrong
	pool := newPool(t, config)
	table := uniqueTable(t, testPool(t))

	_, err := openTable(t.Context(), pool, pgstore.Options{Table: table})
	if err == nil {
		t.Fatal("New with a wrong password: err = nil; want an error")
	}
	conformance.ExpectNoSecret(t, "New with a wrong password", err, wrong, right)
	wantAuthFailure(t, "New with a wrong password", err)

	s, err := pgstore.New(pool, pgstore.Options{Table: table})
	if err != nil {
		t.Fatalf("New: %v; want no error (it does no I/O)", err)
	}
	_, err = s.Read(t.Context(), "static/a")
	conformance.ExpectFailure(t, "Read with a wrong password", err, store.OpRead, "static/a", wrong, right)
	wantAuthFailure(t, "Read with a wrong password", err)
	err = s.Write(t.Context(), "static/a", "x")
	conformance.ExpectFailure(t, "Write with a wrong password", err, store.OpWrite, "static/a", wrong, right)
	t.Logf("error with a wrong password: %v", err)
}

// wantAuthFailure checks that err carries the server's invalid_password
// (28P01) or invalid_authorization_specification (28000) error.
func wantAuthFailure(t *testing.T, what string, err error) {
	t.Helper()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || (pgErr.Code != "28P01" && pgErr.Code != "28000") {
		t.Errorf("%s: %v does not reach a *pgconn.PgError with code 28P01 or 28000", what, err)
	}
}

// lockTable takes an ACCESS EXCLUSIVE lock on table in a transaction that is
// rolled back when the test ends, so every statement on it waits.
func lockTable(t *testing.T, table string) {
	t.Helper()
	tx, err := testPool(t).Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Rolled back before the table is dropped: cleanups run last-in first-out.
	t.Cleanup(func() { tx.Rollback(context.Background()) })
	if _, err := tx.Exec(context.Background(), "LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
}

// TestDeadlineDuringQuery lets the deadline expire while the statement waits
// on a lock in the server: the error must match context.DeadlineExceeded and
// not ErrNotFound. The lock is held until the operation returns, so nothing
// but the deadline can end it.
func TestDeadlineDuringQuery(t *testing.T) {
	pool := testPool(t)
	s, table := newStoreTable(t, pool)
	lockTable(t, table)
	for _, op := range []string{store.OpRead, store.OpWrite, store.OpDelete} {
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		err := runOp(ctx, s, op, "static/a")
		cancel()
		conformance.ExpectFailure(t, op+" past its deadline", err, op, "static/a")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s past its deadline: %v does not match context.DeadlineExceeded", op, err)
		}
	}
}

// TestCancelDuringQuery cancels the context once the server shows the
// statement waiting on a lock.
func TestCancelDuringQuery(t *testing.T) {
	pool := testPool(t)
	s, table := newStoreTable(t, pool)
	lockTable(t, table)
	for _, op := range []string{store.OpRead, store.OpWrite, store.OpDelete} {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- runOp(ctx, s, op, "static/a") }()
		waitForLockWait(t, verbs[op], table)
		cancel()
		err := <-done
		conformance.ExpectFailure(t, op+" cancelled", err, op, "static/a")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s cancelled: %v does not match context.Canceled", op, err)
		}
	}
}

// verbs are the first words of each operation's statement.
var verbs = map[string]string{store.OpRead: "SELECT", store.OpWrite: "INSERT", store.OpDelete: "DELETE"}

// waitForLockWait returns once a session waits for a lock in a statement on
// table that starts with verb. It fails the test after a generous bound
// rather than hang.
func waitForLockWait(t *testing.T, verb, table string) {
	t.Helper()
	for range 2000 {
		var n int
		err := testPool(t).QueryRow(t.Context(),
			`SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND state = 'active' AND starts_with(query, $1) AND strpos(query, $2) > 0`,
			verb, table).Scan(&n)
		if err != nil {
			t.Fatalf("query pg_stat_activity: %v", err)
		}
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no %s on %s waits for the lock after 10s", verb, table)
}

func runOp(ctx context.Context, s store.MutableStore, op, name string) error {
	switch op {
	case store.OpRead:
		_, err := s.Read(ctx, name)
		return err
	case store.OpWrite:
		return s.Write(ctx, name, "content")
	default:
		return s.(store.Deleter).Delete(ctx, name)
	}
}

// TestNewServerDown checks the error of New when it cannot reach the server
// to check its table: it says that connecting failed, names the table,
// reaches the *pgconn.ConnectError and quotes no password.
func TestNewServerDown(t *testing.T) {
	config := poolConfig(t)
	pw := password(t)
	proxy := testservice.NewProxy(t, net.JoinHostPort(config.ConnConfig.Host, strconv.Itoa(int(config.ConnConfig.Port))))
	proxy.Stop()
	host, port, _ := net.SplitHostPort(proxy.Addr())
	portNum, _ := strconv.Atoi(port)
	config.ConnConfig.Host, config.ConnConfig.Port = host, uint16(portNum)
	pool := newPool(t, config)

	_, err := openTable(t.Context(), pool, pgstore.Options{})
	if err == nil {
		t.Fatal("New with the server down: err = nil; want an error")
	}
	if want := `pgstore: connect to PostgreSQL to check table "mutable_store": `; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("New with the server down = %q; want it to start with %q", err, want)
	}
	if ce := (*pgconn.ConnectError)(nil); !errors.As(err, &ce) {
		t.Errorf("New with the server down = %v; want a *pgconn.ConnectError reachable", err)
	}
	conformance.ExpectNoSecret(t, "New with the server down", err, pw)
}
