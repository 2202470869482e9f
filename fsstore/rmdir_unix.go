//go:build unix

package fsstore

import (
	"os"

	"golang.org/x/sys/unix"
)

// rmdirAt removes the empty directory base in the open directory d; it never
// removes a file.
func rmdirAt(d *os.File, base string) error {
	for {
		err := unix.Unlinkat(int(d.Fd()), base, unix.AT_REMOVEDIR)
		if err != unix.EINTR {
			return err
		}
	}
}
