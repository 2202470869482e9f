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
// has not run since l was accepted.
func (p *Proxy) track(ln net.Listener, l *link) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != ln {
		return false
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
	if f, _, _ := p.current(); f.kind == blackhole {
		// Accept and read, never answer: there is no server to talk to, so
		// the link can only be reset when the fault is lifted.
		l.dropped.Store(true)
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
		if n > 0 {
			f, g, _ := p.current()
			if g != gen {
				gen, sent = g, 0
			}
			if !p.pass(l, f, dst, dir, buf[:n], &sent) {
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

// pass forwards b under fault f and reports whether the link lives on.
func (p *Proxy) pass(l *link, f Fault, dst net.Conn, dir direction, b []byte, sent *int) bool {
	if l.dropped.Load() || f.kind == blackhole {
		// A stream with a hole must never reach the other side: swallow
		// everything until the fault is lifted and the link reset.
		l.dropped.Store(true)
		return true
	}
	switch {
	case f.kind == cutRequests && dir == toServer, f.kind == cutResponses && dir == toClient:
		if left := f.n - *sent; len(b) > left {
			write(dst, b[:left])
			return false
		}
	case f.kind == trickle:
		return p.trickle(l, dst, b, sent)
	}
	*sent += len(b)
	return write(dst, b)
}

// trickle writes b a few bytes at a time, each after the fault's delay, for
// as long as the fault is a Trickle; the rest goes at once. A new fault ends
// the wait, so Heal takes effect even on a delay of an hour.
func (p *Proxy) trickle(l *link, dst net.Conn, b []byte, sent *int) bool {
	for len(b) > 0 {
		f, _, wake := p.current()
		if f.kind != trickle {
			*sent += len(b)
			return write(dst, b)
		}
		t := time.NewTimer(f.delay)
		select {
		case <-l.done:
			t.Stop()
			return false
		case <-wake:
			t.Stop()
			continue // the fault changed: look again
		case <-t.C:
		}
		n := min(f.n, len(b))
		if !write(dst, b[:n]) {
			return false
		}
		*sent += n
		b = b[n:]
	}
	return true
}

// end handles the end of src: a clean EOF becomes a half-close of dst, and
// anything else, or a client that leaves, tears the link down. Under a
// Blackhole the server's end is swallowed like its bytes.
func (p *Proxy) end(l *link, dst net.Conn, dir direction, err error) {
	if f, _, _ := p.current(); dir == toClient && (f.kind == blackhole || l.dropped.Load()) {
		l.dropped.Store(true)
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
