package otelstore_test

import (
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/otelstore"
	"github.com/mutablestore/mutablestore/pgstore/pgstoretest"
	"github.com/mutablestore/mutablestore/redisstore/redisstoretest"
	"github.com/mutablestore/mutablestore/s3store/s3storetest"
	"github.com/mutablestore/mutablestore/store"
)

func TestMain(m *testing.M) { testservice.Main(m) }

// TestConformanceOverEveryBackend runs the suite through the wrapper in
// front of each real backend, with the global (no-op) providers.
func TestConformanceOverEveryBackend(t *testing.T) {
	for _, b := range []struct {
		kind string
		new  func(testing.TB) store.MutableStore
	}{
		{"file", func(tb testing.TB) store.MutableStore {
			s, err := fsstore.New(tb.TempDir(), fsstore.Options{NoSync: true})
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { s.Close() })
			return s
		}},
		{"redis", func(tb testing.TB) store.MutableStore { return redisstoretest.New(tb) }},
		{"postgres", func(tb testing.TB) store.MutableStore { return pgstoretest.New(tb) }},
		{"s3", func(tb testing.TB) store.MutableStore { return s3storetest.New(tb) }},
	} {
		t.Run(b.kind, func(t *testing.T) {
			conformance.Run(t, func(tb testing.TB) store.MutableStore {
				s, err := otelstore.New(b.new(tb), otelstore.Options{Kind: b.kind})
				if err != nil {
					tb.Fatal(err)
				}
				return s
			})
		})
	}
}
