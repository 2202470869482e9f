package pgstore_test

import (
	"net"
	"strconv"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/conformance/faultproxy"
	"github.com/mutablestore/mutablestore/pgstore"
	"github.com/mutablestore/mutablestore/store"
)

// TestConformance runs the whole contract, its failure half included: a table
// that does not exist, a server taken away by a proxy, and the round trips
// of each operation, counted as the client's writes on the wire.
func TestConformance(t *testing.T) {
	shared := testPool(t)
	conformance.RunHarness(t, conformance.Harness{
		NewStore: func(tb testing.TB) store.MutableStore { return newStore(tb, shared) },
		Misconfigured: func(tb testing.TB) store.MutableStore {
			s, err := pgstore.New(shared, pgstore.Options{Table: uniqueTable(tb, shared)})
			if err != nil {
				tb.Fatalf("pgstore.New: %v", err)
			}
			return s
		},
		Proxied: func(tb testing.TB) (store.MutableStore, *faultproxy.Proxy) {
			config := poolConfig(tb)
			p := faultproxy.New(tb, net.JoinHostPort(config.ConnConfig.Host, strconv.Itoa(int(config.ConnConfig.Port))))
			host, port, _ := net.SplitHostPort(p.Addr())
			n, _ := strconv.Atoi(port)
			config.ConnConfig.Host, config.ConnConfig.Port = host, uint16(n)
			return newStore(tb, newPool(tb, config)), p
		},
		Requests: func(tb testing.TB) (store.MutableStore, func() int) {
			config := poolConfig(tb)
			var c counter
			c.install(config)
			s := newStore(tb, newPool(tb, config))
			return s, func() int { return int(c.writes.Load()) }
		},
		Secrets: []string{password(t)},
	})
}
