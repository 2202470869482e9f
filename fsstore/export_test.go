package fsstore

import (
	"io/fs"
	"testing"
)

// Option is how the tests, which run each case over several variants,
// configure a store: Open applies a list of them to Options.
type Option func(*Options)

// Open is New with the Options that opts make.
func Open(dir string, opts ...Option) (*Store, error) {
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	return New(dir, o)
}

// WithoutSync sets Options.NoSync.
func WithoutSync() Option { return func(o *Options) { o.NoSync = true } }

// WithPerm sets Options.FilePerm and DirPerm.
func WithPerm(file, dir fs.FileMode) Option {
	return func(o *Options) { o.FilePerm, o.DirPerm = file, dir }
}

// WithOSRoot makes New use the portable os.Root backend even where openat2
// works, so that the tests cover both.
func WithOSRoot() Option { return func(o *Options) { o.osRoot = true } }

// UsesOpenat2 reports whether s runs on the openat2 backend.
func UsesOpenat2(s *Store) bool {
	_, ok := s.b.(*rootFS)
	return !ok
}

// SetSyncDir replaces the directory fsync until the test ends, to count
// syncs and inject failures. Tests using it must not run in parallel.
func SetSyncDir(t testing.TB, f func(dir string, fsync func() error) error) {
	old := syncDir
	syncDir = f
	t.Cleanup(func() { syncDir = old })
}

// TempName and HasTempSegment expose the temp-name helpers.
var (
	TempName       = tempName
	HasTempSegment = hasTempSegment
)
