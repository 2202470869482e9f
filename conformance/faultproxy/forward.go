package faultproxy

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// A link is one client connection and the server connection the proxy
// dialled for it.
type link struct {
	client net.Conn

	mu     sync.Mutex
	server net.Conn // nil until dialled, and for ever if accepted during a Blackhole
	killed bool

	done    chan struct{} // closed by kill: stops a Trickle's wait
	dropped atomic.Bool   // a Blackhole swallowed bytes or an end of stream
}

// kill resets both connections; it is idempotent.
func (l *link) kill() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.killed {
		return
	}
	l.killed = true
	close(l.done)
	reset(l.client)
	if l.server != nil {
		reset(l.server)
	}
}

// attach records the dialled server connection, unless the link was killed
// meanwhile.
func (l *link) attach(server net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.killed {
		return false
	}
	l.server = server
	return true
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
			l := &link{client: c, done: make(chan struct{})}
			if !p.track(ln, l) {
				reset(c)
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.forward(l)
			}()
		}
	}()
}

// track records l as open if ln is still the live listener, that is if Stop
// has not run since l was accepted. A link accepted during a Blackhole is
// dropped from the start.
func (p *Proxy) track(ln net.Listener, l *link) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != ln {
		return false
	}
	if p.fault.kind == blackhole {
		l.dropped.Store(true)
	}
	p.links[l] = struct{}{}
	return true
}

func (p *Proxy) untrack(l *link) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.links, l)
}

// forward copies bytes both ways, through the fault of the moment, until
// both sides are done.
func (p *Proxy) forward(l *link) {
	defer func() {
		p.untrack(l)
		l.kill()
	}()
	if l.dropped.Load() {
		// Accepted during a Blackhole: read, never answer. There is no
		// server to talk to, so the link ends when the fault is lifted.
		p.pipe(l, l.client, nil, toServer)
		return
	}
	server, err := net.DialTimeout("tcp", p.target, dialTimeout)
	if err != nil {
		return // the target is down: the client sees its server fail
	}
	if !l.attach(server) {
		server.Close() // Stop ran while we dialled
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(l, l.client, server, toServer) })
	wg.Go(func() { p.pipe(l, server, l.client, toClient) })
	wg.Wait()
}

type direction int

const (
	toServer direction = iota // the client's requests
	toClient                  // the server's replies
)

// pipe copies src to dst through the fault of the moment. A clean end of
// stream is passed on as a half-close, so protocols that rely on it work; an
// error on either side, or a cut, tears down both. dst is nil for a link
// accepted during a Blackhole.
func (p *Proxy) pipe(l *link, src, dst net.Conn, dir direction) {
	buf := make([]byte, 32<<10)
	var gen uint64 // the fault generation sent counts under
	sent := 0      // bytes forwarded since that fault was injected
	for {
		n, err := src.Read(buf)
		// The fault is looked up again after each step, so a new one
		// applies from the next byte.
		for b := buf[:n]; len(b) > 0; {
			f, g, wake := p.state(l)
			if g != gen {
				gen, sent = g, 0
			}
			var ok bool
			if b, ok = p.step(l, f, wake, dst, dir, b, &sent); !ok {
				l.kill()
				return
			}
		}
		if err != nil {
			p.end(l, dst, dir, err)
			return
		}
	}
}

// step forwards some or all of b under fault f, and returns the rest and
// whether the link lives on.
func (p *Proxy) step(l *link, f Fault, wake <-chan struct{}, dst net.Conn, dir direction, b []byte, sent *int) ([]byte, bool) {
	if l.dropped.Load() {
		// A stream with a hole must never reach the other side: swallow
		// everything until the fault is lifted and the link reset.
		return nil, true
	}
	switch {
	case f.kind == cutRequests && dir == toServer, f.kind == cutResponses && dir == toClient:
		if left := f.n - *sent; len(b) > left {
			write(dst, b[:left])
			return nil, false
		}
	case f.kind == trickle:
		// A new fault ends the wait, so Heal takes effect even on a
		// delay of an hour.
		t := time.NewTimer(f.delay)
		defer t.Stop()
		select {
		case <-l.done:
			return nil, false
		case <-wake:
			return b, true // the fault changed: look again
		case <-t.C:
		}
		n := min(f.n, len(b))
		*sent += n
		return b[n:], write(dst, b[:n])
	}
	*sent += len(b)
	return nil, write(dst, b)
}

// end handles the end of src: a clean EOF becomes a half-close of dst, and
// anything else, or a client that leaves, tears the link down. Under a
// Blackhole the server's end is swallowed like its bytes.
func (p *Proxy) end(l *link, dst net.Conn, dir direction, err error) {
	p.state(l) // marks l dropped under a Blackhole
	if dir == toClient && l.dropped.Load() {
		return
	}
	if errors.Is(err, io.EOF) && dst != nil && !l.dropped.Load() {
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
			return
		}
	}
	l.kill()
}

func write(dst net.Conn, b []byte) bool {
	_, err := dst.Write(b)
	return err == nil
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
