// Package store is the portable contract between a rendering engine and the
// place it keeps its mutable build artifacts: pages regenerated on demand,
// revalidation timestamps, anything rewritten while the engine serves
// requests.
//
// The contract is two methods, Read and Write, modelled on the MutableStore
// trait of the Perseus framework. Adapters for concrete backends live in
// their own packages (fsstore, memstore, redisstore, pgstore, s3store); the
// conformance package turns this documentation into a test suite that every
// adapter, ours or a third party's, must pass.
//
// # Errors
//
// A missing name is reported as ErrNotFound, and nothing else is: an engine
// treats ErrNotFound as "not rendered yet" and renders, so a network failure
// reported as ErrNotFound would silently re-render, and a missing name
// reported as anything else would crash the engine.
//
// Every error an adapter returns for an operation on a name is an *Error that
// carries the operation and the name and wraps the cause, so both
//
//	errors.Is(err, store.ErrNotFound)
//	errors.As(err, &redisErr) // the driver's own error type
//
// work. A cancelled or expired context gives an error that matches
// context.Canceled or context.DeadlineExceeded, never ErrNotFound.
//
// # Content
//
// Content is a string, not a []byte, for three reasons. Engines render text
// (HTML, JSON, revalidation timestamps) and the Perseus trait takes and
// returns strings. A string is immutable, so a caching
// layer (see cachestore) can hand the same value to many goroutines without
// copying it and without one caller's edit reaching another. And the
// conversion costs nothing on the read path: adapters build the string over
// the buffer they just filled. A string holds any bytes: content need not be
// UTF-8, and every adapter returns it byte for byte.
//
// # Names
//
// Names are '/'-separated paths such as "static/index.html.revld.txt" or
// "static/en-US-post%2Ffoo.json". The same rules hold on every backend, so a
// name valid on one is valid on all; see ValidateName. A name that breaks
// them gives ErrInvalidName before any backend is touched. Names are
// compared as bytes: "Index.html" and "index.html" are two names, and no
// Unicode normalisation is applied (a file store on a case-insensitive file
// system is the one place where that can differ; see fsstore).
//
// A backend that keeps names as paths (a file system, some S3-compatible
// servers) may be unable to hold both "a" and "a/b". A write that would need
// both fails with ErrConflict and leaves the existing value readable.
// Backends that can hold both, must.
//
// # Opening by URL
//
// Like database/sql drivers, adapters register a URL scheme when their
// package is imported, and Open picks the adapter by scheme:
//
//	import _ "github.com/mutablestore/mutablestore/fsstore"
//
//	s, err := store.Open(ctx, "file:///var/lib/site/mutable")
//	if err != nil { ... }
//	defer s.Close()
//
// The result is a Store: it owns the clients the adapter created for it,
// until Close. Open, like sql.Open, only checks the URL and builds the
// clients: a wrong address or password shows in the first operation (one
// exception: a postgres URL creates its table unless it says
// create_table=false, so Open connects; see pgstore).
//
// Every adapter reads its URL's query by the same rules: a parameter is
// given once (an adapter names any that may repeat), with a name and a
// value; unknown parameters and a #fragment are refused (a postgres URL
// passes parameters it does not know to the server, which refuses unknown
// ones when it is contacted). Open's errors start
// with "store.Open: ", an adapter's with "store.Open: SCHEME URL: ", and
// none contains the URL's secrets: Open removes the password of the user
// information and the value of every query parameter whose name contains
// "password", "secret" or "token".
//
// # Writing an adapter
//
// An adapter calls Check at the start of each operation, maps exactly one
// backend condition to ErrNotFound, and returns failures through NewError.
// It then runs conformance.Run in its tests, and conformance.RunHarness for
// the failure half of the contract: an outage, a missing table or bucket and
// a broken connection are never ErrNotFound, one request per operation.
package store
