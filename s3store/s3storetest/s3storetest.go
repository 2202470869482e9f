// Package s3storetest gives a test a ready, empty *s3store.Store on a real
// S3-compatible server, for testing a web engine (or anything else built on
// store.MutableStore) against S3 rather than a mock.
//
//	func TestMain(m *testing.M) { s3storetest.Main(m) }
//
//	func TestRender(t *testing.T) {
//		t.Parallel()
//		s := s3storetest.New(t) // own bucket, emptied and deleted when t ends
//		...
//	}
//
// The server is, in order:
//
//  1. the one MUTABLESTORE_TEST_S3_ENDPOINT names (http://HOST:PORT, with
//     MUTABLESTORE_TEST_S3_ACCESS_KEY and MUTABLESTORE_TEST_S3_SECRET_KEY of
//     a user allowed to create buckets, and MUTABLESTORE_TEST_S3_REGION,
//     default us-east-1), shared with whatever else uses it;
//  2. otherwise a MinIO container started with testcontainers-go when a
//     Docker engine answers, image MUTABLESTORE_TEST_MINIO_IMAGE (default
//     minio/minio; any image taking "server /data"), shared by the tests of
//     one test binary and removed when it ends;
//  3. otherwise the test is skipped with a message saying how to provide a
//     server, or fails when MUTABLESTORE_TEST_REQUIRE=1.
//
// Each store gets its own bucket, emptied and deleted when the test ends, so
// tests may run in parallel on one server. Call Main from TestMain: without
// it a container outlives the test binary when Ryuk, the testcontainers
// reaper, is disabled (TESTCONTAINERS_RYUK_DISABLED=true).
//
// Set AWS_EC2_METADATA_DISABLED=true where no EC2 metadata service exists:
// the client here takes its credentials from the server description, but
// other clients built from the default configuration would look for one.
package s3storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
)

// Main runs the tests, removes the containers they started and exits with
// their status; use it as the whole body of TestMain. One call serves every
// harness package (redisstoretest, pgstoretest, s3storetest) of a binary.
func Main(m *testing.M) { testservice.Main(m) }

// Server is the S3-compatible server the tests use.
type Server struct {
	// Endpoint is the base URL, such as "http://127.0.0.1:19000".
	Endpoint string
	// AccessKey and SecretKey are root credentials: they may create and
	// delete buckets.
	AccessKey, SecretKey string
	// Region is the signing region.
	Region string
}

// Get returns the server, starting a container if needed (see the package
// documentation). It is shared: use buckets of your own.
func Get(t testing.TB) Server {
	t.Helper()
	srv := testservice.MinIO(t)
	return Server{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region}
}

// Client returns a client of the server configured as s3store recommends for
// S3-compatible servers: path-style addressing, checksums only when
// required.
func Client(t testing.TB) *s3.Client {
	t.Helper()
	srv := Get(t)
	return s3.New(s3.Options{
		BaseEndpoint:               aws.String(srv.Endpoint),
		Region:                     srv.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		UsePathStyle:               true,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// New returns an empty store in a bucket of its own, created now and, with
// every object in it, deleted when the test ends.
func New(t testing.TB) *s3store.Store {
	t.Helper()
	c := Client(t)
	bucket := testservice.UniqueName(t, "mstoretest-")
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("s3storetest: creating bucket %s: %v", bucket, err)
	}
	testservice.Cleanup(t, func(ctx context.Context) {
		if err := removeBucket(ctx, c, bucket); err != nil {
			t.Errorf("s3storetest: removing bucket %s: %v", bucket, err)
		}
	})
	s, err := s3store.New(c, bucket, s3store.Options{})
	if err != nil {
		t.Fatalf("s3storetest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func removeBucket(ctx context.Context, c *s3.Client, bucket string) error {
	// Several passes, deepest keys first: a server that keeps objects as
	// files (MinIO, versitygw) may hold "a" and "a/b" only as a file beside
	// a directory, and list or remove one only once the other is gone.
	for range 10 {
		var keys []string
		pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, o := range page.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
		}
		if len(keys) == 0 {
			break
		}
		slices.SortFunc(keys, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
		// One request per object: DeleteObjects needs a Content-MD5 or
		// checksum that some S3-compatible servers insist on.
		for _, key := range keys {
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: &key}); err != nil {
				return err
			}
		}
	}
	_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
	return err
}
