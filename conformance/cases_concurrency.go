package conformance

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The sizes of the concurrency cases: small enough for a network backend to
// run them in a second or two, large enough to interleave writes and reads.
const (
	concurrentWriters = 8
	writesPerWriter   = 25
	concurrentReaders = 8
	namesPerWriter    = 10
)

func concurrencyCases() []testCase {
	return []testCase{
		{"ConcurrentSameName", testConcurrentSameName},
		{"ConcurrentDistinctNames", testConcurrentDistinctNames},
	}
}

// concurrentValue is the k-th value writer w writes. Every value is
// distinct, has a length of its own, and starts and ends with its writer
// and index, so that a read mixing two values (or a truncated one) is not a
// member of the set of written values.
func concurrentValue(w, k int) string {
	id := w*writesPerWriter + k
	return fmt.Sprintf("<%d.%d|", w, k) + strings.Repeat(string(rune('a'+id%26)), id*41) + fmt.Sprintf("|%d.%d>", w, k)
}

// testConcurrentSameName has writers overwrite one name while readers read
// it. Every read must return one written value whole; afterwards the name
// holds the last value of one of the writers.
func testConcurrentSameName(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	ctx := t.Context()
	const name = "static/contended.html"
	const initial = "initial value"
	written := map[string]bool{initial: true}
	final := map[string]bool{}
	for w := range concurrentWriters {
		for k := range writesPerWriter {
			written[concurrentValue(w, k)] = true
		}
		final[concurrentValue(w, writesPerWriter-1)] = true
	}
	mustWrite(t, s, name, initial)

	var (
		writers, readers sync.WaitGroup
		done             atomic.Bool
	)
	for w := range concurrentWriters {
		writers.Go(func() {
			for k := range writesPerWriter {
				v := concurrentValue(w, k)
				if err := s.Write(ctx, name, v); err != nil {
					t.Errorf("concurrent %s returned err = %v; want nil: concurrent writes of one name must all succeed",
						callWrite(name, v), err)
					return
				}
			}
		})
	}
	for range concurrentReaders {
		readers.Go(func() {
			for {
				stop := done.Load() // one last read after the writers are done
				got, err := s.Read(ctx, name)
				switch {
				case err != nil:
					t.Errorf("%s during concurrent writes returned err = %v; want nil: the name always holds a value, and a Write must replace it atomically (never delete then create it)",
						callRead(name), err)
					return
				case got == "":
					t.Errorf("%s during concurrent writes returned empty content, which was never written; a reader must see the old or the new value whole, never an empty or truncated one",
						callRead(name))
					return
				case !written[got]:
					t.Errorf("%s during concurrent writes returned %d bytes starting %s, which is not one of the values written: a reader saw a write half done or two writes mixed",
						callRead(name), len(got), excerpt(got, 0))
					return
				}
				if stop {
					return
				}
			}
		})
	}
	writers.Wait()
	done.Store(true)
	readers.Wait()
	if t.Failed() {
		return
	}
	got, err := s.Read(ctx, name)
	switch {
	case err != nil:
		t.Errorf("%s after concurrent writes returned err = %v; want nil", callRead(name), err)
	case !final[got]:
		t.Errorf("%s after concurrent writes returned %d bytes starting %s; want the last value of one of the writers: an earlier write overtook a later one",
			callRead(name), len(got), excerpt(got, 0))
	}
}

// testConcurrentDistinctNames has each goroutine write and read names of its
// own: no value may land under another goroutine's name.
func testConcurrentDistinctNames(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	ctx := t.Context()
	nameOf := func(w, k int) string { return fmt.Sprintf("par/w%02d/n%02d.html", w, k) }
	valueOf := func(w, k int) string {
		return fmt.Sprintf("writer %d, name %d: %s", w, k, strings.Repeat("·", w*namesPerWriter+k))
	}

	var wg sync.WaitGroup
	for w := range concurrentWriters {
		wg.Go(func() {
			for k := range namesPerWriter {
				name, want := nameOf(w, k), valueOf(w, k)
				if err := s.Write(ctx, name, want); err != nil {
					t.Errorf("concurrent %s returned err = %v; want nil", callWrite(name, want), err)
					return
				}
				got, err := s.Read(ctx, name)
				if err != nil {
					t.Errorf("concurrent %s right after its Write returned err = %v; want nil and the value written", callRead(name), err)
					return
				}
				if d := diff(got, want); d != "" {
					t.Errorf("concurrent %s right after its Write returned another value: %s", callRead(name), d)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for w := range concurrentWriters {
		for k := range namesPerWriter {
			wantContent(t, s, nameOf(w, k), valueOf(w, k))
		}
	}
}
