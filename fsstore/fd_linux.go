//go:build linux

package fsstore

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/mutablestore/mutablestore/internal/bytestring"
	"github.com/mutablestore/mutablestore/internal/lifetime"
)

// fdFS is the Linux backend. Every path is resolved by openat2(2) relative
// to a descriptor of the store's directory with RESOLVE_BENEATH, which makes
// the kernel refuse any resolution that would leave it (even while other
// processes rename things around), and RESOLVE_NO_SYMLINKS, which refuses
// symlinks anywhere on the path. Writes then work inside the opened parent
// directory with single-element names (openat, renameat, unlinkat), which
// cannot leave it either. This is one system call per lookup, against one
// per path element for os.Root.
type fdFS struct {
	// mu is held for reading by every operation and for writing by close:
	// once closed, the number of dirfd can be reused by any other open in
	// the process, so no lookup may use it after close.
	mu       sync.RWMutex
	dirfd    int // O_RDONLY|O_DIRECTORY descriptor of the store's directory; -1 when closed
	sync     bool
	filePerm uint32
	dirPerm  uint32
}

const resolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS

// The openat2 arguments, shared read-only by every call.
var (
	// O_NONBLOCK keeps a FIFO planted in the directory from blocking the
	// open; it changes nothing for regular files.
	howFile = unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NONBLOCK, Resolve: resolve}
	// Directories are opened readable, not O_PATH, so they can be fsynced.
	howDir = unix.OpenHow{Flags: unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: resolve}
)

func openFD(dir string, c config) (*fdFS, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	probe, err := openat2(fd, ".", &howDir)
	if err != nil {
		unix.Close(fd)
		if err == unix.ENOSYS || err == unix.EPERM || err == unix.EINVAL {
			return nil, errNoOpenat2
		}
		return nil, &fs.PathError{Op: "openat2", Path: dir, Err: err}
	}
	unix.Close(probe)
	return &fdFS{dirfd: fd, sync: c.sync, filePerm: uint32(c.filePerm), dirPerm: uint32(c.dirPerm)}, nil
}

// openat2 retries EINTR, and EAGAIN, which RESOLVE_BENEATH returns when a
// concurrent rename made it unsure the lookup stayed inside.
func openat2(dirfd int, path string, how *unix.OpenHow) (int, error) {
	for try := 0; ; try++ {
		fd, err := unix.Openat2(dirfd, path, how)
		if err == unix.EINTR || (err == unix.EAGAIN && try < 16) {
			continue
		}
		return fd, err
	}
}

func (b *fdFS) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dirfd < 0 {
		return nil
	}
	err := unix.Close(b.dirfd)
	b.dirfd = -1
	return err
}

func (b *fdFS) read(name string) (string, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.dirfd < 0 {
		return "", lifetime.ErrClosed
	}
	fd, err := openat2(b.dirfd, name, &howFile)
	if err != nil {
		return "", pathError("open", name, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", pathError("fstat", name, err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		return "", pathError("read", name, unix.EISDIR)
	default:
		return "", pathError("read", name, errNotRegular)
	}
	s, err := bytestring.ReadFile(st.Size, func(p []byte) (int, error) {
		for {
			n, err := unix.Read(fd, p)
			if err != unix.EINTR {
				return n, err
			}
		}
	})
	if err != nil {
		return "", pathError("read", name, err)
	}
	return s, nil
}

// write retries when a directory it opened or created is removed under it
// by a concurrent remove (which deletes emptied parents): creating the temp
// file then fails with ENOENT, and the next try creates the directory again.
// If it is the store's directory that was removed, no try can succeed, and
// fail reports ErrStoreDirGone for the ENOENT of the last one.
func (b *fdFS) write(ctx context.Context, name, content string) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.dirfd < 0 {
		return lifetime.ErrClosed
	}
	dir, base := splitName(name)
	for try := 0; ; try++ {
		err := b.writeOnce(ctx, dir, base, name, content)
		if try < 16 && errors.Is(err, fs.ErrNotExist) && !errors.Is(err, ErrNotDurable) {
			continue
		}
		return err
	}
}

// dirGone reports whether the store's directory was removed: its handle
// then refers to a directory with no links left.
func (b *fdFS) dirGone() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.dirfd < 0 {
		return false
	}
	var st unix.Stat_t
	return unix.Fstat(b.dirfd, &st) == nil && st.Nlink == 0
}

