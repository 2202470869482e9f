package bytestring

import (
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"unsafe"
)

var (
	long     = strings.Repeat("0123456789abcdef", 1024) // 16 KiB: several growths from a small hint
	contents = []string{"", "x", "<h1>page</h1>", long}
	boom     = errors.New("connection reset")
)

// hints returns the size hints every read is tried with for content of n
// bytes: right, unknown, and lying in both directions, beyond maxPrealloc too.
func hints(n int64) []int64 {
	return []int64{n, -1, 0, n / 2, n - 1, n + 1, n + 100, maxPrealloc + 1, math.MaxInt64}
}

// TestReadAll covers what real servers rarely do: no Content-Length, a
// wrong one, readers that return little at a time or io.EOF together with
// the last bytes.
func TestReadAll(t *testing.T) {
	readers := map[string]func(string) io.Reader{
		"Plain":   func(s string) io.Reader { return strings.NewReader(s) },
		"OneByte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"Half":    func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
		"DataErr": func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
	}
	for rname, reader := range readers {
		for _, content := range contents {
			for _, hint := range hints(int64(len(content))) {
				got, err := ReadAll(reader(content), hint)
				if err != nil || got != content {
					t.Errorf("%s reader, %d bytes, hint %d: ReadAll = %d bytes, %v; want the %d bytes, nil",
						rname, len(content), hint, len(got), err, len(content))
				}
			}
		}
	}
}

// TestReadAllShortReadIsNotEnd checks that ReadAll, unlike ReadFile, reads
// on after a short read at the hinted size: a reader that returns less than
// asked may have more, and a hint may be too small.
func TestReadAllShortReadIsNotEnd(t *testing.T) {
	r := io.MultiReader(strings.NewReader("abc"), strings.NewReader("def"))
	if got, err := ReadAll(r, 3); err != nil || got != "abcdef" {
		t.Errorf("ReadAll of two readers with hint 3 = %q, %v; want \"abcdef\", nil", got, err)
	}
}

// TestReadErrors checks that an error, before, with or after some bytes,
// is returned as it is, with no partial content.
func TestReadErrors(t *testing.T) {
	readers := map[string]func() io.Reader{
		"First":    func() io.Reader { return iotest.ErrReader(boom) },
		"MidRead":  func() io.Reader { return io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(boom)) },
		"WithData": func() io.Reader { return &dataErrReader{data: "partial", err: boom} },
	}
	for name, reader := range readers {
		for _, hint := range []int64{-1, 0, 3, 7, 100} {
			if got, err := ReadAll(reader(), hint); !errors.Is(err, boom) || got != "" {
				t.Errorf("%s, hint %d: ReadAll = %q, %v; want \"\", %v", name, hint, got, err, boom)
			}
		}
		// A file's reads end at its size (see TestReadFile), so the error
		// must come before that to be seen.
		if got, err := ReadFile(100, reader().Read); !errors.Is(err, boom) || got != "" {
			t.Errorf("%s, size 100: ReadFile = %q, %v; want \"\", %v", name, got, err, boom)
		}
	}
}

// dataErrReader returns its data and its error from the same first Read.
type dataErrReader struct {
	data string
	err  error
}

func (r *dataErrReader) Read(p []byte) (int, error) {
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, r.err
}

// file is a regular file as read(2) sees it: each read returns all that is
// asked, or up to max bytes when max is set, and (0, nil) at the end; calls
// counts the reads.
type file struct {
	data  string
	max   int
	calls int
}

