package memstore_test

import (
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

func newStore(testing.TB) store.MutableStore { return memstore.New() }

func TestConformance(t *testing.T) {
	conformance.Run(t, newStore)
}

func BenchmarkConformance(b *testing.B) {
	conformance.Benchmark(b, newStore)
}

func TestLen(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	if n := s.Len(); n != 0 {
		t.Fatalf("Len of a new store = %d; want 0", n)
	}
	for _, name := range []string{"a", "b/c", "b/c", "d"} {
		if err := s.Write(ctx, name, "v"); err != nil {
			t.Fatalf("Write(%q) = %v; want nil", name, err)
		}
	}
	if n := s.Len(); n != 3 {
		t.Fatalf("Len after writing 3 distinct names (one twice) = %d; want 3", n)
	}
	if err := s.Write(ctx, "../bad", "v"); !errors.Is(err, store.ErrInvalidName) {
		t.Fatalf(`Write("../bad") = %v; want ErrInvalidName`, err)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatalf(`Delete("a") = %v; want nil`, err)
	}
	if err := s.Delete(ctx, "missing"); err != nil {
		t.Fatalf(`Delete("missing") = %v; want nil`, err)
	}
	if n := s.Len(); n != 2 {
		t.Fatalf("Len after a rejected write, one delete and one delete of a missing name = %d; want 2", n)
	}
}

func TestOpenURL(t *testing.T) {
	ctx := t.Context()
	for _, rawURL := range []string{"mem://", "mem:", "mem:///", "MEM://", "Mem://"} {
		t.Run(rawURL, func(t *testing.T) {
			s, err := store.Open(ctx, rawURL)
			if err != nil {
				t.Fatalf("Open(%q) = %v; want nil", rawURL, err)
			}
			ms, ok := s.(*memstore.Store)
			if !ok {
				t.Fatalf("Open(%q) returned a %T; want *memstore.Store", rawURL, s)
			}
			if n := ms.Len(); n != 0 {
				t.Fatalf("Open(%q) returned a store holding %d names; want a new, empty one", rawURL, n)
			}
		})
	}

	// Each Open returns a store of its own.
	first, err := store.Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	second, err := store.Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Write(ctx, "static/x", "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := second.Read(ctx, "static/x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`second store's Read("static/x") = %v; want ErrNotFound: each Open("mem://") must return a new store`, err)
	}
}

func TestOpenURLRejected(t *testing.T) {
	for _, rawURL := range []string{
		"mem://host",
		"mem://host/path",
		"mem:///path",
		"mem:opaque",
		"mem://?size=10",
		"mem://user:secret@host",
		"mem://user@",
		"mem://user:pw@",
		"mem://#frag",
	} {
		t.Run(rawURL, func(t *testing.T) {
			s, err := store.Open(t.Context(), rawURL)
			if err == nil {
				t.Fatalf("Open(%q) returned a %T and err = nil; want an error: the mem URL takes no host, path or query", rawURL, s)
			}
			if s != nil {
				t.Errorf("Open(%q) returned a non-nil store %T with its error", rawURL, s)
			}
			msg := err.Error()
			if !strings.Contains(msg, "mem://") {
				t.Errorf("Open(%q) error %q does not show the valid form mem://", rawURL, msg)
			}
			if strings.Contains(msg, "secret") {
				t.Errorf("Open(%q) error %q repeats the password from the URL", rawURL, msg)
			}
		})
	}
}

func TestSchemeRegistered(t *testing.T) {
	for _, s := range store.Schemes() {
		if s == "mem" {
			return
		}
	}
	t.Fatalf("store.Schemes() = %q; want it to include \"mem\" once memstore is imported", store.Schemes())
}

// TestClose checks that Close, there so that a store opened by URL is an
// io.Closer whatever its scheme, does nothing: it can be called again, and
// the store keeps working and keeps its names.
func TestClose(t *testing.T) {
	ctx := t.Context()
	opened, err := store.Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	closer, ok := opened.(io.Closer)
	if !ok {
		t.Fatalf("store.Open(mem://) returned a %T, which is not an io.Closer", opened)
	}
	if err := opened.Write(ctx, "a", "v"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := closer.Close(); err != nil {
			t.Fatalf("Close #%d = %v; want nil", i+1, err)
		}
	}
	if _, err := opened.Read(ctx, "a"); !errors.Is(err, fs.ErrClosed) || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read after Close = %v; want an error matching fs.ErrClosed, not store.ErrNotFound", err)
	}
	if err := opened.Write(ctx, "b", "w"); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Close = %v; want an error matching fs.ErrClosed", err)
	}
	if err := memstore.New().Close(); err != nil {
		t.Errorf("Close of a new store = %v; want nil", err)
	}
}
