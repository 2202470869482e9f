package fsstore

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// tempName returns the name of a new temp file: tempPrefix and 16 random hex
// digits. The randomness only avoids collisions between writers (O_EXCL
// already prevents clobbering); it need not be unpredictable.
func tempName() string {
	return tempPrefix + strconv.FormatUint(rand.Uint64()|1<<63, 16)
}

// tempDigits is the number of hex digits after tempPrefix.
const tempDigits = 16

// IsTempFile reports whether a file name (one path element, as listed by
// ls or os.ReadDir) is a temp file of this package: a write in progress, or
// one interrupted by a crash. It matches exactly tempPrefix followed by 16
// hex digits, a form no value can have: on Unix the prefix holds a
// backslash, which store.ValidateName rejects, and on Windows the store
// refuses names with such a segment (see "Temp files" in the package
// documentation). RemoveStaleTemp removes the ones left behind.
func IsTempFile(base string) bool {
	if len(base) != len(tempPrefix)+tempDigits || !strings.EqualFold(base[:len(tempPrefix)], tempPrefix) {
		return false
	}
	for _, c := range []byte(base[len(tempPrefix):]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// hasTempSegment reports whether a segment of name, as Windows would look
// it up (trailing dots and spaces dropped), is a temp file name.
func hasTempSegment(name string) bool {
	for name != "" {
		i := indexSlash(name)
		if IsTempFile(strings.TrimRight(name[:i], ". ")) {
			return true
		}
		if i == len(name) {
			break
		}
		name = name[i+1:]
	}
	return false
}

// splitName splits a valid name into its parent directory ("" at the top)
// and its last element.
func splitName(name string) (dir, base string) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "", name
	}
	return name[:i], name[i+1:]
}

// join is path.Join for a parent from splitName and one element.
func join(dir, elem string) string {
	if dir == "" {
		return elem
	}
	return dir + "/" + elem
}

// indexSlash returns the index of the first '/' in s, or len(s).
func indexSlash(s string) int {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return i
	}
	return len(s)
}
