package fsstore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"runtime"
	"syscall"

	"github.com/mutablestore/mutablestore/internal/bytestring"
)

// rootFS is the portable backend, used where openat2 is not available. Every
// path goes through an os.Root, which keeps it inside the directory: a
// symlink is followed only while it stays inside, and a path that would
// leave fails.
type rootFS struct {
	root     *os.Root
	sync     bool
	filePerm fs.FileMode
	dirPerm  fs.FileMode
}

func openRoot(dir string, c config) (*rootFS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &rootFS{root: r, sync: c.sync, filePerm: c.filePerm, dirPerm: c.dirPerm}, nil
}

func (b *rootFS) close() error {
	if err := b.root.Close(); err != nil && !errors.Is(err, fs.ErrClosed) {
		return err
	}
	return nil
}

// read cannot avoid blocking on a FIFO planted under the directory: there is
// no portable O_NONBLOCK.
func (b *rootFS) read(name string) (string, error) {
	f, err := b.root.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		return "", &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	}
	if !fi.Mode().IsRegular() {
		return "", &fs.PathError{Op: "read", Path: name, Err: errNotRegular}
	}
	return bytestring.ReadFile(fi.Size(), f.Read)
}

// write retries on ENOENT like fdFS.write, for directories removed by
// another process.
func (b *rootFS) write(ctx context.Context, name, content string) error {
	for try := 0; ; try++ {
		err := b.writeOnce(ctx, name, content)
		if try < 16 && errors.Is(err, fs.ErrNotExist) && !errors.Is(err, ErrNotDurable) {
			continue
		}
		return err
	}
}

// dirGone reports whether the store's directory was removed. Where the
// file system reports link counts, a removed directory still open has none;
// elsewhere (rootRemoved) it may be reported as missing.
func (b *rootFS) dirGone() bool {
	fi, err := b.root.Stat(".")
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	return rootRemoved(fi)
}

func (b *rootFS) writeOnce(ctx context.Context, name, content string) error {
	dir, base := splitName(name)
	if dir != "" {
		if err := b.mkdirAll(dir); err != nil {
			return err
		}
	}
	// As in fdFS: refuse a directory or symlink at the name before writing
	// a temp file; Rename would replace a symlink instead of failing.
	if fi, err := b.root.Lstat(name); err == nil {
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			return pathError("write", name, syscall.ELOOP)
		case fi.IsDir():
			// An empty directory (or a tree of them) is what a failed
			// write beneath it left; remove it as fdFS does.
			if err := b.rmdir(dir, base); err != nil {
				if errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST) || errors.Is(err, errors.ErrUnsupported) {
					err = syscall.EISDIR
				}
				return &fs.PathError{Op: "write", Path: name, Err: err}
			}
		}
	}
	tmp, f, err := b.createTemp(dir)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if err == nil && b.sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = b.root.Rename(tmp, name)
		if errors.Is(err, syscall.EISDIR) && b.rmdir(dir, base) == nil {
			err = b.root.Rename(tmp, name) // an empty directory raced in
		}
	}
	if err != nil {
		b.root.Remove(tmp)
		return err
	}
	if b.sync && runtime.GOOS != "windows" { // Windows cannot fsync a directory
		if err := b.syncDir(dir); err != nil {
			return notDurable(err)
		}
	}
	return nil
}

// mkdirAll is os.Root.MkdirAll that, in sync mode, also fsyncs the parent
// of each directory it creates, so the path survives a crash.
func (b *rootFS) mkdirAll(dir string) error {
	for end := 0; end < len(dir); end++ {
		end += indexSlash(dir[end:])
		err := b.root.Mkdir(dir[:end], b.dirPerm)
		if err == nil && b.sync && runtime.GOOS != "windows" {
			parent, _ := splitName(dir[:end])
			err = b.syncDir(parent)
		}
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}

func (b *rootFS) createTemp(dir string) (string, *os.File, error) {
	for try := 0; ; try++ {
		tmp := join(dir, tempName())
		f, err := b.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, b.filePerm)
		if try < 16 && errors.Is(err, fs.ErrExist) {
			continue
		}
		return tmp, f, err
	}
}

func (b *rootFS) syncDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	d, err := b.root.Open(dir)
	if err != nil {
		return err
	}
	err = syncDir(dir, d.Sync)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// remove deletes the file, leaving a directory of that name alone (it is
// not a value). Unlike fdFS it does not remove emptied parents: os.Root has
// no remove-only-if-directory, so a concurrent write that put a file where
// the directory was could lose its value.
func (b *rootFS) remove(name string) error {
	fi, err := b.root.Lstat(name)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return nil
	}
	if err := b.root.Remove(name); err != nil {
		return err
	}
	if b.sync && runtime.GOOS != "windows" {
		dir, _ := splitName(name)
		if err := b.syncDir(dir); err != nil {
			return notDurable(err)
		}
	}
	return nil
}

// rmdir removes the directory base in dir if it holds nothing but empty
// directories. os.Root has no rmdir (its Remove also unlinks a file, which
// could be a value a concurrent write just put there), so it works on the
// parent's handle.
func (b *rootFS) rmdir(dir, base string) error {
	if dir == "" {
		dir = "."
	}
	d, err := b.root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return rmdirAt(d, base)
}
