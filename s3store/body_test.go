package s3store

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadBody covers the paths of readBody that real servers rarely take:
// no Content-Length, a wrong one, readers that return little at a time or
// EOF together with the last bytes, and read errors.
func TestReadBody(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 4096) // 64 KiB
	readers := map[string]func(string) io.Reader{
		"Plain":   func(s string) io.Reader { return strings.NewReader(s) },
		"OneByte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"Half":    func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
		"DataErr": func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
	}
	for rname, reader := range readers {
		for _, content := range []string{"", "x", "<h1>page</h1>", long} {
			n := int64(len(content))
			for _, size := range []int64{n, -1, 0, n / 2, n + 100, maxPrealloc + 1} {
				got, err := readBody(reader(content), size)
				if err != nil || got != content {
					t.Errorf("%s reader, %d bytes, size %d: readBody = %d bytes, %v; want the %d bytes, nil",
						rname, len(content), size, len(got), err, len(content))
				}
			}
		}
	}

	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(boom))
	if got, err := readBody(r, 100); !errors.Is(err, boom) || got != "" {
		t.Errorf("readBody of a failing reader = %q, %v; want \"\", %v", got, err, boom)
	}
}

// TestReadBodyAllocs checks that a body of known length costs one
// allocation: the buffer that becomes the string.
func TestReadBodyAllocs(t *testing.T) {
	content := strings.Repeat("x", 4096)
	r := strings.NewReader(content)
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(content)
		if got, err := readBody(r, int64(len(content))); err != nil || len(got) != len(content) {
			t.Fatalf("readBody = %d bytes, %v", len(got), err)
		}
	})
	if allocs != 1 {
		t.Errorf("readBody of a 4 KiB body of known length made %v allocations; want 1", allocs)
	}
}
