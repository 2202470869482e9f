package fsstore

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
