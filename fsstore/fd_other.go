//go:build !linux

package fsstore

// openFD: openat2 is Linux-only, so New always uses os.Root here.
func openFD(string, config) (backend, error) { return nil, errNoOpenat2 }
