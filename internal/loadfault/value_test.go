package loadfault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestParseValue: a whole value parses to its sequence number; a truncated,
// altered, spliced or foreign one does not.
func TestParseValue(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	v := newValue(r, "a/b", 7)
	other := newValue(r, "a/c", 7)
	if seq, err := parseValue("a/b", v); err != nil || seq != 7 {
		t.Fatalf("parseValue(whole) = %d, %v; want 7, nil", seq, err)
	}
	header, _, _ := strings.Cut(v, "\n")
	_, otherBody, _ := strings.Cut(other, "\n")
	for desc, bad := range map[string]string{
		"empty":              "",
		"header only":        header,
		"truncated":          v[:len(v)-1],
		"one byte changed":   v[:len(v)-1] + "!",
		"another's body":     header + "\n" + otherBody[:len(v)-len(header)-1],
		"another name's":     other,
		"appended to":        v + "x",
		"sequence rewritten": strings.Replace(v, " 7 ", " 8 ", 1),
	} {
		if seq, err := parseValue("a/b", bad); err == nil {
			t.Errorf("parseValue(%s) = %d, nil; want an error", desc, seq)
		}
	}
}

// TestKindOf sorts the errors the summary counts.
func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, kindDeadline},
		{fmt.Errorf("read: %w", syscall.ECONNREFUSED), kindRefused},
		{&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, kindReset},
		{io.ErrUnexpectedEOF, kindReset},
		{errors.New("FATAL: the database system is starting up (SQLSTATE 57P03)"), kindOther},
	} {
		if got := kindOf(c.err); got != c.want {
			t.Errorf("kindOf(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}
