package cachestore_test

import (
	"testing"

	"github.com/mutablestore/mutablestore/cachestore"
	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/pgstore/pgstoretest"
	"github.com/mutablestore/mutablestore/redisstore/redisstoretest"
	"github.com/mutablestore/mutablestore/s3store/s3storetest"
	"github.com/mutablestore/mutablestore/store"
)

func TestMain(m *testing.M) { testservice.Main(m) }

// backends are the real stores the cache must be transparent over: every
// adapter of this module, on its real server.
var backends = []struct {
	name string
	new  func(testing.TB) store.MutableStore
}{
	{"fsstore", func(tb testing.TB) store.MutableStore {
		s, err := fsstore.New(tb.TempDir(), fsstore.Options{NoSync: true})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}},
	{"redisstore", func(tb testing.TB) store.MutableStore { return redisstoretest.New(tb) }},
	{"pgstore", func(tb testing.TB) store.MutableStore { return pgstoretest.New(tb) }},
	{"s3store", func(tb testing.TB) store.MutableStore { return s3storetest.New(tb) }},
}

// TestConformanceOverEveryBackend runs the suite through a cache in front
// of each real backend: errors, nesting conflicts and missing names must
// pass through unchanged.
func TestConformanceOverEveryBackend(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			conformance.Run(t, func(tb testing.TB) store.MutableStore {
				return newCache(tb, b.new(tb), cachestore.Options{})
			})
		})
	}
}
