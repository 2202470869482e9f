package s3store_test

import (
	"io"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

// TestCloseReleasesConnections opens stores by URL, uses each so that it
// keeps an idle keep-alive connection (a socket and two goroutines), and
// checks that Close gives the goroutines back: without it they would live
// until the transport's idle timeout, 90 seconds.
func TestCloseReleasesConnections(t *testing.T) {
	srv := testservice.MinIO(t)
	admin, _ := newClient(t, srv, clientConfig{})
	bucket := newBucket(t, admin)
	awsEnv(t, srv.AccessKey, srv.SecretKey)
	rawURL := "s3://" + bucket + "/close?use_path_style=true&endpoint=" + url.QueryEscape(srv.Endpoint)
	ctx := t.Context()

	const n = 5
	before := runtime.NumGoroutine()
	var stores []io.Closer
	for range n {
		s, err := store.Open(ctx, rawURL)
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s.(io.Closer))
		if err := s.Write(ctx, "page", "v"); err != nil {
			t.Fatal(err)
		}
	}
	open := runtime.NumGoroutine()
	if open < before+n {
		t.Fatalf("goroutines: %d before, %d with %d stores open; want at least one more per store (its idle connection)", before, open, n)
	}
	for _, s := range stores {
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v; want nil", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close = %v; want nil", err)
		}
	}
	// The connections' goroutines end once they see their socket
	// closed; give them the time to notice, well below the idle timeout.
	got := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); got > before && time.Now().Before(deadline); got = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	if got > before {
		t.Errorf("goroutines: %d before, %d with %d stores open, %d after Close; want %d or fewer", before, open, n, got, before)
	}
}

// TestCloseNew checks that Close of a store from New leaves the caller's
// client working.
func TestCloseNew(t *testing.T) {
	srv := testservice.MinIO(t)
	client, _ := newClient(t, srv, clientConfig{})
	bucket := newBucket(t, client)
	s := newStore(t, client, bucket)
	ctx := t.Context()
	if err := s.Write(ctx, "page", "v"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Close(); err != nil {
			t.Errorf("Close of a store from New = %v; want nil", err)
		}
	}
	other, err := s3store.New(client, bucket, s3store.Options{Prefix: "other/"})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Write(ctx, "page", "v"); err != nil {
		t.Errorf("Write through the caller's client after Close of a store using it = %v; want nil", err)
	}
}
