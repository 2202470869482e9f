//go:build unix

package fsstore_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestPermissionDenied checks that EACCES is not ErrNotFound. Root bypasses
// permission bits, so as root the test re-executes itself as user nobody.
func TestPermissionDenied(t *testing.T) {
	if dir := os.Getenv(envPermChild); dir != "" {
		permissionChild(t, dir)
		return
	}
	s := newStore(t, fsstore.WithoutSync())
	mustWrite(t, s, "locked/x", "secret")
	locked := filepath.Join(s.Dir(), "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	if os.Geteuid() == 0 {
		runAsNobody(t, s.Dir())
		return
	}
	checkPermissionDenied(t, s)
}

func checkPermissionDenied(t *testing.T, s *fsstore.Store) {
	t.Helper()
	ctx := t.Context()
	_, err := s.Read(ctx, "locked/x")
	if err == nil || errors.Is(err, store.ErrNotFound) || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Read of a file in a chmod 000 directory: err = %v; want a permission error, not ErrNotFound", err)
	}
	err = s.Write(ctx, "locked/y", "v")
	if err == nil || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Write into a chmod 000 directory: err = %v; want a permission error", err)
	}
	err = s.Delete(ctx, "locked/x")
	if err == nil || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Delete in a chmod 000 directory: err = %v; want a permission error", err)
	}
}

const envPermChild = "FSSTORE_TEST_PERMISSION_CHILD"

const nobody = 65534

// runAsNobody re-executes the test binary as user nobody, against the store
// in dir, where the permission bits of "locked" apply.
func runAsNobody(t *testing.T, dir string) {
	// nobody must reach dir and the binary: open up their directories.
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(t.TempDir(), "fsstore.test")
	copyFile(t, os.Args[0], bin)
	for _, d := range []string{filepath.Dir(bin), filepath.Dir(filepath.Dir(bin))} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-test.run=^TestPermissionDenied$", "-test.v")
	cmd.Env = append(os.Environ(), envPermChild+"="+dir)
	cmd.Dir = os.TempDir()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(err.Error(), "operation not permitted") {
		t.Skipf("running as root, where permission bits do not apply, and cannot switch to user nobody to test them: %v", err)
	}
	if err != nil || !strings.Contains(string(out), "permission checks ran as uid") {
		t.Fatalf("permission test as user nobody failed: %v\n%s", err, out)
	}
	t.Logf("checked as user nobody (root bypasses permission bits)")
}

// permissionChild is the test as run by runAsNobody.
func permissionChild(t *testing.T, dir string) {
	if os.Geteuid() == 0 {
		t.Fatal("permission child runs as root")
	}
	forEachVariant(t, variants, func(t *testing.T, v variant) {
		s, err := v.open(dir)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		defer s.Close()
		checkPermissionDenied(t, s)
	})
	t.Logf("permission checks ran as uid %d", os.Geteuid())
}

func copyFile(t *testing.T, from, to string) {
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
