package s3store_test

import (
	"context"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/internal/urlparam"
	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

// awsEnv gives the AWS credential chain the keys through the environment
// and nothing else: empty shared files, no instance metadata, and none of
// the host's AWS variables.
func awsEnv(t *testing.T, accessKey, secretKey string) {
	t.Helper()
	for _, v := range []string{
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_SESSION_TOKEN",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REQUEST_CHECKSUM_CALCULATION",
		"AWS_RESPONSE_CHECKSUM_VALIDATION", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	} {
		t.Setenv(v, "") // restores the old value after the test
		os.Unsetenv(v)
	}
	dir := t.TempDir()
	for _, f := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", accessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
}

func TestOpenURL(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		admin, _ := newClient(t, srv, clientConfig{})
		bucket := newBucket(t, admin)
		awsEnv(t, srv.AccessKey, srv.SecretKey)

		rawURL := "s3://" + bucket + "/sites/blog?use_path_style=true&endpoint=" + url.QueryEscape(srv.Endpoint)
		ms, err := store.Open(t.Context(), rawURL)
		if err != nil {
			t.Fatalf("store.Open(%q) = %v", rawURL, err)
		}
		s, ok := ms.(*s3store.Store)
		if !ok {
			t.Fatalf("store.Open returned %T; want *s3store.Store", ms)
		}
		if _, ok := ms.(io.Closer); !ok {
			t.Error("a store opened by URL does not implement io.Closer")
		}
		t.Cleanup(func() { s.Close() })
		if got, want := s3store.ObjectKey(s, "page"), "sites/blog/page"; got != want {
			t.Errorf("Key(page) = %q; want %q: the URL path is the prefix", got, want)
		}
		o := s3store.ClientOptions(s)
		if o.RequestChecksumCalculation != aws.RequestChecksumCalculationWhenRequired ||
			o.ResponseChecksumValidation != aws.ResponseChecksumValidationWhenRequired {
			t.Errorf("checksums: request %v, response %v; want WhenRequired for both with a custom endpoint",
				o.RequestChecksumCalculation, o.ResponseChecksumValidation)
		}
		if !o.UsePathStyle || aws.ToString(o.BaseEndpoint) != srv.Endpoint || o.Region != "us-east-1" {
			t.Errorf("client: path style %v, endpoint %q, region %q; want true, %q, us-east-1",
				o.UsePathStyle, aws.ToString(o.BaseEndpoint), o.Region, srv.Endpoint)
		}

		ctx := t.Context()
		if err := s.Write(ctx, "static/page.html", "from the URL store"); err != nil {
			t.Fatalf("Write = %v; want nil with the credentials from the environment", err)
		}
		if got, err := s.Read(ctx, "static/page.html"); err != nil || got != "from the URL store" {
			t.Errorf("Read = %q, %v; want the content written", got, err)
		}

		// Wrong credentials from the environment: a failure, not NotFound.
		awsEnv(t, srv.AccessKey, "wrong-env-secret")
		ms, err = store.Open(ctx, rawURL)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ms.Read(ctx, "static/page.html")
		conformance.ExpectFailure(t, "Read with a wrong secret from the environment", err, store.OpRead, "static/page.html",
			"wrong-env-secret", srv.SecretKey)
	})
}

func TestOpenURLConfig(t *testing.T) {
	awsEnv(t, "AKIDEXAMPLE", "env-secret")
	ctx := context.Background()

	// An AWS URL: no endpoint, so the SDK's defaults stay.
	ms, err := store.Open(ctx, "s3://my-bucket?region=eu-west-3")
	if err != nil {
		t.Fatal(err)
	}
	s := ms.(*s3store.Store)
	o := s3store.ClientOptions(s)
	if o.Region != "eu-west-3" || o.UsePathStyle || o.BaseEndpoint != nil ||
		o.RequestChecksumCalculation != aws.RequestChecksumCalculationWhenSupported {
		t.Errorf("client for s3://my-bucket?region=eu-west-3: region %q, path style %v, endpoint %v, checksums %v; want eu-west-3, false, nil, WhenSupported",
			o.Region, o.UsePathStyle, o.BaseEndpoint, o.RequestChecksumCalculation)
	}
	if s.Bucket() != "my-bucket" || s3store.ObjectKey(s, "a") != "a" {
		t.Errorf("bucket %q, Key(a) %q; want my-bucket, a", s.Bucket(), s3store.ObjectKey(s, "a"))
	}

	// The region may come from the environment; the prefix's trailing
	// slash is optional.
	t.Setenv("AWS_REGION", "ap-south-1")
	ms, err = store.Open(ctx, "s3://my-bucket/site/?use_path_style=false")
	if err != nil {
		t.Fatal(err)
	}
	s = ms.(*s3store.Store)
	if o := s3store.ClientOptions(s); o.Region != "ap-south-1" || s3store.ObjectKey(s, "a") != "site/a" {
		t.Errorf("region %q, Key(a) %q; want ap-south-1 from AWS_REGION, site/a", o.Region, s3store.ObjectKey(s, "a"))
	}
}

