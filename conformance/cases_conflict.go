package conformance

import (
	"errors"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

// The "a" / "a/b" rule is checked adaptively: a backend that keeps names as
// paths may refuse the second name with ErrConflict, any other backend must
// hold both. Either way the first value stays readable, and a name that was
// never written is ErrNotFound, not an error about files or directories.

func conflictCases() []testCase {
	return []testCase{
		{"ParentThenChild", func(t *testing.T, newStore newStoreFunc) {
			testNested(t, newStore(t), "a", "a/b")
		}},
		{"ChildThenParent", func(t *testing.T, newStore newStoreFunc) {
			testNested(t, newStore(t), "x/y", "x")
		}},
		{"DeepChildThenAncestor", func(t *testing.T, newStore newStoreFunc) {
			testNested(t, newStore(t), "p/q/r/s", "p/q")
		}},
		{"ReadBelowValue", testReadBelowValue},
		{"ReadAboveValue", testReadAboveValue},
	}
}

// testNested writes first, then second, where one is a '/'-prefix of the
// other. The second Write either succeeds, and both names then hold their
// own values, or fails with ErrConflict, and the first value is untouched.
func testNested(t *testing.T, s store.MutableStore, first, second string) {
	const firstValue, secondValue = "value of the first name", "value of the second name"
	mustWrite(t, s, first, firstValue)
	err := s.Write(t.Context(), second, secondValue)
	switch {
	case err == nil:
		// The backend holds both names: each keeps its own value.
		wantContent(t, s, first, firstValue)
		wantContent(t, s, second, secondValue)
	case errors.Is(err, store.ErrConflict):
		wantError(t, callWrite(second, secondValue)+" beside "+quoteName(first), err, store.OpWrite, second, store.ErrConflict)
		if !wantContent(t, s, first, firstValue) {
			t.Errorf("the conflicting %s damaged the existing name %s; a write that fails with store.ErrConflict must leave it readable",
				callWrite(second, secondValue), quoteName(first))
		}
		wantNotFound(t, s, second, "its Write failed with store.ErrConflict")
	default:
		t.Fatalf("%s while %s holds a value returned err = %v; want nil (the backend holds both names) or an error matching store.ErrConflict (it cannot)",
			callWrite(second, secondValue), quoteName(first), err)
	}
}

// testReadBelowValue reads names under a name that holds a value. On a file
// system this is ENOTDIR; the contract calls it ErrNotFound.
func testReadBelowValue(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	mustWrite(t, s, "a", "value of a")
	wantNotFound(t, s, "a/b", `only "a" was written`)
	wantNotFound(t, s, "a/b/c", `only "a" was written`)
}

// testReadAboveValue reads the ancestors of a name that holds a value. On a
// file system they are directories (EISDIR); the contract calls them
// ErrNotFound.
func testReadAboveValue(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	mustWrite(t, s, "x/y/z", "value of x/y/z")
	wantNotFound(t, s, "x", `only "x/y/z" was written`)
	wantNotFound(t, s, "x/y", `only "x/y/z" was written`)
	wantContent(t, s, "x/y/z", "value of x/y/z")
}
