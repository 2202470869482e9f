//go:build unix

package fsstore

import (
	"io/fs"
	"syscall"
)

// rootRemoved reports whether fi, the stat of the os.Root's own directory,
// shows it removed: a directory that is still open but no longer linked
// anywhere has a link count of zero.
func rootRemoved(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 0
}
