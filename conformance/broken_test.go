package conformance_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/store"
)

// A suite that passes everything proves nothing. These tests run the suite,
// in a child process, against stores each broken in one known way, and check
// that the case meant to catch the fault fails with a message that names it.

// brokenEnv selects the fault of the store TestBrokenStore runs the suite on.
const brokenEnv = "CONFORMANCE_TEST_BROKEN_STORE"

var faults = []struct {
	fault string // the fault, as set in brokenEnv
	run   string // the cases that must catch it (a -run pattern under TestBrokenStore)
	want  string // a part of the failure message
}{
	{"plain-not-found", "ReadMissing", "want an error matching store.ErrNotFound"},
	{"bare-not-found", "ReadMissing", "want a *store.Error in its chain"},
	{"wrong-op", "ReadMissing", `whose Op is "get"; want "read"`},
	{"empty-is-missing", "EmptyContent", "empty content is a value, not a missing name"},
	{"no-truncate", "Overwrite", "does not return the new value whole"},
	{"lossy-utf8", "InvalidUTF8", `"bytes/invalid") returned content that differs`},
	{"truncate-1mib", "LargeContent", "got 1048576 bytes, want 16777216; first difference at byte offset 1048576"},
	{"clean-names", "InvalidNames", "the adapter repaired the invalid name and stored the value"},
	{"clean-names", "InvalidNames", "want an error matching store.ErrInvalidName"},
	{"ignore-context", "CanceledRead", "want an error matching context.Canceled"},
	{"ignore-context", "DeadlineExceededWrite", "want an error matching context.DeadlineExceeded"},
	{"torn-write", "ConcurrentSameName", "a reader saw a write half done or two writes mixed"},
	{"shared", "Isolation", "newStore must return a new, empty store each time"},
	{"conflict-plain-error", "ParentThenChild", "or an error matching store.ErrConflict"},
	{"conflict-damages", "ChildThenParent", "damaged the existing name"},
	{"delete-missing-fails", "DeleteMissing", "of a missing name returned err"},
	{"escape-percent", "ValidNames", "two names share one value"},
}

func TestSuiteCatchesBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	for _, f := range faults {
		t.Run(f.fault+"/"+f.run, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenStore$/^"+f.run+"$", "-test.v")
			cmd.Env = append(os.Environ(), brokenEnv+"="+f.fault)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the suite passed (or could not run: err = %v) on a store with fault %q; want case %s to fail. Output:\n%s",
					err, f.fault, f.run, out)
			}
			if !strings.Contains(string(out), f.want) {
				t.Errorf("case %s failed on a store with fault %q, but its output does not contain %q. Output:\n%s",
					f.run, f.fault, f.want, out)
			}
		})
	}
}

// TestBrokenStore runs the suite on the broken store brokenEnv names. It is
// skipped unless TestSuiteCatchesBrokenStores runs it in a child process.
func TestBrokenStore(t *testing.T) {
	fault := os.Getenv(brokenEnv)
	if fault == "" {
		t.Skip("run by TestSuiteCatchesBrokenStores")
	}
	newBroken := func() *broken {
		return &broken{fault: fault, names: map[string]string{}, torn: map[string]string{}}
	}
	shared := newBroken()
	conformance.Run(t, func(testing.TB) store.MutableStore {
		if fault == "shared" {
			return shared
		}
		return newBroken()
	})
}

// broken is memstore with one fault.
type broken struct {
	fault string
	mu    sync.Mutex
	names map[string]string
	torn  map[string]string // for "torn-write": the whole value of a name that reads half
}

func (s *broken) check(ctx context.Context, op, name string) error {
	if s.fault != "clean-names" && s.fault != "ignore-context" {
		return store.Check(ctx, op, name)
	}
	if s.fault == "ignore-context" {
		return store.Check(context.Background(), op, name)
	}
	return nil
}

// key is where a name is kept: the fault "clean-names" repairs names instead
// of rejecting them, "escape-percent" decodes %2F as a URL router would.
func (s *broken) key(name string) string {
	switch s.fault {
	case "clean-names":
		return strings.TrimPrefix(path.Clean("/"+strings.ToValidUTF8(name, "\uFFFD")), "/")
	case "escape-percent":
		return strings.ReplaceAll(name, "%2F", "/")
	}
	return name
}

func (s *broken) Read(ctx context.Context, name string) (string, error) {
	if err := s.check(ctx, store.OpRead, name); err != nil {
		return "", err
	}
	s.mu.Lock()
	content, ok := s.names[s.key(name)]
	if whole, torn := s.torn[s.key(name)]; torn {
		s.names[s.key(name)] = whole
		delete(s.torn, s.key(name))
	}
	s.mu.Unlock()
	if ok {
		return content, nil
	}
	switch s.fault {
	case "plain-not-found":
		return "", errors.New("key does not exist")
	case "bare-not-found":
		return "", store.ErrNotFound
	case "wrong-op":
		return "", &store.Error{Op: "get", Name: name, Err: store.ErrNotFound}
	}
	return "", store.NewError(ctx, store.OpRead, name, store.ErrNotFound)
}

func (s *broken) Write(ctx context.Context, name, content string) error {
	if err := s.check(ctx, store.OpWrite, name); err != nil {
		return err
	}
	key := s.key(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	old, exists := s.names[key]
	switch s.fault {
	case "empty-is-missing":
		if content == "" {
			delete(s.names, key)
			return nil
		}
	case "no-truncate":
		if exists && len(old) > len(content) {
			content += old[len(content):]
		}
	case "lossy-utf8":
		content = strings.ToValidUTF8(content, "\uFFFD")
	case "truncate-1mib":
		content = content[:min(len(content), 1<<20)]
	case "torn-write":
		// The next Read sees the first half alone, as it could while a
		// backend writes in place; the Read after it sees the whole value.
		s.names[key] = content[:len(content)/2]
		s.torn[key] = content
		return nil
	case "conflict-plain-error", "conflict-damages":
		for other := range s.names {
			if strings.HasPrefix(other, key+"/") || strings.HasPrefix(key, other+"/") {
				if s.fault == "conflict-damages" {
					delete(s.names, other)
					return store.NewError(ctx, store.OpWrite, name, store.ErrConflict)
				}
				return errors.New("is a directory")
			}
		}
	}
	s.names[key] = content
	return nil
}

func (s *broken) Delete(ctx context.Context, name string) error {
	if err := s.check(ctx, store.OpDelete, name); err != nil {
		return err
	}
	key := s.key(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.names[key]; !ok && s.fault == "delete-missing-fails" {
		return store.NewError(ctx, store.OpDelete, name, store.ErrNotFound)
	}
	delete(s.names, key)
	return nil
}
