package store

import (
	"fmt"
	"unicode/utf8"
)

// Limits of the name rules, chosen so that a name valid on one backend is
// valid on every backend with any valid option. The tightest backend is S3,
// whose object keys are at most 1024 bytes: a prefixed adapter stores a name
// under prefix+name, so MaxPrefixLen+MaxNameLen is 1024. MaxSegmentLen is
// the file-name limit of common file systems, which fsstore maps segments
// to.
const (
	MaxNameLen    = 768 // bytes in a whole name
	MaxPrefixLen  = 256 // bytes in an adapter's key prefix (see ValidatePrefix)
	MaxSegmentLen = 255 // bytes in one '/'-separated segment
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

// ValidatePrefix reports whether prefix is a valid key prefix for an
// adapter that keeps several stores in one namespace (a Redis database, an
// S3 bucket). A prefix is either empty or at most MaxPrefixLen bytes, ends
// with '/' or ':', and what precedes that separator follows the rules of
// ValidateName. The separator keeps each store apart: with a bare "site",
// the name "s/x" would land in the store whose prefix is "sites/". The
// error, when not nil, names the rule the prefix breaks.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if len(prefix) > MaxPrefixLen {
		return fmt.Errorf("prefix is %d bytes long, more than %d", len(prefix), MaxPrefixLen)
	}
	sep := prefix[len(prefix)-1]
	if sep != '/' && sep != ':' {
		return fmt.Errorf("prefix %q must end with '/' or ':' (such as %q), so that no other store's names start with it", prefix, prefix+"/")
	}
	if err := ValidateName(prefix[:len(prefix)-1]); err != nil {
		return fmt.Errorf("prefix %q: %w", prefix, err)
	}
	return nil
}
