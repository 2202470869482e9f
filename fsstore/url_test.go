package fsstore_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

func TestOpenURL(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	abs := filepath.ToSlash(filepath.Join(base, "abs dir"))
	for _, tc := range []struct {
		url, dir string // dir relative to base
	}{
		{"file://" + strings.ReplaceAll(abs, " ", "%20"), "abs dir"},
		{"file://localhost" + abs + "/x", "abs dir/x"},
		{"file:" + abs + "/y", "abs dir/y"},
		{"file:rel/dir", "rel/dir"},
		{"file:rel%20two?sync=false", "rel two"},
		{"file:./dot?sync=true", "dot"},
	} {
		s, err := store.Open(t.Context(), tc.url)
		if err != nil {
			t.Errorf("Open(%q): %v", tc.url, err)
			continue
		}
		fs, ok := s.(*fsstore.Store)
		if !ok {
			t.Fatalf("Open(%q) returned %T; want *fsstore.Store", tc.url, s)
		}
		if err := s.Write(t.Context(), "n", tc.url); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(base, filepath.FromSlash(tc.dir), "n"))
		if err != nil || string(b) != tc.url {
			t.Errorf("Open(%q) did not store under %q: %q, %v", tc.url, tc.dir, b, err)
		}
		var _ io.Closer = fs
		if err := fs.Close(); err != nil {
			t.Error(err)
		}
	}
	for _, bad := range []string{
		"file:", "file://", "file://otherhost/x", "file:///x?sync=maybe", "file:///x?mode=fast",
		"file://user@localhost/x", "file:///x#frag",
		"file:///x?sync=true&sync=false", "file:///x?sync=false&sync=false", "file:///x?sync=%zz",
	} {
		if s, err := store.Open(t.Context(), bad); err == nil {
			s.(io.Closer).Close()
			t.Errorf("Open(%q) succeeded; want an error", bad)
		} else if errors.Is(err, store.ErrNotFound) {
			t.Errorf("Open(%q) = %v; must not be ErrNotFound", bad, err)
		} else {
			t.Logf("Open(%q): %v", bad, err)
		}
	}
}

// TestOpenURLRepeatedParam: a parameter given twice is rejected, as by the
// other adapters, instead of the last one silently winning.
func TestOpenURLRepeatedParam(t *testing.T) {
	dir := filepath.ToSlash(filepath.Join(t.TempDir(), "store"))
	s, err := store.Open(t.Context(), "file://"+dir+"?sync=true&sync=false")
	if err == nil {
		s.(io.Closer).Close()
		t.Fatal("Open with sync given twice succeeded")
	}
	if want := `fsstore: file URL parameter "sync" given 2 times`; !strings.HasSuffix(err.Error(), want) {
		t.Errorf("Open = %q; want it to end with %q", err, want)
	}
	if _, err := os.Stat(filepath.FromSlash(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the rejected URL created the directory (%v)", err)
	}
}
