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

// IsTempFile reports whether a file name (one path element, as listed by
// ls or os.ReadDir) is a temp file of this package: a write in progress, or
// one interrupted by a crash. Such files are never values. An interrupted
// one can be removed once no write is running, for example with
//
//	find DIR -name '.mstore-tmp*' -mmin +60 -delete
func IsTempFile(base string) bool {
	return strings.HasPrefix(base, tempPrefix)
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
