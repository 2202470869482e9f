package cachestore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mutablestore/mutablestore/cachestore"
)

// TestResubscribe checks the loop every Invalidator shares: a Down after
// each session, with its error, and an end when the context is done.
func TestResubscribe(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	lost := errors.New("connection reset")
	var sessions int
	var downs []error
	err := cachestore.Resubscribe(ctx, func(e cachestore.Event) {
		if e.Kind == cachestore.Down {
			downs = append(downs, e.Err)
		}
	}, func(context.Context) (bool, error) {
		sessions++
		if sessions == 4 {
			cancel() // the fourth session ends because the caller stopped
			return true, ctx.Err()
		}
		return sessions == 3, lost
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Resubscribe = %v; want context.Canceled once ctx is done", err)
	}
	if sessions != 4 || len(downs) != 3 {
		t.Fatalf("%d sessions, %d Down events; want 4 sessions and a Down after each of the 3 lost ones", sessions, len(downs))
	}
	for i, e := range downs {
		if !errors.Is(e, lost) {
			t.Errorf("Down #%d carries %v; want the session's error", i+1, e)
		}
	}
}
