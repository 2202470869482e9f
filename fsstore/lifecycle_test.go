package fsstore_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// lateCancel is a context that is live for its first `live` Err calls and
// cancelled after: it lets store.Check pass and cancels the write before
// its rename, deterministically.
type lateCancel struct {
	context.Context
	live  int32
	calls atomic.Int32
}

func (c *lateCancel) Err() error {
	if c.calls.Add(1) > c.live {
		return context.Canceled
	}
	return nil
}

func TestCancelBeforeRename(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		s := v.newStore(t)
		mustWrite(t, s, "dir/name", "old value")
		ctx := &lateCancel{Context: t.Context(), live: 1}
		err := s.Write(ctx, "dir/name", "new value")
		if !errors.Is(err, context.Canceled) || errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Write cancelled before its rename = %v; want context.Canceled", err)
		}
		if ctx.calls.Load() < 2 {
			t.Fatalf("Write consulted the context %d times; want a check before the rename too", ctx.calls.Load())
		}
		wantRead(t, s, "dir/name", "old value")
		if tmps := tempFiles(t, s.Dir()); len(tmps) != 0 {
			t.Errorf("cancelled write left temp files %q", tmps)
		}
	})
}

func TestClose(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		s, err := v.open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		mustWrite(t, s, "x", "v")
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		_, rerr := s.Read(ctx, "x")
		for op, err := range map[string]error{
			"Read": rerr, "Write": s.Write(ctx, "x", "w"), "Delete": s.Delete(ctx, "x"),
		} {
			if !errors.Is(err, fs.ErrClosed) || errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s after Close = %v; want fs.ErrClosed", op, err)
			}
		}
	})
}

// TestWriteDeleteRace writes and deletes names that share parents from many
// goroutines. Delete removes parents it empties while writes are creating
// them again: no write may fail for it, and each name written last holds
// its value.
func TestWriteDeleteRace(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		s := v.newStore(t, fsstore.WithoutSync())
		ctx := t.Context()
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				name := fmt.Sprintf("shared/deep/dir/n%d", g)
				for i := range 200 {
					if err := s.Write(ctx, name, fmt.Sprint(i)); err != nil {
						t.Errorf("Write(%s) #%d: %v", name, i, err)
						return
					}
					if err := s.Delete(ctx, name); err != nil {
						t.Errorf("Delete(%s) #%d: %v", name, i, err)
						return
					}
				}
				if err := s.Write(ctx, name, "last"); err != nil {
					t.Errorf("Write(%s): %v", name, err)
				}
			})
		}
		wg.Wait()
		for g := range 8 {
			wantRead(t, s, fmt.Sprintf("shared/deep/dir/n%d", g), "last")
		}
	})
}
