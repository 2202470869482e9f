// Package bytestring moves a value between string and []byte without
// copying it, on the adapters' hot paths: ReadAll and ReadFile read a value
// into the one buffer that becomes the returned string, and Bytes hands a
// string's content to an API that takes a []byte only to read it.
//
// # Soundness
//
// A Go string must never change, and each function here makes a string and
// a []byte share memory, which is sound only as long as nothing writes to
// that memory while the string lives:
//
//   - ReadAll and ReadFile turn their buffer into the string with
//     unsafe.String. They allocate the buffer themselves, pass it only to
//     the reader, which must not retain it (the io.Reader contract; the
//     readers are the kernel's read(2), *os.File and net/http bodies), and
//     never touch it after the conversion: the string is its only owner, as
//     if string(buf) had moved it instead of copying it. strings.Builder
//     makes the same argument.
//   - Bytes returns a view of the string's memory. The caller must only
//     read it and pass it only to code that only reads it (write(2), a
//     driver encoding a query parameter). Writing to it is undefined
//     behaviour, and faults for a string constant, which lives in read-only
//     memory. Code that keeps the slice keeps the string alive: the garbage
//     collector follows it as any other pointer.
package bytestring

import (
	"io"
	"unsafe"
)

// maxPrealloc bounds the buffer allocated from a size hint before any byte
// arrived, so that a wrong hint (a lying Content-Length, a sparse file)
// cannot make a read allocate gigabytes up front. A longer value still
// reads: the buffer grows as bytes arrive (see grow).
const maxPrealloc = 64 << 20

// ReadAll reads r until io.EOF into a string. sizeHint is the expected
// length, such as a Content-Length, or -1 when unknown. When it is right
// (and at most 64 MiB), the read costs one allocation: a buffer of
// sizeHint+1 bytes, which becomes the string. The spare byte lets the read that reports io.EOF come without
// growing the buffer. A wrong hint costs growth or unused capacity, never
// wrong content. On an error, ReadAll returns "" and the error.
func ReadAll(r io.Reader, sizeHint int64) (string, error) {
	return readString(sizeHint, r.Read, false)
}

// ReadFile is ReadAll for a regular file whose fstat size is size, read
// through read, which may report the end of the file as unix.Read does,
// with (0, nil), or as *os.File.Read does, with io.EOF. A read that returns
// less than it was asked for once size bytes are in is taken as the end as
// well: a read of a regular file comes back short only at the end of the
// file, so a file nobody modifies in place is read with one read call. A
// file that grows while it is read is followed.
func ReadFile(size int64, read func([]byte) (int, error)) (string, error) {
	return readString(size, read, true)
}

// readString is the loop of ReadAll and ReadFile; file selects ReadFile's
// rules for the end.
func readString(hint int64, read func([]byte) (int, error), file bool) (string, error) {
	size := hint
	if size < 0 {
		size = 512 // unknown: as io.ReadAll starts
	}
	buf := make([]byte, 0, min(size, maxPrealloc)+1)
	for {
		if len(buf) == cap(buf) {
			buf = grow(buf, hint)
		}
		n, err := read(buf[len(buf):cap(buf)])
		if n > 0 {
			buf = buf[:len(buf)+n]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if file && (n == 0 || len(buf) < cap(buf) && int64(len(buf)) >= hint) {
			break // end of the file: nothing more, or a short read at its size
		}
	}
	if len(buf) == 0 {
		return "", nil
	}
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

// grow makes room in the full buf: up to the hint when the hint is still
// ahead (it was right so far; this is the read past maxPrealloc), otherwise
// twice the length, so that beyond maxPrealloc the buffer never exceeds
// twice what the reader delivered.
func grow(buf []byte, hint int64) []byte {
	more := len(buf)
	if left := hint - int64(len(buf)); left > 0 && left < int64(more) {
		more = int(left) + 1
	}
	grown := make([]byte, len(buf), len(buf)+more) // not append: its growth is not exact
	copy(grown, buf)
	return grown
}

// Bytes returns the bytes of s without copying them, for an API that takes a
// []byte only to read it; see Soundness in the package documentation. The
// slice is never nil, not even for "": a database driver sends a nil []byte
// as NULL.
func Bytes(s string) []byte {
	if s == "" {
		return []byte{}
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
