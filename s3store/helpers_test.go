package s3store_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

func TestMain(m *testing.M) { testservice.Main(m) }

// servers runs f once per S3-compatible server, as subtests named after the
// server, so every behaviour is checked on MinIO and on versitygw.
func servers(t *testing.T, f func(t *testing.T, srv testservice.S3Server)) {
	t.Helper()
	for _, get := range []func(testing.TB) testservice.S3Server{testservice.MinIO, testservice.VersityGW} {
		srv := get(t)
		t.Run(srv.Name, func(t *testing.T) { f(t, srv) })
	}
}

// requests counts the HTTP requests a client sends, by method. It wraps the
// client's transport, below the SDK's retries, so a retried or doubled
// request shows up as two.
type requests struct {
	next s3.HTTPClient

	mu   sync.Mutex
	sent []string // "METHOD /path", in order
}

func (r *requests) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.sent = append(r.sent, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	return r.next.Do(req)
}

// take returns the requests sent since the last call and forgets them.
func (r *requests) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	sent := r.sent
	r.sent = nil
	return sent
}

// clientConfig is how a test wants its client built.
type clientConfig struct {
	endpoint  string // default: the server's
	accessKey string // default: the server's
	secretKey string // default: the server's
	attempts  int    // default: the SDK's (3)
	uncounted bool   // no request counter (benchmarks: it keeps every request)
	// sdkChecksums keeps the SDK's default checksums (WhenSupported)
	// instead of the WhenRequired the package recommends.
	sdkChecksums bool
}

// newClient returns a client configured as the package documentation
// recommends for S3-compatible servers, and the counter of its requests.
func newClient(t testing.TB, srv testservice.S3Server, cc clientConfig) (*s3.Client, *requests) {
	t.Helper()
	if cc.endpoint == "" {
		cc.endpoint = srv.Endpoint
	}
	if cc.accessKey == "" {
		cc.accessKey = srv.AccessKey
	}
	if cc.secretKey == "" {
		cc.secretKey = srv.SecretKey
	}
	counter := &requests{next: awshttp.NewBuildableClient()}
	var httpClient s3.HTTPClient = counter
	if cc.uncounted {
		httpClient = counter.next
	}
	reqChecksums, respChecksums := aws.RequestChecksumCalculationWhenRequired, aws.ResponseChecksumValidationWhenRequired
	if cc.sdkChecksums {
		reqChecksums, respChecksums = aws.RequestChecksumCalculationWhenSupported, aws.ResponseChecksumValidationWhenSupported
	}
	client := s3.New(s3.Options{
		Region:                     srv.Region,
		BaseEndpoint:               aws.String(cc.endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(cc.accessKey, cc.secretKey, ""),
		RequestChecksumCalculation: reqChecksums,
		ResponseChecksumValidation: respChecksums,
		HTTPClient:                 httpClient,
		RetryMaxAttempts:           cc.attempts,
	})
	return client, counter
}

// newBucket creates a bucket with a unique name and removes it, objects
// first, when the test ends.
func newBucket(t testing.TB, client *s3.Client) string {
	t.Helper()
	bucket := testservice.UniqueName(t, "s3store-")
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", bucket, err)
	}
	testservice.Cleanup(t, func(ctx context.Context) {
		if err := removeBucket(ctx, client, bucket); err != nil {
			t.Errorf("remove bucket %s: %v", bucket, err)
		}
	})
	return bucket
}

// removeBucket deletes every object of bucket, then the bucket. Servers that
// keep keys as paths list "a/b" only once "a/" holds nothing else, so it
// loops until the listing comes back empty.
func removeBucket(ctx context.Context, client *s3.Client, bucket string) error {
	for range 10 {
		var keys []types.ObjectIdentifier
		pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list: %w", err)
			}
			for _, o := range page.Contents {
				keys = append(keys, types.ObjectIdentifier{Key: o.Key})
			}
		}
		if len(keys) == 0 {
			break
		}
		// Deepest keys first, so directory-backed servers can remove
		// parents once their children are gone.
		slices.SortFunc(keys, func(a, b types.ObjectIdentifier) int {
			return strings.Count(*b.Key, "/") - strings.Count(*a.Key, "/")
		})
		for chunk := range slices.Chunk(keys, 1000) {
			out, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
				Bucket: aws.String(bucket),
				Delete: &types.Delete{Objects: chunk, Quiet: aws.Bool(true)},
			})
			if err != nil {
				return fmt.Errorf("delete objects: %w", err)
			}
			if len(out.Errors) > 0 {
				e := out.Errors[0]
				return fmt.Errorf("delete %s: %s", aws.ToString(e.Key), aws.ToString(e.Message))
			}
		}
	}
	_, err := client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	return err
}

// newStore returns a store with a unique prefix in bucket.
func newStore(t testing.TB, client *s3.Client, bucket string) *s3store.Store {
	t.Helper()
	s, err := s3store.New(client, bucket, s3store.Options{Prefix: testservice.UniqueName(t, "t-") + "/"})
	if err != nil {
		t.Fatalf("s3store.New: %v", err)
	}
	return s
}

// apiCode returns the S3 error code in err's chain, or "" when there is none.
func apiCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// longPrefix returns a unique prefix of exactly store.MaxPrefixLen bytes,
// the longest one a store may have.
func longPrefix(tb testing.TB) string {
	p := testservice.UniqueName(tb, "long-") + "/"
	p += strings.Repeat("p", store.MaxPrefixLen-len(p)-1) + "/"
	if len(p) != store.MaxPrefixLen {
		tb.Fatalf("test bug: prefix of %d bytes", len(p))
	}
	return p
}
