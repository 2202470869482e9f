package cachestore

import (
	"context"
	"time"
)

// An Invalidator carries "this name changed" between the instances of a
// cache that share a backend. redisstore.Invalidator (Redis pub/sub) and
// pgstore.Invalidator (PostgreSQL LISTEN/NOTIFY) implement it. A value
// serves one Store: it skips the messages it published itself.
type Invalidator interface {
	// Publish tells the other instances that name changed. The Store
	// calls it after each successful Write and Delete.
	Publish(ctx context.Context, name string) error

	// Subscribe delivers events to handle, one at a time, until ctx is
	// done, reconnecting after failures; it then returns ctx's error. It
	// sends Live each time the subscription is confirmed (first and after
	// every reconnection), Down each time it is lost, and Invalidate for
	// each name another instance published while it was live.
	Subscribe(ctx context.Context, handle func(Event)) error
}

// EventKind says what an Event reports.
type EventKind int

const (
	// Invalidate: Name changed on another instance.
	Invalidate EventKind = iota
	// Live: the subscription is confirmed; every later change is delivered.
	Live
	// Down: the subscription is lost (Err says why); changes may be missed.
	Down
)

// Event is one thing an Invalidator's subscription reports.
type Event struct {
	Kind EventKind
	Name string // for Invalidate
	Err  error  // for Down, when known
}

// Resubscribe is the body of an Invalidator's Subscribe: it runs session,
// one subscription from connect to loss, again and again until ctx is done,
// reporting Down to handle after each loss. The wait between sessions
// starts at 10ms and doubles up to a second while sessions fail before
// going live; a session that was live resets it. session reports whether it
// went live and why it ended.
func Resubscribe(ctx context.Context, handle func(Event), session func(context.Context) (wasLive bool, err error)) error {
	const first, most = 10 * time.Millisecond, time.Second
	backoff := first
	for {
		wasLive, err := session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		handle(Event{Kind: Down, Err: err})
		if wasLive {
			backoff = first
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		if !wasLive && backoff < most {
			backoff *= 2
		}
	}
}
