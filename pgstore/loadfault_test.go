package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/internal/loadfault"
	"github.com/mutablestore/mutablestore/internal/serverproc"
	"github.com/mutablestore/mutablestore/pgstore"
)

// TestLoadFault kills and freezes a PostgreSQL server (fsync and
// synchronous commit on) that the test starts, under load through one
// store; internal/loadfault says what it asserts.
func TestLoadFault(t *testing.T) {
	srv := serverproc.Postgres(t)
	config, err := pgxpool.ParseConfig(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	// One connection per worker: the pool's default (4 on two cores)
	// would measure waits for a connection, not the server.
	config.MaxConns = 16
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s, err := pgstore.New(pool, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTable(t.Context()); err != nil {
		t.Fatal(err)
	}
	loadfault.Run(t, "postgres", s, srv)
}
