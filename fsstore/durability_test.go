//go:build !windows

package fsstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// newSyncStore is v.newStore, skipped for the openat2 variant where openat2
// is unavailable (the os.Root variant covers that backend).
func newSyncStore(t *testing.T, v variant) *fsstore.Store {
	s := v.newStore(t)
	if !v.osRoot && !fsstore.UsesOpenat2(s) {
		t.Skip("openat2 is unavailable here")
	}
	return s
}

// failSyncs makes every directory fsync fail with EIO while *on is true.
func failSyncs(t *testing.T, on *atomic.Bool) {
	fsstore.SetSyncDir(t, func(dir string, fsync func() error) error {
		if on.Load() {
			return syscall.EIO
		}
		return fsync()
	})
}

func wantNotDurable(t *testing.T, what string, err error, op string) {
	t.Helper()
	var se *store.Error
	if !errors.Is(err, fsstore.ErrNotDurable) || !errors.Is(err, syscall.EIO) || !errors.As(err, &se) || se.Op != op ||
		errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		t.Errorf("%s with a failing directory fsync = %v; want a *store.Error for %s matching ErrNotDurable and EIO", what, err, op)
	}
}

// Item 5: a failed fsync after the rename (or unlink) reports ErrNotDurable.
func TestNotDurable(t *testing.T) {
	forEachVariant(t, syncVariants, func(t *testing.T, v variant) {
		ctx := t.Context()
		s := newSyncStore(t, v)
		for _, name := range []string{"top", "dir/sub/value"} {
			mustWrite(t, s, name, "old")
		}
		var fail atomic.Bool
		failSyncs(t, &fail)
		fail.Store(true)
		for _, name := range []string{"top", "dir/sub/value"} {
			wantNotDurable(t, "Write("+name+")", s.Write(ctx, name, "new"), store.OpWrite)
			wantRead(t, s, name, "new")
			wantNotDurable(t, "Delete("+name+")", s.Delete(ctx, name), store.OpDelete)
			if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Read(%s) after a not-durable Delete = %v; want ErrNotFound", name, err)
			}
		}
		fail.Store(false)
		mustWrite(t, s, "top", "again")
		if tmps := tempFiles(t, s.Dir()); len(tmps) != 0 {
			t.Errorf("temp files left: %q", tmps)
		}
	})
}

// Item 6: an empty directory at a name does not block a write of it; a
// non-empty one is still a conflict.
func TestEmptyDirectoryInTheWay(t *testing.T) {
	all := append(slices.Clone(variants), variant{name: "osroot-durable", osRoot: true})
	forEachVariant(t, all, func(t *testing.T, v variant) {
		ctx := t.Context()
		s := v.newStore(t)

		// As a crash in the middle of Write("a/b/c") leaves it.
		if err := os.MkdirAll(filepath.Join(s.Dir(), "a", "b"), 0o755); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, s, "a/b", "value of a/b")
		wantRead(t, s, "a/b", "value of a/b")

		// As a cancelled Write("c/d/e") leaves it.
		lc := &lateCancel{Context: ctx, live: 1}
		if err := s.Write(lc, "c/d/e", "x"); !errors.Is(err, lc.Err()) {
			t.Fatalf("cancelled Write = %v", err)
		}
		if fi, err := os.Stat(filepath.Join(s.Dir(), "c", "d")); err != nil || !fi.IsDir() {
			t.Fatalf("cancelled write left no directory c/d (%v): the test proves nothing", err)
		}
		mustWrite(t, s, "c/d", "value of c/d")
		wantRead(t, s, "c/d", "value of c/d")

		// Only empty directories below: x/y from a crashed
		// Write("x/y/z") blocks x too.
		if err := os.MkdirAll(filepath.Join(s.Dir(), "x", "y", "w"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(s.Dir(), "x", "v"), 0o755); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, s, "x", "value of x")
		wantRead(t, s, "x", "value of x")

		// Not empty: a conflict, and the nested value stays, also
		// beside an empty directory.
		if err := os.MkdirAll(filepath.Join(s.Dir(), "n", "e", "e"), 0o755); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, s, "n/m/k", "nested")
		for _, name := range []string{"n/m", "n"} {
			if err := s.Write(ctx, name, "x"); !errors.Is(err, store.ErrConflict) {
				t.Errorf("Write(%s) over a non-empty directory = %v; want ErrConflict", name, err)
			}
		}
		wantRead(t, s, "n/m/k", "nested")
		if tmps := tempFiles(t, s.Dir()); len(tmps) != 0 {
			t.Errorf("temp files left: %q", tmps)
		}
	})
}

