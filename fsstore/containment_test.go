//go:build !windows

package fsstore_test

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// snapshot records every entry under dir: file contents, link targets and
// directories, so a test can assert that nothing changed there.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			snap[p] = "link:" + target
			return err
		case d.IsDir():
			snap[p] = "dir"
		default:
			b, err := os.ReadFile(p)
			snap[p] = "file:" + string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// escapeFixture is a store whose directory holds symlinks leading outside,
// to a directory that must stay untouched.
func escapeFixture(t *testing.T, v variant) (s *fsstore.Store, outside string) {
	outside = t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("outside value"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(outside, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	s = v.newStore(t)
	dir := s.Dir()
	rel, err := filepath.Rel(dir, outside)
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"dlink":      outside,                              // a directory outside
		"flink":      filepath.Join(outside, "secret"),     // a file outside
		"rel":        rel,                                  // relative, through ..
		"parent/up":  filepath.Join("..", rel),             // a symlinked parent one level down
		"dotdot":     "..",                                 // the store's own parent
		"deep/a/b/c": filepath.Join(outside, "sub"),        // deep
		"flinkrel":   filepath.Join(rel, "secret"),         // a file outside, relative
		"missing":    filepath.Join(outside, "not-there"),  // a dangling link outside
		"sublink":    filepath.Join(outside, "sub", "new"), // where a write would create a file
	}
	for name, target := range links {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	return s, outside
}

func TestSymlinkEscape(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		ctx := t.Context()
		s, outside := escapeFixture(t, v)
		before := snapshot(t, outside)
		openat2 := fsstore.UsesOpenat2(s)

		// wantRefused checks an error that is neither success nor
		// ErrNotFound; on openat2 it is ErrSymlink.
		wantRefused := func(call string, err error) {
			t.Helper()
			switch {
			case err == nil:
				t.Errorf("%s succeeded through a symlink leading outside the store", call)
			case errors.Is(err, store.ErrNotFound):
				t.Errorf("%s = %v; a symlink leading outside must not look like a missing name", call, err)
			case openat2 && !errors.Is(err, fsstore.ErrSymlink):
				t.Errorf("%s = %v; want an error matching fsstore.ErrSymlink", call, err)
			}
			var se *store.Error
			if err != nil && !errors.As(err, &se) {
				t.Errorf("%s = %#v; want a *store.Error", call, err)
			}
		}
		reads := []string{"dlink/secret", "flink", "rel/secret", "parent/up/secret", "deep/a/b/c/x",
			"flinkrel", "missing", "dotdot/" + filepath.Base(outside) + "/secret", "dlink/sub/x"}
		for _, name := range reads {
			_, err := s.Read(ctx, name)
			wantRefused("Read("+name+")", err)
		}
		writes := []string{"dlink/secret", "dlink/new", "dlink/sub/new", "flink", "rel/new", "parent/up/new",
			"parent/up/sub/deeper/new", "deep/a/b/c/new", "flinkrel", "missing", "sublink",
			"dotdot/" + filepath.Base(outside) + "/secret"}
		for _, name := range writes {
			wantRefused("Write("+name+")", s.Write(ctx, name, "from the store"))
		}
		for _, name := range []string{"dlink/secret", "rel/secret", "parent/up/secret", "deep/a/b/c/x"} {
			wantRefused("Delete("+name+")", s.Delete(ctx, name))
		}
		// Deleting a name that is itself a symlink removes the link,
		// never its target.
		for _, name := range []string{"flink", "missing"} {
			if err := s.Delete(ctx, name); err != nil {
				t.Errorf("Delete(%s) of a symlink: %v", name, err)
			}
			if _, err := os.Lstat(filepath.Join(s.Dir(), name)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("after Delete(%s) the link is still there (%v)", name, err)
			}
		}

		if after := snapshot(t, outside); !maps.Equal(before, after) {
			t.Errorf("the directory outside the store changed:\nbefore %v\nafter  %v", before, after)
		}
		if tmps := tempFiles(t, outside); len(tmps) != 0 {
			t.Errorf("temp files outside the store: %q", tmps)
		}
	})
}

