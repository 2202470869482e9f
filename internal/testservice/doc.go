// Package testservice gives integration tests the real servers they run
// against: Redis, a Redis Cluster, PostgreSQL, MinIO and versitygw. It is a
// test-only helper: import it from _test.go files.
//
// # Where a server comes from
//
// Each getter (Redis, RedisClusterAddrs, RedisSentinel, Postgres, PgBouncer,
// MinIO, VersityGW) resolves its server in this order:
//
//  1. An environment variable naming a running server, so any CI or developer
//     can point the tests at servers they run themselves. `scripts/services
//     start` runs all of them natively on loopback and prints the variables;
//     `eval "$(scripts/services env)"` sets them. docker-compose.yml runs
//     Redis, PostgreSQL and MinIO on the same ports with the same
//     credentials, so the same variables work.
//  2. Otherwise a container started with testcontainers-go, when a Docker
//     engine answers (checked once, quickly; no Docker means no attempt).
//     Not for the Redis Cluster, Sentinel and PgBouncer.
//  3. Otherwise the test is skipped with a message naming the variables to
//     set, or, when MUTABLESTORE_TEST_REQUIRE=1 (CI sets it), the test fails.
//
// The variables are:
//
//	MUTABLESTORE_TEST_REDIS_URL           redis://:PASSWORD@HOST:PORT/0
//	MUTABLESTORE_TEST_REDIS_CLUSTER_ADDRS HOST:PORT,HOST:PORT,HOST:PORT
//	MUTABLESTORE_TEST_REDIS_SENTINEL_ADDRS HOST:PORT,... (the sentinels)
//	MUTABLESTORE_TEST_REDIS_SENTINEL_MASTER the name they watch
//	MUTABLESTORE_TEST_POSTGRES_URL        postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=disable
//	MUTABLESTORE_TEST_PGBOUNCER_URL       the same through PgBouncer (transaction pooling)
//	MUTABLESTORE_TEST_S3_ENDPOINT         http://HOST:PORT (MinIO)
//	MUTABLESTORE_TEST_S3_ACCESS_KEY, MUTABLESTORE_TEST_S3_SECRET_KEY
//	MUTABLESTORE_TEST_S3_REGION           optional
//	MUTABLESTORE_TEST_VERSITYGW_ENDPOINT  http://HOST:PORT
//	MUTABLESTORE_TEST_VERSITYGW_ACCESS_KEY, MUTABLESTORE_TEST_VERSITYGW_SECRET_KEY
//	MUTABLESTORE_TEST_VERSITYGW_REGION    optional
//
// The development ports and credentials are in services.env in this
// directory, the one file scripts/services, scripts/containers and
// docker-compose.yml read too; it is embedded, and the skip messages and
// containers take their examples, credentials and default region from it.
//
// An endpoint set without its keys is a configuration mistake and fails the
// test rather than skipping it.
//
// # Containers
//
// The images are overridable: MUTABLESTORE_TEST_REDIS_IMAGE (default
// redis:7-alpine), MUTABLESTORE_TEST_POSTGRES_IMAGE (postgres:16-alpine),
// MUTABLESTORE_TEST_MINIO_IMAGE (minio/minio:RELEASE.2025-07-23T15-54-02Z)
// and MUTABLESTORE_TEST_VERSITYGW_IMAGE (versity/versitygw:v1.8.0).
// MUTABLESTORE_TEST_CONTAINERS=0 turns the container step off.
//
// A container is started at most once per test binary, by the first test that
// asks for it, and shared by every later test: tests isolate themselves with
// UniqueName prefixes, tables and buckets, never by owning a server. Because
// testing.TB cleanups run when one test ends, a shared container cannot be
// stopped by them; it lives until the test process exits, when Ryuk, the
// testcontainers reaper, removes it. With TESTCONTAINERS_RYUK_DISABLED=true
// nothing removes it unless the package's TestMain calls Main (or
// TerminateContainers), so do that:
//
//	func TestMain(m *testing.M) { testservice.Main(m) }
//
// There is no container for the Redis Cluster: a containerised cluster
// (cluster-announce addresses behind Docker port mapping) is out of scope;
// set MUTABLESTORE_TEST_REDIS_CLUSTER_ADDRS.
//
// # Faults
//
// NewProxy puts a loopback TCP proxy in front of a server. Stop makes the
// server look down to clients that use the proxy (listener closed, open
// connections reset) and Start brings it back on the same address, so a test
// can check that a store recovers without stopping the server other tests
// share.
package testservice
