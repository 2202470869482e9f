package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/s3blob"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/s3store/s3storetest"
	"github.com/mutablestore/mutablestore/store"
)

func TestMain(m *testing.M) { s3storetest.Main(m) }

// sizes are the value sizes: a small rendered page and a large one.
var sizes = []struct {
	name string
	n    int
}{{"4KiB", 4 << 10}, {"64KiB", 64 << 10}}

const name = "static/en-US/post/some-article.html"

// content returns n bytes of HTML-like text.
func content(n int) string {
	const line = "<p class=\"post\">The quick brown fox jumps over the lazy dog.</p>\n"
	return strings.Repeat(line, n/len(line)+1)[:n]
}

func checkLen(got, want int, err error) error {
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("read %d bytes; want %d", got, want)
	}
	return nil
}

// backend is one kind of storage: our store and the peers' buckets on it.
type backend struct {
	name string
	// open returns our store and the peers, each named, on fresh storage.
	open func(b *testing.B) (ours map[string]store.MutableStore, peers map[string]*blob.Bucket, order []string)
}

var backends = []backend{
	{"file", func(b *testing.B) (map[string]store.MutableStore, map[string]*blob.Bucket, []string) {
		durable := newFS(b, fsstore.Options{})
		nosync := newFS(b, fsstore.Options{NoSync: true})
		// fileblob writes a temp file and renames it, with no fsync: its
		// like-for-like is fsstore without sync.
		bucket, err := fileblob.OpenBucket(b.TempDir(), nil)
		if err != nil {
			b.Fatalf("fileblob.OpenBucket: %v", err)
		}
		b.Cleanup(func() { bucket.Close() })
		return map[string]store.MutableStore{"fsstore": durable, "fsstore-nosync": nosync},
			map[string]*blob.Bucket{"gocloud-fileblob": bucket},
			[]string{"fsstore", "fsstore-nosync", "gocloud-fileblob"}
	}},
	{"s3", func(b *testing.B) (map[string]store.MutableStore, map[string]*blob.Bucket, []string) {
		s := s3storetest.New(b)
		// The same bucket, through a client of its own configured alike;
		// s3storetest empties it at the end.
		bucket, err := s3blob.OpenBucket(b.Context(), s3storetest.Client(b), s.Bucket(), nil)
		if err != nil {
			b.Fatalf("s3blob.OpenBucket: %v", err)
		}
		b.Cleanup(func() { bucket.Close() })
		return map[string]store.MutableStore{"s3store": s},
			map[string]*blob.Bucket{"gocloud-s3blob": bucket},
			[]string{"s3store", "gocloud-s3blob"}
	}},
}

func newFS(b *testing.B, opts fsstore.Options) *fsstore.Store {
	s, err := fsstore.New(b.TempDir(), opts)
	if err != nil {
		b.Fatalf("fsstore.New: %v", err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// bench runs op's implementations for every backend and size.
func bench(b *testing.B, read bool) {
	for _, be := range backends {
		b.Run("backend="+be.name, func(b *testing.B) {
			ours, peers, order := be.open(b)
			for _, size := range sizes {
				b.Run("size="+size.name, func(b *testing.B) {
					value := content(size.n)
					valueBytes := []byte(value) // a blob caller holds bytes already
					var ops []conformance.Op
					for _, impl := range order {
						if read && impl == "fsstore-nosync" {
							continue // reads as fsstore does
						}
						if s, ok := ours[impl]; ok {
							if read {
								if err := s.Write(b.Context(), name, value); err != nil {
									b.Fatal(err)
								}
								ops = append(ops, conformance.Op{Impl: impl, Do: func(ctx context.Context) error {
									got, err := s.Read(ctx, name)
									return checkLen(len(got), size.n, err)
								}})
								continue
							}
							ops = append(ops, conformance.Op{Impl: impl, Do: func(ctx context.Context) error {
								return s.Write(ctx, name, value)
							}})
							continue
						}
						bucket := peers[impl]
						if read {
							if err := bucket.WriteAll(b.Context(), name, valueBytes, nil); err != nil {
								b.Fatal(err)
							}
							ops = append(ops, conformance.Op{Impl: impl, Do: func(ctx context.Context) error {
								got, err := bucket.ReadAll(ctx, name)
								return checkLen(len(string(got)), size.n, err)
							}})
							continue
						}
						ops = append(ops, conformance.Op{Impl: impl, Do: func(ctx context.Context) error {
							return bucket.WriteAll(ctx, name, valueBytes, nil)
						}})
					}
					conformance.BenchmarkOps(b, ops...)
				})
			}
		})
	}
}

func BenchmarkRead(b *testing.B)  { bench(b, true) }
func BenchmarkWrite(b *testing.B) { bench(b, false) }
