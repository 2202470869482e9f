package fsstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// FuzzNames: ValidateName never panics; a name it accepts round-trips and
// is exactly one file inside the directory, at the path the name spells; a
// name it rejects gives ErrInvalidName on every operation and creates
// nothing. The seed corpus runs in every go test.
func FuzzNames(f *testing.F) {
	for _, name := range []string{
		"a", "static/index.html", "static/en-US-post%2Ffoo.json", "static/index.html.revld.txt",
		".well-known/x", ".hidden", "...", "a/.../b", "a b/c d", "ü/日本語/🙂", "%2e%2e/x", "a:b", "con",
		".mstore-tmp-0123456789abcdef", // a Windows temp name: reserved there, a valid name elsewhere
		"", ".", "..", "../x", "a/../b", "a/./b", "/abs", "a/", "a//b", `a\b`, `..\x`, "a\x00b",
		"a\nb", "\xff", "a\x7fb", strings.Repeat("x", 255), strings.Repeat("x", 256),
		strings.Repeat("abc/", 200) + "z", strings.Repeat(strings.Repeat("y", 255)+"/", 4) + "z",
	} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		valid := store.ValidateName(name)
		if valid == nil && runtime.GOOS == "windows" && fsstore.HasTempSegment(name) {
			valid = store.ErrInvalidName // reserved for temp files there
		}
		s := newStore(t, fsstore.WithoutSync())
		ctx := t.Context()
		if valid != nil {
			if !errors.Is(valid, store.ErrInvalidName) {
				t.Fatalf("ValidateName(%q) = %v; want ErrInvalidName", name, valid)
			}
			_, rerr := s.Read(ctx, name)
			for op, err := range map[string]error{
				"Read": rerr, "Write": s.Write(ctx, name, "x"), "Delete": s.Delete(ctx, name),
			} {
				if !errors.Is(err, store.ErrInvalidName) {
					t.Errorf("%s(%q) = %v; want ErrInvalidName", op, name, err)
				}
			}
			if files := listFiles(t, s.Dir()); len(files) != 0 {
				t.Errorf("rejected name %q created %q", name, files)
			}
			return
		}
		content := "content of " + name
		if err := s.Write(ctx, name, content); err != nil {
			t.Fatalf("Write(%q): %v", name, err)
		}
		if got, err := s.Read(ctx, name); err != nil || got != content {
			t.Fatalf("Read(%q) = %q, %v; want %q", name, got, err, content)
		}
		p := filepath.Join(s.Dir(), filepath.FromSlash(name))
		rel, err := filepath.Rel(s.Dir(), p)
		if err != nil || filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			t.Fatalf("name %q maps to %q, outside the store (rel %q, %v)", name, p, rel, err)
		}
		if files := listFiles(t, s.Dir()); !slices.Equal(files, []string{name}) {
			t.Fatalf("after Write(%q) the directory holds %q; want exactly that one file", name, files)
		}
		if b, err := os.ReadFile(p); err != nil || string(b) != content {
			t.Fatalf("file %s = %q, %v; want %q", p, b, err, content)
		}
		if err := s.Delete(ctx, name); err != nil {
			t.Fatalf("Delete(%q): %v", name, err)
		}
		if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Read(%q) after Delete = %v; want ErrNotFound", name, err)
		}
	})
}
