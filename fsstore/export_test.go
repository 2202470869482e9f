package fsstore

import "testing"

// WithOSRoot makes New use the portable os.Root backend even where openat2
// works, so that the tests cover both.
func WithOSRoot() Option {
	return func(c *config) { c.osRoot = true }
}

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
