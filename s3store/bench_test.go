package s3store_test

import (
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

// The benchmarks put the store next to the SDK call it makes, on the same
// MinIO server, client and object, in the same run, so that benchstat shows
// what the adapter costs: compare BenchmarkRead/s3store with
// BenchmarkRead/raw-sdk.

const benchSize = conformance.DefaultBenchmarkSize

// benchStore returns a store on MinIO and the client it uses.
func benchStore(b *testing.B) (*s3store.Store, *s3.Client) {
	b.Helper()
	srv := testservice.MinIO(b)
	client, _ := newClient(b, srv, clientConfig{uncounted: true})
	return newStore(b, client, newBucket(b, client)), client
}

func BenchmarkRead(b *testing.B) {
	s, client := benchStore(b)
	const name = "bench/read.html"
	content := strings.Repeat("<p>page</p>\n", benchSize/12) + strings.Repeat("x", benchSize%12)
	if err := s.Write(b.Context(), name, content); err != nil {
		b.Fatal(err)
	}
	b.Run("impl=s3store", func(b *testing.B) {
		ctx := b.Context()
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			got, err := s.Read(ctx, name)
			if err != nil || len(got) != benchSize {
				b.Fatalf("Read = %d bytes, %v", len(got), err)
			}
		}
	})
	b.Run("impl=raw-sdk", func(b *testing.B) {
		ctx := b.Context()
		in := &s3.GetObjectInput{Bucket: aws.String(s.Bucket()), Key: aws.String(s3store.ObjectKey(s, name))}
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			out, err := client.GetObject(ctx, in)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(out.Body)
			out.Body.Close()
			if got := string(data); err != nil || len(got) != benchSize {
				b.Fatalf("GetObject body = %d bytes, %v", len(got), err)
			}
		}
	})
}

func BenchmarkWrite(b *testing.B) {
	s, client := benchStore(b)
	const name = "bench/write.html"
	content := strings.Repeat("<p>page</p>\n", benchSize/12) + strings.Repeat("x", benchSize%12)
	b.Run("impl=s3store", func(b *testing.B) {
		ctx := b.Context()
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Write(ctx, name, content); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=raw-sdk", func(b *testing.B) {
		ctx := b.Context()
		key := s3store.ObjectKey(s, name)
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.PutObject(ctx, &s3.PutObjectInput{
				Bucket:        aws.String(s.Bucket()),
				Key:           aws.String(key),
				Body:          strings.NewReader(content),
				ContentLength: aws.Int64(int64(len(content))),
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkConformance runs the shared benchmarks (Read, Write and a mixed
// parallel load) on MinIO.
func BenchmarkConformance(b *testing.B) {
	srv := testservice.MinIO(b)
	client, _ := newClient(b, srv, clientConfig{uncounted: true})
	bucket := newBucket(b, client)
	conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
		return newStore(tb, client, bucket)
	})
}
