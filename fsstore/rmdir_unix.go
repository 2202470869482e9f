//go:build unix

package fsstore

import (
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// rmdirAt removes the directory base in the open directory d if it holds
// nothing but empty directories; it never removes a file.
func rmdirAt(d *os.File, base string) error {
	err := rmdirTree(int(d.Fd()), base, maxTreeDepth)
	runtime.KeepAlive(d)
	return err
}

// maxTreeDepth bounds rmdirTree: no name has more segments.
const maxTreeDepth = 400

// rmdirTree removes base in dfd if it holds nothing but empty directories,
// as a crash in the middle of a write of a deep name can leave. The first
// file found stops it with ENOTEMPTY; the empty directories it removed
// before that held no value.
func rmdirTree(dfd int, base string, depth int) error {
	err := unlinkDir(dfd, base)
	if (err != unix.ENOTEMPTY && err != unix.EEXIST) || depth == 0 {
		return err
	}
	fd, err := unix.Openat(dfd, base, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), base)
	defer f.Close()
	for {
		entries, err := f.ReadDir(64)
		for _, e := range entries {
			if !e.IsDir() {
				return unix.ENOTEMPTY
			}
			if err := rmdirTree(fd, e.Name(), depth-1); err != nil {
				return unix.ENOTEMPTY
			}
		}
		if err != nil || len(entries) == 0 {
			break
		}
	}
	return unlinkDir(dfd, base)
}

func unlinkDir(dfd int, base string) error {
	for {
		err := unix.Unlinkat(dfd, base, unix.AT_REMOVEDIR)
		if err != unix.EINTR {
			return err
		}
	}
}
