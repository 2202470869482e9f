package fsstore_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/internal/urlparam"
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
	// New's own error, without its package prefix.
	if err := os.WriteFile(filepath.Join(base, "plain"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	notDir := "file://" + filepath.ToSlash(filepath.Join(base, "plain", "sub"))
	for _, tc := range []struct {
		url  string
		is   error  // nil: no error value to match
		want string // a piece of the message after "store.Open: file URL: "
	}{
		{"file:", nil, "no directory: use file:///abs/dir or file:rel/dir"},
		{"file://", nil, "no directory"},
		{"file://otherhost/x", nil, `host "otherhost": only local directories`},
		{"file:///x?sync=maybe", strconv.ErrSyntax, `parameter "sync": strconv.ParseBool: parsing "maybe": invalid syntax`},
		{"file:///x?mode=fast", urlparam.ErrUnknown, `unknown parameter "mode" (recognized: sync)`},
		{"file://user@localhost/x", nil, "takes no user name or password"},
		{"file:///x#frag", urlparam.ErrFragment, "#fragment"},
		{"file:///x?sync=true&sync=false", urlparam.ErrRepeated, `parameter "sync": given more than once`},
		{"file:///x?sync=false&sync=false", urlparam.ErrRepeated, `parameter "sync": given more than once`},
		{"file:///x?sync=%zz", urlparam.ErrEscape, `parameter "sync": invalid percent-encoding`},
		{"file:///x?sync=", urlparam.ErrEmpty, `parameter "sync": empty value`},
		{"file:rel%zz", nil, "the directory has an invalid percent-encoding"},
		{notDir, syscall.ENOTDIR, "create store directory"},
	} {
		s, err := store.Open(t.Context(), tc.url)
		if err == nil {
			s.(io.Closer).Close()
			t.Errorf("Open(%q) succeeded; want an error", tc.url)
			continue
		}
		if errors.Is(err, store.ErrNotFound) || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("Open(%q) = %v; want an error matching %v and not ErrNotFound", tc.url, err, tc.is)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "store.Open: file URL: ") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "fsstore") {
			t.Errorf("Open(%q) = %q; want \"store.Open: file URL: \" and %q, and no \"fsstore\" prefix", tc.url, msg, tc.want)
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
	if want := `store.Open: file URL: parameter "sync": given more than once`; err.Error() != want {
		t.Errorf("Open = %q; want %q", err, want)
	}
	if _, err := os.Stat(filepath.FromSlash(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the rejected URL created the directory (%v)", err)
	}
}
