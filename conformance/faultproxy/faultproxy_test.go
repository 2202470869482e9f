package faultproxy_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/conformance/faultproxy"
)

// serve accepts connections on a loopback port until the test ends and
// runs handle on each, in its own goroutine, closing the connection after.
func serve(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// echoServer echoes every byte back.
func echoServer(t *testing.T) string {
	return serve(t, func(c net.Conn) { io.Copy(c, c) })
}

// roundTrip dials addr, sends a line and returns the echoed line.
func roundTrip(t *testing.T, conn net.Conn, line string) (string, error) {
	t.Helper()
	// A deadline only so a broken proxy fails the test instead of hanging it.
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, line+"\n"); err != nil {
		return "", err
	}
	got, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", err
	}
	return got[:len(got)-1], nil
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestProxyForwards(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p.Addr())
	for _, line := range []string{"hello", "second line", ""} {
		got, err := roundTrip(t, c, line)
		if err != nil || got != line {
			t.Fatalf("roundTrip(%q) = %q, %v; want %q, nil", line, got, err, line)
		}
	}
}

func TestProxyHalfClose(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p.Addr()).(*net.TCPConn)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "all of it")
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "all of it" {
		t.Fatalf("after CloseWrite read %q, %v; want %q, nil (the echo server ends on EOF)", got, err, "all of it")
	}
}

func TestProxyStopStart(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	addr := p.Addr()
	live := dial(t, addr)
	if _, err := roundTrip(t, live, "before"); err != nil {
		t.Fatalf("before Stop: %v", err)
	}

	p.Stop()
	p.Stop() // idempotent

	if _, err := roundTrip(t, live, "during"); err == nil {
		t.Fatal("an open connection still works after Stop")
	} else if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("open connection after Stop: %v; want a reset, broken pipe or EOF", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatal("new connection accepted after Stop")
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after Stop: %v; want connection refused", err)
	}

	p.Start()
	p.Start() // idempotent
	if p.Addr() != addr {
		t.Fatalf("Addr after Start = %s; want %s", p.Addr(), addr)
	}
	c := dial(t, addr)
	if got, err := roundTrip(t, c, "after"); err != nil || got != "after" {
		t.Fatalf("after Start: %q, %v; want %q, nil", got, err, "after")
	}
}

func TestProxyTargetDown(t *testing.T) {
	// A listener closed at once leaves an address nothing answers on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := ln.Addr().String()
	ln.Close()

	p := faultproxy.New(t, target)
	// The proxy accepts, fails to reach the target and resets the
	// connection; the reset may arrive as soon as the dial completes.
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		return
	}
	defer c.Close()
	if _, err := roundTrip(t, c, "anyone?"); err == nil {
		t.Fatal("round trip through a proxy to a dead target succeeded")
	}
}

// replyServer answers each line "N" with N bytes of payload(N), so a test
// knows exactly what the server sent. It keeps each connection until the
// client leaves.
func replyServer(t *testing.T) string {
	return serve(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			n, err := strconv.Atoi(strings.TrimSpace(line))
			if err != nil {
				return
			}
			if _, err := io.WriteString(c, payload(n)); err != nil {
				return
			}
		}
	})
}

// payload returns n bytes that differ from their neighbours, so a byte lost
// or repeated shows.
func payload(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%23)
	}
	return string(b)
}

// ask sends "n" on c and reads until the reply is whole or the connection
// fails, returning what arrived and the error that ended it.
func ask(t *testing.T, c net.Conn, n int) (string, error) {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(c, "%d\n", n); err != nil {
		return "", err
	}
	buf := make([]byte, n)
	got, err := io.ReadFull(c, buf)
	return string(buf[:got]), err
}

// wantCut checks that a reply ended after exactly after bytes with a reset or
// an end of stream, not a timeout.
func wantCut(t *testing.T, got string, err error, after int) {
	t.Helper()
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("reply through CutResponses(%d): %d bytes, err = %v; want a reset or EOF", after, len(got), err)
	}
	if got != payload(after) {
		t.Fatalf("reply through CutResponses(%d): %d bytes arrived (%v); want exactly the first %d", after, len(got), err, after)
	}
}

