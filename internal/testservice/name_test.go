package testservice_test

import (
	"regexp"
	"testing"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

func TestUniqueName(t *testing.T) {
	tests := []struct {
		prefix string
		want   string // a regexp for the whole name
	}{
		{"ms-", `^ms-[a-z0-9]{10}$`},
		{"ms_table_", `^ms_table_[a-z0-9]{10}$`},
		{"", `^t[a-z0-9]{10}$`},
		{"9lives", `^t9lives[a-z0-9]{10}$`},
		{"Test/Name With Spaces!", `^testnamewithspaces[a-z0-9]{10}$`},
		{"a234567890123456789012345678901234567890XYZ", `^a234567890123456789012345678901234567890[a-z0-9]{10}$`},
	}
	for _, tt := range tests {
		got := testservice.UniqueName(t, tt.prefix)
		if !regexp.MustCompile(tt.want).MatchString(got) {
			t.Errorf("UniqueName(%q) = %q; want a match for %s", tt.prefix, got, tt.want)
		}
	}
	seen := map[string]bool{}
	for range 1000 {
		n := testservice.UniqueName(t, "x")
		if seen[n] {
			t.Fatalf("UniqueName repeated %q", n)
		}
		seen[n] = true
	}
}
