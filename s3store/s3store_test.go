package s3store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

func TestConformance(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		client, _ := newClient(t, srv, clientConfig{})
		conformance.Run(t, func(tb testing.TB) store.MutableStore {
			// A bucket per store and no prefix: the suite writes
			// 1024-byte names, which fill S3's key limit alone.
			// TestKeys, TestRoundTrips and TestPaths use prefixes.
			s, err := s3store.New(client, s3store.Options{Bucket: newBucket(tb, client)})
			if err != nil {
				tb.Fatal(err)
			}
			return s
		})
	})
}

// TestRoundTrips counts the HTTP requests of each operation: exactly one,
// with the expected method, and no HeadObject before a read. It runs with
// the recommended client and with the SDK's default checksums, which must
// not add requests either.
func TestRoundTrips(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		for _, cc := range []struct {
			name string
			cc   clientConfig
		}{
			{"WhenRequired", clientConfig{}},
			{"SDKDefaultChecksums", clientConfig{sdkChecksums: true}},
		} {
			t.Run(cc.name, func(t *testing.T) { testRoundTrips(t, srv, cc.cc) })
		}
	})
}

func testRoundTrips(t *testing.T, srv testservice.S3Server, cc clientConfig) {
	client, reqs := newClient(t, srv, cc)
	s := newStore(t, client, newBucket(t, client))
	reqs.take()
	ctx := t.Context()
	key := "/" + s.Bucket() + "/" + s.Key("static/page.html")

	steps := []struct {
		op   string
		run  func() error
		want string
	}{
		{"Write", func() error { return s.Write(ctx, "static/page.html", strings.Repeat("x", 4096)) }, "PUT " + key},
		{"Read", func() error {
			got, err := s.Read(ctx, "static/page.html")
			if err == nil && len(got) != 4096 {
				t.Errorf("Read returned %d bytes; want 4096", len(got))
			}
			return err
		}, "GET " + key},
		{"Overwrite", func() error { return s.Write(ctx, "static/page.html", "") }, "PUT " + key},
		{"ReadEmpty", func() error { _, err := s.Read(ctx, "static/page.html"); return err }, "GET " + key},
		{"Delete", func() error { return s.Delete(ctx, "static/page.html") }, "DELETE " + key},
		{"ReadMissing", func() error {
			if _, err := s.Read(ctx, "static/page.html"); !errors.Is(err, store.ErrNotFound) {
				return err
			}
			return nil
		}, "GET " + key},
		{"DeleteMissing", func() error { return s.Delete(ctx, "static/page.html") }, "DELETE " + key},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Errorf("%s: %v", st.op, err)
		}
		if got := reqs.take(); !slices.Equal(got, []string{st.want}) {
			t.Errorf("%s sent %d requests %q; want exactly [%q]", st.op, len(got), got, st.want)
		}
	}

	// Invalid names and done contexts never reach the server.
	s.Write(ctx, "../escape", "x")
	s.Read(ctx, "/abs")
	s.Delete(ctx, "a//b")
	if got := reqs.take(); len(got) != 0 {
		t.Errorf("operations on invalid names sent %q; want no request", got)
	}
}

// TestKeys checks that a name is stored under the prefix followed by the
// name, unchanged, so other tools see the objects where they expect them.
func TestKeys(t *testing.T) {
	srv := testservice.S3(t)
	client, _ := newClient(t, srv, clientConfig{})
	bucket := newBucket(t, client)
	s, err := s3store.New(client, s3store.Options{Bucket: bucket, Prefix: "site/blog/"})
	if err != nil {
		t.Fatal(err)
	}
	const name = "static/en-US-post%2Ffoo é.json"
	if err := s.Write(t.Context(), name, "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.HeadObject(t.Context(), &s3.HeadObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("site/blog/" + name),
	}); err != nil {
		t.Errorf("HeadObject of key %q after Write(%q): %v; want the object there", "site/blog/"+name, name, err)
	}
	if got := s.Key(name); got != "site/blog/"+name {
		t.Errorf("Key(%q) = %q; want %q", name, got, "site/blog/"+name)
	}
}

