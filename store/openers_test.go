package store_test

import (
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
	schemes := []string{"file", "mem", "redis", "rediss", "redis+cluster", "rediss+cluster", "postgres", "postgresql", "s3"}
	for _, scheme := range schemes {
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
