package fsstore_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestStoreDirRemoved removes the store's directory under an open store, as
// `rm -rf dist/mutable` during a redeploy does: no name may look missing
// (a caller would render again forever), and every operation must say what
// happened, even after a directory of the same name is created again.
func TestStoreDirRemoved(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		ctx := t.Context()
		s := v.newStore(t)
		mustWrite(t, s, "page", "v")
		mustWrite(t, s, "dir/page", "v")
		if _, err := s.Read(ctx, "never"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Read(never) before the removal = %v; want ErrNotFound", err)
		}

		wantGone := func(op, name string, err error) {
			t.Helper()
			var se *store.Error
			switch {
			case !errors.Is(err, fsstore.ErrStoreDirGone):
				t.Errorf("%s(%s) after the directory was removed = %v; want ErrStoreDirGone", op, name, err)
			case errors.Is(err, store.ErrNotFound):
				t.Errorf("%s(%s) = %v; must not match ErrNotFound", op, name, err)
			case !errors.As(err, &se) || se.Op != op || se.Name != name:
				t.Errorf("%s(%s) = %#v; want a *store.Error for the op and name", op, name, err)
			case err.Error() != op+` "`+name+`": fsstore: the store directory was removed`:
				t.Errorf("%s(%s) message = %q", op, name, err)
			}
		}
		check := func() {
			t.Helper()
			for _, name := range []string{"page", "dir/page", "never", "new/deep/name"} {
				_, err := s.Read(ctx, name)
				wantGone(store.OpRead, name, err)
				wantGone(store.OpWrite, name, s.Write(ctx, name, "w"))
				wantGone(store.OpDelete, name, s.Delete(ctx, name))
			}
		}

		if err := os.RemoveAll(s.Dir()); err != nil {
			if runtime.GOOS == "windows" {
				t.Skipf("Windows does not remove a directory that is open: %v", err)
			}
			t.Fatal(err)
		}
		check()
		if _, err := os.Stat(s.Dir()); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the failed operations recreated the directory: %v", err)
		}

		// A directory of the same name is not the one the store holds.
		if err := os.Mkdir(s.Dir(), 0o755); err != nil {
			t.Fatal(err)
		}
		check()

		// New on the same path is the way back.
		again, err := v.open(s.Dir())
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		mustWrite(t, again, "page", "after")
		wantRead(t, again, "page", "after")
		if _, err := again.Read(ctx, "never"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Read(never) on the new store = %v; want ErrNotFound", err)
		}
	})
}

// TestNewCannotCreateDir: New says which directory it could not create and
// keeps the OS error reachable.
func TestNewCannotCreateDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(file, "sub")
	s, err := fsstore.Open(dir)
	if err == nil {
		s.Close()
		t.Fatal("New under a regular file succeeded")
	}
	var pe *fs.PathError
	if want := `fsstore: create store directory "` + dir + `": `; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("New = %q; want it to start with %q", err, want)
	}
	if !errors.As(err, &pe) || (runtime.GOOS != "windows" && !errors.Is(err, syscall.ENOTDIR)) {
		t.Errorf("New = %#v; want the *fs.PathError with ENOTDIR reachable", err)
	}
}
