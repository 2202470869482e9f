package conformance

import (
	"io"
	"io/fs"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

// Close is optional too: store.Open gives every store one, and an adapter
// that has its own must end the same way (store.Store): Close is
// idempotent, and every operation after it fails with an error matching
// fs.ErrClosed, never ErrNotFound, whatever the store owns.

func closeCases() []testCase {
	return []testCase{{"CloseIsFinal", testCloseIsFinal}}
}

func testCloseIsFinal(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	c, ok := s.(io.Closer)
	if !ok {
		t.Skipf("the store (%T) does not implement io.Closer", s)
	}
	const name = "close/written"
	mustWrite(t, s, name, "before Close")
	if err := c.Close(); err != nil {
		t.Fatalf("Close() = %v; want nil", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("a second Close() = %v; want nil: Close is idempotent", err)
	}
	ctx := t.Context()
	_, err := s.Read(ctx, name)
	wantError(t, callRead(name)+" after Close", err, store.OpRead, name, fs.ErrClosed)
	err = s.Write(ctx, name, "after Close")
	wantError(t, callWrite(name, "after Close")+" after Close", err, store.OpWrite, name, fs.ErrClosed)
	if d, ok := s.(store.Deleter); ok {
		err = d.Delete(ctx, name)
		wantError(t, callDelete(name)+" after Close", err, store.OpDelete, name, fs.ErrClosed)
	}
}