func TestCutResponses(t *testing.T) {
	const size = 100_000 // several of the proxy's 32 KiB reads
	for _, after := range []int{0, 1, 7, 100, size / 2} {
		t.Run(strconv.Itoa(after), func(t *testing.T) {
			p := faultproxy.New(t, replyServer(t))
			p.Inject(faultproxy.CutResponses(after))
			got, err := ask(t, dial(t, p.Addr()), size)
			wantCut(t, got, err, after)

			// A reply shorter than the cut passes whole; the next one,
			// on the same connection, is cut where the count reaches.
			c := dial(t, p.Addr())
			if after > 0 {
				if got, err := ask(t, c, after); err != nil || got != payload(after) {
					t.Fatalf("a reply of exactly %d bytes through CutResponses(%d): %d bytes, %v; want it whole", after, after, len(got), err)
				}
			}
			got, err = ask(t, c, size)
			wantCut(t, got, err, 0)
		})
	}
}

// TestInjectRestartsCounts checks that a fault injected on an open
// connection counts from the moment it is injected, not from the start of
// the connection.
func TestInjectRestartsCounts(t *testing.T) {
	p := faultproxy.New(t, replyServer(t))
	c := dial(t, p.Addr())
	if got, err := ask(t, c, 5000); err != nil || got != payload(5000) {
		t.Fatalf("before Inject: %d bytes, %v; want 5000, nil", len(got), err)
	}
	p.Inject(faultproxy.CutResponses(100))
	got, err := ask(t, c, 5000)
	wantCut(t, got, err, 100)
}

// sinkServer reads each connection to its end and sends what it read, and
// the error that ended it (nil for a clean EOF), on the returned channel.
// With greet, it first writes "hi\n", so a client can tell the proxy has
// dialled it.
func sinkServer(t *testing.T, greet bool) (string, <-chan sunk) {
	t.Helper()
	ch := make(chan sunk, 16)
	addr := serve(t, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(30 * time.Second))
		if greet {
			io.WriteString(c, "hi\n")
		}
		b, err := io.ReadAll(c)
		ch <- sunk{string(b), err}
	})
	return addr, ch
}

type sunk struct {
	got string
	err error
}

func receive(t *testing.T, ch <-chan sunk) sunk {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(20 * time.Second):
		t.Fatal("the server saw no connection end")
		return sunk{}
	}
}

func TestCutRequests(t *testing.T) {
	const size = 100_000
	for _, after := range []int{0, 1, 7, 100, size / 2} {
		t.Run(strconv.Itoa(after), func(t *testing.T) {
			target, sunk := sinkServer(t, false)
			p := faultproxy.New(t, target)
			p.Inject(faultproxy.CutRequests(after))
			c := dial(t, p.Addr())
			c.SetDeadline(time.Now().Add(10 * time.Second))
			// The write may fail part way, once the reset arrives.
			io.WriteString(c, payload(size))
			s := receive(t, sunk)
			if s.got != payload(after) {
				t.Fatalf("the server received %d bytes through CutRequests(%d); want exactly the first %d", len(s.got), after, after)
			}
			if s.err == nil {
				t.Fatalf("the server saw a clean end of stream after CutRequests(%d); want a reset", after)
			}
			if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("the client's read after the cut: %v; want a reset or EOF", err)
			}
		})
	}
}

func TestTrickle(t *testing.T) {
	const chunk, delay = 3, 2 * time.Millisecond
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p.Addr())
	p.Inject(faultproxy.Trickle(chunk, delay))
	line := payload(47) // with its newline, 16 writes each way
	start := time.Now()
	got, err := roundTrip(t, c, line)
	if err != nil || got != line {
		t.Fatalf("round trip through Trickle: %q, %v; want %q, nil", got, err, line)
	}
	// Each write waits delay, so the round trip cannot be quicker than
	// this: a lower bound the sleeps guarantee, however busy the machine.
	// (The echo overlaps the two directions.)
	if min := 16 * delay; time.Since(start) < min {
		t.Fatalf("round trip through Trickle(%d, %v) took %v; the delays alone take %v", chunk, delay, time.Since(start), min)
	}
}

// TestHealEndsTrickle checks that Heal applies to bytes already waiting in
// a Trickle, rather than after its delay.
func TestHealEndsTrickle(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p.Addr())
	p.Inject(faultproxy.Trickle(1, time.Hour))
	done := make(chan error, 1)
	go func() {
		got, err := roundTrip(t, c, "patience")
		if err == nil && got != "patience" {
			err = fmt.Errorf("got %q; want %q", got, "patience")
		}
		done <- err
	}()
	// Give the bytes time to reach the trickle; if they have not, the
	// test still passes, checking less.
	time.Sleep(50 * time.Millisecond)
	p.Heal()
	if err := <-done; err != nil {
		t.Fatalf("round trip healed in the middle of a Trickle: %v", err)
	}
}

