package conformance

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// LargeContentSize is the size of the largest content Run writes: 16 MiB,
// more than any page a rendering engine keeps, enough to cross the size
// limits of single network messages and file system buffers.
const LargeContentSize = 16 << 20

func contentCases() []testCase {
	return []testCase{
		{"EmptyContent", testEmptyContent},
		{"NULBytes", testNULBytes},
		{"InvalidUTF8", testInvalidUTF8},
		{"LargeContent", testLargeContent},
	}
}

// testEmptyContent checks that "" is a value like any other: some backends
// drop empty values or store them as a missing key.
func testEmptyContent(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	const name = "static/empty.txt"
	mustWrite(t, s, name, "")
	got, err := s.Read(t.Context(), name)
	if err != nil {
		t.Fatalf("%s after writing empty content returned err = %v; want empty content and nil: empty content is a value, not a missing name",
			callRead(name), err)
	}
	if got != "" {
		t.Fatalf("%s after writing empty content returned %s; want \"\"", callRead(name), size(got))
	}

	// Overwriting a value with "" empties it and does not delete it.
	const other = "static/emptied.txt"
	mustWrite(t, s, other, "something")
	mustWrite(t, s, other, "")
	wantContent(t, s, other, "")
	mustWrite(t, s, other, "again")
	wantContent(t, s, other, "again")
}

func testNULBytes(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	for name, content := range map[string]string{
		"nul/inside": "before\x00after",
		"nul/edges":  "\x00middle\x00",
		"nul/only":   "\x00\x00\x00",
		"nul/single": "\x00",
	} {
		mustWrite(t, s, name, content)
		wantContent(t, s, name, content)
	}
}

// testInvalidUTF8 checks that content is bytes, not text: a backend that
// stores it in a text type or converts it to valid UTF-8 replaces the bad
// bytes with U+FFFD.
func testInvalidUTF8(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	var every strings.Builder
	for range 2 {
		for b := range 256 {
			every.WriteByte(byte(b))
		}
	}
	for name, content := range map[string]string{
		"bytes/invalid":   "ok\xff\xfe\xfdok",
		"bytes/truncated": "caf\xc3",                  // an incomplete two-byte sequence at the end
		"bytes/overlong":  "\xc0\xaf\xe0\x80\xaf",     // overlong encodings of '/'
		"bytes/surrogate": "\xed\xa0\x80\xed\xbf\xbf", // UTF-16 surrogate halves
		"bytes/every":     every.String(),             // each byte value, twice
	} {
		mustWrite(t, s, name, content)
		wantContent(t, s, name, content)
	}
}

// testLargeContent writes and reads LargeContentSize bytes of pseudo-random
// content once, then overwrites it with a short value.
func testLargeContent(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	const name = "static/large.bin"
	content := largeContent(LargeContentSize)
	mustWrite(t, s, name, content)
	if !wantContent(t, s, name, content) {
		return
	}
	mustWrite(t, s, name, "small")
	wantContent(t, s, name, "small")
}

// largeContent returns n bytes that do not repeat, so that a chunk written
// at the wrong offset or twice shows as a difference.
func largeContent(n int) string {
	buf := make([]byte, n)
	rng := rand.NewChaCha8([32]byte{'m', 'u', 't', 'a', 'b', 'l', 'e'})
	_, _ = rng.Read(buf) // never fails
	return string(buf)
}
