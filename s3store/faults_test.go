package s3store_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

// TestServerStopped runs the store through a proxy that stops and starts
// again: while stopped, every operation fails (never ErrNotFound); once it
// is back, the same Store works without being rebuilt.
func TestServerStopped(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		admin, _ := newClient(t, srv, clientConfig{})
		bucket := newBucket(t, admin)
		u, err := url.Parse(srv.Endpoint)
		if err != nil {
			t.Fatal(err)
		}
		proxy := testservice.NewProxy(t, u.Host)
		// One attempt: the SDK would otherwise retry a refused
		// connection with backoff, which only slows the test.
		client, _ := newClient(t, srv, clientConfig{endpoint: "http://" + proxy.Addr(), attempts: 1})
		s := newStore(t, client, bucket)
		ctx := t.Context()
		if err := s.Write(ctx, "page", "before"); err != nil {
			t.Fatal(err)
		}

		proxy.Stop()
		_, err = s.Read(ctx, "page")
		conformance.ExpectFailure(t, "Read with the server stopped", err, store.OpRead, "page", srv.SecretKey)
		if msg := err.Error(); !strings.Contains(msg, proxy.Addr()) && !strings.Contains(msg, "connection") {
			t.Errorf("Read with the server stopped = %q; want a message naming the address or the connection", msg)
		}
		conformance.ExpectFailure(t, "Write with the server stopped", s.Write(ctx, "page", "during"), store.OpWrite, "page", srv.SecretKey)
		conformance.ExpectFailure(t, "Delete with the server stopped", s.Delete(ctx, "page"), store.OpDelete, "page", srv.SecretKey)

		proxy.Start()
		conformance.ExpectRecovery(t, s, "page", "before")
	})
}

// TestWrongCredentials checks that bad keys fail with the server's code and
// that neither the wrong nor the right secret shows in the message.
func TestWrongCredentials(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		admin, _ := newClient(t, srv, clientConfig{})
		bucket := newBucket(t, admin)
		good := newStore(t, admin, bucket)
		if err := good.Write(t.Context(), "page", "v"); err != nil {
			t.Fatal(err)
		}
		const wrongSecret = "wrong-secret-Zq7xV9"
		// What each server answers; versitygw says 404 for an unknown
		// key, which must not read as a missing name.
		unknownKeyCode := map[string]string{"minio": "InvalidAccessKeyId", "versitygw": "XAdminUserNotFound"}[srv.Name]
		for _, tc := range []struct {
			name string
			cc   clientConfig
			code string
		}{
			{"WrongSecret", clientConfig{secretKey: wrongSecret, attempts: 1}, "SignatureDoesNotMatch"},
			{"UnknownAccessKey", clientConfig{accessKey: "unknown-access-key", secretKey: wrongSecret, attempts: 1}, unknownKeyCode},
		} {
			t.Run(tc.name, func(t *testing.T) {
				client, _ := newClient(t, srv, tc.cc)
				s, err := s3store.New(client, bucket, s3store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				name := s3store.ObjectKey(good, "page") // the object exists: a wrong key must not read as missing
				_, rerr := s.Read(t.Context(), name)
				werr := s.Write(t.Context(), name, "x")
				derr := s.Delete(t.Context(), name)
				_, missErr := s.Read(t.Context(), "never-written")
				for _, c := range []struct {
					call, op, name string
					err            error
				}{
					{"Read", store.OpRead, name, rerr},
					{"Write", store.OpWrite, name, werr},
					{"Delete", store.OpDelete, name, derr},
					{"Read of a missing name", store.OpRead, "never-written", missErr},
				} {
					conformance.ExpectFailure(t, c.call+" with "+tc.name, c.err, c.op, c.name, wrongSecret, srv.SecretKey)
					if code := apiCode(c.err); code != tc.code {
						t.Errorf("%s with %s: S3 code %q; want %q (error: %v)", c.call, tc.name, code, tc.code, c.err)
					}
				}
			})
		}
	})
}

