package store

import (
	"fmt"
	"unicode/utf8"
)

// Limits of the name rules. MaxSegmentLen matches the file-name limit of
// common file systems, MaxNameLen the key limit of S3, so a valid name fits
// every backend.
const (
	MaxNameLen    = 1024 // bytes in a whole name
	MaxSegmentLen = 255  // bytes in one '/'-separated segment
)

// ValidateName reports whether name follows the rules shared by every
// backend. A name:
//
//   - is not empty and is at most MaxNameLen bytes long;
//   - is valid UTF-8 and holds no control character (U+0000 to U+001F,
//     U+007F) and no backslash;
//   - does not start or end with '/';
//   - has no empty, "." or ".." segment between slashes, and no segment
//     longer than MaxSegmentLen bytes.
//
// Anything else is allowed: spaces, '%', any Unicode. The error, when not
// nil, matches ErrInvalidName and says which rule the name breaks.
func ValidateName(name string) error {
	switch {
	case name == "":
		return invalid("name is empty")
	case len(name) > MaxNameLen:
		return invalid("name is %d bytes long, more than %d", len(name), MaxNameLen)
	case !utf8.ValidString(name):
		return invalid("name is not valid UTF-8")
	case name[0] == '/':
		return invalid("name starts with '/'")
	case name[len(name)-1] == '/':
		return invalid("name ends with '/'")
	}
	start := 0 // first byte of the current segment
	for i := 0; i <= len(name); i++ {
		if i < len(name) {
			c := name[i]
			switch {
			case c < 0x20 || c == 0x7f:
				return invalid("name has control character %U at byte %d", rune(c), i)
			case c == '\\':
				return invalid("name has a backslash at byte %d", i)
			case c != '/':
				continue
			}
		}
		switch seg := name[start:i]; {
		case seg == "":
			return invalid("name has an empty segment at byte %d", i)
		case seg == "." || seg == "..":
			return invalid("name has a %q segment", seg)
		case len(seg) > MaxSegmentLen:
			return invalid("name segment at byte %d is %d bytes long, more than %d", start, len(seg), MaxSegmentLen)
		}
		start = i + 1
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidName}, args...)...)
}
