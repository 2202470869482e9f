//go:build !linux

package fsstore

import "errors"

// errNoOpenat2: openat2 is Linux-only, so New always uses os.Root here.
var errNoOpenat2 = errors.New("fsstore: openat2 unavailable")

func openFD(string, config) (backend, error) { return nil, errNoOpenat2 }
