package fsstore

import (
	"io"
	"unsafe"
)

// readString reads a whole regular file whose fstat size is size, through
// read, into a string, with one allocation and, for a file nobody modifies
// in place, one read call (os.ReadFile plus string() costs two allocations,
// two read calls and a copy).
//
// The buffer has one byte more than size, so the first read that comes back
// short of it, having reached size, proves the end of the file: a read of a
// regular file returns less than asked only at end of file. A file that
// grows while it is read is followed by growing the buffer.
//
// The string is made over the buffer with unsafe.String, without a copy.
// That is sound because the buffer is allocated here, nothing else ever
// holds a reference to it, and it is not written after the conversion:
// the string is its only owner, as if string(buf) had moved it.
func readString(size int64, read func([]byte) (int, error)) (string, error) {
	if size < 0 || size >= int64(^uint(0)>>2) {
		size = 0 // unknown or absurd: start small and grow
	}
	buf := make([]byte, 0, int(size)+1)
	for {
		n, err := read(buf[len(buf):cap(buf)])
		if n > 0 {
			buf = buf[:len(buf)+n]
		}
		if err == io.EOF || (err == nil && n == 0) {
			break
		}
		if err != nil {
			return "", err
		}
		if len(buf) < cap(buf) {
			if int64(len(buf)) >= size {
				break // short read at or past the fstat size: end of file
			}
			continue
		}
		buf = append(buf, 0)[:len(buf)] // full: the file grew, make room
	}
	if len(buf) == 0 {
		return "", nil
	}
	return unsafe.String(&buf[0], len(buf)), nil
}
