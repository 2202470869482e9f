// Package lifetime records whether a store was closed, so that every adapter
// ends the same way: Close is idempotent, and once it was called every
// operation fails with an error matching fs.ErrClosed (store.Store's
// contract), whether or not the store owned a client to release.
package lifetime

import (
	"context"
	"io/fs"
	"sync/atomic"

	"github.com/mutablestore/mutablestore/store"
)

// ErrClosed is the cause of an operation's error after Close. It matches
// fs.ErrClosed; its message says "store", not fs.ErrClosed's "file".
var ErrClosed error = closedError{}

type closedError struct{}

func (closedError) Error() string        { return "store is closed" }
func (closedError) Is(target error) bool { return target == fs.ErrClosed }

// State is the open or closed state of a store. The zero value is open.
type State struct{ closed atomic.Bool }

// End marks the store closed. It reports whether this call did, so that the
// caller releases what it owns once however often Close is called.
func (s *State) End() bool { return s.closed.CompareAndSwap(false, true) }

// Ended reports whether End was called.
func (s *State) Ended() bool { return s.closed.Load() }

// Check is store.Check, then, once End was called, an error wrapping
// ErrClosed for op on name.
func (s *State) Check(ctx context.Context, op, name string) error {
	if err := store.Check(ctx, op, name); err != nil {
		return err
	}
	if s.closed.Load() {
		return store.NewError(ctx, op, name, ErrClosed)
	}
	return nil
}
