package s3store_test

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/conformance/faultproxy"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

// TestConformance runs the whole contract, its failure half included, on
// every server: a missing bucket, a server taken away by a proxy, and the
// HTTP requests of each operation.
func TestConformance(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		client, _ := newClient(t, srv, clientConfig{})
		// A bucket per store, under the longest prefix allowed: the
		// suite's longest names then fill S3's 1024-byte keys.
		newPrefixed := func(tb testing.TB, client *s3.Client, bucket string) store.MutableStore {
			s, err := s3store.New(client, bucket, s3store.Options{Prefix: longPrefix(tb)})
			if err != nil {
				tb.Fatal(err)
			}
			return s
		}
		conformance.RunHarness(t, conformance.Harness{
			NewStore: func(tb testing.TB) store.MutableStore {
				return newPrefixed(tb, client, newBucket(tb, client))
			},
			Misconfigured: func(tb testing.TB) store.MutableStore {
				return newPrefixed(tb, client, testservice.UniqueName(tb, "missing-"))
			},
			Proxied: func(tb testing.TB) (store.MutableStore, *faultproxy.Proxy) {
				u, err := url.Parse(srv.Endpoint)
				if err != nil {
					tb.Fatal(err)
				}
				p := faultproxy.New(tb, u.Host)
				// One attempt: the SDK would retry a refused
				// connection with backoff, which only slows the test.
				c, _ := newClient(tb, srv, clientConfig{endpoint: "http://" + p.Addr(), attempts: 1})
				return newPrefixed(tb, c, newBucket(tb, client)), p
			},
			Requests: func(tb testing.TB) (store.MutableStore, func() int) {
				c, reqs := newClient(tb, srv, clientConfig{})
				s := newPrefixed(tb, c, newBucket(tb, client))
				n := 0
				return s, func() int { n += len(reqs.take()); return n }
			},
			Secrets: []string{srv.SecretKey},
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
	key := "/" + s.Bucket() + "/" + s3store.ObjectKey(s, "static/page.html")

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
	srv := testservice.MinIO(t)
	client, _ := newClient(t, srv, clientConfig{})
	bucket := newBucket(t, client)
	s, err := s3store.New(client, bucket, s3store.Options{Prefix: "site/blog/"})
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
	if got := s3store.ObjectKey(s, name); got != "site/blog/"+name {
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
	if _, err := s3store.New(client, "", s3store.Options{}); err == nil || !strings.Contains(err.Error(), "bucket") {
		t.Errorf("New without a bucket = %v; want an error asking for a bucket", err)
	}
	if _, err := s3store.New(nil, "b", s3store.Options{}); err == nil {
		t.Error("New(nil client) = nil error; want an error")
	}
	for _, prefix := range []string{"", "site/", "sites/blog/", "a b/", "%2F/"} {
		if _, err := s3store.New(client, "b", s3store.Options{Prefix: prefix}); err != nil {
			t.Errorf("New with Prefix %q = %v; want nil", prefix, err)
		}
	}
	for _, prefix := range []string{"site", "/", "/site/", "site//", "../", "a/../", "./", "a\\b/", "a\x00/"} {
		_, err := s3store.New(client, "b", s3store.Options{Prefix: prefix})
		if err == nil || !strings.Contains(err.Error(), "Options.Prefix") {
			t.Errorf("New with Prefix %q = %v; want an error naming Options.Prefix", prefix, err)
		}
	}
}

// TestErrorChain checks that a failure keeps the SDK's error reachable.
func TestErrorChain(t *testing.T) {
	srv := testservice.MinIO(t)
	client, _ := newClient(t, srv, clientConfig{})
	s, err := s3store.New(client, testservice.UniqueName(t, "missing-"), s3store.Options{})
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

// TestLongestNameUnderLongestPrefix checks the promise that a name valid on
// one backend is valid on all: a store.MaxNameLen-byte name under a
// store.MaxPrefixLen-byte prefix fills S3's 1024-byte key limit exactly and
// works on every server, with one request per operation.
func TestLongestNameUnderLongestPrefix(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		client, reqs := newClient(t, srv, clientConfig{})
		prefix := longPrefix(t)
		s, err := s3store.New(client, newBucket(t, client), s3store.Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		name := strings.Repeat("n/", (store.MaxNameLen-1)/2)
		name += strings.Repeat("m", store.MaxNameLen-len(name))
		if len(prefix)+len(name) != 1024 || store.ValidateName(name) != nil {
			t.Fatalf("test bug: key of %d bytes, ValidateName = %v", len(prefix)+len(name), store.ValidateName(name))
		}
		reqs.take()
		ctx := t.Context()
		if err := s.Write(ctx, name, "v"); err != nil {
			t.Fatalf("Write of a %d-byte name under a %d-byte prefix = %v; want nil", len(name), len(prefix), err)
		}
		if got, err := s.Read(ctx, name); err != nil || got != "v" {
			t.Fatalf("Read = %q, %v; want \"v\", nil", got, err)
		}
		if err := s.Delete(ctx, name); err != nil {
			t.Fatalf("Delete = %v; want nil", err)
		}
		if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Read after Delete = %v; want store.ErrNotFound", err)
		}
		if got := reqs.take(); len(got) != 4 {
			t.Errorf("four operations sent %d requests %q; want 4", len(got), got)
		}
	})
}

// TestPrefixTooLong checks that New refuses a prefix longer than
// store.MaxPrefixLen, naming the limit.
func TestPrefixTooLong(t *testing.T) {
	client := s3.New(s3.Options{Region: "us-east-1"})
	prefix := strings.Repeat("p", store.MaxPrefixLen) + "/"
	_, err := s3store.New(client, "b", s3store.Options{Prefix: prefix})
	if err == nil || !strings.Contains(err.Error(), "more than 256") {
		t.Fatalf("New with a %d-byte prefix = %v; want an error naming the %d-byte limit", len(prefix), err, store.MaxPrefixLen)
	}
}
