package s3store_test

import (
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

// TestOpenURLCABundle checks that the HTTP client a store opened by URL
// builds for itself keeps what the AWS configuration asks of the
// transport: here AWS_CA_BUNDLE, the only certificate that makes a
// loopback TLS server trusted. The server answers every request with an
// S3 NoSuchKey, so a Read that got through reads as missing.
func TestOpenURLCABundle(t *testing.T) {
	awsEnv(t, "AKIDEXAMPLE", "env-secret")
	var reqs atomic.Int32
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs.Add(1)
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Amz-Request-Id", "18A0B1C2D3E4F5A6")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>18A0B1C2D3E4F5A6</RequestId></Error>`)
	}))
	// The refused handshakes below would be logged to stderr.
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw})
	if err := os.WriteFile(bundle, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	rawURL := "s3://bucket?use_path_style=true&endpoint=" + url.QueryEscape(tlsSrv.URL)

	t.Setenv("AWS_CA_BUNDLE", "")
	os.Unsetenv("AWS_CA_BUNDLE")
	s := openClosed(t, rawURL)
	if _, err := s.Read(t.Context(), "page"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read over TLS without the CA bundle = %v; want a certificate failure", err)
	}

	t.Setenv("AWS_CA_BUNDLE", bundle)
	s = openClosed(t, rawURL)
	if _, err := s.Read(t.Context(), "page"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read over TLS with AWS_CA_BUNDLE = %v; want store.ErrNotFound from the server", err)
	}
	if n := reqs.Load(); n != 1 {
		t.Errorf("the TLS server got %d requests; want 1", n)
	}
}

// openClosed opens rawURL and closes the store when the test ends.
func openClosed(t *testing.T, rawURL string) store.MutableStore {
	t.Helper()
	s, err := store.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("store.Open = %v", err)
	}
	t.Cleanup(func() { s.(io.Closer).Close() })
	return s
}
