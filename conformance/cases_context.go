package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/store"
)

// The context cases use a context that is already done when the call
// starts, the only cancellation a suite can produce without knowing the
// backend. A correct adapter rejects it in store.Check before any round
// trip; cancellation in mid-flight belongs in the adapter's own fault tests.

func contextCases() []testCase {
	return []testCase{
		{"CanceledRead", func(t *testing.T, newStore newStoreFunc) {
			testDoneRead(t, newStore, canceled(t), context.Canceled)
		}},
		{"CanceledWrite", func(t *testing.T, newStore newStoreFunc) {
			testDoneWrite(t, newStore, canceled(t), context.Canceled)
		}},
		{"CanceledDelete", func(t *testing.T, newStore newStoreFunc) {
			testDoneDelete(t, newStore, canceled(t), context.Canceled)
		}},
		{"DeadlineExceededRead", func(t *testing.T, newStore newStoreFunc) {
			testDoneRead(t, newStore, expired(t), context.DeadlineExceeded)
		}},
		{"DeadlineExceededWrite", func(t *testing.T, newStore newStoreFunc) {
			testDoneWrite(t, newStore, expired(t), context.DeadlineExceeded)
		}},
		{"DeadlineExceededDelete", func(t *testing.T, newStore newStoreFunc) {
			testDoneDelete(t, newStore, expired(t), context.DeadlineExceeded)
		}},
	}
}

func canceled(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}

func expired(t *testing.T) context.Context {
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Minute))
	t.Cleanup(cancel)
	return ctx
}

// testDoneRead reads a present and a missing name with a done context. Both
// must report the context's error, and the missing one must not report
// ErrNotFound: the engine would render a page it was told to stop rendering.
func testDoneRead(t *testing.T, newStore newStoreFunc, ctx context.Context, want error) {
	s := newStore(t)
	const present, missing = "ctx/present", "ctx/missing"
	mustWrite(t, s, present, "value")
	for _, name := range []string{present, missing} {
		got, err := s.Read(ctx, name)
		call := callRead(name) + " with a context whose error is " + sentinel(want)
		wantError(t, call, err, store.OpRead, name, want)
		if err != nil && got != "" {
			t.Errorf("%s returned %s with its error; want empty content", call, size(got))
		}
	}
	wantContent(t, s, present, "value")
}

// testDoneWrite writes a new and an existing name with a done context. Both
// must fail with the context's error and leave the store as it was.
func testDoneWrite(t *testing.T, newStore newStoreFunc, ctx context.Context, want error) {
	s := newStore(t)
	const existing, fresh = "ctx/existing", "ctx/new"
	mustWrite(t, s, existing, "old value")
	for _, name := range []string{existing, fresh} {
		err := s.Write(ctx, name, "new value")
		wantError(t, callWrite(name, "new value")+" with a context whose error is "+sentinel(want), err, store.OpWrite, name, want)
	}
	if !wantContent(t, s, existing, "old value") {
		t.Errorf("a Write that failed because its context was done changed the existing value; want the old value whole")
	}
	wantNotFound(t, s, fresh, "its only Write had a done context and failed")
}

// testDoneDelete deletes a present name with a done context: the call
// fails and the value stays.
func testDoneDelete(t *testing.T, newStore newStoreFunc, ctx context.Context, want error) {
	s := newStore(t)
	d, ok := s.(store.Deleter)
	if !ok {
		t.Skip("the store does not implement store.Deleter")
	}
	const name = "ctx/keep"
	mustWrite(t, s, name, "value")
	err := d.Delete(ctx, name)
	wantError(t, callDelete(name)+" with a context whose error is "+sentinel(want), err, store.OpDelete, name, want)
	wantContent(t, s, name, "value")
}
