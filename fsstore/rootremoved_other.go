//go:build !unix

package fsstore

import "io/fs"

// rootRemoved cannot tell from fi where the system reports no link count
// (Windows, wasip1, plan9): there, a removed directory is recognised only
// when the stat of its handle fails as missing (rootFS.dirGone).
func rootRemoved(fs.FileInfo) bool { return false }
