package conformance

import (
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

// newStoreFunc is the harness every case gets: it returns a new, empty store.
type newStoreFunc = func(testing.TB) store.MutableStore

// testCase is one behaviour of the contract, run as a subtest of its name.
type testCase struct {
	name string
	run  func(t *testing.T, newStore newStoreFunc)
}

// cases lists every behaviour in the order Run checks them: the basic read
// and write first, so that an adapter that fails them sees that failure at
// the top of the output rather than as noise in later cases.
func cases() []testCase {
	var all []testCase
	all = append(all, basicCases()...)
	all = append(all, contentCases()...)
	all = append(all, nameCases()...)
	all = append(all, conflictCases()...)
	all = append(all, contextCases()...)
	all = append(all, concurrencyCases()...)
	all = append(all, deleteCases()...)
	all = append(all, closeCases()...)
	return all
}

// Run checks that the stores newStore returns follow the contract of package
// store. Every behaviour is a subtest named after it, so one can be rerun
// with go test -run 'TestConformance/Overwrite'.
//
// Each subtest calls newStore for a new, empty store, and some call it twice
// (to check that two stores are isolated from each other). newStore reports
// its own failures through tb (tb.Fatal when the backend is unreachable, or
// tb.Skip when it is not configured) and releases what it created through
// tb.Cleanup. See the package documentation for an example.
func Run(t *testing.T, newStore func(testing.TB) store.MutableStore) {
	t.Helper()
	fresh := func(tb testing.TB) store.MutableStore {
		tb.Helper()
		s := newStore(tb)
		if s == nil {
			tb.Fatal("newStore returned a nil store; want a new, empty store.MutableStore")
		}
		return s
	}
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, fresh)
		})
	}
}
