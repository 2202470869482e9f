package s3store_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

const noCredentialsHint = "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"

// openNoCredentials opens a store by URL in an environment with no AWS
// credentials, against a server that counts the requests it gets.
func openNoCredentials(t *testing.T) (store.MutableStore, *atomic.Int32) {
	t.Helper()
	reqs := new(atomic.Int32)
	s3srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(s3srv.Close)
	s, err := store.Open(t.Context(), "s3://bucket?use_path_style=true&endpoint="+s3srv.URL)
	if err != nil {
		t.Fatalf("store.Open = %v; want nil: opening needs no credentials", err)
	}
	t.Cleanup(func() { s.(io.Closer).Close() })
	return s, reqs
}

// TestNoCredentials checks that a store opened by URL where the AWS chain
// finds no credentials says which variables to set, with the chain's own
// error still in the message and the chain, and sends nothing.
func TestNoCredentials(t *testing.T) {
	awsEnv(t, "", "") // and AWS_EC2_METADATA_DISABLED=true
	s, reqs := openNoCredentials(t)
	_, err := s.Read(t.Context(), "page")
	if err == nil || errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), noCredentialsHint) {
		t.Fatalf("Read without credentials = %v; want an error saying %q", err, noCredentialsHint)
	}
	if !strings.Contains(err.Error(), "AWS_EC2_METADATA_DISABLED") {
		t.Errorf("Read without credentials = %v; want the chain's cause (instance metadata disabled) kept", err)
	}
	var se *store.Error
	if !errors.As(err, &se) || se.Op != store.OpRead {
		t.Errorf("Read without credentials = %v; want a *store.Error for read", err)
	}
	if n := reqs.Load(); n != 0 {
		t.Errorf("Read without credentials sent %d requests; want none", n)
	}
}

// TestNoCredentialsQuiet lets the chain fall back to the instance role
// with a stand-in metadata service on loopback that has no token endpoint,
// so the SDK falls back to IMDSv1 and logs a warning about it. Nothing may
// reach stderr: a library does not write there.
func TestNoCredentialsQuiet(t *testing.T) {
	awsEnv(t, "", "")
	var (
		mu    sync.Mutex
		paths []string
	)
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		http.NotFound(w, r) // no token (IMDSv1 only) and no role
	}))
	defer imds.Close()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "false")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)

	stderr := captureStderr(t)
	s, reqs := openNoCredentials(t)
	_, err := s.Read(t.Context(), "page")
	logged := stderr()

	if logged != "" {
		t.Errorf("the SDK wrote to stderr: %q; want nothing", logged)
	}
	if err == nil || !strings.Contains(err.Error(), noCredentialsHint) {
		t.Errorf("Read without credentials = %v; want an error saying %q", err, noCredentialsHint)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) < 2 || paths[0] != "PUT /latest/api/token" {
		t.Errorf("metadata requests %q; want a token request, then IMDSv1 requests", paths)
	}
	if n := reqs.Load(); n != 0 {
		t.Errorf("Read without credentials sent %d requests to S3; want none", n)
	}
}

// captureStderr points os.Stderr at a pipe until the returned function is
// called, which gives what was written. The SDK's default logger takes
// os.Stderr when the configuration is loaded, so the capture must start
// before store.Open.
func captureStderr(t *testing.T) func() string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	orig := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	var once sync.Once
	var out string
	stop := func() string {
		once.Do(func() {
			os.Stderr = orig
			w.Close()
			out = <-done
			r.Close()
		})
		return out
	}
	t.Cleanup(func() { stop() })
	return stop
}
