package store

import (
	"context"
	"io"
	"io/fs"
	"sync/atomic"
)

// Store is a MutableStore that holds resources, such as the client an
// adapter opened for a URL, until Close releases them. Open returns one,
// for every adapter, a third party's included.
//
// Close is idempotent. Operations after Close fail with an error matching
// fs.ErrClosed. Close releases only what the store owns, the clients Open
// created for it: never a client, pool or store its caller passed in, so a
// wrapper (cachestore, otelstore) leaves the store it wraps open.
type Store interface {
	MutableStore
	io.Closer
}

// withClose returns s as a Store: s itself when it has a Close method,
// otherwise s with a Close that releases nothing, keeping its Delete.
func withClose(s MutableStore) Store {
	if c, ok := s.(Store); ok {
		return c
	}
	n := &nopCloser{s: s}
	if _, ok := s.(Deleter); ok {
		return &nopCloserDeleter{n}
	}
	return n
}

// nopCloser gives a store without resources the Close semantics of Store.
type nopCloser struct {
	s      MutableStore
	closed atomic.Bool
}

func (n *nopCloser) check(op, name string) error {
	if n.closed.Load() {
		return &Error{Op: op, Name: name, Err: fs.ErrClosed}
	}
	return nil
}

func (n *nopCloser) Read(ctx context.Context, name string) (string, error) {
	if err := n.check(OpRead, name); err != nil {
		return "", err
	}
	return n.s.Read(ctx, name)
}

func (n *nopCloser) Write(ctx context.Context, name, content string) error {
	if err := n.check(OpWrite, name); err != nil {
		return err
	}
	return n.s.Write(ctx, name, content)
}

func (n *nopCloser) Close() error {
	n.closed.Store(true)
	return nil
}

type nopCloserDeleter struct{ *nopCloser }

func (n *nopCloserDeleter) Delete(ctx context.Context, name string) error {
	if err := n.check(OpDelete, name); err != nil {
		return err
	}
	return n.s.(Deleter).Delete(ctx, name)
}
