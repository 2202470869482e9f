package store

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateNameAccepts(t *testing.T) {
	for _, name := range []string{
		"a",
		"index.html",
		"static/index.html.revld.txt",
		"static/en-US-post%2Ffoo.json",
		"static/%2e%2e/x", // percent-encoded dots are only characters
		"static/my page with spaces.html",
		" leading and trailing spaces ",
		"static/日本語/ページ.html",
		"static/🦀/ü-é-ß.json",
		"a/b/c/d",
		"...",
		".hidden/a..b/trailing.",
		"q?x=1&y=2#frag+plus;semi:colon",
		"\u0080\u009f",    // C1 controls are not in the rule (only U+0000-U+001F and U+007F)
		"zero\u200bwidth", // format characters are allowed
		"\uFFFD",          // the replacement character is valid UTF-8
		strings.Repeat("s", MaxSegmentLen),
		strings.Repeat("日", MaxSegmentLen/3), // 255 bytes in 85 runes
		strings.Repeat("s", MaxSegmentLen) + "/" + strings.Repeat("t", MaxSegmentLen),
		nameOfLen(MaxNameLen),
	} {
		if err := ValidateName(name); err != nil {
			t.Errorf("ValidateName(%q) = %v; want nil", shorten(name), err)
		}
	}
}

func TestValidateNameRejects(t *testing.T) {
	tests := []struct {
		name string
		why  string // a part of the error message
	}{
		{"", "empty"},
		{nameOfLen(MaxNameLen + 1), "769 bytes long, more than 768"},
		{strings.Repeat("x", 5000), "more than 768"},
		{strings.Repeat("s", MaxSegmentLen+1), "256 bytes long, more than 255"},
		{"a/" + strings.Repeat("s", MaxSegmentLen+1) + "/b", "segment at byte 2 is 256 bytes long"},
		{strings.Repeat("日", MaxSegmentLen/3+1), "258 bytes long, more than 255"},
		{"\xff", "not valid UTF-8"},
		{"static/\xffpage.html", "not valid UTF-8"},
		{"a\xc0\xafb", "not valid UTF-8"},       // overlong '/'
		{"\xed\xa0\x80", "not valid UTF-8"},     // surrogate half
		{"caf\xc3", "not valid UTF-8"},          // truncated sequence
		{"\xf4\x90\x80\x80", "not valid UTF-8"}, // beyond U+10FFFF
		{"a\x00b", "control character U+0000 at byte 1"},
		{"\x00", "control character U+0000 at byte 0"},
		{"a\x01", "control character U+0001"},
		{"a\tb", "control character U+0009"},
		{"a\nb", "control character U+000A"},
		{"a\rb", "control character U+000D"},
		{"a\x1b[0m", "control character U+001B"},
		{"a\x1f", "control character U+001F"},
		{"a\x7fb", "control character U+007F"},
		{`a\b`, "backslash at byte 1"},
		{`..\escape`, "backslash"},
		{"/a", "starts with '/'"},
		{"/", "starts with '/'"},
		{"//", "starts with '/'"},
		{"a/", "ends with '/'"},
		{"a//b", "empty segment at byte 2"},
		{"a/b//c/d", "empty segment at byte 4"},
		{".", `"." segment`},
		{"..", `".." segment`},
		{"./a", `"." segment`},
		{"a/.", `"." segment`},
		{"a/..", `".." segment`},
		{"a/./b", `"." segment`},
		{"a/../b", `".." segment`},
		{"../escape", `".." segment`},
		{"a/b/../../../escape", `".." segment`},
	}
	for _, tt := range tests {
		err := ValidateName(tt.name)
		if !errors.Is(err, ErrInvalidName) {
			t.Errorf("ValidateName(%q) = %v; want an error matching ErrInvalidName", shorten(tt.name), err)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "invalid name: ") || !strings.Contains(msg, tt.why) {
			t.Errorf("ValidateName(%q) = %q; want \"invalid name: ...\" saying %q", shorten(tt.name), msg, tt.why)
		}
	}
}

