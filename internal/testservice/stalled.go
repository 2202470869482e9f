package testservice

import (
	"net"
	"sync"
	"testing"
)

// StalledServer starts a TCP server on 127.0.0.1 that accepts every
// connection and never answers, as a hung server does, and returns its
// address. Tests point a client at it to see a context's deadline or
// cancellation end an operation that would otherwise wait for the client's
// own timeouts. The listener and every accepted connection are closed when
// the test ends.
func StalledServer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return ln.Addr().String()
}
