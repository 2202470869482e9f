// Package bench measures this module's adapters beside peer libraries that
// do the same job, in the same run, on the same servers, with the same
// values and concurrencies. It is a module of its own so that the peers are
// not dependencies of github.com/mutablestore/mutablestore: its go.mod
// replaces that module with the directory above.
//
// # Peers
//
//   - gocloud.dev/blob (v0.49.0): fileblob beside fsstore, s3blob beside
//     s3store on the same MinIO.
//   - github.com/philippgille/gokv (file, redis, postgresql) is not here:
//     the Go module proxy answers 403 "This module version is not
//     available" for every one of its modules, so it cannot be fetched.
//
// # Running
//
//	cd bench && go test -run '^$' -bench . -benchmem
//
// with the servers of ../scripts/services in the environment
// (MUTABLESTORE_TEST_S3_ENDPOINT and the rest); ../scripts/bench runs it
// with the adapters' own benchmarks. The names are
// BenchmarkOP/backend=B/size=S/c=C/impl=NAME, ours first, so that
// benchstat -col /impl compares each peer with the adapter.
package bench
