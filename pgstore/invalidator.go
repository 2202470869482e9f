package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/cachestore"
)

// DefaultInvalidationChannel is the LISTEN channel an Invalidator uses
// when InvalidatorOptions.Channel is empty.
const DefaultInvalidationChannel = "mutablestore_invalidate"

// DefaultPingInterval is how long a quiet subscription waits before it
// checks its connection with a query, when InvalidatorOptions.PingInterval
// is zero.
const DefaultPingInterval = time.Second

// InvalidatorOptions configure an Invalidator.
type InvalidatorOptions struct {
	// Channel is the LISTEN/NOTIFY channel, used as a quoted identifier
	// (case and any characters kept). Empty means
	// DefaultInvalidationChannel.
	Channel string
	// PingInterval: see DefaultPingInterval.
	PingInterval time.Duration
	// ApplicationName, when set, is the application_name of the
	// listening connection, so that operators (and tests) can find it in
	// pg_stat_activity.
	ApplicationName string
}

// Invalidator is a cachestore.Invalidator over PostgreSQL LISTEN/NOTIFY.
// Publish runs pg_notify on a connection of the pool; Subscribe holds a
// connection of its own, configured like the pool's, that LISTENs.
//
// LISTEN needs a session of its own on the server: give NewInvalidator a
// pool that connects to PostgreSQL directly (or through a pooler in session
// mode). Through PgBouncer in transaction mode LISTEN succeeds but no
// notification ever arrives, and the cache would believe itself coherent.
type Invalidator struct {
	pool    *pgxpool.Pool
	channel string
	ping    time.Duration
	appName string
	origin  string
}

var _ cachestore.Invalidator = (*Invalidator)(nil)

// NewInvalidator returns an Invalidator on the database of pool, which it
// never closes.
func NewInvalidator(pool *pgxpool.Pool, opts InvalidatorOptions) (*Invalidator, error) {
	if pool == nil {
		return nil, errorf("NewInvalidator with a nil *pgxpool.Pool")
	}
	if opts.Channel == "" {
		opts.Channel = DefaultInvalidationChannel
	}
	if len(opts.Channel) > 63 || strings.ContainsRune(opts.Channel, 0) {
		return nil, errorf("invalidation channel %q: at most 63 bytes, no NUL", opts.Channel)
	}
	if opts.PingInterval < 0 {
		return nil, errorf("InvalidatorOptions.PingInterval is %v; want zero (the default) or more", opts.PingInterval)
	}
	if opts.PingInterval == 0 {
		opts.PingInterval = DefaultPingInterval
	}
	var b [8]byte
	rand.Read(b[:])
	return &Invalidator{pool: pool, channel: opts.Channel, ping: opts.PingInterval, appName: opts.ApplicationName, origin: hex.EncodeToString(b[:])}, nil
}

// Publish notifies the other listeners that name changed. The payload is
// the publisher's origin, a space, and the name: names may hold spaces,
// the origin does not.
func (inv *Invalidator) Publish(ctx context.Context, name string) error {
	_, err := inv.pool.Exec(ctx, "SELECT pg_notify($1, $2)", execMode, inv.channel, inv.origin+" "+name)
	return err
}

// Subscribe implements cachestore.Invalidator.
func (inv *Invalidator) Subscribe(ctx context.Context, handle func(cachestore.Event)) error {
	return cachestore.Resubscribe(ctx, handle, func(ctx context.Context) (bool, error) {
		return inv.session(ctx, handle)
	})
}

// session runs one listening connection until it fails.
func (inv *Invalidator) session(ctx context.Context, handle func(cachestore.Event)) (live bool, err error) {
	config := inv.pool.Config().ConnConfig.Copy()
	if inv.appName != "" {
		config.RuntimeParams["application_name"] = inv.appName
	}
	conn, err := pgx.ConnectConfig(ctx, config)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{inv.channel}.Sanitize()); err != nil {
		return false, err
	}
	handle(cachestore.Event{Kind: cachestore.Live})
	for {
		wctx, cancel := context.WithTimeout(ctx, inv.ping)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return true, ctx.Err()
			}
			if !errors.Is(err, context.DeadlineExceeded) || conn.IsClosed() {
				return true, err
			}
			pctx, cancel := context.WithTimeout(ctx, inv.ping)
			_, err := conn.Exec(pctx, "SELECT 1")
			cancel()
			if err != nil {
				return true, err
			}
			continue
		}
		origin, name, ok := strings.Cut(n.Payload, " ")
		if ok && origin != inv.origin && n.Channel == inv.channel {
			handle(cachestore.Event{Kind: cachestore.Invalidate, Name: name})
		}
	}
}
