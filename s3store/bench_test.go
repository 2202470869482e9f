package s3store_test

import (
	"context"
	"fmt"
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
// MinIO server, client and object, in the same run, at each of
// conformance.Concurrencies, so that benchstat -col /impl shows what the
// adapter costs: compare impl=s3store with impl=raw-sdk in each c= row.

const benchSize = conformance.DefaultBenchmarkSize

// benchStore returns a store on MinIO and the client it uses.
func benchStore(b *testing.B) (*s3store.Store, *s3.Client) {
	b.Helper()
	srv := testservice.MinIO(b)
	client, _ := newClient(b, srv, clientConfig{uncounted: true})
	return newStore(b, client, newBucket(b, client)), client
}

func benchContent() string {
	return strings.Repeat("<p>page</p>\n", benchSize/12) + strings.Repeat("x", benchSize%12)
}

// checkRead is the Read benchmarks' check of what they read.
func checkRead(got string, err error) error {
	if err != nil {
		return err
	}
	if len(got) != benchSize {
		return fmt.Errorf("read %d bytes; want %d", len(got), benchSize)
	}
	return nil
}

func BenchmarkRead(b *testing.B) {
	s, client := benchStore(b)
	const name = "bench/read.html"
	if err := s.Write(b.Context(), name, benchContent()); err != nil {
		b.Fatal(err)
	}
	bucket, key := aws.String(s.Bucket()), aws.String(s3store.ObjectKey(s, name))
	conformance.BenchmarkOps(b,
		conformance.Op{Impl: "raw-sdk", Do: func(ctx context.Context) error {
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
			if err != nil {
				return err
			}
			data, err := io.ReadAll(out.Body)
			out.Body.Close()
			return checkRead(string(data), err)
		}},
		conformance.Op{Impl: "s3store", Do: func(ctx context.Context) error {
			return checkRead(s.Read(ctx, name))
		}},
	)
}

func BenchmarkWrite(b *testing.B) {
	s, client := benchStore(b)
	const name = "bench/write.html"
	content := benchContent()
	bucket, key := aws.String(s.Bucket()), aws.String(s3store.ObjectKey(s, name))
	conformance.BenchmarkOps(b,
		conformance.Op{Impl: "raw-sdk", Do: func(ctx context.Context) error {
			_, err := client.PutObject(ctx, &s3.PutObjectInput{
				Bucket:        bucket,
				Key:           key,
				Body:          strings.NewReader(content),
				ContentLength: aws.Int64(int64(len(content))),
			})
			return err
		}},
		conformance.Op{Impl: "s3store", Do: func(ctx context.Context) error {
			return s.Write(ctx, name, content)
		}},
	)
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
