package conformance

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

func basicCases() []testCase {
	return []testCase{
		{"ReadMissing", testReadMissing},
		{"WriteRead", testWriteRead},
		{"Overwrite", testOverwrite},
		{"Isolation", testIsolation},
	}
}

// testReadMissing checks the one error every engine relies on: a name never
// written is ErrNotFound, as an *store.Error that names the name.
func testReadMissing(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	for _, name := range []string{"missing", "static/never-written.html"} {
		got, err := s.Read(t.Context(), name)
		if err == nil {
			t.Errorf("%s of a missing name returned %s and err = nil; want an error matching store.ErrNotFound",
				callRead(name), size(got))
			continue
		}
		wantError(t, callRead(name)+" of a missing name", err, store.OpRead, name, store.ErrNotFound)
		if got != "" {
			t.Errorf("%s of a missing name returned %s with its error; want empty content", callRead(name), size(got))
		}
		if msg := err.Error(); !strings.Contains(msg, name) {
			t.Errorf("%s of a missing name returned an error whose message %q does not contain the name; want the name in it",
				callRead(name), msg)
		}
	}
}

func testWriteRead(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	const name, content = "static/index.html", "<!DOCTYPE html><h1>Hello</h1>\n"
	mustWrite(t, s, name, content)
	wantContent(t, s, name, content)
	// A second read must not consume or change the value.
	wantContent(t, s, name, content)
}

// testOverwrite replaces a value by a longer then a shorter one: a backend
// that writes in place without truncating leaves the tail of the longer
// value behind.
func testOverwrite(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	const name = "static/page.json"
	for _, content := range []string{
		`{"v":1}`,
		`{"v":2,"padding":"` + strings.Repeat("x", 5000) + `"}`,
		`{"v":3}`,
		"",
		`{"v":5}`,
	} {
		mustWrite(t, s, name, content)
		if !wantContent(t, s, name, content) {
			t.Fatalf("after overwriting %q with %s, the store does not return the new value whole; a Write must replace the previous content entirely",
				name, size(content))
		}
	}
}

// testIsolation checks that the harness gives each call a store of its own:
// the suite relies on it, and so do users who open one store per site.
func testIsolation(t *testing.T, newStore newStoreFunc) {
	first, second := newStore(t), newStore(t)
	const name = "static/isolated.txt"
	mustWrite(t, first, name, "first")
	if !wantNotFound(t, second, name, "it was written only in the store of another newStore call") {
		t.Fatal("two stores returned by newStore share their names; newStore must return a new, empty store each time (for example with a unique prefix per call)")
	}
	mustWrite(t, second, name, "second")
	wantContent(t, first, name, "first")
	wantContent(t, second, name, "second")

	if d, ok := second.(store.Deleter); ok {
		if err := d.Delete(t.Context(), name); err != nil {
			t.Fatalf("%s returned err = %v; want nil", callDelete(name), err)
		}
		wantContent(t, first, name, "first")
	}

	// Many names in one store stay invisible in the other.
	for i := range 5 {
		mustWrite(t, first, "iso/"+strconv.Itoa(i), "v")
	}
	for i := range 5 {
		wantNotFound(t, second, "iso/"+strconv.Itoa(i), "it was written only in the store of another newStore call")
	}
}
