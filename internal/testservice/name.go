package testservice

import (
	"crypto/rand"
	"strings"
	"testing"
)

// uniqueSuffixLen random base-36 characters give about 52 bits: enough that
// test binaries running at the same time against one server never collide.
const uniqueSuffixLen = 10

// maxPrefixLen keeps every name a valid S3 bucket (63 characters) and a
// PostgreSQL identifier (63 bytes) with room for a caller's own suffix.
const maxPrefixLen = 40

// UniqueName returns prefix followed by random lowercase letters and digits,
// for keys prefixes, tables and buckets that must not collide with other
// tests sharing the server. The prefix is lowercased, loses every character
// other than a-z, 0-9, '-' and '_', and is cut to 40 characters; the result
// always starts with a letter. Pick the separator the target allows: '-' for
// buckets (which reject '_'), '_' for SQL identifiers (which would need
// quoting for '-').
func UniqueName(t testing.TB, prefix string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range strings.ToLower(prefix) {
		if b.Len() == maxPrefixLen {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	if s := b.String(); s == "" || s[0] < 'a' || s[0] > 'z' {
		b.Reset()
		b.WriteString("t" + s)
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var buf [uniqueSuffixLen]byte
	// crypto/rand.Read never returns an error since Go 1.24.
	rand.Read(buf[:])
	for _, c := range buf {
		// The modulo bias is irrelevant: the names need to be
		// unique, not uniformly distributed.
		b.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return b.String()
}
