// Package memstore keeps a store's names in memory.
//
// It is the reference behaviour of the store contract: every name rule and
// error of package store, with nothing of a backend in the way. Use it in
// tests of code that takes a store.MutableStore, and for development
// servers whose artifacts need not outlive the process.
//
// # URLs
//
// Importing the package registers the "mem" scheme: store.Open(ctx, "mem://")
// returns a new, empty *Store each time. The URL takes no user, host, path,
// query or fragment.
package memstore

import (
	"context"
	"errors"
	"io"
	"net/url"
	"sync"

	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

// Store is an in-memory store.MutableStore and store.Deleter. The zero value
// is not usable; call New. A Store is safe for concurrent use.
type Store struct {
	mu    sync.RWMutex
	names map[string]string
	life  lifetime.State
}

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
	_ io.Closer          = (*Store)(nil)
)

// New returns an empty store.
func New() *Store {
	return &Store{names: make(map[string]string)}
}

// Read returns the content stored under name, or an error matching
// store.ErrNotFound.
func (s *Store) Read(ctx context.Context, name string) (string, error) {
	if err := s.life.Check(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	s.mu.RLock()
	content, ok := s.names[name]
	s.mu.RUnlock()
	if !ok {
		return "", &store.Error{Op: store.OpRead, Name: name, Err: store.ErrNotFound}
	}
	return content, nil
}

// Write stores content under name, without copying it.
func (s *Store) Write(ctx context.Context, name, content string) error {
	if err := s.life.Check(ctx, store.OpWrite, name); err != nil {
		return err
	}
	s.mu.Lock()
	s.names[name] = content
	s.mu.Unlock()
	return nil
}

// Delete removes name.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := s.life.Check(ctx, store.OpDelete, name); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.names, name)
	s.mu.Unlock()
	return nil
}

// Close ends the store: later operations fail with an error matching
// fs.ErrClosed. It returns nil, however often it is called.
func (s *Store) Close() error {
	s.life.End()
	return nil
}

// Len returns how many names the store holds.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.names)
}

func init() {
	store.Register("mem", openURL)
}

func openURL(_ context.Context, u *url.URL) (store.MutableStore, error) {
	if u.Host != "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.Opaque != "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("takes no user, host, path, query or fragment: use mem://")
	}
	return New(), nil
}
