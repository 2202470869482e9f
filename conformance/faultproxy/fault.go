package faultproxy

import (
	"fmt"
	"time"
)

// A Fault is what a Proxy does to the bytes it forwards, set with
// Proxy.Inject and lifted with Proxy.Heal. The zero Fault forwards every
// byte unchanged, at once.
//
// A fault applies to every open connection and to every new one, from the
// moment it is injected until the next Inject or Heal. Byte counts start
// again at zero on each connection when a fault is injected and when a
// connection opens, so CutResponses(7) cuts the next reply on a pooled
// connection, and the handshake of every new one.
type Fault struct {
	kind  kind
	n     int
	delay time.Duration
}

type kind int

const (
	passThrough kind = iota
	cutRequests
	cutResponses
	trickle
	blackhole
)

// CutResponses forwards the first after bytes the server sends on each
// connection, then resets the connection, both ways, instead of forwarding
// the next byte: the client sees its reply end in the middle, as when a
// server crashes while it writes. CutResponses(0) resets a connection as soon
// as the server sends anything. It panics if after is negative.
func CutResponses(after int) Fault {
	if after < 0 {
		panic(fmt.Sprintf("faultproxy.CutResponses(%d): a negative byte count", after))
	}
	return Fault{kind: cutResponses, n: after}
}

// CutRequests is CutResponses for the other direction: it forwards the first
// after bytes the client sends on each connection, then resets the
// connection, so the server never sees the rest of the request. It panics if
// after is negative.
func CutRequests(after int) Fault {
	if after < 0 {
		panic(fmt.Sprintf("faultproxy.CutRequests(%d): a negative byte count", after))
	}
	return Fault{kind: cutRequests, n: after}
}

// Trickle forwards every byte, both ways, but at most bytesPerWrite bytes at
// a time, each after waiting delay: a slow network, and replies that reach
// the client in many small pieces. Nothing is lost, so a connection keeps
// working when the fault is lifted. It panics if bytesPerWrite is less than
// 1 or delay is negative.
func Trickle(bytesPerWrite int, delay time.Duration) Fault {
	if bytesPerWrite < 1 || delay < 0 {
		panic(fmt.Sprintf("faultproxy.Trickle(%d, %v): want at least one byte per write and a delay of zero or more", bytesPerWrite, delay))
	}
	return Fault{kind: trickle, n: bytesPerWrite, delay: delay}
}

// Blackhole makes the server silent: the proxy keeps accepting connections
// and reading what clients send, but forwards nothing either way, not even
// the end of a stream, and never answers. A client only notices through its
// own timeouts.
//
// A connection that lost bytes to the blackhole can never forward again
// (its streams have a hole), so lifting the fault resets every such
// connection; clients reconnect.
func Blackhole() Fault { return Fault{kind: blackhole} }

// String returns f as the Go call that makes it, such as "CutResponses(7)",
// or "pass-through" for the zero Fault.
func (f Fault) String() string {
	switch f.kind {
	case cutRequests:
		return fmt.Sprintf("CutRequests(%d)", f.n)
	case cutResponses:
		return fmt.Sprintf("CutResponses(%d)", f.n)
	case trickle:
		return fmt.Sprintf("Trickle(%d, %v)", f.n, f.delay)
	case blackhole:
		return "Blackhole()"
	}
	return "pass-through"
}