func TestOpenURLErrors(t *testing.T) {
	awsEnv(t, "AKIDEXAMPLE", "env-secret")
	for _, tc := range []struct {
		url, want string
		is        error // nil: no error value to match
	}{
		{"s3://bucket/site?region=us-east-1&color=blue", `unknown parameter "color" (recognized: endpoint, region, use_path_style)`, urlparam.ErrUnknown},
		{"s3://bucket?region=us-east-1&secret_access_key=url-secret", `unknown parameter "secret_access_key"`, urlparam.ErrUnknown},
		{"s3://bucket?region=us-east-1&region=eu-west-1", `parameter "region": given more than once`, urlparam.ErrRepeated},
		{"s3://bucket?use_path_style=maybe&region=us-east-1", `parameter "use_path_style": strconv.ParseBool: parsing "maybe": invalid syntax`, strconv.ErrSyntax},
		{"s3://bucket", "no AWS region", nil},
		{"s3:///site?region=us-east-1", "no bucket", nil},
		{"s3:bucket?region=us-east-1", "no bucket", nil},
		{"s3://AKID:url-secret@bucket?region=us-east-1", "must not carry credentials", nil},
		{"s3://bucket:9000?region=us-east-1", "takes no port", nil},
		{"s3://bucket/a/../b?region=us-east-1", `path: prefix "a/../b/"`, store.ErrInvalidName},
		{"s3://bucket//a?region=us-east-1", "path: prefix", store.ErrInvalidName},
		{"s3://bucket?endpoint=127.0.0.1:9000", `parameter "endpoint": not an http:// or https:// URL`, nil},
		{"s3://bucket?endpoint=ftp://127.0.0.1:9000", `parameter "endpoint": must start with http:// or https://`, nil},
		{"s3://bucket?endpoint=http://", `parameter "endpoint": has no host`, nil},
		{"s3://bucket?endpoint=" + url.QueryEscape("http://AKID:endpoint-secret@127.0.0.1:9000"), `parameter "endpoint": must not carry credentials`, nil},
		{"s3://bucket?region=us-east-1#frag", "#fragment", urlparam.ErrFragment},
		{"s3://bucket?region=us-east-1&prefix=site/", `parameter "prefix": not supported: the prefix is the URL path: s3://BUCKET/PREFIX/`, nil},
		// u.Query would drop the pair and open against AWS itself.
		{"s3://bucket?endpoint=http://127.0.0.1:9000;use_path_style=true", `parameter "endpoint": ';' in the query`, urlparam.ErrSemicolon},
		{"s3://bucket?region=%zz", `parameter "region": invalid percent-encoding`, urlparam.ErrEscape},
		{"s3://bucket?region=us-east-1&use_path_style=", `parameter "use_path_style": empty value`, urlparam.ErrEmpty},
		{"s3://bucket?region=", `parameter "region": empty value`, urlparam.ErrEmpty},
		{"s3://bucket?region=us-east-1&endpoint=", `parameter "endpoint": empty value`, urlparam.ErrEmpty},
	} {
		_, err := store.Open(context.Background(), tc.url)
		if err == nil || !strings.HasPrefix(err.Error(), "store.Open: s3 URL: ") || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "s3store") {
			t.Errorf("store.Open(%q) = %v; want \"store.Open: s3 URL: \" and an error containing %q, no other prefix", tc.url, err, tc.want)
			continue
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("store.Open(%q) = %v; want it to match %v", tc.url, err, tc.is)
		}
		for _, secret := range []string{"url-secret", "endpoint-secret", "env-secret"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("store.Open(%q) = %q; the message contains the secret %q", tc.url, err, secret)
			}
		}
	}
}
