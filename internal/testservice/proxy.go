package testservice

import (
	"testing"

	"github.com/mutablestore/mutablestore/conformance/faultproxy"
)

// NewProxy is faultproxy.New, for the fault tests of this module.
func NewProxy(t testing.TB, targetAddr string) *faultproxy.Proxy {
	t.Helper()
	return faultproxy.New(t, targetAddr)
}
