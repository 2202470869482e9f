package conformance

import (
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

// Delete is optional: these cases run only when the store implements
// store.Deleter, and are skipped (with a message saying so) otherwise.

func deleteCases() []testCase {
	return []testCase{
		{"DeletePresent", deleterCase(testDeletePresent)},
		{"DeleteMissing", deleterCase(testDeleteMissing)},
		{"DeleteThenWrite", deleterCase(testDeleteThenWrite)},
		{"DeleteBelowValue", deleterCase(testDeleteBelowValue)},
		{"DeleteAboveValue", deleterCase(testDeleteAboveValue)},
	}
}

// deleterCase runs test on a new store when it implements store.Deleter.
func deleterCase(test func(t *testing.T, s store.MutableStore, d store.Deleter)) func(*testing.T, newStoreFunc) {
	return func(t *testing.T, newStore newStoreFunc) {
		s := newStore(t)
		d, ok := s.(store.Deleter)
		if !ok {
			t.Skipf("the store (%T) does not implement store.Deleter", s)
		}
		test(t, s, d)
	}
}

func mustDelete(t *testing.T, d store.Deleter, name, what string) {
	t.Helper()
	if err := d.Delete(t.Context(), name); err != nil {
		t.Fatalf("%s of %s returned err = %v; want nil", callDelete(name), what, err)
	}
}

func testDeletePresent(t *testing.T, s store.MutableStore, d store.Deleter) {
	mustWrite(t, s, "del/gone.html", "value")
	mustWrite(t, s, "del/kept.html", "sibling")
	mustDelete(t, d, "del/gone.html", "a present name")
	wantNotFound(t, s, "del/gone.html", "it was deleted")
	wantContent(t, s, "del/kept.html", "sibling")
}

// testDeleteMissing deletes names that do not exist, which is not an error:
// an engine deletes without reading first.
func testDeleteMissing(t *testing.T, s store.MutableStore, d store.Deleter) {
	mustDelete(t, d, "del/never-written", "a missing name")
	mustDelete(t, d, "del/deep/never/written", "a missing name under missing parents")
	mustWrite(t, s, "del/twice", "value")
	mustDelete(t, d, "del/twice", "a present name")
	mustDelete(t, d, "del/twice", "a name already deleted")
	wantNotFound(t, s, "del/twice", "it was deleted")
}

func testDeleteThenWrite(t *testing.T, s store.MutableStore, d store.Deleter) {
	const name = "del/again.html"
	mustWrite(t, s, name, "first")
	mustDelete(t, d, name, "a present name")
	mustWrite(t, s, name, "second")
	wantContent(t, s, name, "second")
}

// testDeleteBelowValue deletes a missing name under a name that holds a
// value ("a/b" beside "a"): the name is missing, so Delete returns nil and
// leaves "a" alone, where a file system says ENOTDIR.
func testDeleteBelowValue(t *testing.T, s store.MutableStore, d store.Deleter) {
	mustWrite(t, s, "a", "value of a")
	mustDelete(t, d, "a/b", `"a/b", missing while "a" holds a value,`)
	wantContent(t, s, "a", "value of a")
}

// testDeleteAboveValue deletes a missing ancestor of a name that holds a
// value ("x" above "x/y"): the name is missing, so Delete returns nil and
// "x/y" stays, where a file system says EISDIR or ENOTEMPTY.
func testDeleteAboveValue(t *testing.T, s store.MutableStore, d store.Deleter) {
	mustWrite(t, s, "x/y", "value of x/y")
	mustDelete(t, d, "x", `"x", missing while "x/y" holds a value,`)
	wantContent(t, s, "x/y", "value of x/y")
	mustWrite(t, s, "x/z/deeper", "value of x/z/deeper")
	mustDelete(t, d, "x/z", `"x/z", missing while "x/z/deeper" holds a value,`)
	wantContent(t, s, "x/z/deeper", "value of x/z/deeper")
}
