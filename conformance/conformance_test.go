package conformance_test

import (
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

// The suite checks itself on the reference store: every case must pass on
// memstore, or the case (not an adapter) is wrong.
func TestRunOnMemstore(t *testing.T) {
	conformance.Run(t, func(testing.TB) store.MutableStore { return memstore.New() })
}
