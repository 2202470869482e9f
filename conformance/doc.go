// Package conformance turns the contract of package store into a test suite
// that every adapter runs: ours, and any third party's.
//
// The documentation of package store says what a MutableStore must do: which
// error a missing name gives, which names are valid, what a cancelled
// context does, what a concurrent reader may see. Run checks each of these
// against a real store and says, when a check fails, what the adapter did
// and what the contract wants, for example
//
//	Read("missing") of a missing name returned err = redis: nil; want an error matching store.ErrNotFound (errors.Is)
//
// Benchmark measures Read, Write and a parallel mix of both, so that adapters
// can be compared with each other and with their backend's raw client.
//
// # Using it in an adapter
//
// An adapter's tests call Run with a function that returns a new, empty
// store. For a backend on a network that usually means a unique key prefix,
// table or bucket per call, removed when the test ends:
//
//	func TestConformance(t *testing.T) {
//		client := newTestClient(t) // the adapter's own test helper
//		conformance.Run(t, func(tb testing.TB) store.MutableStore {
//			prefix := uniquePrefix(tb)
//			tb.Cleanup(func() {
//				// t.Context() is already done when cleanups run.
//				if err := deletePrefix(context.Background(), client, prefix); err != nil {
//					tb.Errorf("removing the test keys under %q: %v", prefix, err)
//				}
//			})
//			return kvstore.New(client, kvstore.Options{Prefix: prefix})
//		})
//	}
//
//	func BenchmarkStore(b *testing.B) {
//		client := newTestClient(b)
//		conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
//			return kvstore.New(client, kvstore.Options{Prefix: uniquePrefix(tb)})
//		})
//	}
//
// Every behaviour is a subtest named after it (ReadMissing, Overwrite,
// InvalidNames/DotDotEscape, ConcurrentSameName, ...), so a failing one can
// be rerun alone with go test -run 'TestConformance/Overwrite'.
//
// # What newStore must guarantee
//
//   - Each call returns a new store that holds no name, and that shares no
//     name with the stores of other calls: the Isolation case checks it, and
//     every other case relies on it.
//   - It reports its own failures through tb: tb.Fatal when the backend
//     cannot be reached, tb.Skip when it is not configured.
//   - It releases what it created (keys, tables, files, connections) through
//     tb.Cleanup. Cleanups run after the test's context is cancelled, so they
//     must not use tb.Context.
//   - A store that implements store.Deleter gets the Delete cases too; one
//     that does not has them skipped.
//
// A single Run calls newStore about thirty times and takes a second or two
// against a local network server; the largest content it writes is
// LargeContentSize bytes, once.
//
// # What it checks
//
// Every error is checked three ways: errors.Is against the sentinel or
// context error the contract names, errors.As to a *store.Error whose Op
// and Name are the operation's, and, where the contract wants a different
// error, that it does not also match store.ErrNotFound.
//
//   - Read of a missing name: store.ErrNotFound, empty content, the name in
//     the message.
//   - Write then Read, overwrites with longer then shorter content (no
//     leftover tail), empty content (a value, not a missing name), NUL
//     bytes, invalid UTF-8, and LargeContentSize bytes compared byte for
//     byte.
//   - Valid names: Unicode, spaces, '%' ("static/en-US-post%2Ffoo.json" and
//     "static/en-US-post/foo.json" are two names), URL specials, deep names,
//     a 255-byte segment and a store.MaxNameLen-byte name; at the end every name still
//     holds its own value.
//   - Invalid names, one subtest per rule of store.ValidateName: Read, Write
//     and Delete give store.ErrInvalidName, the rejected Write stored nothing
//     under the name or a repaired form of it ("escape" for "../escape"),
//     and the rejected Delete removed nothing.
//   - Names that nest (below).
//   - A cancelled or expired context on Read, Write and Delete: the context's
//     error, never store.ErrNotFound, even for a missing name; the store is
//     unchanged.
//   - 8 writers overwriting one name 25 times each with values of distinct
//     lengths while 8 readers read it: every read is one written value,
//     whole; the final value is the last one of some writer. Then 8
//     goroutines writing and reading 10 names each.
//   - Delete of a present name, a missing one, one deleted twice, one written
//     again; deleting a missing name below or above a stored one is nil and
//     leaves the stored one alone.
//   - Two stores from two newStore calls do not see each other's names.
//
// # Names that nest
//
// A backend that keeps names as paths cannot always hold both "a" and
// "a/b". The suite does not ask the adapter which kind it is; it writes "a",
// then "a/b", and accepts either outcome the contract allows:
//
//   - the second Write returns nil, and then both names read back their own
//     values; or
//   - the second Write fails with an error matching store.ErrConflict, and
//     then "a" still reads its value and "a/b" is store.ErrNotFound.
//
// Any other result fails. The same holds in the other order ("x/y" first,
// then "x"). Whatever the backend, reading "a/b" while only "a" holds a
// value, or "x" while only "x/y/z" does, is store.ErrNotFound, and deleting
// such a missing name returns nil and leaves the other name alone.
//
// # What it does not check
//
// Cancellation is checked with contexts that are already done when the call
// starts; a deadline that passes while a call waits on the network is
// checked by RunHarness, given a Proxied store (below). Durability
// across crashes, and how many round trips an operation makes, are also the
// adapter's own tests.
//
// # The failure half: RunHarness
//
// An outage, a wrong credential, a missing bucket or table is never
// ErrNotFound; one operation is one request; a store recovers by itself.
// RunHarness checks these too, given a Harness with the capabilities an
// adapter can offer: Misconfigured (a store whose bucket, table or
// credentials are wrong), Outage (a store and the Switch that takes its
// backend away), Proxied (a store whose connections run through a
// faultproxy.Proxy, which stages the outage too) and Requests (a store and a
// count of the requests it sent). A capability left nil skips its cases;
// Run(t, newStore) is RunHarness with NewStore alone.
//
//	conformance.RunHarness(t, conformance.Harness{
//		NewStore: newStore,
//		Proxied: func(tb testing.TB) (store.MutableStore, *faultproxy.Proxy) {
//			p := faultproxy.New(tb, serverAddr)
//			return newStoreAt(tb, p.Addr()), p
//		},
//		Secrets: []string{password},
//	})
//
// # Broken connections
//
// With Proxied, the BrokenConnections cases write values of 100 bytes, 10
// KiB and 256 KiB, then under each fault of package faultproxy (replies and
// requests cut after 1, 7 and 100 bytes and after half the largest value, a
// trickle of 512 bytes every 5 ms, a blackhole) read and overwrite them all
// at once, each operation with a one-second deadline, heal the proxy, and
// read every name again. A Read that returns nil must return a whole value:
// the last one written successfully, or one whose write failed (a failed
// write may land later, even after the next fault, when its request was
// still trickling to the server as its client gave up), never part of one.
// Every error must be a *store.Error that is not ErrNotFound. An operation
// the fault makes impossible (a read whose reply is cut before the value
// ends, a write whose request is, one that cannot cross the trickle by its
// deadline, any under the blackhole) must fail. After Heal the same store
// must read every name within ten seconds, and write again. The case logs
// what each fault did, and takes a few seconds.
//
// ExpectFailure and ExpectRecovery are the checks these cases make, for an
// adapter's own fault tests of what no harness can stage.
package conformance
