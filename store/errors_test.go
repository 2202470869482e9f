package store

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// driverError stands for a backend driver's own error type, which callers
// reach with errors.As.
type driverError struct{ code int }

func (e *driverError) Error() string { return "driver failure" }

func canceledContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Op: OpRead, Name: "static/x", Err: ErrNotFound}, `read "static/x": not found`},
		{&Error{Op: OpWrite, Name: "a/b", Err: ErrConflict}, `write "a/b": name conflicts with an existing name`},
		{&Error{Op: OpDelete, Name: "p", Err: &driverError{}}, `delete "p": driver failure`},
		// A name with control characters cannot break the message into lines.
		{&Error{Op: OpRead, Name: "a\nFAKE log line", Err: ErrInvalidName}, `read "a\nFAKE log line": invalid name`},
		{&Error{Op: OpRead, Name: "日本語 page", Err: ErrNotFound}, `read "日本語 page": not found`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
		if strings.Contains(tt.err.Error(), "\n") {
			t.Errorf("Error() = %q spans lines", tt.err.Error())
		}
	}
}

func TestErrorUnwrap(t *testing.T) {
	cause := &driverError{code: 42}
	var err error = &Error{Op: OpRead, Name: "x", Err: cause}
	if got := errors.Unwrap(err); got != cause {
		t.Errorf("errors.Unwrap = %v; want the driver error", got)
	}
	var de *driverError
	if !errors.As(err, &de) || de.code != 42 {
		t.Errorf("errors.As(err, *driverError) = %v, %+v; want true and the driver error", errors.As(err, &de), de)
	}
	if errors.Is(err, ErrNotFound) {
		t.Error("an Error wrapping a driver error matches ErrNotFound; want only its cause to match")
	}
	var se *Error
	if !errors.As(err, &se) || se.Op != OpRead || se.Name != "x" {
		t.Errorf("errors.As(err, *Error) = %+v; want Op read, Name x", se)
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	if err := Check(ctx, OpRead, "static/x"); err != nil {
		t.Errorf(`Check(ctx, read, "static/x") = %v; want nil`, err)
	}

	err := Check(ctx, OpWrite, "../x")
	var se *Error
	if !errors.Is(err, ErrInvalidName) || !errors.As(err, &se) || se.Op != OpWrite || se.Name != "../x" {
		t.Errorf(`Check(ctx, write, "../x") = %#v; want an *Error{write, "../x"} matching ErrInvalidName`, err)
	}

	err = Check(canceledContext(), OpDelete, "x")
	if !errors.Is(err, context.Canceled) || !errors.As(err, &se) || se.Op != OpDelete || se.Name != "x" {
		t.Errorf(`Check(canceled, delete, "x") = %v; want an *Error{delete, "x"} matching context.Canceled`, err)
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalidName) {
		t.Errorf("Check(canceled, ...) = %v matches a store sentinel; want only context.Canceled", err)
	}

	expired, cancel := context.WithTimeout(ctx, -1)
	defer cancel()
	if err := Check(expired, OpRead, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Check(expired, ...) = %v; want context.DeadlineExceeded", err)
	}

	// The name is checked first: a bad name is a bug in the caller, whatever
	// the context.
	if err := Check(canceledContext(), OpRead, ""); !errors.Is(err, ErrInvalidName) {
		t.Errorf(`Check(canceled, read, "") = %v; want ErrInvalidName`, err)
	}
}

func TestNewError(t *testing.T) {
	ctx := context.Background()

	t.Run("nil", func(t *testing.T) {
		if err := NewError(ctx, OpRead, "x", nil); err != nil {
			t.Errorf("NewError(nil) = %v; want nil", err)
		}
		if err := NewError(canceledContext(), OpRead, "x", nil); err != nil {
			t.Errorf("NewError(canceled ctx, nil) = %v; want nil", err)
		}
	})

	t.Run("wraps", func(t *testing.T) {
		cause := &driverError{code: 7}
		err := NewError(ctx, OpWrite, "a/b", cause)
		var se *Error
		var de *driverError
		if !errors.As(err, &se) || se.Op != OpWrite || se.Name != "a/b" || se.Err != cause {
			t.Errorf("NewError = %#v; want *Error{write, a/b, cause}", err)
		}
		if !errors.As(err, &de) || de != cause {
			t.Errorf("errors.As to the driver error failed on %v", err)
		}
		if got, want := err.Error(), `write "a/b": driver failure`; got != want {
			t.Errorf("Error() = %q; want %q", got, want)
		}
		if errors.Is(err, context.Canceled) {
			t.Errorf("NewError with a live ctx = %v matches context.Canceled", err)
		}
	})

	t.Run("not found", func(t *testing.T) {
		err := NewError(ctx, OpRead, "static/x", ErrNotFound)
		if !errors.Is(err, ErrNotFound) || err.Error() != `read "static/x": not found` {
			t.Errorf("NewError(ErrNotFound) = %v; want read \"static/x\": not found", err)
		}
	})

	t.Run("already wrapped passes through", func(t *testing.T) {
		inner := &Error{Op: OpRead, Name: "x", Err: ErrNotFound}
		if err := NewError(ctx, OpRead, "x", inner); err != inner {
			t.Errorf("NewError(*Error for the same op and name) = %v; want it unchanged", err)
		}
		if err := NewError(canceledContext(), OpRead, "x", inner); err != inner {
			t.Errorf("NewError(canceled ctx, *Error for the same op and name) = %v; want it unchanged", err)
		}
	})

	t.Run("canceled driver error", func(t *testing.T) {
		cause := &driverError{code: 9}
		err := NewError(canceledContext(), OpRead, "x", cause)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("NewError(canceled ctx, driver error) = %v; want a match for context.Canceled", err)
		}
		var de *driverError
		if !errors.As(err, &de) || de != cause {
			t.Errorf("NewError(canceled ctx, driver error) = %v; want the driver error still reachable", err)
		}
		var se *Error
		if !errors.As(err, &se) || se.Op != OpRead || se.Name != "x" {
			t.Errorf("NewError(canceled ctx, ...) = %#v; want an *Error{read, x}", err)
		}
		if errors.Is(err, ErrNotFound) {
			t.Errorf("NewError(canceled ctx, driver error) = %v matches ErrNotFound", err)
		}
		if got, want := err.Error(), `read "x": context canceled: driver failure`; got != want {
			t.Errorf("Error() = %q; want %q", got, want)
		}
	})

	t.Run("canceled io error", func(t *testing.T) {
		// What a driver returns when its connection is torn down mid-call.
		err := NewError(canceledContext(), OpWrite, "x", io.ErrUnexpectedEOF)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("NewError(canceled ctx, io.ErrUnexpectedEOF) = %v; want it to match both", err)
		}
	})

	t.Run("context error not doubled", func(t *testing.T) {
		err := NewError(canceledContext(), OpRead, "x", context.Canceled)
		if got, want := err.Error(), `read "x": context canceled`; got != want {
			t.Errorf("Error() = %q; want %q", got, want)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		expired, cancel := context.WithTimeout(ctx, -1)
		defer cancel()
		err := NewError(expired, OpRead, "x", &driverError{})
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			t.Errorf("NewError(expired ctx, driver error) = %v; want DeadlineExceeded only", err)
		}
	})

	t.Run("canceled not found stays not found", func(t *testing.T) {
		// The backend answered before the context ended: the answer stands.
		err := NewError(canceledContext(), OpRead, "x", ErrNotFound)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("NewError(canceled ctx, ErrNotFound) = %v; want a match for ErrNotFound", err)
		}
		if errors.Is(err, context.Canceled) {
			t.Errorf("NewError(canceled ctx, ErrNotFound) = %v matches context.Canceled; want NotFound alone", err)
		}
	})
}

// deadlinePassed is a context whose deadline is over but whose Err is still
// nil: the moment between a driver's socket timeout and the context's own
// timer firing.
type deadlinePassed struct{ context.Context }

func (deadlinePassed) Deadline() (time.Time, bool) { return time.Now().Add(-time.Millisecond), true }
func (deadlinePassed) Err() error                  { return nil }

func TestNewErrorDeadlinePassedBeforeTimerFired(t *testing.T) {
	cause := &driverError{code: 7}
	err := NewError(deadlinePassed{context.Background()}, OpRead, "x", cause)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("NewError with a passed deadline = %v; want it to match context.DeadlineExceeded", err)
	}
	var de *driverError
	if !errors.As(err, &de) || de.code != 7 {
		t.Errorf("NewError lost the driver error: %v", err)
	}
	if err := NewError(deadlinePassed{context.Background()}, OpRead, "x", ErrNotFound); errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("NewError turned a NotFound answer into a deadline error: %v", err)
	}
}
