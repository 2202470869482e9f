package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/cachestore"
)

// DefaultInvalidationChannel is the channel an Invalidator uses when
// InvalidatorOptions.Channel is empty.
const DefaultInvalidationChannel = "mutablestore:invalidate"

// DefaultPingInterval is how long a quiet subscription waits before it
// checks its connection with a PING, when InvalidatorOptions.PingInterval
// is zero. A silent partition is noticed within two intervals.
const DefaultPingInterval = time.Second

// InvalidatorOptions configure an Invalidator.
type InvalidatorOptions struct {
	// Channel is the pub/sub channel; every instance of one cache uses the
	// same one. Empty means DefaultInvalidationChannel.
	Channel string
	// PingInterval: see DefaultPingInterval.
	PingInterval time.Duration
}

// Invalidator is a cachestore.Invalidator over Redis pub/sub: Publish is a
// PUBLISH of the name, Subscribe holds a SUBSCRIBE connection of the
// client. It works on a cluster too, where PUBLISH reaches every node.
type Invalidator struct {
	client  redis.UniversalClient
	channel string
	ping    time.Duration
	origin  string
}

var _ cachestore.Invalidator = (*Invalidator)(nil)

// NewInvalidator returns an Invalidator on client, which it never closes.
func NewInvalidator(client redis.UniversalClient, opts InvalidatorOptions) (*Invalidator, error) {
	switch {
	case client == nil:
		return nil, errors.New("redisstore: NewInvalidator needs a redis.UniversalClient, got nil")
	case opts.PingInterval < 0:
		return nil, fmt.Errorf("redisstore: InvalidatorOptions.PingInterval is %v; want zero (the default) or more", opts.PingInterval)
	}
	if opts.Channel == "" {
		opts.Channel = DefaultInvalidationChannel
	}
	if opts.PingInterval == 0 {
		opts.PingInterval = DefaultPingInterval
	}
	var b [8]byte
	rand.Read(b[:])
	return &Invalidator{client: client, channel: opts.Channel, ping: opts.PingInterval, origin: hex.EncodeToString(b[:])}, nil
}

// Publish sends name to the other subscribers. The message is the
// publisher's origin, a space, and the name: names may hold spaces, the
// origin does not.
func (inv *Invalidator) Publish(ctx context.Context, name string) error {
	return inv.client.Publish(ctx, inv.channel, inv.origin+" "+name).Err()
}

// Subscribe implements cachestore.Invalidator.
func (inv *Invalidator) Subscribe(ctx context.Context, handle func(cachestore.Event)) error {
	return cachestore.Resubscribe(ctx, handle, func(ctx context.Context) (bool, error) {
		return inv.session(ctx, handle)
	})
}

// session runs one subscription until its connection fails.
func (inv *Invalidator) session(ctx context.Context, handle func(cachestore.Event)) (live bool, err error) {
	ps := inv.client.Subscribe(ctx, inv.channel)
	defer ps.Close()
	// go-redis does not interrupt a blocked read when ctx ends: close the
	// connection, so that Subscribe returns at once.
	stop := context.AfterFunc(ctx, func() { ps.Close() })
	defer stop()
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, inv.ping)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
				if pinged {
					return live, errors.New("redisstore: the invalidation subscription did not answer a PING")
				}
				if err := ps.Ping(ctx); err != nil {
					return live, err
				}
				pinged = true
				continue
			}
			return live, err
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" && m.Channel == inv.channel && !live {
				live = true
				handle(cachestore.Event{Kind: cachestore.Live})
			}
		case *redis.Message:
			origin, name, ok := strings.Cut(m.Payload, " ")
			if ok && origin != inv.origin && live {
				handle(cachestore.Event{Kind: cachestore.Invalidate, Name: name})
			}
		case *redis.Pong:
		}
	}
}