// Item 6, with an injected fsync failure while Write creates directories
// (only openat2 fsyncs the directories it creates).
func TestEmptyDirectoryAfterFailedMkdir(t *testing.T) {
	ctx := t.Context()
	s := newSyncStore(t, variant{name: "openat2"})
	var fail atomic.Bool
	failSyncs(t, &fail)
	fail.Store(true)
	if err := s.Write(ctx, "f/g/h", "x"); err == nil || errors.Is(err, fsstore.ErrNotDurable) {
		t.Fatalf("Write with failing mkdir fsyncs = %v; want a failure before the rename", err)
	}
	fail.Store(false)
	if _, err := os.Stat(filepath.Join(s.Dir(), "f")); err != nil {
		t.Fatalf("failed write left no directory f (%v): the test proves nothing", err)
	}
	mustWrite(t, s, "f", "value of f")
	wantRead(t, s, "f", "value of f")
}

// Item 7: New fsyncs the parent of each directory it creates, and only
// with sync on.
func TestNewSyncsCreatedParents(t *testing.T) {
	forEachVariant(t, syncVariants, func(t *testing.T, v variant) {
		var synced []string
		fsstore.SetSyncDir(t, func(dir string, fsync func() error) error {
			if filepath.IsAbs(dir) {
				synced = append(synced, dir)
			}
			return fsync()
		})
		base := t.TempDir()
		dir := filepath.Join(base, "x", "y", "z")
		open := func(dir string, opts ...fsstore.Option) {
			s, err := v.open(dir, opts...)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
		}
		open(dir)
		want := []string{base, filepath.Join(base, "x"), filepath.Join(base, "x", "y")}
		if !slices.Equal(synced, want) {
			t.Errorf("New synced %q; want the parents of the created directories, %q", synced, want)
		}
		synced = nil
		open(dir)
		if len(synced) != 0 {
			t.Errorf("New of an existing directory synced %q; want nothing", synced)
		}
		open(filepath.Join(base, "p", "q"), fsstore.WithoutSync())
		if len(synced) != 0 {
			t.Errorf("New WithoutSync synced %q; want nothing", synced)
		}
		if fi, err := os.Stat(filepath.Join(base, "p", "q")); err != nil || !fi.IsDir() {
			t.Errorf("New WithoutSync did not create the directory: %v", err)
		}
	})
}

// Both backends fsync each directory a Write creates into its parent, and
// the directory of the name after the rename.
func TestWriteSyncsCreatedDirectories(t *testing.T) {
	forEachVariant(t, syncVariants, func(t *testing.T, v variant) {
		s := newSyncStore(t, v)
		var synced []string
		fsstore.SetSyncDir(t, func(dir string, fsync func() error) error {
			if dir == "" {
				dir = "."
			}
			synced = append(synced, dir)
			return fsync()
		})
		mustWrite(t, s, "p/q/r", "v")
		if want := []string{".", "p", "p/q"}; !slices.Equal(synced, want) {
			t.Errorf("first Write(p/q/r) synced %q; want %q", synced, want)
		}
		synced = nil
		mustWrite(t, s, "p/q/r", "w")
		if want := []string{"p/q"}; !slices.Equal(synced, want) {
			t.Errorf("second Write(p/q/r) synced %q; want %q", synced, want)
		}
	})
}
