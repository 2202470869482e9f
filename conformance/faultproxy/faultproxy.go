// Package faultproxy stops a real server under one store without stopping
// it for anyone else: a loopback TCP proxy that a fault test puts between a
// client and its server, then stops and starts.
//
// # Use
//
// Point the client under test at Proxy.Addr instead of the server, run the
// operations that must fail while the proxy is stopped, and start it again
// to check that the same store recovers by itself. Other tests keep using
// the shared server directly, so they are not disturbed:
//
//	p := faultproxy.New(t, "127.0.0.1:6379")
//	s := newStore(p.Addr())
//	p.Stop()   // the server looks down to s: connections reset, new ones refused
//	p.Start()  // and back, on the same address
//
// A *Proxy is a conformance.Switch, so conformance.RunHarness can stage an
// outage with it.
package faultproxy

import (
	"io"
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
// only, and Start to bring it back, while other tests keep using the shared
// server directly.
//
// The methods are safe for concurrent use. Start calls t.Fatal on failure,
// so call it from the test's goroutine.
type Proxy struct {
	t      testing.TB
	target string
	addr   string // fixed on the first Listen, reused by Start

	mu     sync.Mutex
	ln     net.Listener // nil while stopped
	conns  map[net.Conn]struct{}
	closed bool // set by the test cleanup: Start no longer listens

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
	p := &Proxy{t: t, target: targetAddr, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
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
	for c := range p.conns {
		reset(c)
	}
	clear(p.conns)
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

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serveLocked(ln)
}

func (p *Proxy) serveLocked(ln net.Listener) {
	p.ln = ln
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by Stop
			}
			if !p.track(ln, c) {
				reset(c)
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.forward(ln, c)
			}()
		}
	}()
}

// track records c as open if ln is still the live listener, that is if Stop
// has not run since c was accepted or dialled.
func (p *Proxy) track(ln net.Listener, c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != ln {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		delete(p.conns, c)
	}
}

// forward copies bytes both ways until both sides are done. A clean EOF from
// one side is passed on as a half-close, so protocols that rely on it work;
// an error on either side tears down both.
func (p *Proxy) forward(ln net.Listener, client net.Conn) {
	server, err := net.DialTimeout("tcp", p.target, dialTimeout)
	if err != nil {
		// The target is down: the client sees its server fail.
		p.untrack(client)
		reset(client)
		return
	}
	if !p.track(ln, server) {
		// Stop ran while we dialled and has already reset client.
		server.Close()
		return
	}
	defer func() {
		p.untrack(client, server)
		client.Close()
		server.Close()
	}()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, err := io.Copy(dst, src)
		if err == nil {
			if cw, ok := dst.(interface{ CloseWrite() error }); ok {
				cw.CloseWrite()
			}
		} else {
			reset(dst)
			reset(src)
		}
		done <- struct{}{}
	}
	go pipe(server, client)
	go pipe(client, server)
	<-done
	<-done
}

// reset closes c with an RST instead of a FIN where it can, which is what a
// client of a crashed server or a dropped network path sees: an error, not a
// clean end of stream.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