// countingServer is echoServer that also counts the connections it accepts.
func countingServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String(), &n
}

func TestBlackhole(t *testing.T) {
	target, accepted := countingServer(t)
	p := faultproxy.New(t, target)
	open := dial(t, p.Addr())
	if _, err := roundTrip(t, open, "before"); err != nil {
		t.Fatalf("before Blackhole: %v", err)
	}
	p.Inject(faultproxy.Blackhole())

	late := dial(t, p.Addr()) // accepted by the proxy, never dialled through
	for _, c := range []net.Conn{open, late} {
		if _, err := io.WriteString(c, "anyone?\n"); err != nil {
			t.Fatalf("write into the blackhole: %v; want it accepted", err)
		}
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if n, err := c.Read(make([]byte, 64)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("read from the blackhole: %d bytes, %v; want nothing until the deadline", n, err)
		}
	}
	if n := accepted.Load(); n != 1 {
		t.Fatalf("the server accepted %d connections; want 1: the blackhole dials nothing", n)
	}

	p.Heal()
	// Both connections lost bytes to the blackhole, so Heal resets them.
	for _, c := range []net.Conn{open, late} {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if n, err := c.Read(make([]byte, 64)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("a blackholed connection after Heal: %d bytes, %v; want a reset", n, err)
		}
	}
	if got, err := roundTrip(t, dial(t, p.Addr()), "after"); err != nil || got != "after" {
		t.Fatalf("new connection after Heal: %q, %v; want %q, nil", got, err, "after")
	}
}

// TestBlackholeSparesIdleConnections checks that a connection with no
// traffic during a Blackhole lost nothing and works after Heal.
func TestBlackholeSparesIdleConnections(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p.Addr())
	if _, err := roundTrip(t, c, "before"); err != nil {
		t.Fatal(err)
	}
	p.Inject(faultproxy.Blackhole())
	p.Heal()
	if got, err := roundTrip(t, c, "after"); err != nil || got != "after" {
		t.Fatalf("idle connection after a Blackhole: %q, %v; want %q, nil", got, err, "after")
	}
}

func TestFaultSurvivesStopStart(t *testing.T) {
	p := faultproxy.New(t, replyServer(t))
	p.Inject(faultproxy.CutResponses(3))
	p.Stop()
	p.Start()
	got, err := ask(t, dial(t, p.Addr()), 1000)
	wantCut(t, got, err, 3)
}

func TestFaultString(t *testing.T) {
	for _, tt := range []struct {
		f    faultproxy.Fault
		want string
	}{
		{faultproxy.Fault{}, "pass-through"},
		{faultproxy.CutResponses(7), "CutResponses(7)"},
		{faultproxy.CutRequests(0), "CutRequests(0)"},
		{faultproxy.Trickle(512, 5*time.Millisecond), "Trickle(512, 5ms)"},
		{faultproxy.Blackhole(), "Blackhole()"},
	} {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("String() = %q; want %q", got, tt.want)
		}
	}
}

func TestFaultPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"CutResponses(-1)": func() { faultproxy.CutResponses(-1) },
		"CutRequests(-1)":  func() { faultproxy.CutRequests(-1) },
		"Trickle(0, 1ms)":  func() { faultproxy.Trickle(0, time.Millisecond) },
		"Trickle(1, -1ms)": func() { faultproxy.Trickle(1, -time.Millisecond) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

// TestBlackholeAfterTrickle checks that bytes waiting in a Trickle when a
// Blackhole is injected are swallowed, not let through at once.
func TestBlackholeAfterTrickle(t *testing.T) {
	target, sunk := sinkServer(t, true)
	p := faultproxy.New(t, target)
	c := dial(t, p.Addr())
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
		t.Fatalf("greeting through the proxy: %v", err)
	}
	p.Inject(faultproxy.Trickle(1, time.Hour))
	if _, err := io.WriteString(c, "held back"); err != nil {
		t.Fatal(err)
	}
	p.Inject(faultproxy.Blackhole())
	// The client leaves; the proxy tears the link down once the trickle
	// has woken to the Blackhole, and the server sees its end.
	c.Close()
	if s := receive(t, sunk); s.got != "" {
		t.Fatalf("the server received %q through a Trickle that a Blackhole replaced; want nothing", s.got)
	}
}