func (f *file) read(p []byte) (int, error) {
	f.calls++
	if f.max > 0 && len(p) > f.max {
		p = p[:f.max]
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReadFile checks ReadFile with a size that is right, and with one that
// is wrong because the file changed between fstat and read: grew, shrank,
// was emptied or filled.
func TestReadFile(t *testing.T) {
	for _, content := range contents {
		for _, size := range hints(int64(len(content))) {
			f := &file{data: content}
			if got, err := ReadFile(size, f.read); err != nil || got != content {
				t.Errorf("%d bytes, size %d: ReadFile = %d bytes, %v; want the %d bytes, nil",
					len(content), size, len(got), err, len(content))
			}
		}
	}
}

// TestReadFileShortBeforeSize checks that a read that comes back short
// before the size is reached (a file system that returns less than asked)
// is not taken as the end. Past the size, a short read is the end: that is
// ReadFile's rule, which makes a grown file read through such a file system
// stop at a short read; regular files on Linux do not return them.
func TestReadFileShortBeforeSize(t *testing.T) {
	for _, content := range contents {
		n := int64(len(content))
		for _, size := range []int64{n, n + 1, n + 100} {
			for _, max := range []int{1, 7, 4096} {
				f := &file{data: content, max: max}
				if got, err := ReadFile(size, f.read); err != nil || got != content {
					t.Errorf("%d bytes, size %d, reads of at most %d: ReadFile = %d bytes, %v; want the %d bytes, nil",
						len(content), size, max, len(got), err, len(content))
				}
			}
		}
	}
}

// TestReadFileOneRead checks the point of ReadFile's end rule: a file whose
// size is right is read with one read call, the empty file included.
func TestReadFileOneRead(t *testing.T) {
	for _, content := range contents {
		f := &file{data: content}
		if got, err := ReadFile(int64(len(content)), f.read); err != nil || got != content || f.calls != 1 {
			t.Errorf("%d bytes: ReadFile = %d bytes, %v, in %d reads; want the %d bytes, nil, in 1",
				len(content), len(got), err, f.calls, len(content))
		}
	}
}

// TestReadFileEOF checks that io.EOF ends ReadFile as (0, nil) does, with
// or without the last bytes, as *os.File.Read and other readers report it.
func TestReadFileEOF(t *testing.T) {
	for _, content := range contents {
		for _, size := range hints(int64(len(content))) {
			r := strings.NewReader(content)
			if got, err := ReadFile(size, r.Read); err != nil || got != content {
				t.Errorf("%d bytes, size %d: ReadFile = %d bytes, %v; want the %d bytes, nil",
					len(content), size, len(got), err, len(content))
			}
		}
		// DataErrReader returns short reads, so only sizes it cannot pass.
		for _, size := range []int64{int64(len(content)), int64(len(content)) + 1} {
			r := iotest.DataErrReader(strings.NewReader(content))
			if got, err := ReadFile(size, r.Read); err != nil || got != content {
				t.Errorf("io.EOF with the data, %d bytes, size %d: ReadFile = %d bytes, %v; want the %d bytes, nil",
					len(content), size, len(got), err, len(content))
			}
		}
	}
}

// TestReadAllBoundsHint checks that a hint far beyond the content does not
// allocate what it claims: math.MaxInt64 would not even fit.
func TestReadAllBoundsHint(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := ReadAll(strings.NewReader("x"), 1<<40)
	runtime.ReadMemStats(&after)
	if err != nil || got != "x" {
		t.Fatalf("ReadAll with a 1 TiB hint = %q, %v; want \"x\", nil", got, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 2*maxPrealloc {
		t.Errorf("ReadAll of 1 byte with a 1 TiB hint allocated %d bytes; want at most %d", n, 2*maxPrealloc)
	}
}

// TestGrow checks how a full buffer grows: to the hint when it is ahead by
// less than the length (a right hint beyond maxPrealloc costs one growth),
// otherwise to twice the length.
func TestGrow(t *testing.T) {
	for _, c := range []struct {
		hint    int64
		wantCap int
	}{
		{1500, 1501}, // to the hint, and the spare byte
		{5000, 2048}, // twice
		{1000, 2048}, // passed: twice
		{-1, 2048},   // unknown: twice
	} {
		buf := []byte(strings.Repeat("x", 1024))
		got := grow(buf, c.hint)
		if string(got) != string(buf) || cap(got) != c.wantCap {
			t.Errorf("grow(1024 bytes, hint %d) = %d bytes, cap %d; want the 1024 bytes, cap %d",
				c.hint, len(got), cap(got), c.wantCap)
		}
	}
}

// TestAllocs checks the point of the package: a read with the right size
// costs one allocation, the buffer that becomes the string, and Bytes none.
func TestAllocs(t *testing.T) {
	content := strings.Repeat("x", 4096)
	r := strings.NewReader(content)
	if n := testing.AllocsPerRun(100, func() {
		r.Reset(content)
		if got, err := ReadAll(r, int64(len(content))); err != nil || len(got) != len(content) {
			t.Fatalf("ReadAll = %d bytes, %v", len(got), err)
		}
	}); n != 1 {
		t.Errorf("ReadAll of 4 KiB with the right hint made %v allocations; want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		r.Reset(content)
		if got, err := ReadFile(int64(len(content)), r.Read); err != nil || len(got) != len(content) {
			t.Fatalf("ReadFile = %d bytes, %v", len(got), err)
		}
	}); n != 1 {
		t.Errorf("ReadFile of 4 KiB with the right size made %v allocations; want 1", n)
	}
	for _, s := range []string{"", content} {
		if n := testing.AllocsPerRun(100, func() { sinkBytes = Bytes(s) }); n != 0 {
			t.Errorf("Bytes of %d bytes made %v allocations; want 0", len(s), n)
		}
	}
}

var (
	sinkBytes  []byte
	sinkString string
)

// TestBytes checks that Bytes shares the string's memory and is never nil.
func TestBytes(t *testing.T) {
	if b := Bytes(""); b == nil || len(b) != 0 {
		t.Errorf("Bytes(\"\") = %#v; want an empty, non-nil slice", b)
	}
	s := strings.Repeat("ab", 100)
	b := Bytes(s)
	if string(b) != s || len(b) != len(s) || cap(b) != len(s) {
		t.Errorf("Bytes(s) = %d bytes (cap %d) %q; want the %d bytes of s", len(b), cap(b), b, len(s))
	}
	if unsafe.SliceData(b) != unsafe.StringData(s) {
		t.Error("Bytes(s) copied s; want its memory shared")
	}
}

// BenchmarkReadAll compares ReadAll with what it replaces in the adapters,
// string(io.ReadAll(r)), for a 4 KiB value whose size is known:
//
//	go test -run '^$' -bench . -benchmem ./internal/bytestring
func BenchmarkReadAll(b *testing.B) {
	content := strings.Repeat("x", 4096)
	r := strings.NewReader(content)
	b.Run("impl=io.ReadAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.Reset(content)
			data, err := io.ReadAll(r)
			if err != nil {
				b.Fatal(err)
			}
			sinkString = string(data)
		}
	})
	b.Run("impl=ReadAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.Reset(content)
			s, err := ReadAll(r, int64(len(content)))
			if err != nil {
				b.Fatal(err)
			}
			sinkString = s
		}
	})
	b.Run("impl=ReadFile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.Reset(content)
			s, err := ReadFile(int64(len(content)), r.Read)
			if err != nil {
				b.Fatal(err)
			}
			sinkString = s
		}
	})
}