// The limits are in bytes, not runes, and count the slashes.
func TestValidateNameLimitsAreBytes(t *testing.T) {
	name := nameOfLen(MaxNameLen)
	if len(name) != MaxNameLen || ValidateName(name) != nil {
		t.Fatalf("nameOfLen(%d) made a %d-byte name, ValidateName = %v", MaxNameLen, len(name), ValidateName(name))
	}
	multi := strings.Repeat("é", MaxNameLen/2) // 768 bytes, 384 runes, one segment
	if err := ValidateName(multi); !errors.Is(err, ErrInvalidName) {
		t.Errorf("ValidateName of a 384-rune, 768-byte single segment = %v; want ErrInvalidName (segment longer than %d bytes)", err, MaxSegmentLen)
	}
}

// FuzzValidateName checks that ValidateName never panics, and that every name
// it accepts follows each rule, re-checked here independently of its code.
func FuzzValidateName(f *testing.F) {
	for _, seed := range []string{
		"", "a", "a/b", "static/en-US-post%2Ffoo.json", "static/index.html.revld.txt",
		".", "..", "a/../b", "/a", "a/", "a//b", "a\x00b", "a\\b", "\xff", "日本語/ページ",
		strings.Repeat("s", MaxSegmentLen+1), nameOfLen(MaxNameLen), nameOfLen(MaxNameLen + 1),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName(name)
		if err != nil {
			if !errors.Is(err, ErrInvalidName) {
				t.Fatalf("ValidateName(%q) = %v; want nil or an error matching ErrInvalidName", name, err)
			}
			return
		}
		if name == "" || len(name) > MaxNameLen {
			t.Fatalf("ValidateName accepted %q of %d bytes", name, len(name))
		}
		if !utf8.ValidString(name) {
			t.Fatalf("ValidateName accepted invalid UTF-8 %q", name)
		}
		for _, r := range name {
			if r < 0x20 || r == 0x7f || r == '\\' {
				t.Fatalf("ValidateName accepted %q holding %U", name, r)
			}
		}
		for _, seg := range strings.Split(name, "/") {
			if seg == "" || seg == "." || seg == ".." || len(seg) > MaxSegmentLen {
				t.Fatalf("ValidateName accepted %q with segment %q (%d bytes)", name, seg, len(seg))
			}
		}
	})
}

// nameOfLen returns a valid name of exactly n bytes with segments as long
// as the rules allow.
func nameOfLen(n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		seg := min(MaxSegmentLen, n-b.Len())
		if rest := n - b.Len() - seg; rest == 1 {
			seg-- // a 1-byte remainder would be a lone trailing '/'
		}
		b.WriteString(strings.Repeat("n", seg))
	}
	return b.String()
}

func shorten(name string) string {
	if len(name) > 40 {
		return name[:40] + "..."
	}
	return name
}

func TestValidatePrefix(t *testing.T) {
	valid := []string{"", "site/", "site:", "tenant:blog:", "sites/blog/", strings.Repeat("p", MaxPrefixLen-1) + "/"}
	for _, p := range valid {
		if err := ValidatePrefix(p); err != nil {
			t.Errorf("ValidatePrefix(%q) = %v; want nil", p, err)
		}
	}
	invalid := []struct{ prefix, want string }{
		{"site", "must end with '/' or ':'"},
		{"/", "name is empty"},
		{"a//", "ends with '/'"},
		{"a//b/", "empty segment"},
		{"../", `".." segment`},
		{"a\x00/", "control character"},
		{strings.Repeat("p", MaxPrefixLen) + "/", "257 bytes long, more than 256"},
	}
	for _, c := range invalid {
		err := ValidatePrefix(c.prefix)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ValidatePrefix(%q) = %v; want an error containing %q", c.prefix, err, c.want)
		}
	}
}

// The limits leave room for the longest prefix inside S3's 1024-byte keys,
// the tightest backend, so a name valid anywhere is valid everywhere.
func TestLimitsFitS3Keys(t *testing.T) {
	if MaxPrefixLen+MaxNameLen > 1024 {
		t.Errorf("MaxPrefixLen+MaxNameLen = %d; want at most S3's key limit, 1024", MaxPrefixLen+MaxNameLen)
	}
}
