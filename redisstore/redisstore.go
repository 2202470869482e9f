package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/store"
)

// Options configure a Store. The zero value is a store without a key prefix
// whose keys never expire.
type Options struct {
	// Prefix is prepended to every name to form the Redis key: the name
	// "static/index.html" is kept at Prefix+"static/index.html". It lets
	// several stores, or a store and other data, share one database. It
	// follows store.ValidatePrefix (at most store.MaxPrefixLen bytes, ending
	// with ':' or '/'); never give one store a prefix that starts with
	// another store's prefix: see the package documentation.
	Prefix string

	// TTL, when positive, makes every Write set an expiry on its key (SET
	// with PX or EX), rounded down to whole milliseconds and at least one.
	// Zero keeps keys until they are overwritten or deleted. A TTL is risky
	// for revalidation data: see the package documentation.
	TTL time.Duration

	// WaitReplicas, when positive, makes Write and Delete send WAIT after
	// their command, in the same pipeline (one round trip), and fail with
	// an error matching ErrNotReplicated when fewer replicas acknowledged
	// it within WaitTimeout. See "Replication" in the package documentation
	// for what that guarantees and what it costs.
	WaitReplicas int

	// WaitTimeout bounds the wait for WaitReplicas; zero means one second
	// (WAIT 0, wait forever, is never sent). Keep it below the client's
	// ReadTimeout, which bounds the whole pipeline's reply.
	WaitTimeout time.Duration
}

// defaultWaitTimeout is WaitTimeout's zero value.
const defaultWaitTimeout = time.Second

// Store is a store.MutableStore and store.Deleter kept in Redis, one string
// key per name. It is safe for concurrent use, as the go-redis client is.
type Store struct {
	client redis.UniversalClient
	prefix string
	ttl    time.Duration
	owned  bool // the store created client, so Close closes it

	waitReplicas int
	waitTimeout  time.Duration

	closeOnce sync.Once
	closeErr  error
	closed    atomic.Bool // set by Close of an owned store
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
// must keep it open while the store is in use. New returns an error for a
// nil client or an invalid option, and does no I/O.
func New(client redis.UniversalClient, opts Options) (*Store, error) {
	switch {
	case client == nil:
		return nil, errors.New("redisstore: New needs a redis.UniversalClient, got nil")
	case opts.TTL < 0:
		return nil, fmt.Errorf("redisstore: Options.TTL is %v; want zero (no expiry) or more", opts.TTL)
	case opts.WaitReplicas < 0:
		return nil, fmt.Errorf("redisstore: Options.WaitReplicas is %d; want zero (no wait) or more", opts.WaitReplicas)
	case opts.WaitTimeout < 0:
		return nil, fmt.Errorf("redisstore: Options.WaitTimeout is %v; want zero (the default) or more", opts.WaitTimeout)
	}
	if err := store.ValidatePrefix(opts.Prefix); err != nil {
		return nil, fmt.Errorf("redisstore: Options.Prefix: %w", err)
	}
	s := &Store{client: client, prefix: opts.Prefix, ttl: opts.TTL, waitReplicas: opts.WaitReplicas, waitTimeout: opts.WaitTimeout}
	if s.waitTimeout == 0 {
		s.waitTimeout = defaultWaitTimeout
	}
	return s, nil
}

// check is store.Check plus the closed state of an owned store.
func (s *Store) check(ctx context.Context, op, name string) error {
	if err := store.Check(ctx, op, name); err != nil {
		return err
	}
	if s.closed.Load() {
		return store.NewError(ctx, op, name, errStoreClosed)
	}
	return nil
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
	if err := s.check(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	// Result hands back the string go-redis read from the wire; Bytes would
	// only alias it, and converting that back to a string would copy it.
	content, err := s.client.Get(ctx, s.key(name)).Result()
	if err != nil {
		return "", s.fail(ctx, store.OpRead, name, err)
	}
	return content, nil
}

// Write stores content under name with one SET, which replaces a value of
// any type and, with a TTL, sets the expiry in the same command.
//
// With Options.WaitReplicas, WAIT follows the SET in one pipeline.
func (s *Store) Write(ctx context.Context, name, content string) error {
	if err := s.check(ctx, store.OpWrite, name); err != nil {
		return err
	}
	key := s.key(name)
	var err error
	if s.waitReplicas > 0 {
		err = s.waited(ctx, key, func(p redis.Pipeliner) { p.Set(ctx, key, content, s.ttl) })
	} else {
		err = s.client.Set(ctx, key, content, s.ttl).Err()
	}
	if err != nil {
		return s.fail(ctx, store.OpWrite, name, err)
	}
	return nil
}

// Delete removes name with one DEL. Deleting a missing name is not an
// error.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := s.check(ctx, store.OpDelete, name); err != nil {
		return err
	}
	key := s.key(name)
	var err error
	if s.waitReplicas > 0 {
		err = s.waited(ctx, key, func(p redis.Pipeliner) { p.Del(ctx, key) })
	} else {
		err = s.client.Del(ctx, key).Err()
	}
	if err != nil {
		return s.fail(ctx, store.OpDelete, name, err)
	}
	return nil
}

// waited sends the command cmd queues and WAIT in one pipeline, so one
// round trip, and reports ErrNotReplicated when too few replicas
// acknowledged. WAIT counts the replicas of the connection's own server,
// so on a cluster the pipeline goes to the master of key's slot (a
// cluster pipeline would send WAIT, which has no key, to any node).
func (s *Store) waited(ctx context.Context, key string, cmd func(redis.Pipeliner)) error {
	var c redis.Cmdable = s.client
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		node, err := cc.MasterForKey(ctx, key)
		if err != nil {
			return err
		}
		c = node
	}
	var wait *redis.Cmd
	_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
		cmd(p)
		// Pipeliner has no Wait method; Do sends the same command.
		// At least 1ms: WAIT with 0 would block forever.
		wait = p.Do(ctx, "wait", s.waitReplicas, max(s.waitTimeout.Milliseconds(), 1))
		return nil
	})
	if err != nil {
		return err
	}
	n, err := wait.Int64()
	if err != nil {
		return err
	}
	if n < int64(s.waitReplicas) {
		return fmt.Errorf("%w: %d of %d replicas acknowledged within %v", ErrNotReplicated, n, s.waitReplicas, s.waitTimeout)
	}
	return nil
}

// Close closes the client when the store created it, that is when it was
// opened with store.Open; later operations then fail with an error
// matching fs.ErrClosed, and a second Close returns nil, as with the other
// adapters. For a store built with New it does nothing and returns nil:
// the caller's client stays open.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.closeErr = s.client.Close()
	})
	return s.closeErr
}
