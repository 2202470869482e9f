package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/store"
)

// Options configure a Store. The zero value is a store without a key prefix
// whose keys never expire.
type Options struct {
	// Prefix is prepended to every name to form the Redis key: the name
	// "static/index.html" is kept at Prefix+"static/index.html". It lets
	// several stores, or a store and other data, share one database. End it
	// with a separator such as ":" or "/", and never give one store a prefix
	// that starts with another store's prefix: see the package documentation.
	Prefix string

	// TTL, when positive, makes every Write set an expiry on its key (SET
	// with PX or EX), rounded down to whole milliseconds and at least one.
	// Zero keeps keys until they are overwritten or deleted. A TTL is risky
	// for revalidation data: see the package documentation. New panics if
	// TTL is negative.
	TTL time.Duration
}

// Store is a store.MutableStore and store.Deleter kept in Redis, one string
// key per name. It is safe for concurrent use, as the go-redis client is.
type Store struct {
	client redis.UniversalClient
	prefix string
	ttl    time.Duration
	owned  bool // the store created client, so Close closes it
}

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
)

// New returns a store that keeps its names in Redis through client, which
// may be a *redis.Client, a *redis.ClusterClient or any other
// redis.UniversalClient. Every operation touches one key, so nothing
// depends on how keys are spread over the slots of a cluster.
//
// The store does not own client: Close does not close it, and the caller
// must keep it open while the store is in use.
func New(client redis.UniversalClient, opts Options) *Store {
	if client == nil {
		panic("redisstore: New with a nil client")
	}
	if opts.TTL < 0 {
		panic("redisstore: negative Options.TTL " + opts.TTL.String())
	}
	return &Store{client: client, prefix: opts.Prefix, ttl: opts.TTL}
}

// key is the Redis key of name. Without a prefix it is name itself, with
// no allocation; with one, the concatenation is the one allocation the
// store adds to a go-redis call.
func (s *Store) key(name string) string {
	return s.prefix + name
}

// Read returns the content stored under name with one GET. A missing key
// gives an error matching store.ErrNotFound; a key that holds another Redis
// type gives the server's WRONGTYPE error, which does not.
func (s *Store) Read(ctx context.Context, name string) (string, error) {
	if err := store.Check(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	// Result hands back the string go-redis read from the wire; Bytes would
	// only alias it, and converting that back to a string would copy it.
	content, err := s.client.Get(ctx, s.key(name)).Result()
	if err != nil {
		return "", store.NewError(ctx, store.OpRead, name, notFound(err))
	}
	return content, nil
}

// Write stores content under name with one SET, which replaces a value of
// any type and, with a TTL, sets the expiry in the same command.
//
// A Write that fails on a timeout or a cancelled context may still have been
// applied by the server: the reply was lost, not necessarily the command.
func (s *Store) Write(ctx context.Context, name, content string) error {
	if err := store.Check(ctx, store.OpWrite, name); err != nil {
		return err
	}
	if err := s.client.Set(ctx, s.key(name), content, s.ttl).Err(); err != nil {
		return store.NewError(ctx, store.OpWrite, name, err)
	}
	return nil
}

// Delete removes name with one DEL. Deleting a missing name is not an
// error.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := store.Check(ctx, store.OpDelete, name); err != nil {
		return err
	}
	if err := s.client.Del(ctx, s.key(name)).Err(); err != nil {
		return store.NewError(ctx, store.OpDelete, name, err)
	}
	return nil
}

// Close closes the client when the store created it, that is when it was
// opened with store.Open. For a store built with New it does nothing and
// returns nil: the caller's client stays open.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.client.Close()
}

// notFound is the one place that decides what a missing name is: the nil
// reply of GET, which go-redis reports as redis.Nil. Every other error,
// WRONGTYPE, authentication, connection and timeout errors included, is
// returned unchanged so that errors.As still reaches it.
func notFound(err error) error {
	if errors.Is(err, redis.Nil) {
		return store.ErrNotFound
	}
	return err
}
