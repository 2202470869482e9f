package conformance

import (
	"errors"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

func nameCases() []testCase {
	return []testCase{
		{"ValidNames", testValidNames},
		{"InvalidNames", testInvalidNames},
	}
}

// validNames are names every backend must store and keep apart. They are
// chosen so that no name is a '/'-prefix of another: backends that keep
// names as paths may not hold both "a" and "a/b" (see the Conflict cases).
func validNames() []struct{ label, name string } {
	return []struct{ label, name string }{
		{"Simple", "index.html"},
		{"PerseusRevalidation", "static/index.html.revld.txt"},
		{"PercentEncodedSlash", "static/en-US-post%2Ffoo.json"},
		{"PercentDecodedTwin", "static/en-US-post/foo.json"}, // must not alias the %2F name
		{"PercentEncodedDots", "static/%2e%2e/x"},
		{"URLSpecials", "static/q?x=1&y=2#frag+plus;semi"},
		{"Spaces", "static/my page with  spaces .html"},
		{"Unicode", "static/日本語/ページ.html"},
		{"Emoji", "static/🦀/ü-é-ß.json"},
		{"Dots", "static/.hidden/...three/a..b/trailing."},
		{"Deep", "a/b/c/d"},
		{"Segment255", "seg/" + strings.Repeat("s", store.MaxSegmentLen)},
		{"Segment255MultiByte", "segmb/" + strings.Repeat("日", store.MaxSegmentLen/3)},
		{"NameMaxLen", nameOfLen("long", store.MaxNameLen)},
	}
}

// testValidNames writes each valid name with its own content, reads it back,
// and at the end reads every name again: a backend that escapes or
// normalizes names lossily makes two of them share one value.
func testValidNames(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	names := validNames()
	for _, n := range names {
		if err := store.ValidateName(n.name); err != nil {
			t.Fatalf("conformance suite bug: %s is not a valid name: %v", quoteName(n.name), err)
		}
		t.Run(n.label, func(t *testing.T) {
			mustWrite(t, s, n.name, "content of "+n.name)
			wantContent(t, s, n.name, "content of "+n.name)
		})
	}
	for _, n := range names {
		got, err := s.Read(t.Context(), n.name)
		if err == nil && got != "content of "+n.name {
			t.Errorf("after writing every valid name, %s returned %s; want the content written under that name: two names share one value (check the escaping of names)",
				callRead(n.name), size(got))
		}
	}
}

type invalidName struct {
	label, name string // the subtest's label and the name
	near        []string
}

// invalidNames covers each rule of store.ValidateName. near lists valid
// names a backend that repairs names instead of rejecting them would write
// to; after the rejected Write each must still be missing.
func invalidNames() []invalidName {
	long := nameOfLen("long", store.MaxNameLen+1)
	seg := "seg/" + strings.Repeat("s", store.MaxSegmentLen+1)
	return []invalidName{
		{"Empty", "", nil},
		{"TooLong", long, []string{long[:store.MaxNameLen]}},
		{"SegmentTooLong", seg, []string{seg[:len(seg)-1]}},
		{"InvalidUTF8", "static/\xffpage.html", []string{"static/\uFFFDpage.html", "static/page.html"}},
		{"OverlongSlash", "a\xc0\xafb", []string{"a/b", "ab", "a\uFFFD\uFFFDb"}},
		{"Surrogate", "static/\xed\xa0\x80", []string{"static/\uFFFD", "static/\uFFFD\uFFFD\uFFFD"}},
		{"NUL", "a\x00b", []string{"a", "ab", "b"}},
		{"NULAtEnd", "a\x00", []string{"a"}},
		{"SOH", "a\x01b", []string{"ab"}},
		{"Tab", "a\tb", []string{"ab", "a b"}},
		{"Newline", "a\nb", []string{"a", "ab", "b"}},
		{"CarriageReturn", "a\rb", []string{"ab"}},
		{"ANSIEscape", "a\x1b[31mb", []string{"a[31mb"}},
		{"UnitSeparator", "a\x1fb", []string{"ab"}},
		{"Delete", "a\x7fb", []string{"ab"}},
		{"Backslash", `a\b`, []string{"a/b", "ab", "b"}},
		{"WindowsTraversal", `..\escape`, []string{"escape"}},
		{"LeadingSlash", "/a", []string{"a"}},
		{"OnlySlash", "/", nil},
		{"TrailingSlash", "a/", []string{"a"}},
		{"DoubleSlash", "a//b", []string{"a/b"}},
		{"Dot", ".", nil},
		{"DotDot", "..", nil},
		{"LeadingDot", "./a", []string{"a"}},
		{"TrailingDot", "a/.", []string{"a"}},
		{"TrailingDotDot", "a/..", nil},
		{"InnerDot", "a/./b", []string{"a/b"}},
		{"InnerDotDot", "a/../b", []string{"b", "a/b"}},
		{"DotDotEscape", "../escape", []string{"escape"}},
		{"DeepEscape", "a/b/../../../escape", []string{"escape"}},
	}
}

// testInvalidNames checks that every invalid name is rejected with
// ErrInvalidName by Read, Write and Delete, and that the rejected Write
// stored nothing, under the name or a repaired form of it.
func testInvalidNames(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	deleter, canDelete := s.(store.Deleter)
	for _, n := range invalidNames() {
		if store.ValidateName(n.name) == nil {
			t.Fatalf("conformance suite bug: %s is a valid name", quoteName(n.name))
		}
		t.Run(n.label, func(t *testing.T) {
			ctx := t.Context()
			content := "written under the invalid name " + quoteName(n.name)

			got, err := s.Read(ctx, n.name)
			wantError(t, callRead(n.name)+" of an invalid name", err, store.OpRead, n.name, store.ErrInvalidName)
			if err == nil && got != "" {
				t.Errorf("%s of an invalid name returned %s", callRead(n.name), size(got))
			}

			err = s.Write(ctx, n.name, content)
			wantError(t, callWrite(n.name, content)+" of an invalid name", err, store.OpWrite, n.name, store.ErrInvalidName)

			for _, near := range n.near {
				if store.ValidateName(near) != nil {
					t.Fatalf("conformance suite bug: %s is not a valid name", quoteName(near))
				}
				got, err := s.Read(ctx, near)
				if err == nil && got == content {
					t.Errorf("after the rejected %s, %s returned the content of that Write: the adapter repaired the invalid name and stored the value; want nothing stored (call store.Check before touching the backend)",
						callWrite(n.name, content), callRead(near))
				}
			}

			if canDelete {
				testInvalidDelete(t, s, deleter, n)
			}
		})
	}
}

// testInvalidDelete checks that Delete rejects an invalid name and removes
// nothing, in particular not the name a repaired form of it would denote
// ("escape" for "../escape").
func testInvalidDelete(t *testing.T, s store.MutableStore, d store.Deleter, n invalidName) {
	ctx := t.Context()
	var kept []string
	for _, near := range n.near {
		// A backend that keeps names as paths may refuse a near name beside
		// one left by an earlier row; such a name is simply not checked.
		err := s.Write(ctx, near, "kept "+near)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			t.Fatalf("%s returned err = %v; want nil", callWrite(near, "kept "+near), err)
		}
		kept = append(kept, near)
	}
	err := d.Delete(ctx, n.name)
	wantError(t, callDelete(n.name)+" of an invalid name", err, store.OpDelete, n.name, store.ErrInvalidName)
	for _, near := range kept {
		got, err := s.Read(ctx, near)
		if err != nil || got != "kept "+near {
			t.Errorf("after the rejected %s, %s returned %s and err = %v; want the value it held: the adapter repaired the invalid name and deleted another one",
				callDelete(n.name), callRead(near), size(got), err)
		}
	}
	for _, near := range kept {
		if err := d.Delete(ctx, near); err != nil {
			t.Errorf("%s returned err = %v; want nil", callDelete(near), err)
		}
	}
}

// nameOfLen returns a name of exactly n bytes made of prefix and segments of
// at most store.MaxSegmentLen bytes, so that it breaks no rule but length.
func nameOfLen(prefix string, n int) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; b.Len() < n; i++ {
		// A last segment of zero bytes would end the name with '/'.
		seg := min(store.MaxSegmentLen, n-b.Len()-1)
		if rest := n - b.Len() - 1 - seg; rest == 1 {
			seg--
		}
		b.WriteByte('/')
		b.WriteString(strings.Repeat(string(rune('a'+i%26)), seg))
	}
	return b.String()
}
