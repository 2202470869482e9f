package redisstore

import (
	"context"
	"errors"
	"io/fs"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/store"
)

// ErrNotReplicated is matched by the error of a Write or Delete that the
// master applied but fewer than Options.WaitReplicas replicas acknowledged
// in time: it may survive, or vanish in a failover. Retrying is safe.
var ErrNotReplicated = errors.New("redisstore: applied on the master but not confirmed replicated")

// errStoreClosed is the error of an operation after Close. It matches
// fs.ErrClosed, and redis.ErrClosed for callers that matched what it used
// to be.
var errStoreClosed = closedError{}

type closedError struct{}

func (closedError) Error() string { return "redisstore: store is closed" }

func (closedError) Is(target error) bool { return target == fs.ErrClosed || target == redis.ErrClosed }

// fail is the one place that decides what an operation's error means.
// Once Close began, the client's own "client is closed" is errStoreClosed.
func (s *Store) fail(ctx context.Context, op, name string, err error) error {
	switch {
	case notFound(err):
		err = store.ErrNotFound
	case s.closed.Load() && errors.Is(err, redis.ErrClosed):
		err = errStoreClosed
	}
	return store.NewError(ctx, op, name, err)
}

// notFound reports the nil reply of GET, which go-redis reports as
// redis.Nil.
func notFound(err error) bool {
	return errors.Is(err, redis.Nil)
}
