package testservice

import (
	"context"
	"testing"
	"time"
)

// cleanupTimeout bounds one Cleanup function: long enough to empty a bucket
// of a few thousand objects, short enough that a server that stopped
// answering fails the test instead of hanging it.
const cleanupTimeout = time.Minute

// Cleanup registers f with t.Cleanup, giving it a context of its own with a
// timeout: t.Context is already done when cleanups run, so removing a test's
// keys, tables or buckets needs another.
func Cleanup(t testing.TB, f func(ctx context.Context)) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		f(ctx)
	})
}
