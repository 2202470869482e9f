// Package faultproxy breaks the network between one store and its real
// server without disturbing anyone else: a loopback TCP proxy that a fault
// test puts between a client and its server, then stops, starts, or makes
// cut, slow or silent.
//
// # Use
//
// Point the client under test at Proxy.Addr instead of the server, break the
// connection, run the operations that must fail, and heal it to check that
// the same store recovers by itself. Other tests keep using the shared
// server directly, so they are not disturbed:
//
//	p := faultproxy.New(t, "127.0.0.1:6379")
//	s := newStore(p.Addr())
//	p.Stop()   // the server looks down to s: connections reset, new ones refused
//	p.Start()  // and back, on the same address
//
//	p.Inject(faultproxy.CutResponses(100)) // replies end after 100 bytes
//	p.Inject(faultproxy.Trickle(512, 5*time.Millisecond))
//	p.Inject(faultproxy.Blackhole())       // accepted, read, never answered
//	p.Heal()                               // forward everything again
//
// Stop and Start are independent of the fault: a proxy started again keeps
// the fault it had.
//
// A *Proxy is a conformance.Switch, so conformance.RunHarness can stage an
// outage with it, and the Harness.Proxied capability gives the harness the
// proxy itself, to inject every fault.
package faultproxy

import (
	"net"
	"sync"
	"testing"
	"time"
)

// dialTimeout bounds the proxy's connection to its target, so a client of a
// proxy whose target is gone sees a failure rather than a hang.
const dialTimeout = 5 * time.Second

// Proxy is a loopback TCP proxy in front of a real server. Fault tests point
// a client at Addr, call Stop to make the server look down to that client
// only, and Start to bring it back, or Inject a Fault and Heal it, while
// other tests keep using the shared server directly.
//
// Inject and Heal are safe for concurrent use with everything. Stop and
// Start are not safe with each other (Stop waits for the accept loop that a
// concurrent Start could replace); call them from one goroutine, the
// test's, since Start calls t.Fatal on failure.
type Proxy struct {
	t      testing.TB
	target string
	addr   string // fixed on the first Listen, reused by Start

	mu     sync.Mutex
	ln     net.Listener // nil while stopped
	links  map[*link]struct{}
	closed bool          // set by the test cleanup: Start no longer listens
	fault  Fault         // what the links do to the bytes they forward
	gen    uint64        // counts Inject calls, so each link restarts its byte counts
	wake   chan struct{} // closed and replaced by Inject: a Trickle's wait ends

	wg sync.WaitGroup // the accept loop and every connection's goroutines
}

// New starts a proxy on 127.0.0.1 (a free port) that forwards every
// connection to targetAddr (host:port). The proxy closes everything when the
// test ends.
func New(t testing.TB, targetAddr string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("faultproxy: listen: %v", err)
	}
	p := &Proxy{t: t, target: targetAddr, addr: ln.Addr().String(), links: map[*link]struct{}{}, wake: make(chan struct{})}
	p.serve(ln)
	t.Cleanup(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		p.Stop()
	})
	return p
}

// Addr returns the proxy's address (127.0.0.1:PORT). It stays the same
// across Stop and Start, so clients configured with it reconnect by
// themselves.
func (p *Proxy) Addr() string { return p.addr }

// Stop closes the listener, so new connections are refused, and resets every
// open connection in both directions, so clients see their server die
// mid-conversation. It returns once every forwarding goroutine has ended.
// Stopping a stopped proxy does nothing.
func (p *Proxy) Stop() {
	p.mu.Lock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for l := range p.links {
		l.kill()
	}
	clear(p.links)
	p.mu.Unlock()
	p.wg.Wait()
}

// Start listens again on the proxy's address and forwards new connections.
// Starting a running proxy does nothing. It fails the test if the address
// cannot be bound again (another process took the port meanwhile).
func (p *Proxy) Start() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil || p.closed {
		return
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("faultproxy: listen again on %s: %v", p.addr, err)
	}
	p.serveLocked(ln)
}

// Inject makes the proxy apply f to every open connection and to every new
// one, in place of the fault it applied so far, from the next byte it
// handles: bytes already forwarded stay forwarded. Lifting a Blackhole this
// way resets the connections that lost bytes to it.
func (p *Proxy) Inject(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = f
	p.gen++
	close(p.wake)
	p.wake = make(chan struct{})
	if f.kind == blackhole {
		return
	}
	for l := range p.links {
		if l.dropped.Load() {
			l.kill()
			delete(p.links, l)
		}
	}
}

// Heal lifts the fault: the proxy forwards every byte again, as a new one
// does. It is Inject(Fault{}).
func (p *Proxy) Heal() { p.Inject(Fault{}) }

// state returns the fault to apply to l, its generation, and the channel
// the next Inject closes. Under a Blackhole it marks l as dropped, under the
// lock Inject takes, so that no link is marked after Inject's sweep.
func (p *Proxy) state(l *link) (Fault, uint64, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fault.kind == blackhole {
		l.dropped.Store(true)
	}
	return p.fault, p.gen, p.wake
}
