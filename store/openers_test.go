package store_test

import (
	"slices"
	"strings"
	"testing"

	_ "github.com/mutablestore/mutablestore/fsstore"
	_ "github.com/mutablestore/mutablestore/memstore"
	_ "github.com/mutablestore/mutablestore/pgstore"
	_ "github.com/mutablestore/mutablestore/redisstore"
	_ "github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

// TestOpenersNeverEchoAPassword gives every adapter of this module a URL
// whose password holds an unescaped '?', '#' or '/': each must be refused,
// and no error may hold any piece of the password.
func TestOpenersNeverEchoAPassword(t *testing.T) {
	const secret = "S3cr3tPWx9Q"
	forms := []string{
		"://app:?" + secret + "@127.0.0.1:1/0",
		"://:1234?" + secret + "@127.0.0.1/0",
		"://:1234#" + secret + "@127.0.0.1:1/0",
		"://app:1234/" + secret + "@127.0.0.1:1/0",
		"://:" + secret[:4] + "?" + secret[4:] + "@127.0.0.1:1/0",
		"://:" + secret[:4] + "#" + secret[4:] + "@127.0.0.1:1/0",
	}
	for _, scheme := range allSchemes(t) {
		for _, form := range forms {
			rawURL := scheme + form
			s, err := store.Open(t.Context(), rawURL)
			if err == nil {
				if c, ok := s.(interface{ Close() error }); ok {
					c.Close()
				}
				t.Errorf("Open(%q) = nil error; want the URL refused", rawURL)
				continue
			}
			msg := err.Error()
			for i := 0; i+4 <= len(secret); i++ {
				if piece := secret[i : i+4]; strings.Contains(msg, piece) {
					t.Errorf("Open(%q) error %q contains %q, a piece of the password", rawURL, msg, piece)
					break
				}
			}
		}
	}
}

// allSchemes returns every scheme the adapters of this module register,
// after checking that each is registered. (store.Schemes itself holds the
// schemes the package's own tests register too.)
func allSchemes(t *testing.T) []string {
	t.Helper()
	want := []string{"file", "mem", "postgres", "postgresql", "redis", "redis+cluster", "redis+sentinel", "rediss", "rediss+cluster", "rediss+sentinel", "s3"}
	got := store.Schemes()
	for _, s := range want {
		if !slices.Contains(got, s) {
			t.Errorf("store.Schemes() = %q; want it to hold %q", got, s)
		}
	}
	return want
}

// TestOpenersNeverEchoASecretParam gives every adapter a URL whose query
// holds a secret in password=, sslpassword= or secret_access_key=, next to
// a parameter that makes the opener fail: no error may hold the secret,
// and each starts with the one prefix of store.Open.
func TestOpenersNeverEchoASecretParam(t *testing.T) {
	const secret = "S3cr3tPWx9Q"
	for _, scheme := range allSchemes(t) {
		for _, query := range []string{
			"password=" + secret + "&dial_timeout=" + secret,
			"master_name=m&password=" + secret + "&dial_timeout=" + secret,
			"sslpassword=" + secret + "&sslmode=" + secret,
			"password=" + secret + "&password=" + secret,
			"secret_access_key=" + secret + "&region=" + secret,
			"password=" + secret + "&x=%zz",
		} {
			rawURL := scheme + "://127.0.0.1:1/0?" + query
			s, err := store.Open(t.Context(), rawURL)
			if err == nil {
				s.Close()
				t.Errorf("Open(%q) = nil error; want the URL refused", rawURL)
				continue
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Errorf("Open(%q) error %q contains the secret", rawURL, msg)
			}
			if want := "store.Open: " + scheme + " URL: "; !strings.HasPrefix(msg, want) || strings.Count(msg, "store.Open") != 1 {
				t.Errorf("Open(%q) error %q; want one prefix, %q", rawURL, msg, want)
			}
		}
	}
}
