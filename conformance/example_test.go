package conformance_test

import (
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

// An adapter's whole conformance test is one call in one test function. This
// is memstore's: a new memstore.Store is empty, and holds nothing to release.
func ExampleRun() {
	testConformance := func(t *testing.T) { // func TestConformance(t *testing.T) in memstore_test.go
		conformance.Run(t, func(tb testing.TB) store.MutableStore {
			return memstore.New()
		})
	}
	_ = testConformance
}

// The benchmarks take the same function. Run them with
// go test -run '^$' -bench . -benchmem.
func ExampleBenchmark() {
	benchmarkStore := func(b *testing.B) { // func BenchmarkStore(b *testing.B) in memstore_test.go
		conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
			return memstore.New()
		})
	}
	_ = benchmarkStore
}
