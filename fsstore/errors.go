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

// errNotRegular is the cause of reading a name that is a FIFO, socket or
// device: it exists, so it is not ErrNotFound, but it is no value either.
var errNotRegular = errors.New("fsstore: not a regular file")

// mapError turns the OS error of a backend into the error Store returns. It
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
func mapError(ctx context.Context, op, name string, err error) error {
	if err == nil {
		return nil
	}
	missing := errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR)
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
