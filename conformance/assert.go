package conformance

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

// The helpers in this file turn each check into a failure message that says
// what the adapter did and what the contract wants, in the words an adapter
// author would search the store package documentation for.

// mustWrite writes content under name and stops the test if Write fails: the
// checks that follow would only repeat the same failure.
func mustWrite(t testing.TB, s store.MutableStore, name, content string) {
	t.Helper()
	if err := s.Write(t.Context(), name, content); err != nil {
		t.Fatalf("%s returned err = %v; want nil", callWrite(name, content), err)
	}
}

// wantContent reads name and reports any error or any difference from want.
func wantContent(t testing.TB, s store.MutableStore, name, want string) bool {
	t.Helper()
	got, err := s.Read(t.Context(), name)
	if err != nil {
		t.Errorf("%s returned err = %v; want nil and the %s last written", callRead(name), err, size(want))
		return false
	}
	if d := diff(got, want); d != "" {
		t.Errorf("%s returned content that differs from what was last written: %s", callRead(name), d)
		return false
	}
	return true
}

// wantNotFound reads name and reports anything but an *store.Error for
// OpRead and name that matches store.ErrNotFound. why says, in a few words,
// why the name must be missing.
func wantNotFound(t testing.TB, s store.MutableStore, name, why string) bool {
	t.Helper()
	got, err := s.Read(t.Context(), name)
	if err == nil {
		t.Errorf("%s returned %s and err = nil; want an error matching store.ErrNotFound (%s)", callRead(name), size(got), why)
		return false
	}
	ok := wantError(t, callRead(name), err, store.OpRead, name, store.ErrNotFound)
	if ok && got != "" {
		t.Errorf("%s returned store.ErrNotFound together with %s; want empty content with the error", callRead(name), size(got))
		ok = false
	}
	return ok
}

// wantError reports whether err is what the contract wants from call: an
// error matching want, of type *store.Error (reachable with errors.As) whose
// Op is op and whose Name is name. It reports each difference.
func wantError(t testing.TB, call string, err error, op, name string, want error) bool {
	t.Helper()
	if err == nil {
		t.Errorf("%s returned err = nil; want an error matching %s", call, sentinel(want))
		return false
	}
	ok := true
	if !errors.Is(err, want) {
		t.Errorf("%s returned err = %v; want an error matching %s (errors.Is)", call, err, sentinel(want))
		ok = false
	}
	if want != store.ErrNotFound && errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s returned err = %v, which matches store.ErrNotFound; an engine would take it for a missing name and re-render: want only %s",
			call, err, sentinel(want))
		ok = false
	}
	var se *store.Error
	if !errors.As(err, &se) {
		t.Errorf("%s returned err = %v of type %T; want a *store.Error in its chain (return failures through store.Check and store.NewError)",
			call, err, err)
		return false
	}
	if se.Op != op {
		t.Errorf("%s returned a *store.Error whose Op is %q; want %q", call, se.Op, op)
		ok = false
	}
	if se.Name != name {
		t.Errorf("%s returned a *store.Error whose Name is %s; want the name the call was given", call, quoteName(se.Name))
		ok = false
	}
	return ok
}

// sentinel names an error the way a Go programmer writes it.
func sentinel(err error) string {
	switch err {
	case store.ErrNotFound:
		return "store.ErrNotFound"
	case store.ErrInvalidName:
		return "store.ErrInvalidName"
	case store.ErrConflict:
		return "store.ErrConflict"
	case context.Canceled:
		return "context.Canceled"
	case context.DeadlineExceeded:
		return "context.DeadlineExceeded"
	case fs.ErrClosed:
		return "fs.ErrClosed"
	}
	return strconv.Quote(err.Error())
}

func callRead(name string) string   { return "Read(" + quoteName(name) + ")" }
func callDelete(name string) string { return "Delete(" + quoteName(name) + ")" }
func callWrite(name, content string) string {
	return "Write(" + quoteName(name) + ", " + size(content) + ")"
}

// quoteName quotes a name, shortening names too long to read in a message.
func quoteName(name string) string {
	const max = 48
	if len(name) <= max {
		return strconv.Quote(name)
	}
	return fmt.Sprintf("%s...(%d bytes)", strconv.Quote(name[:max]), len(name))
}

// size describes content briefly: small contents in full, large ones by
// length only, so that a failure never prints megabytes.
func size(content string) string {
	if len(content) <= 32 {
		return "content " + strconv.Quote(content)
	}
	return fmt.Sprintf("%d bytes of content", len(content))
}

// diff describes how got differs from want, or returns "" when they are
// equal. Large contents are described by their lengths and the first
// differing byte offset, with a short excerpt of each side from there.
func diff(got, want string) string {
	if got == want {
		return ""
	}
	if len(got) <= 64 && len(want) <= 64 {
		return fmt.Sprintf("got %q, want %q", got, want)
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	return fmt.Sprintf("got %d bytes, want %d; first difference at byte offset %d: got %s, want %s",
		len(got), len(want), i, excerpt(got, i), excerpt(want, i))
}

func excerpt(s string, i int) string {
	if i >= len(s) {
		return "end of content"
	}
	return strconv.Quote(s[i:min(i+16, len(s))]) + "..."
}