// TestPaths covers servers that keep keys as paths: "a" beside "a/b" is
// either held (MinIO) or refused with store.ErrConflict (versitygw), and a
// read that would cross a file or stop at a directory is ErrNotFound.
func TestPaths(t *testing.T) {
	// How each server answers a write of "a/b" beside "a" and of "x"
	// beside "x/y": "" when it holds both names.
	wantCodes := map[string][2]string{
		"minio":     {"", ""},
		"versitygw": {"ObjectParentIsFile", "ExistingObjectIsDirectory"},
	}
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		client, _ := newClient(t, srv, clientConfig{})
		s := newStore(t, client, newBucket(t, client))
		ctx := t.Context()
		want, known := wantCodes[srv.Name]
		if !known {
			t.Fatalf("no expectation for server %q", srv.Name)
		}

		write := func(name, content, wantCode string) {
			t.Helper()
			err := s.Write(ctx, name, content)
			if wantCode == "" {
				if err != nil {
					t.Errorf("Write(%q) = %v; want nil: %s holds both names", name, err, srv.Name)
				}
				return
			}
			if !errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
				t.Errorf("Write(%q) = %v; want an error matching store.ErrConflict only", name, err)
			}
			if code := apiCode(err); code != wantCode {
				t.Errorf("Write(%q) error has S3 code %q; want %q reachable with errors.As", name, code, wantCode)
			}
			var se *store.Error
			if !errors.As(err, &se) || se.Op != store.OpWrite || se.Name != name {
				t.Errorf("Write(%q) = %#v; want a *store.Error for op %q and the name", name, err, store.OpWrite)
			}
		}
		read := func(name, want string) {
			t.Helper()
			got, err := s.Read(ctx, name)
			if err != nil || got != want {
				t.Errorf("Read(%q) = %q, %v; want %q, nil", name, got, err, want)
			}
		}
		notFound := func(name, why string) {
			t.Helper()
			if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Read(%q) = %v; want store.ErrNotFound (%s)", name, err, why)
			}
		}

		write("a", "file a", "")
		notFound("a/b", `"a" is an object, "a/b" was never written`)
		notFound("a/b/c", `"a" is an object`)
		write("a/b", "file a/b", want[0])
		read("a", "file a")

		write("x/y", "file x/y", "")
		notFound("x", `only "x/y" exists`)
		write("x", "file x", want[1])
		read("x/y", "file x/y")
		if want[1] == "" {
			read("x", "file x")
		} else {
			notFound("x", "the conflicting write must not leave anything behind")
		}

		// Once the child is gone, the name is free again.
		if err := s.Delete(ctx, "x/y"); err != nil {
			t.Fatal(err)
		}
		write("x", "file x", "")
		read("x", "file x")
	})
}

func TestNewOptions(t *testing.T) {
	client := s3.New(s3.Options{Region: "us-east-1"})
	if _, err := s3store.New(client, s3store.Options{}); err == nil || !strings.Contains(err.Error(), "Options.Bucket") {
		t.Errorf("New without a bucket = %v; want an error naming Options.Bucket", err)
	}
	if _, err := s3store.New(nil, s3store.Options{Bucket: "b"}); err == nil {
		t.Error("New(nil client) = nil error; want an error")
	}
	for _, prefix := range []string{"", "site/", "sites/blog/", "a b/", "%2F/"} {
		if _, err := s3store.New(client, s3store.Options{Bucket: "b", Prefix: prefix}); err != nil {
			t.Errorf("New with Prefix %q = %v; want nil", prefix, err)
		}
	}
	for _, prefix := range []string{"site", "/", "/site/", "site//", "../", "a/../", "./", "a\\b/", "a\x00/"} {
		_, err := s3store.New(client, s3store.Options{Bucket: "b", Prefix: prefix})
		if err == nil || !strings.Contains(err.Error(), "Options.Prefix") {
			t.Errorf("New with Prefix %q = %v; want an error naming Options.Prefix", prefix, err)
		}
	}
}

// TestErrorChain checks that a failure keeps the SDK's error reachable.
func TestErrorChain(t *testing.T) {
	srv := testservice.S3(t)
	client, _ := newClient(t, srv, clientConfig{})
	s, err := s3store.New(client, s3store.Options{Bucket: testservice.UniqueName(t, "missing-")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Read(t.Context(), "page")
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "NoSuchBucket" {
		t.Errorf("Read from a missing bucket = %v; want a smithy.APIError with code NoSuchBucket in the chain", err)
	}
	var se *store.Error
	if !errors.As(err, &se) || se.Op != store.OpRead || se.Name != "page" {
		t.Errorf("Read from a missing bucket = %v; want a *store.Error for read \"page\"", err)
	}
}

// TestKeyTooLong checks that a name too long for S3 once prefixed fails as
// store.ErrInvalidName without a request, on every server alike.
func TestKeyTooLong(t *testing.T) {
	srv := testservice.S3(t)
	client, reqs := newClient(t, srv, clientConfig{})
	bucket := newBucket(t, client)
	s, err := s3store.New(client, s3store.Options{Bucket: bucket, Prefix: "site/"})
	if err != nil {
		t.Fatal(err)
	}
	n := s3store.MaxKeyLen - len("site/")
	fits := strings.Repeat("a/", (n-3)/2)
	fits += strings.Repeat("b", n-len(fits))
	if len(fits) != s3store.MaxKeyLen-len("site/") {
		t.Fatalf("test bug: len(fits) = %d", len(fits))
	}
	if err := s.Write(t.Context(), fits, "v"); err != nil {
		t.Errorf("Write of a %d-byte name under a 5-byte prefix = %v; want nil", len(fits), err)
	}
	reqs.take()
	tooLong := fits + "d"
	_, rerr := s.Read(t.Context(), tooLong)
	werr := s.Write(t.Context(), tooLong, "v")
	derr := s.Delete(t.Context(), tooLong)
	for _, err := range []error{rerr, werr, derr} {
		if !errors.Is(err, store.ErrInvalidName) || !strings.Contains(err.Error(), "Options.Prefix") {
			t.Errorf("operation on a name one byte too long for the prefix = %v; want store.ErrInvalidName naming Options.Prefix", err)
		}
	}
	if got := reqs.take(); len(got) != 0 {
		t.Errorf("operations on a name too long sent %q; want no request", got)
	}
}
