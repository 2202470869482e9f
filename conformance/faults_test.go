package conformance_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/store"
)

// recorder is a testing.TB that keeps the failures a helper reports instead
// of failing the test that checks the helper.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func TestExpectFailure(t *testing.T) {
	const secret = "hunter2"
	driver := errors.New("dial tcp 127.0.0.1:6379: connection refused")
	tests := []struct {
		desc string
		err  error
		want string // a part of the one failure expected; "" for none
	}{
		{"a proper failure", &store.Error{Op: store.OpRead, Name: "x", Err: driver}, ""},
		{"no error", nil, "want an error"},
		{"NotFound", &store.Error{Op: store.OpRead, Name: "x", Err: store.ErrNotFound}, "matches store.ErrNotFound"},
		{"not a *store.Error", driver, "want a *store.Error"},
		{"wrong op", &store.Error{Op: store.OpWrite, Name: "x", Err: driver}, "want a *store.Error"},
		{"leaks the secret", &store.Error{Op: store.OpRead, Name: "x", Err: errors.New("auth " + secret + " refused")}, "contains a secret"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := &recorder{TB: t}
			conformance.ExpectFailure(r, "Read", tt.err, store.OpRead, "x", secret)
			switch {
			case tt.want == "" && len(r.failures) != 0:
				t.Errorf("ExpectFailure reported %q; want nothing", r.failures)
			case tt.want != "" && (len(r.failures) != 1 || !strings.Contains(r.failures[0], tt.want)):
				t.Errorf("ExpectFailure reported %q; want one failure containing %q", r.failures, tt.want)
			}
			for _, f := range r.failures {
				if strings.Contains(f, secret) && tt.want != "contains a secret" {
					t.Errorf("ExpectFailure's own message repeats the secret: %q", f)
				}
			}
		})
	}
}

// lossy forgets every write: a store that did not recover.
type lossy struct{ *memstore.Store }

func (lossy) Write(context.Context, string, string) error { return nil }

func TestExpectRecovery(t *testing.T) {
	healthy := memstore.New()
	if err := healthy.Write(t.Context(), "page", "before"); err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	conformance.ExpectRecovery(r, healthy, "page", "before")
	if len(r.failures) != 0 {
		t.Errorf("ExpectRecovery on a healthy store reported %q; want nothing", r.failures)
	}

	broken := lossy{memstore.New()}
	_ = broken.Store.Write(t.Context(), "page", "before")
	r = &recorder{TB: t}
	conformance.ExpectRecovery(r, broken, "page", "before")
	if len(r.failures) != 1 || !strings.Contains(r.failures[0], "after the backend came back") {
		t.Errorf("ExpectRecovery on a store that loses writes reported %q; want one failure", r.failures)
	}
}
