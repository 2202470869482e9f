package redisstore

import (
	"context"
	"errors"
	"io/fs"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/store"
)

// ErrNotReplicated is matched by the error of a Write or Delete that the
// master applied but fewer than Options.WaitReplicas replicas
// acknowledged in time. A failover now could lose it; retrying the
// operation is safe.
var ErrNotReplicated = errors.New("redisstore: applied on the master but not confirmed replicated")

// errStoreClosed is the error of an operation on a store opened by URL
// after Close. It matches fs.ErrClosed, as the other adapters' errors do,
// and redis.ErrClosed, which it used to be.
var errStoreClosed = closedError{}

type closedError struct{}

func (closedError) Error() string { return "redisstore: store is closed" }

func (closedError) Is(target error) bool { return target == fs.ErrClosed || target == redis.ErrClosed }

// fail wraps the error of an operation for the caller. It is the only place
// that decides what an error means. Once Close of an owned store began, the
// client's own "client is closed" becomes errStoreClosed.
func (s *Store) fail(ctx context.Context, op, name string, err error) error {
	switch {
	case notFound(err):
		err = store.ErrNotFound
	case s.closed.Load() && errors.Is(err, redis.ErrClosed):
		err = errStoreClosed
	}
	return store.NewError(ctx, op, name, err)
}

// notFound reports whether err means the name is missing: only the nil
// reply of GET, which go-redis reports as redis.Nil. Every other error,
// WRONGTYPE, authentication, connection and timeout errors included, is
// returned unchanged so that errors.As still reaches it.
func notFound(err error) bool {
	return errors.Is(err, redis.Nil)
}
