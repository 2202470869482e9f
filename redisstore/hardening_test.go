package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/store"
)

// TestTLSHandshakeBoundedByDialTimeout (item 12): rediss:// to a port that
// accepts and never answers must fail about when dial_timeout ends, not
// when the context's far deadline does.
func TestTLSHandshakeBoundedByDialTimeout(t *testing.T) {
	addr := testservice.StalledServer(t)
	s := openStore(t, "rediss://:secret-pw@"+addr+"/0?dial_timeout=1s")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := s.Read(ctx, "page")
	took := time.Since(start)
	if err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read over TLS from a silent server = %v; want an error, not store.ErrNotFound", err)
	}
	if took > 5*time.Second {
		t.Errorf("Read over TLS from a silent server took %v; want about dial_timeout=1s (under 5s)", took)
	}
	t.Logf("after %v: %v", took, err)
}
