package fsstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"github.com/mutablestore/mutablestore/store"
)

// ErrSymlink is matched (with errors.Is) by the error of an operation whose
// name leads through a symbolic link inside the store's directory. The
// store never creates symlinks, so one is a layout error made by someone
// else, and the store refuses it rather than guess whether it is safe.
// The error also wraps the OS error.
//
// Where openat2 is unavailable (see the package documentation), parent
// directories that are symlinks are followed while they stay inside the
// directory, and one that leads outside fails with os.Root's error, which
// does not match ErrSymlink.
var ErrSymlink = errors.New("fsstore: the path of the name goes through a symbolic link")

// ErrStoreDirGone is matched (with errors.Is) by the error of every
// operation after the store's directory itself was removed, for example by
// `rm -rf dist/mutable` during a redeploy while the process kept running.
// The store holds a handle of the directory opened by New, which keeps
// pointing at the removed directory even if one of the same name is
// created again, so nothing can be read or written through it any more.
// Reads and deletes fail with it rather than report store.ErrNotFound,
// which would make a caller render and write again, and fail again,
// forever. Recreate the store with New.
var ErrStoreDirGone = errors.New("fsstore: the store directory was removed")

// ErrNotDurable is matched (with errors.Is) by the error of a Write or
// Delete whose change was made but whose final directory fsync failed: the
// new value is visible (or the name is gone, for Delete); its durability is
// unknown. A power loss may bring the old state back. Retrying the same
// operation is safe. The error also wraps the OS error.
var ErrNotDurable = errors.New("fsstore: done, but not made durable")

// notDurable marks an fsync failure after the change became visible.
func notDurable(err error) error {
	return fmt.Errorf("%w: %w", ErrNotDurable, err)
}

// errNotRegular is the cause of reading a name that is a FIFO, socket or
// device: it exists, so it is not ErrNotFound, but it is no value either.
var errNotRegular = errors.New("fsstore: not a regular file")

// errNoOpenat2 is openFD's answer where openat2 cannot be used: on a system
// other than Linux, on a kernel older than 5.6, or under a seccomp filter
// that refuses it. New then uses os.Root.
var errNoOpenat2 = errors.New("fsstore: openat2 unavailable")

// fail turns the OS error of a backend into the error Store returns. It
// is the one place that decides what is ErrNotFound and what is ErrConflict:
//
//   - Read: ENOENT (no file, or no parent), ENOTDIR (a parent is a file)
//     and EISDIR (the name is a directory) mean the name holds no value:
//     ErrNotFound. Everything else, permission and I/O errors included, is
//     returned as is.
//   - Delete: the same conditions mean there is nothing to delete: nil.
//   - Write: ENOTDIR (a parent is a file), EISDIR, ENOTEMPTY and EEXIST
//     (the name is a directory) mean the name cannot coexist with what is
//     stored: ErrConflict, wrapping the OS error too. The temp-file and
//     mkdir paths handle their own EEXIST before it gets here.
//
// Every name is missing once the store's directory itself is removed, so
// before any operation reports a missing name (or a write gives up on one)
// it asks the backend, with one stat of the directory handle, whether the
// directory is still there; if not, the error is ErrStoreDirGone. Only this
// path pays for the check.
func (s *Store) fail(ctx context.Context, op, name string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrNotDurable) {
		return store.NewError(ctx, op, name, err) // done: never missing or a conflict
	}
	missing := errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR)
	if missing && s.b.dirGone() {
		return store.NewError(ctx, op, name, ErrStoreDirGone)
	}
	switch {
	case op == store.OpRead && missing:
		err = store.ErrNotFound
	case op == store.OpDelete && missing:
		return nil
	case op == store.OpWrite && (errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) ||
		errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)):
		err = fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return store.NewError(ctx, op, name, err)
}

// pathError records a failed system call on path (relative to the store's
// directory), marking the ELOOP that openat2 gives for a symlink as
// ErrSymlink.
func pathError(op, path string, err error) error {
	pe := &fs.PathError{Op: op, Path: path, Err: err}
	if errors.Is(err, syscall.ELOOP) {
		return fmt.Errorf("%w: %w", ErrSymlink, pe)
	}
	return pe
}
