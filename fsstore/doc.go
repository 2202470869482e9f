// Package fsstore keeps a store's names as files in a local directory. It
// is the embedded default: no server, nothing to run, and the directory can
// be inspected, copied and backed up with ordinary tools.
//
// Use it when one machine (or one shared volume) renders and serves the
// site; use a networked store when several machines must see the same
// artifacts.
//
//	s, err := fsstore.New("dist/mutable", fsstore.Options{})
//	if err != nil { ... }
//	defer s.Close()
//	err = s.Write(ctx, "static/index.html", page)
//
// # Layout on disk
//
// A name is a path below the directory: "static/index.html" is the file
// DIR/static/index.html, and its '/' separators are directories, created
// on the first write beneath them. New files get mode 0o644 and new
// directories 0o755, less the umask (see Options.FilePerm). Delete removes
// the file and, on Linux, the parent directories it leaves empty.
//
// Because a name is a path, the store cannot hold both "a" and "a/b": the
// second write fails with store.ErrConflict and the first value stays. An
// empty directory, or one holding only empty directories, holds no value (a
// failed or crashed write beneath it can leave one): a write of its name
// removes it and succeeds (not on Windows, which has no
// remove-only-if-a-directory). A read of "a/b" while "a" is a file, or of
// "a" while it is a directory, gives store.ErrNotFound.
//
// Names are bytes, and so are file names on Linux. On a case-insensitive
// file system (macOS and Windows by default) "Index.html" and "index.html"
// are the same file, and on one that normalises Unicode (macOS APFS looks
// names up normalised) two spellings of "é" are too: there the store holds
// one value for such names where other backends hold two.
//
// # Atomicity and durability
//
// Write creates a temp file in the target's directory, writes and fsyncs
// it, renames it over the target and fsyncs the directory. A concurrent
// Read, in this process or another, sees the old content or the new, whole,
// never a mix and never an empty file; a crash at any moment leaves the old
// or the new content. When Write returns nil the content survives a power
// loss: directories created for it are fsynced into their parents, and so
// are those New creates for the store's directory. Options.NoSync drops the
// fsyncs: writes stay atomic for readers and process crashes, but a power
// loss may lose recent writes.
//
// When only the last fsync of the directory fails, after the rename (or
// the unlink, for Delete), the error matches ErrNotDurable: the new value
// is visible (or the name is gone); its durability is unknown.
//
// A context cancelled before the rename makes Write remove its temp file
// and return the context's error, leaving the old value.
//
// # Temp files
//
// Temp files are named ".mstore-tmp\" followed by 16 random hex digits, in
// the directory of the name being written. The backslash makes them names
// that no store name can refer to (store.ValidateName rejects backslashes),
// so they are never visible as values, even when left behind; IsTempFile
// recognises exactly this form. (On Windows, which forbids backslashes in
// file names, the prefix is ".mstore-tmp-", and the store refuses with
// store.ErrInvalidName any name with a segment of that form.)
//
// Every failed write removes its temp file. Only a crash of the process or
// the machine between creating it and renaming it leaves one behind. The
// store never sweeps them itself, because it cannot tell an abandoned temp
// file from one that another process is still writing. Remove old ones at
// startup or from cron with RemoveStaleTemp or `mstore clean-temp`, which
// remove only what IsTempFile matches. A shell pattern such as
// '.mstore-tmp*' would also match values such as ".mstore-tmp-report.json".
//
// # Containment and symbolic links
//
// No name, symlink or race makes the store read, write or delete anything
// outside its directory. Names are checked by store.ValidateName ("..",
// absolute paths and backslashes are rejected), and then every path is
// resolved relative to a handle of the directory opened by New, by the
// kernel:
//
//   - On Linux 5.6 and later, with openat2(2) and RESOLVE_BENEATH |
//     RESOLVE_NO_SYMLINKS: one system call per lookup, and any symlink on
//     the path of a name is refused. The store never creates symlinks, so
//     one is a layout error made by someone else; the operation fails with
//     an error matching ErrSymlink (and syscall.ELOOP), never ErrNotFound.
//     Delete of a name that is itself a symlink removes the link, never
//     its target.
//   - Elsewhere, or where a seccomp filter forbids openat2, with os.Root:
//     symlinks in the path are followed while they stay inside the
//     directory, and one leading outside fails with os.Root's error. A
//     name that is itself a symlink is refused by Write with ErrSymlink.
//
// Hard links are not refused: a file inside the directory that is a hard
// link to a file outside it cannot be told from an ordinary file (both
// names are the same file), so Read of its name returns the outside file's
// content, on both backends. The outside file is never modified: Write
// renames a new file over the name, which replaces the link and leaves the
// outside file as it was, and Delete removes only the link. Making such a
// link takes write access to the directory, and the same user could write
// any value there anyway.
//
// The directory given to New may itself be a symlink; it is resolved once,
// by New.
//
// # Errors
//
// The cause of an error is an *fs.PathError with the system call, the path
// relative to the directory and the errno, so errors.As reaches it. Exactly these
// conditions mean store.ErrNotFound on Read: no such file, a missing
// parent directory, a parent that is a file (ENOTDIR) and a name that is a
// directory. Delete treats the same conditions as success. Permission
// errors, I/O errors, a FIFO or device at the name and symlinks are never
// ErrNotFound.
//
// Nor is a store whose directory was removed while it was open, for
// example by `rm -rf dist/mutable` during a redeploy: every name would look
// missing, so a caller that renders on ErrNotFound would render and fail
// to write forever. Before an operation reports a missing name, or a
// Write gives up on one, the store checks once, with a stat of its
// directory handle, that the directory still exists; if it does not, Read,
// Write and Delete all fail with an error matching ErrStoreDirGone. The
// handle keeps referring to the removed directory even when one of the
// same name is created again, so the store cannot recover by itself: Close
// it and create a new one with New, which creates the directory again.
// (Where the system reports no link count, as on Windows, a removed
// directory is recognised only when the stat of its handle fails.)
//
// # URLs
//
// Importing the package registers the "file" scheme with store.Open:
//
//	file:///var/lib/site/mutable      absolute directory
//	file://localhost/var/lib/site     the same, with the only host allowed
//	file:dist/mutable                 relative to the working directory
//	file:dist/mutable?sync=false      Options.NoSync
//
// The directory is created if missing. Percent-escapes are decoded. The
// only query parameter is sync (true, the default, or false); a host other
// than localhost or a user is an error.
package fsstore
