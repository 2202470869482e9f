package conformance

import (
	"errors"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/store"
)

// Run checks a healthy backend. A backend that fails (stopped, unreachable,
// refusing the credentials, missing its bucket or table) can only be
// produced by the adapter's own tests, which know how to break it; these
// helpers give such fault tests the contract's side of the check.

// ExpectFailure reports on t every way err, returned by operation op on
// name while the backend was failing, breaks the contract: it must not be
// nil, must not match store.ErrNotFound (an engine would take the outage
// for a page to render), must be a *store.Error for op and name, and must
// not contain any of secrets, such as the password the client was given.
// desc says what the test did, for the failure message.
func ExpectFailure(t testing.TB, desc string, err error, op, name string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: err = nil; want an error: the backend is failing", desc)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: %v matches store.ErrNotFound; want it not to: a failing backend is not a missing name", desc, err)
	}
	var se *store.Error
	if !errors.As(err, &se) || se.Op != op || se.Name != name {
		t.Errorf("%s: %v (%T); want a *store.Error with Op %q and Name %q", desc, err, err, op, name)
	}
	ExpectNoSecret(t, desc, err, secrets...)
}

// ExpectNoSecret reports on t an error message that contains any of
// secrets. Empty secrets are ignored.
func ExpectNoSecret(t testing.TB, desc string, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, secret := range secrets {
		if secret != "" && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error message contains a secret (%d bytes): %v", desc, len(secret), err)
		}
	}
}

// ExpectRecovery checks that s, the same store that failed while its
// backend was down, works again once the backend is back, without being
// rebuilt: name still holds want (writes that failed during the outage did
// not land), and a new write reads back.
func ExpectRecovery(t testing.TB, s store.MutableStore, name, want string) {
	t.Helper()
	ctx := t.Context()
	if got, err := s.Read(ctx, name); err != nil || got != want {
		t.Errorf("Read(%q) after the backend came back = %q, %v; want %q, nil (the store must recover, and writes that failed must not have landed)", name, got, err, want)
		return
	}
	const after = "written after the backend came back"
	if err := s.Write(ctx, name, after); err != nil {
		t.Errorf("Write(%q) after the backend came back = %v; want nil", name, err)
		return
	}
	if got, err := s.Read(ctx, name); err != nil || got != after {
		t.Errorf("Read(%q) after the backend came back = %q, %v; want %q, nil", name, got, err, after)
	}
}
