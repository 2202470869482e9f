package fsstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/mutablestore/mutablestore/store"
)

// Store keeps each name as one file under a directory. It implements
// store.MutableStore and store.Deleter and is safe for concurrent use by
// multiple goroutines, and by several processes sharing the directory.
// Create it with New and release it with Close.
type Store struct {
	dir string
	b   backend
}

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
)

// backend is the file-system work behind a Store, once the name is checked:
// openat2 on Linux (fd_linux.go), os.Root everywhere else (root.go). Errors
// are the raw OS errors; Store maps them once, in fail.
type backend interface {
	read(name string) (string, error)
	write(ctx context.Context, name, content string) error
	remove(name string) error
	close() error
	// dirGone reports whether the store's directory itself was removed
	// (see ErrStoreDirGone). It costs a system call: Store calls it only
	// when an operation found its name missing.
	dirGone() bool
}

// Options configure a Store. The zero value is a durable store whose files
// are 0o644 and directories 0o755, less the umask.
type Options struct {
	// NoSync turns off every fsync. Writes stay atomic, so readers and a
	// process that crashes still see whole values, but after a power loss
	// or kernel crash the latest writes may be lost or the older value come
	// back. Use it for caches that can be rebuilt, and in tests.
	NoSync bool

	// FilePerm and DirPerm are the permission bits of the files and
	// directories the store creates; the process umask still applies. Zero
	// means 0o644 and 0o755, so other users can read what the store holds;
	// use 0o600 and 0o700 for private content.
	FilePerm, DirPerm fs.FileMode

	osRoot bool // use os.Root even where openat2 works (tests)
}

type config struct {
	sync     bool        // fsync files and directories
	filePerm fs.FileMode // mode of new files, before the umask
	dirPerm  fs.FileMode // mode of new directories, before the umask
}

// New returns a store that keeps its names under dir, creating dir (and its
// parents, with the directory permission) if it is missing. By default
// every Write is durable when it returns: see Options.NoSync.
//
// dir is resolved once, here: if dir is a symlink, the store lives where it
// pointed at that moment. The store keeps a handle of that directory: if the
// directory is removed later, every operation fails with ErrStoreDirGone,
// even after a directory of the same name is created again; call New again.
func New(dir string, opts Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("fsstore: New with an empty directory")
	}
	c := config{sync: !opts.NoSync, filePerm: opts.FilePerm.Perm(), dirPerm: opts.DirPerm.Perm()}
	if c.filePerm == 0 {
		c.filePerm = 0o644
	}
	if c.dirPerm == 0 {
		c.dirPerm = 0o755
	}
	if err := mkdirAllSync(dir, c.dirPerm, c.sync); err != nil {
		return nil, fmt.Errorf("fsstore: create store directory %q: %w", dir, err)
	}
	var b backend
	var err error
	if !opts.osRoot {
		b, err = openFD(dir, c)
	}
	if opts.osRoot || errors.Is(err, errNoOpenat2) {
		b, err = openRoot(dir, c)
	}
	if err != nil {
		return nil, err
	}
	return &Store{dir: dir, b: b}, nil
}

// Dir returns the directory given to New.
func (s *Store) Dir() string { return s.dir }

// Close releases the directory handle. Operations after Close fail with an
// error matching fs.ErrClosed. Closing twice is not an error.
func (s *Store) Close() error { return s.b.close() }

// Read returns the content of the file for name. Missing names, names whose
// parent is a file and names that are directories give an error matching
// store.ErrNotFound; permission and I/O errors do not, and neither does a
// store whose directory was removed (ErrStoreDirGone).
func (s *Store) Read(ctx context.Context, name string) (string, error) {
	if err := check(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	content, err := s.b.read(name)
	if err != nil {
		return "", s.fail(ctx, store.OpRead, name, err)
	}
	return content, nil
}

// Write atomically replaces the file for name with content, creating missing
// parent directories. A name that needs a directory where a file is, or a
// file where a non-empty directory is, gives an error matching
// store.ErrConflict and leaves the existing value in place; an empty
// directory at the name is removed. A context cancelled before the final
// rename leaves the old value. An error matching ErrNotDurable means the
// new value is in place but its last fsync failed.
func (s *Store) Write(ctx context.Context, name, content string) error {
	if err := check(ctx, store.OpWrite, name); err != nil {
		return err
	}
	return s.fail(ctx, store.OpWrite, name, s.b.write(ctx, name, content))
}

// Delete removes the file for name. A missing name, or a name that is a
// directory, is not an error; a store whose directory was removed is
// (ErrStoreDirGone).
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := check(ctx, store.OpDelete, name); err != nil {
		return err
	}
	return s.fail(ctx, store.OpDelete, name, s.b.remove(name))
}

// check is store.Check plus, on Windows, the names reserved for temp files.
func check(ctx context.Context, op, name string) error {
	if err := store.Check(ctx, op, name); err != nil {
		return err
	}
	if reservedTempNames && hasTempSegment(name) {
		return store.NewError(ctx, op, name, fmt.Errorf("%w: a segment of the name is reserved for fsstore temp files", store.ErrInvalidName))
	}
	return nil
}

// syncDir fsyncs a directory through fsync; dir names it, relative to the
// store (or an OS path, from New). It is a variable so that tests can count
// the syncs and inject failures.
var syncDir = func(dir string, fsync func() error) error { return fsync() }

// mkdirAllSync is os.MkdirAll that, with sync, also fsyncs the parent of
// each directory it created, so that the store directory survives a power
// loss. (Windows cannot fsync a directory.)
func mkdirAllSync(dir string, perm fs.FileMode, sync bool) error {
	var created []string // missing before MkdirAll, deepest first
	for d := filepath.Clean(dir); ; {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		created = append(created, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	if !sync || runtime.GOOS == "windows" {
		return nil
	}
	for i := len(created) - 1; i >= 0; i-- {
		parent := filepath.Dir(created[i])
		err := syncDir(parent, func() error {
			f, err := os.Open(parent)
			if err != nil {
				return err
			}
			err = f.Sync()
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("sync %q: %w", parent, err)
		}
	}
	return nil
}
