package fsstore_test

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// lookAlikes are values whose names a shell pattern '.mstore-tmp*' matches.
var lookAlikes = []string{".mstore-tmp-report.json", "static/.mstore-tmpl.html", "a/b/.mstore-tmp", ".mstore-tmp-0123456789abcdefx"}

// IsTempFile matches what tempName makes and never a name a value can have.
func TestIsTempFileNeverMatchesAValue(t *testing.T) {
	ctx := t.Context()
	s := newStore(t, fsstore.WithoutSync())
	for range 100 {
		tmp := fsstore.TempName()
		if !fsstore.IsTempFile(tmp) {
			t.Fatalf("IsTempFile(%q) = false for a temp name", tmp)
		}
		for _, name := range []string{tmp, "dir/" + tmp, tmp + ".", "dir/" + tmp + " "} {
			if fsstore.HasTempSegment(name) && runtime.GOOS != "windows" && store.ValidateName(name) == nil {
				t.Fatalf("%q is a valid name with a temp segment", name)
			}
			if err := s.Write(ctx, name, "x"); err == nil && fsstore.HasTempSegment(name) {
				t.Fatalf("Write(%q) succeeded: a value can take a temp file's name", name)
			}
		}
	}
	for _, name := range append(slices.Clone(lookAlikes), ".mstore-tmp-0123456789abcdef", ".mstore-tmp-8000000000000000x", "mstore-tmp-8000000000000000") {
		if fsstore.IsTempFile(filepath.Base(name)) && store.ValidateName(name) == nil && runtime.GOOS != "windows" {
			t.Errorf("IsTempFile(%q) = true for a valid name", filepath.Base(name))
		}
	}
	for _, name := range lookAlikes {
		if ok, _ := filepath.Match(".mstore-tmp*", filepath.Base(name)); !ok {
			t.Fatalf("look-alike %q does not match the old find pattern: the test proves nothing", name)
		}
		if fsstore.IsTempFile(filepath.Base(name)) {
			t.Errorf("IsTempFile(%q) = true for a value's name", filepath.Base(name))
		}
	}
}

// TestRemoveStaleTemp: a directory holding look-alike values, stale temp
// files and a fresh one loses exactly the stale temp files.
func TestRemoveStaleTemp(t *testing.T) {
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		s := v.newStore(t)
		values := append(slices.Clone(lookAlikes), "static/index.html")
		for _, name := range values {
			mustWrite(t, s, name, "value of "+name)
		}
		old := time.Now().Add(-2 * time.Hour)
		var stale []string
		for _, dir := range []string{"", "static", "a/b"} {
			p := filepath.Join(s.Dir(), filepath.FromSlash(dir), fsstore.TempName())
			if err := os.WriteFile(p, []byte("half a value"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
			stale = append(stale, p)
		}
		fresh := filepath.Join(s.Dir(), "static", fsstore.TempName())
		if err := os.WriteFile(fresh, []byte("a write in progress"), 0o644); err != nil {
			t.Fatal(err)
		}

		n, err := fsstore.RemoveStaleTemp(s.Dir(), time.Hour)
		if err != nil || n != len(stale) {
			t.Fatalf("RemoveStaleTemp(1h) = %d, %v; want %d, nil", n, err, len(stale))
		}
		for _, p := range stale {
			if _, err := os.Lstat(p); !os.IsNotExist(err) {
				t.Errorf("stale temp file %s survived: %v", p, err)
			}
		}
		if _, err := os.Lstat(fresh); err != nil {
			t.Errorf("fresh temp file was removed: %v", err)
		}
		for _, name := range values {
			wantRead(t, s, name, "value of "+name)
		}

		if n, err := fsstore.RemoveStaleTemp(s.Dir(), 0); err != nil || n != 1 {
			t.Fatalf("RemoveStaleTemp(0) = %d, %v; want 1 (the fresh one), nil", n, err)
		}
		if tmps := tempFiles(t, s.Dir()); len(tmps) != 0 {
			t.Errorf("temp files left: %q", tmps)
		}
		for _, name := range values {
			wantRead(t, s, name, "value of "+name)
		}
		if got := len(listFiles(t, s.Dir())); got != len(values) {
			t.Errorf("directory holds %d files; want the %d values", got, len(values))
		}
	})
}

func TestRemoveStaleTempErrors(t *testing.T) {
	if _, err := fsstore.RemoveStaleTemp(filepath.Join(t.TempDir(), "missing"), time.Hour); err == nil {
		t.Error("RemoveStaleTemp of a missing directory = nil; want an error")
	}
	if _, err := fsstore.RemoveStaleTemp(t.TempDir(), -time.Second); err == nil {
		t.Error("RemoveStaleTemp with a negative age = nil; want an error")
	}
}
