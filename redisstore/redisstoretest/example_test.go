package redisstoretest_test

import (
	"errors"
	"testing"

	"github.com/mutablestore/mutablestore/redisstore/redisstoretest"
	"github.com/mutablestore/mutablestore/store"
)

func TestMain(m *testing.M) { redisstoretest.Main(m) }

// render is the engine under test: it serves a page from the store and
// renders (and stores) it when the store has not got it yet.
func render(t *testing.T, s store.MutableStore, name string, renders *int) string {
	t.Helper()
	page, err := s.Read(t.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		*renders++
		page = "<h1>" + name + "</h1>"
		if err := s.Write(t.Context(), name, page); err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return page
}

// The README's example: an engine's test against real Redis.
func TestEngineOnRedis(t *testing.T) {
	t.Parallel()
	s := redisstoretest.New(t) // empty, own key prefix, cleaned up with t

	renders := 0
	for range 3 {
		if got := render(t, s, "static/index.html", &renders); got != "<h1>static/index.html</h1>" {
			t.Fatalf("page = %q", got)
		}
	}
	if renders != 1 {
		t.Errorf("rendered %d times; want once, then served from Redis", renders)
	}
}

// Stores of parallel tests do not see each other's names.
func TestIsolated(t *testing.T) {
	t.Parallel()
	a, b := redisstoretest.New(t), redisstoretest.New(t)
	if err := a.Write(t.Context(), "page", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Read(t.Context(), "page"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Read from a second store = %v; want store.ErrNotFound", err)
	}
}
