package conformance_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/mutablestore/mutablestore/conformance/faultproxy"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

// wire is a store on a loopback TCP server backed by memstore, one
// connection per operation: the network backend of the harness's own
// BrokenConnections tests (gatedHarness's Proxied), small enough to read
// whole.
//
// A request is an op byte ('R' or 'W'), the name and, for 'W', the content,
// each as a 4-byte big-endian length and its bytes. A reply is 'V' and the
// content, 'N' for a missing name, or 'O' for a write done.
type wire struct {
	addr string
	// trusting is the bug the cases must catch: a client that takes
	// whatever arrived before the connection ended as the whole value.
	trusting bool
}

// wireServer serves mem on a loopback port until the test ends.
func wireServer(t testing.TB, mem *memstore.Store) string {
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
			go serveWire(c, mem)
		}
	}()
	return ln.Addr().String()
}

func serveWire(c net.Conn, mem *memstore.Store) {
	defer c.Close()
	var op [1]byte
	if _, err := io.ReadFull(c, op[:]); err != nil {
		return
	}
	name, err := readFrame(c)
	if err != nil {
		return
	}
	ctx := context.Background()
	switch op[0] {
	case 'R':
		content, err := mem.Read(ctx, string(name))
		if errors.Is(err, store.ErrNotFound) {
			c.Write([]byte{'N'})
			return
		}
		c.Write(append([]byte{'V'}, frame(content)...))
	case 'W':
		content, err := readFrame(c)
		if err != nil {
			return // a request cut short stores nothing
		}
		if mem.Write(ctx, string(name), string(content)) == nil {
			c.Write([]byte{'O'})
		}
	}
}

func frame(b string) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)
}

func readFrame(r io.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	b := make([]byte, binary.BigEndian.Uint32(n[:]))
	_, err := io.ReadFull(r, b)
	return b, err
}

// call sends one request and returns the reply's status and content.
func (w *wire) call(ctx context.Context, req []byte) (byte, string, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		return 0, "", err
	}
	defer c.Close()
	if deadline, ok := ctx.Deadline(); ok {
		c.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if _, err := c.Write(req); err != nil {
		return 0, "", err
	}
	var status [1]byte
	if _, err := io.ReadFull(c, status[:]); err != nil {
		return 0, "", err
	}
	if status[0] != 'V' {
		return status[0], "", nil
	}
	if !w.trusting {
		b, err := readFrame(c)
		return 'V', string(b), err
	}
	var n [4]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return 0, "", err
	}
	b := make([]byte, binary.BigEndian.Uint32(n[:]))
	got, _ := io.ReadFull(c, b) // the bug: the error is dropped
	return 'V', string(b[:got]), nil
}

func (w *wire) Read(ctx context.Context, name string) (string, error) {
	if err := store.Check(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	status, content, err := w.call(ctx, append([]byte{'R'}, frame(name)...))
	switch {
	case err != nil:
		return "", store.NewError(ctx, store.OpRead, name, err)
	case status == 'N':
		return "", store.NewError(ctx, store.OpRead, name, store.ErrNotFound)
	case status != 'V':
		return "", store.NewError(ctx, store.OpRead, name, fmt.Errorf("reply %q to a read", status))
	}
	return content, nil
}

func (w *wire) Write(ctx context.Context, name, content string) error {
	if err := store.Check(ctx, store.OpWrite, name); err != nil {
		return err
	}
	req := append(append([]byte{'W'}, frame(name)...), frame(content)...)
	status, _, err := w.call(ctx, req)
	if err == nil && status != 'O' {
		err = fmt.Errorf("reply %q to a write", status)
	}
	return store.NewError(ctx, store.OpWrite, name, err)
}

// wireProxied is a Harness.Proxied of wire stores, each on its own server.
func wireProxied(trusting bool) func(testing.TB) (store.MutableStore, *faultproxy.Proxy) {
	return func(tb testing.TB) (store.MutableStore, *faultproxy.Proxy) {
		p := faultproxy.New(tb, wireServer(tb, memstore.New()))
		return &wire{addr: p.Addr(), trusting: trusting}, p
	}
}