// TestSymlinkInside: a symlink that stays inside the directory is refused
// on openat2, and followed by os.Root.
func TestSymlinkInside(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		ctx := t.Context()
		s := v.newStore(t)
		mustWrite(t, s, "real/x", "x value")
		if err := os.Symlink("real", filepath.Join(s.Dir(), "alias")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Read(ctx, "alias/x")
		if fsstore.UsesOpenat2(s) {
			if !errors.Is(err, fsstore.ErrSymlink) {
				t.Errorf("Read(alias/x) = %q, %v; want ErrSymlink", got, err)
			}
		} else if err != nil || got != "x value" {
			t.Errorf("Read(alias/x) = %q, %v; want os.Root to follow the link inside", got, err)
		}
		wantRead(t, s, "real/x", "x value")
	})
}

// TestSymlinkRace swaps a directory of the store for a symlink leading
// outside, over and over, while names below it are written and read: no
// interleaving may write outside.
func TestSymlinkRace(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		ctx := t.Context()
		outside := t.TempDir()
		before := snapshot(t, outside)
		s := v.newStore(t)
		dir := s.Dir()
		link := filepath.Join(dir, "swap-link")
		if err := os.Symlink(outside, link); err != nil {
			t.Fatal(err)
		}
		real := filepath.Join(dir, "swap-real")
		d := filepath.Join(dir, "d")
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				// d alternates between a real directory and the link.
				os.MkdirAll(real, 0o755)
				os.Rename(real, d)
				os.Rename(d, real)
				os.Rename(link, d)
				os.Rename(d, link)
			}
		})
		for i := range 2000 {
			name := "d/x"
			if i%2 == 1 {
				name = "d/deeper/y"
			}
			s.Write(ctx, name, "store value")
			s.Read(ctx, name)
			s.Delete(ctx, name)
		}
		close(stop)
		wg.Wait()
		if after := snapshot(t, outside); !maps.Equal(before, after) {
			t.Errorf("the directory outside the store changed:\nbefore %v\nafter  %v", before, after)
		}
	})
}

// TestHardLinkOutside pins down what the package doc says of a hard link
// inside the directory to a file outside it: it cannot be told from an
// ordinary file, so Read returns the outside content, but Write replaces
// the link by rename and Delete removes only the link: the outside file is
// never modified.
func TestHardLinkOutside(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		ctx := t.Context()
		s := v.newStore(t)
		outside := t.TempDir()
		secret := filepath.Join(outside, "secret")
		if err := os.WriteFile(secret, []byte("outside value"), 0o644); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, outside)
		for _, name := range []string{"hlink", "sub/hlink", "gone"} {
			p := filepath.Join(s.Dir(), filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Link(secret, p); err != nil {
				t.Skipf("cannot make a hard link here: %v", err)
			}
		}

		wantRead(t, s, "hlink", "outside value")
		wantRead(t, s, "sub/hlink", "outside value")
		mustWrite(t, s, "hlink", "store value")
		mustWrite(t, s, "sub/hlink", "store value")
		if err := s.Delete(ctx, "gone"); err != nil {
			t.Fatalf("Delete(gone): %v", err)
		}

		wantRead(t, s, "hlink", "store value")
		wantRead(t, s, "sub/hlink", "store value")
		if _, err := s.Read(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Read(gone) after Delete = %v; want ErrNotFound", err)
		}
		if after := snapshot(t, outside); !maps.Equal(before, after) {
			t.Errorf("the file outside the store changed:\nbefore %v\nafter  %v", before, after)
		}
		b, err := os.ReadFile(secret)
		if err != nil || string(b) != "outside value" {
			t.Errorf("outside file = %q, %v; want it unchanged", b, err)
		}
		fi, err := os.Stat(secret)
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink != 1 {
			t.Errorf("outside file has %d links; want 1 (every link in the store replaced or removed)", st.Nlink)
		}
	})
}