func (b *fdFS) writeOnce(ctx context.Context, dir, base, name, content string) error {
	dfd, err := b.openDir(dir, true)
	if err != nil {
		return err
	}
	if dfd != b.dirfd {
		defer unix.Close(dfd)
	}
	// Refuse early, before writing a temp file, what the rename would
	// replace or fail on. The rename still reports a race that slips by.
	var st unix.Stat_t
	if err := unix.Fstatat(dfd, base, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil {
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFLNK:
			return pathError("write", name, unix.ELOOP)
		case unix.S_IFDIR:
			// An empty directory (or a tree of them) holds no value, only
			// what a failed or crashed write beneath it left: remove it,
			// or it would block the name forever.
			if err := rmdirTree(dfd, base, maxTreeDepth); err != nil {
				if err == unix.ENOTEMPTY || err == unix.EEXIST {
					err = unix.EISDIR
				}
				return pathError("write", name, err)
			}
		}
	}
	tmp, fd, err := b.createTemp(dfd)
	if err != nil {
		return pathError("create", join(dir, tmp), err)
	}
	err = b.fill(fd, content)
	if cerr := unix.Close(fd); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		err = pathError("write", join(dir, tmp), err)
	} else if err = ctx.Err(); err == nil {
		err = unix.Renameat(dfd, tmp, dfd, base)
		if err == unix.EISDIR && rmdirTree(dfd, base, maxTreeDepth) == nil {
			err = unix.Renameat(dfd, tmp, dfd, base) // an empty directory raced in
		}
		if err != nil {
			err = pathError("rename", name, err)
		}
	}
	if err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return err
	}
	if b.sync {
		if err := syncDir(dir, func() error { return unix.Fsync(dfd) }); err != nil {
			return notDurable(pathError("fsync", dir, err))
		}
	}
	return nil
}

func (b *fdFS) createTemp(dfd int) (string, int, error) {
	for try := 0; ; try++ {
		tmp := tempName()
		fd, err := unix.Openat(dfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, b.filePerm)
		if err == unix.EINTR || (err == unix.EEXIST && try < 16) {
			continue
		}
		return tmp, fd, err
	}
}

// fill writes content to fd and, in sync mode, fsyncs it.
func (b *fdFS) fill(fd int, content string) error {
	// write(2) only reads p: not copying content, which can be megabytes.
	p := bytestring.Bytes(content)
	for len(p) > 0 {
		n, err := unix.Write(fd, p)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		p = p[n:]
	}
	if b.sync {
		return unix.Fsync(fd)
	}
	return nil
}

// openDir opens dir ("" is the store's directory itself, not reopened). With
// create, missing directories are created first.
func (b *fdFS) openDir(dir string, create bool) (int, error) {
	if dir == "" {
		return b.dirfd, nil
	}
	fd, err := openat2(b.dirfd, dir, &howDir)
	if err == unix.ENOENT && create {
		if err := b.mkdirAll(dir); err != nil {
			return -1, err
		}
		fd, err = openat2(b.dirfd, dir, &howDir)
	}
	if err != nil {
		return -1, pathError("open", dir, err)
	}
	return fd, nil
}

// mkdirAll creates the missing directories of dir one element at a time,
// each relative to a descriptor of its parent: mkdirat with a longer path
// would follow a symlink swapped in for one of its elements. In sync mode it
// fsyncs each parent that gained an entry, so the path survives a crash.
func (b *fdFS) mkdirAll(dir string) error {
	fd := b.dirfd
	defer func() {
		if fd != b.dirfd {
			unix.Close(fd)
		}
	}()
	for start := 0; start < len(dir); {
		end := start + indexSlash(dir[start:])
		elem := dir[start:end]
		err := unix.Mkdirat(fd, elem, b.dirPerm)
		if err == nil && b.sync {
			parentFD := fd
			err = syncDir(strings.TrimSuffix(dir[:start], "/"), func() error { return unix.Fsync(parentFD) })
		}
		if err != nil && err != unix.EEXIST {
			return pathError("mkdir", dir[:end], err)
		}
		next, err := openat2(fd, elem, &howDir)
		if err != nil {
			return pathError("open", dir[:end], err)
		}
		if fd != b.dirfd {
			unix.Close(fd)
		}
		fd = next
		start = end + 1
	}
	return nil
}

// remove unlinks the file and then, as far as they are empty, the parent
// directories, so that a later write of a parent's own name does not
// conflict with a directory nothing lives in any more. unlinkat removes a
// symlink itself, never its target.
func (b *fdFS) remove(name string) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.dirfd < 0 {
		return lifetime.ErrClosed
	}
	dir, base := splitName(name)
	if err := b.unlink(dir, base, 0); err != nil {
		return err
	}
	// Removing emptied parents is tidying: its failures are not the
	// caller's, whose value is gone.
	for dir != "" {
		parent, elem := splitName(dir)
		if b.unlink(parent, elem, unix.AT_REMOVEDIR) != nil {
			break // not empty (or already gone): leave it
		}
		dir = parent
	}
	return nil
}

func (b *fdFS) unlink(dir, base string, flags int) error {
	dfd, err := b.openDir(dir, false)
	if err != nil {
		return err
	}
	if dfd != b.dirfd {
		defer unix.Close(dfd)
	}
	if err := unix.Unlinkat(dfd, base, flags); err != nil {
		return pathError("remove", join(dir, base), err)
	}
	if b.sync {
		if err := syncDir(dir, func() error { return unix.Fsync(dfd) }); err != nil {
			return notDurable(pathError("fsync", dir, err))
		}
	}
	return nil
}
