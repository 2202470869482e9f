package fsstore_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// newStore returns a store in a new temp directory, closed at cleanup.
func newStore(tb testing.TB, opts ...fsstore.Option) *fsstore.Store {
	tb.Helper()
	s, err := fsstore.Open(tb.TempDir(), opts...)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	// Every variant, and os.Root with its fsyncs on, which the other tests
	// leave to syncVariants.
	all := append(variants[:len(variants):len(variants)], variant{name: "osroot-durable", osRoot: true})
	forEachVariant(t, all, func(t *testing.T, v variant) {
		conformance.Run(t, func(tb testing.TB) store.MutableStore {
			return v.newStore(tb)
		})
	})
}

func TestBackend(t *testing.T) {
	s := newStore(t)
	if runtime.GOOS == "linux" && !fsstore.UsesOpenat2(s) {
		t.Log("openat2 is unavailable on this kernel: the default store runs on os.Root")
	}
	if fsstore.UsesOpenat2(newStore(t, fsstore.WithOSRoot())) {
		t.Fatal("WithOSRoot store does not use os.Root")
	}
}

// TestLayout checks that names are plain files at readable paths.
func TestLayout(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		s := v.newStore(t)
		names := []string{"static/index.html", ".well-known/x", "a b/%2F/ü.json"}
		for _, name := range names {
			if err := s.Write(t.Context(), name, "content of "+name); err != nil {
				t.Fatalf("Write(%q): %v", name, err)
			}
			got, err := os.ReadFile(filepath.Join(s.Dir(), filepath.FromSlash(name)))
			if err != nil || string(got) != "content of "+name {
				t.Errorf("file for %q = %q, %v; want %q", name, got, err, "content of "+name)
			}
		}
		for _, name := range names {
			if err := s.Delete(t.Context(), name); err != nil {
				t.Fatalf("Delete(%q): %v", name, err)
			}
		}
		left := listFiles(t, s.Dir())
		if fsstore.UsesOpenat2(s) && len(left) != 0 {
			t.Errorf("after deleting every name the directory holds %q; want it empty (emptied parents removed)", left)
		}
	})
}

// TestErrorMapping covers the file-system conditions the contract maps to
// ErrNotFound and ErrConflict.
func TestErrorMapping(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		ctx := t.Context()
		s := v.newStore(t)
		mustWrite(t, s, "file", "file value")
		mustWrite(t, s, "dir/child", "child value")

		for _, name := range []string{"missing", "nodir/x", "file/x", "file/x/y", "dir"} {
			_, err := s.Read(ctx, name)
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Read(%q) error = %v; want ErrNotFound", name, err)
			}
			var se *store.Error
			if !errors.As(err, &se) || se.Op != store.OpRead || se.Name != name {
				t.Errorf("Read(%q) error = %#v; want *store.Error for op read and the name", name, err)
			}
			if err := s.Delete(ctx, name); err != nil {
				t.Errorf("Delete(%q) = %v; want nil", name, err)
			}
		}

		for _, name := range []string{"file/x", "file/x/y", "dir"} {
			err := s.Write(ctx, name, "new")
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("Write(%q) error = %v; want ErrConflict", name, err)
			}
			var pe *fs.PathError
			if !errors.As(err, &pe) {
				t.Errorf("Write(%q) error = %v; want the *fs.PathError reachable", name, err)
			}
		}
		wantRead(t, s, "file", "file value")
		wantRead(t, s, "dir/child", "child value")
		if left := tempFiles(t, s.Dir()); len(left) != 0 {
			t.Errorf("failed writes left temp files %q", left)
		}
	})
}

func mustWrite(t *testing.T, s store.MutableStore, name, content string) {
	t.Helper()
	if err := s.Write(t.Context(), name, content); err != nil {
		t.Fatalf("Write(%q): %v", name, err)
	}
}

func wantRead(t *testing.T, s store.MutableStore, name, want string) {
	t.Helper()
	got, err := s.Read(t.Context(), name)
	if err != nil || got != want {
		t.Errorf("Read(%q) = %q, %v; want %q", name, got, err, want)
	}
}

// listFiles returns every non-directory under dir, slash-separated and
// relative to dir.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			if !d.IsDir() {
				files = append(files, filepath.ToSlash(rel))
			} else if entries, _ := os.ReadDir(p); len(entries) == 0 {
				files = append(files, filepath.ToSlash(rel)+"/")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing %s: %v", dir, err)
	}
	return files
}

// tempFiles returns the temp files under dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var tmps []string
	for _, f := range listFiles(t, dir) {
		if fsstore.IsTempFile(filepath.Base(f)) {
			tmps = append(tmps, f)
		}
	}
	return tmps
}
