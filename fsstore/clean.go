package fsstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// RemoveStaleTemp removes the temp files under dir, a store's directory,
// that were last modified more than olderThan ago, and returns how many it
// removed. Only files that IsTempFile recognises are removed, so no value
// is ever touched, whatever its name. A temp file younger than olderThan
// may belong to a write still in progress, in this or another process:
// choose olderThan longer than any write takes (an hour is plenty).
//
// The walk stays inside dir (through an os.Root) and does not follow
// symlinks. It goes on past errors and returns the first one with the
// count of what it removed.
func RemoveStaleTemp(dir string, olderThan time.Duration) (removed int, err error) {
	if olderThan < 0 {
		return 0, fmt.Errorf("fsstore: RemoveStaleTemp: negative age %v", olderThan)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return 0, fmt.Errorf("fsstore: RemoveStaleTemp: %w", err)
	}
	defer root.Close()
	cutoff := time.Now().Add(-olderThan)
	var first error
	note := func(err error) {
		if first == nil && !errors.Is(err, fs.ErrNotExist) { // gone: renamed by its writer
			first = err
		}
	}
	walkErr := fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			note(err)
			return nil // a directory that cannot be read: skip it
		}
		if d.IsDir() || !IsTempFile(d.Name()) {
			return nil
		}
		fi, err := root.Lstat(p)
		if err != nil {
			note(err)
			return nil
		}
		if !fi.Mode().IsRegular() || !fi.ModTime().Before(cutoff) {
			return nil
		}
		if err := root.Remove(p); err != nil {
			note(err)
			return nil
		}
		removed++
		return nil
	})
	if walkErr != nil {
		note(walkErr)
	}
	if first != nil {
		return removed, fmt.Errorf("fsstore: RemoveStaleTemp: %w", first)
	}
	return removed, nil
}
