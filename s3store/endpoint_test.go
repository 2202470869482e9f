package s3store_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/store"
)

// TestWrongEndpoint points the store at a web server that is not S3 and
// answers 404 to everything, as a typo in the endpoint or a proxy path that
// leads nowhere does. The SDK gives each of these 404s the code NotFound;
// none may read as a missing name, and Delete must not report success.
func TestWrongEndpoint(t *testing.T) {
	srv := testservice.MinIO(t) // only for the keys the client signs with
	for _, tc := range []struct {
		name, contentType, body string
	}{
		{"HTML", "text/html; charset=utf-8", "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n"},
		{"GoNotFound", "", ""}, // http.NotFound: "404 page not found"
		{"Empty", "", ""},
		{"JSON", "application/json", `{"error":"not found","status":404}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch tc.name {
				case "GoNotFound":
					http.NotFound(w, r)
				default:
					if tc.contentType != "" {
						w.Header().Set("Content-Type", tc.contentType)
					}
					w.WriteHeader(http.StatusNotFound)
					w.Write([]byte(tc.body))
				}
			}))
			defer web.Close()
			client, reqs := newClient(t, srv, clientConfig{endpoint: web.URL, attempts: 1})
			s := newStore(t, client, "bucket")
			ctx := t.Context()

			_, err := s.Read(ctx, "page")
			conformance.ExpectFailure(t, "Read from a web server answering 404", err, store.OpRead, "page", srv.SecretKey)
			if code := apiCode(err); err != nil && !errors.Is(err, store.ErrNotFound) && code != "NotFound" {
				// The case this test guards: the SDK's invented code.
				t.Errorf("Read: S3 code %q; want the SDK's NotFound (error: %v)", code, err)
			}
			err = s.Delete(ctx, "page")
			conformance.ExpectFailure(t, "Delete from a web server answering 404", err, store.OpDelete, "page", srv.SecretKey)
			if got := reqs.take(); len(got) != 2 {
				t.Errorf("requests sent: %q; want one GET and one DELETE", got)
			}
		})
	}
}

// TestBodiless404WithRequestID is the other side of TestWrongEndpoint: a
// 404 without a body that does carry an S3 request id is an S3 server's
// "no such key", as HeadObject gets on every server, and some gateways
// answer GetObject that way too.
func TestBodiless404WithRequestID(t *testing.T) {
	srv := testservice.MinIO(t)
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amz-Request-Id", "18A0B1C2D3E4F5A6")
		w.WriteHeader(http.StatusNotFound)
	}))
	defer gateway.Close()
	client, _ := newClient(t, srv, clientConfig{endpoint: gateway.URL, attempts: 1})
	s := newStore(t, client, "bucket")

	_, err := s.Read(t.Context(), "page")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read, bodiless 404 with a request id = %v; want store.ErrNotFound", err)
	}
	if err := s.Delete(t.Context(), "page"); err != nil {
		t.Errorf("Delete, bodiless 404 with a request id = %v; want nil: the key is missing", err)
	}
}
