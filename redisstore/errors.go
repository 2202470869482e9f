package redisstore

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

// ErrNotReplicated is matched by the error of a Write or Delete that the
// master applied but fewer than Options.WaitReplicas replicas acknowledged
// in time: it may survive, or vanish in a failover. Retrying is safe.
var ErrNotReplicated = errors.New("redisstore: applied on the master but not confirmed replicated")

// fail is the one place that decides what an operation's error means.
// Once Close began, the client's own "client is closed" is lifetime.ErrClosed,
// as in every adapter.
func (s *Store) fail(ctx context.Context, op, name string, err error) error {
	switch {
	case notFound(err):
		err = store.ErrNotFound
	case s.life.Ended() && errors.Is(err, redis.ErrClosed):
		err = lifetime.ErrClosed
	}
	return store.NewError(ctx, op, name, err)
}

// notFound reports the nil reply of GET, which go-redis reports as
// redis.Nil.
func notFound(err error) bool {
	return errors.Is(err, redis.Nil)
}
