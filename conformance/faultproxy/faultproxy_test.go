package faultproxy_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/conformance/faultproxy"
)

// echoServer accepts connections on loopback and echoes each line back.
func echoServer(t *testing.T) string {
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
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
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
