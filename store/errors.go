package store

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Sentinel errors. Match them with errors.Is: adapters wrap them in *Error.
var (
	// ErrNotFound means the name does not exist in the store.
	ErrNotFound = errors.New("not found")

	// ErrInvalidName means the name breaks the rules of ValidateName.
	ErrInvalidName = errors.New("invalid name")

	// ErrConflict means the name cannot coexist with a name already stored,
	// such as "a/b" beside "a" on a backend that keeps names as paths.
	ErrConflict = errors.New("name conflicts with an existing name")
)

// Operation names carried in Error.Op.
const (
	OpRead   = "read"
	OpWrite  = "write"
	OpDelete = "delete"
)

// Error records a failed operation on a name, like fs.PathError does for
// files. Err is the cause: a sentinel of this package, a context error, or
// the backend driver's own error, reachable with errors.Is and errors.As.
type Error struct {
	Op   string // OpRead, OpWrite, OpDelete, or an adapter's own operation
	Name string // the name the operation was given
	Err  error
}

// Error formats as `read "static/index.html": not found`. The name is quoted
// so that a rejected name containing control characters cannot forge log
// lines.
func (e *Error) Error() string {
	cause := "<nil>"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	return e.Op + " " + strconv.Quote(e.Name) + ": " + cause
}

// Unwrap returns Err, so errors.Is and errors.As reach the cause.
func (e *Error) Unwrap() error { return e.Err }

// Check is the guard every adapter runs before it touches its backend: it
// validates name and reports a context that is already done, as an *Error
// for op and name.
func Check(ctx context.Context, op, name string) error {
	if err := ValidateName(name); err != nil {
		return &Error{Op: op, Name: name, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return &Error{Op: op, Name: name, Err: err}
	}
	return nil
}

// NewError wraps err, the failure of op on name, for an adapter to return.
// It returns nil for a nil err, and err itself when it already is an *Error
// for the same op and name.
//
// When ctx is done and err does not already say so, NewError adds ctx.Err()
// to the chain: some drivers report a cancellation as a bare I/O error of
// the interrupted connection, and callers must tell it from a failing
// backend. A passed deadline counts even before the context's timer has
// fired, since a driver that sets socket deadlines from the context
// (go-redis, pgx) can time out a hair earlier. ErrNotFound is left alone:
// the backend answered before the context ended.
func NewError(ctx context.Context, op, name string, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) && se.Op == op && se.Name == name {
		return err
	}
	if ctxErr := contextErr(ctx); ctxErr != nil && !errors.Is(err, ctxErr) && !errors.Is(err, ErrNotFound) {
		err = &contextError{ctx: ctxErr, cause: err}
	}
	return &Error{Op: op, Name: name, Err: err}
}

// contextErr is ctx.Err(), or DeadlineExceeded once the deadline passed.
func contextErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// contextError joins a context's error with the driver error it caused,
// keeping both reachable and the message on one line.
type contextError struct {
	ctx, cause error
}

func (e *contextError) Error() string   { return e.ctx.Error() + ": " + e.cause.Error() }
func (e *contextError) Unwrap() []error { return []error{e.ctx, e.cause} }
