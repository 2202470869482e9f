package s3store_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

// serverCountOps is how many times each operation runs between two
// readings of the proxy's count.
const serverCountOps = 5

// TestServerCountsOneRequest is the request counter of the other tests
// (inside the client, below the SDK's retries) seen from the wire: a
// reverse proxy in front of the server records every request that reaches
// it, and N operations of one kind must be N requests of the one expected
// method on the object's path, and nothing else (no HEAD, no listing, no
// retry).
func TestServerCountsOneRequest(t *testing.T) {
	servers(t, func(t *testing.T, srv testservice.S3Server) {
		direct, _ := newClient(t, srv, clientConfig{})
		bucket := newBucket(t, direct)
		proxy := newWireCounter(t, srv.Endpoint)
		client, _ := newClient(t, srv, clientConfig{endpoint: proxy.url, uncounted: true})
		s := newStore(t, client, bucket)
		ctx := t.Context()

		name := func(i int) string { return fmt.Sprintf("page/%d.html", i) }
		phases := []struct {
			op, method string
			run        func(i int) error
		}{
			{"Write", http.MethodPut, func(i int) error { return s.Write(ctx, name(i), "<p>hi</p>") }},
			{"Read", http.MethodGet, func(i int) error { _, err := s.Read(ctx, name(i)); return err }},
			{"Delete", http.MethodDelete, func(i int) error { return s.Delete(ctx, name(i)) }},
			{"Read missing", http.MethodGet, func(i int) error {
				if _, err := s.Read(ctx, name(i)); !errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("Read of deleted %q: err = %v; want store.ErrNotFound", name(i), err)
				}
				return nil
			}},
		}
		for _, p := range phases {
			proxy.take()
			var want []string
			for i := range serverCountOps {
				if err := p.run(i); err != nil {
					t.Fatalf("%s: %v", p.op, err)
				}
				want = append(want, p.method+" /"+bucket+"/"+s3store.ObjectKey(s, name(i)))
			}
			got := proxy.take()
			if !slices.Equal(got, want) {
				t.Errorf("%d × %s: the server was sent %d requests %q; want %q", serverCountOps, p.op, len(got), got, want)
			}
			t.Logf("%d × %s: %d requests on the wire, want %d %s", serverCountOps, p.op, len(got), serverCountOps, p.method)
		}
	})
}

// wireCounter is a reverse proxy on 127.0.0.1 that records "METHOD /path"
// of every request it forwards to the server. The SDK signs the Host it
// sends to, the proxy's, and the proxy passes that Host on unchanged.
type wireCounter struct {
	url string

	mu   sync.Mutex
	sent []string
}

func newWireCounter(t *testing.T, endpoint string) *wireCounter {
	t.Helper()
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatalf("parse the S3 endpoint: %v", err)
	}
	w := &wireCounter{}
	forward := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.sent = append(w.sent, r.Method+" "+r.URL.Path)
		w.mu.Unlock()
		forward.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

// take returns the requests forwarded since the last call and forgets them.
func (w *wireCounter) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	sent := w.sent
	w.sent = nil
	return sent
}
