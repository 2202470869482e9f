package lifetime_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

func TestState(t *testing.T) {
	var s lifetime.State
	ctx := context.Background()
	if err := s.Check(ctx, store.OpRead, "a"); err != nil {
		t.Fatalf("Check on an open state = %v, want nil", err)
	}
	if err := s.Check(ctx, store.OpRead, "../a"); !errors.Is(err, store.ErrInvalidName) {
		t.Errorf("Check of an invalid name = %v, want store.ErrInvalidName first", err)
	}
	if s.Ended() {
		t.Fatal("Ended before End")
	}
	if !s.End() || s.End() || !s.Ended() {
		t.Fatal("End must report true once, then false, and Ended true after it")
	}
	err := s.Check(ctx, store.OpWrite, "a")
	var se *store.Error
	if !errors.Is(err, fs.ErrClosed) || !errors.Is(err, lifetime.ErrClosed) || errors.Is(err, store.ErrNotFound) ||
		!errors.As(err, &se) || se.Op != store.OpWrite || se.Name != "a" {
		t.Errorf("Check after End = %v, want a *store.Error for write \"a\" matching fs.ErrClosed and not ErrNotFound", err)
	}
}
