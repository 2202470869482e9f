package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

// Options configure a Store. The zero value is a store without a key prefix
// whose keys never expire.
type Options struct {
	// Prefix is prepended to every name to form its key, so that several
	// stores, or a store and other data, share one database. It follows
	// store.ValidatePrefix; see "Keys and prefix".
	Prefix string

	// TTL, when positive, is the expiry every Write sets on its key,
	// rounded down to whole milliseconds and at least one. Zero keeps keys
	// until they are overwritten or deleted. See "TTL and eviction" for
	// the risk.
	TTL time.Duration

	// WaitReplicas, when positive, is how many replicas must acknowledge
	// each Write and Delete within WaitTimeout, or the operation fails with
	// ErrNotReplicated. See "Replication" for what it costs and guarantees.
	WaitReplicas int

	// WaitTimeout bounds the wait for WaitReplicas; zero means one second
	// (WAIT 0, wait forever, is never sent). Keep it below the client's
	// ReadTimeout, which bounds the whole pipeline's reply.
	WaitTimeout time.Duration
}

const defaultWaitTimeout = time.Second

// Store is a store.MutableStore and store.Deleter kept in Redis. It is safe
// for concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
	ttl    time.Duration
	owned  bool // the store created client, so Close closes it

	waitReplicas int
	waitTimeout  time.Duration

	closeOnce sync.Once
	closeErr  error
	life      lifetime.State
}

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
)

// New returns a store that keeps its names in Redis through client. The
// store does not own client: the caller keeps it open while the store is
// in use, and closes it. New does no I/O.
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

// key is the Redis key of name. With a prefix, the concatenation is the
// one allocation the store adds to a go-redis call.
func (s *Store) key(name string) string {
	return s.prefix + name
}

// Read returns the content stored under name with one GET.
func (s *Store) Read(ctx context.Context, name string) (string, error) {
	if err := s.life.Check(ctx, store.OpRead, name); err != nil {
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
// any type and sets the TTL in the same command.
func (s *Store) Write(ctx context.Context, name, content string) error {
	if err := s.life.Check(ctx, store.OpWrite, name); err != nil {
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

// Delete removes name with one DEL.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := s.life.Check(ctx, store.OpDelete, name); err != nil {
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

// waited sends the command cmd queues and WAIT in one pipeline. WAIT counts
// the replicas of the connection's own server, so on a cluster the
// pipeline goes to the master of key's slot: a cluster pipeline would send
// WAIT, which has no key, to any node.
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
		// Pipeliner has no Wait method. At least 1ms: WAIT 0 blocks forever.
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

// Close ends the store as store.Store describes, and closes the client of
// a store opened by URL. The client of a store from New is the caller's and
// stays open.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.life.End()
		if s.owned {
			s.closeErr = s.client.Close()
		}
	})
	return s.closeErr
}