// TestMissingBucket checks that a missing bucket is a configuration error,
// not a missing name, for every operation.
func TestMissingBucket(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		client, _ := newClient(t, srv, clientConfig{})
		s, err := s3store.New(client, testservice.UniqueName(t, "missing-"), s3store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		_, rerr := s.Read(ctx, "page")
		for _, c := range []struct {
			call, op string
			err      error
		}{
			{"Read", store.OpRead, rerr},
			{"Write", store.OpWrite, s.Write(ctx, "page", "v")},
			{"Delete", store.OpDelete, s.Delete(ctx, "page")},
		} {
			conformance.ExpectFailure(t, c.call+" in a missing bucket", c.err, c.op, "page", srv.SecretKey)
			if code := apiCode(c.err); code != "NoSuchBucket" {
				t.Errorf("%s in a missing bucket: S3 code %q; want NoSuchBucket (error: %v)", c.call, code, c.err)
			}
		}
	})
}

// TestContext checks that a cancelled or expired context gives a context
// error, both before the request and while it waits for an answer. The
// waiting is done by a listener that accepts connections and never answers,
// standing in for a server that hangs.
func TestContext(t *testing.T) {
	srv := testservice.MinIO(t)
	client, reqs := newClient(t, srv, clientConfig{})
	s := newStore(t, client, "any-bucket")

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Read(cancelled, "page")
	if !errors.Is(err, context.Canceled) || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read with a cancelled context = %v; want context.Canceled", err)
	}
	if err := s.Write(cancelled, "page", "v"); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a cancelled context = %v; want context.Canceled", err)
	}
	if got := reqs.take(); len(got) != 0 {
		t.Errorf("operations with a cancelled context sent %q; want no request", got)
	}

	hang := testservice.StalledServer(t)
	slow, _ := newClient(t, srv, clientConfig{endpoint: "http://" + hang})
	s = newStore(t, slow, "any-bucket")

	ctx, cancelTimeout := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancelTimeout()
	_, err = s.Read(ctx, "page")
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read from a server that never answers, 100ms deadline = %v; want context.DeadlineExceeded", err)
	}

	ctx, cancel = context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	err = s.Write(ctx, "page", "v")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Write to a server that never answers, cancelled = %v; want context.Canceled", err)
	}
	var se *store.Error
	if !errors.As(err, &se) || se.Op != store.OpWrite {
		t.Errorf("Write cancelled = %v; want a *store.Error for write", err)
	}
}

// TestForbidden reads as an anonymous caller, which both servers refuse with
// 403 AccessDenied: a failure, never ErrNotFound, even for a missing key
// (AWS answers the same way when the caller lacks s3:ListBucket).
func TestForbidden(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		admin, _ := newClient(t, srv, clientConfig{})
		bucket := newBucket(t, admin)
		anonymous := s3.New(s3.Options{
			Region:       srv.Region,
			BaseEndpoint: aws.String(srv.Endpoint),
			UsePathStyle: true,
			Credentials:  aws.AnonymousCredentials{},
		})
		s, err := s3store.New(anonymous, bucket, s3store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Read(t.Context(), "never-written")
		conformance.ExpectFailure(t, "anonymous Read of a missing name", err, store.OpRead, "never-written", srv.SecretKey)
		if code := apiCode(err); code != "AccessDenied" {
			t.Errorf("anonymous Read: S3 code %q; want AccessDenied (error: %v)", code, err)
		}
		conformance.ExpectFailure(t, "anonymous Write", s.Write(t.Context(), "page", "v"), store.OpWrite, "page", srv.SecretKey)
	})
}

// TestBodiless404 checks the other form of "missing": a 404 without an S3
// error body, which the SDK reports with the code NotFound. HeadObject
// answers that way on every server; GetObject may, behind some gateways.
func TestBodiless404(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		client, _ := newClient(t, srv, clientConfig{})
		bucket := newBucket(t, client)
		_, err := client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("never-written")})
		if code := apiCode(err); code != "NotFound" || !s3store.NotFound(err) {
			t.Errorf("HeadObject of a missing key = %v (code %q); want code NotFound, which counts as missing", err, code)
		}
		// A bodiless 404 cannot say whether the key or the bucket is
		// missing: HeadObject in a missing bucket answers the same.
		// That is one reason Read uses GetObject alone, whose 404s carry
		// NoSuchKey or NoSuchBucket.
	})
}
