package testservice_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

// recorder is a testing.TB whose Skip and Fatal record the message and end
// the goroutine, so a test can check how a getter ends a test.
type recorder struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.skipped, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Skipf(format string, args ...any) { r.Skip(fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any) {
	r.failed, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) { r.Fatal(fmt.Sprintf(format, args...)) }

// run calls f with a recorder on its own goroutine, as the testing package
// does, and returns the recorder once f has returned or ended the test.
func run(t *testing.T, f func(testing.TB)) *recorder {
	r := &recorder{TB: t}
	var wg sync.WaitGroup
	wg.Go(func() { f(r) })
	wg.Wait()
	return r
}

// TestMissingServer checks the last step of every getter: without a variable
// and without containers, the test skips with a message naming the variable,
// or fails when MUTABLESTORE_TEST_REQUIRE=1.
func TestMissingServer(t *testing.T) {
	getters := []struct {
		name    string
		envVars []string
		get     func(testing.TB)
	}{
		{"Redis", []string{testservice.EnvRedisURL}, func(t testing.TB) { testservice.Redis(t) }},
		{"RedisClusterAddrs", []string{testservice.EnvRedisClusterAddrs}, func(t testing.TB) { testservice.RedisClusterAddrs(t) }},
		{"Postgres", []string{testservice.EnvPostgresURL}, func(t testing.TB) { testservice.Postgres(t) }},
		{"MinIO", []string{testservice.EnvS3Endpoint, testservice.EnvS3AccessKey, testservice.EnvS3SecretKey}, func(t testing.TB) { testservice.MinIO(t) }},
		{"VersityGW", []string{testservice.EnvVersityGWEndpoint, testservice.EnvVersityGWAccessKey, testservice.EnvVersityGWSecretKey}, func(t testing.TB) { testservice.VersityGW(t) }},
	}
	// This test must not start containers: with a Docker engine it needs
	// the container step turned off.
	if testservice.DockerAvailable() == nil {
		t.Skipf("a Docker engine answers; run with %s=0 to test the skip path", testservice.EnvContainers)
	}
	for _, g := range getters {
		for _, require := range []string{"", "1"} {
			t.Run(g.name+"/require="+require, func(t *testing.T) {
				for _, v := range g.envVars {
					t.Setenv(v, "")
				}
				t.Setenv(testservice.EnvRequire, require)
				r := run(t, g.get)
				if require == "1" && !r.failed || require == "" && !r.skipped {
					t.Fatalf("skipped=%v failed=%v (%q); want skipped without %s, failed with it",
						r.skipped, r.failed, r.msg, testservice.EnvRequire)
				}
				if !strings.Contains(r.msg, g.envVars[0]+"=") {
					t.Errorf("message %q does not say to set %s", r.msg, g.envVars[0])
				}
			})
		}
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv(testservice.EnvRedisURL, "redis://:pw@127.0.0.1:1/0")
	t.Setenv(testservice.EnvRedisClusterAddrs, " 127.0.0.1:1, 127.0.0.1:2 ,,127.0.0.1:3")
	t.Setenv(testservice.EnvPostgresURL, "postgres://u:p@127.0.0.1:1/db")
	t.Setenv(testservice.EnvS3Endpoint, "127.0.0.1:1")
	t.Setenv(testservice.EnvS3AccessKey, "ak")
	t.Setenv(testservice.EnvS3SecretKey, "sk")
	t.Setenv(testservice.EnvS3Region, "")
	t.Setenv(testservice.EnvVersityGWEndpoint, "https://127.0.0.1:2")
	t.Setenv(testservice.EnvVersityGWAccessKey, "ak2")
	t.Setenv(testservice.EnvVersityGWSecretKey, "sk2")
	t.Setenv(testservice.EnvVersityGWRegion, "eu-west-3")

	if got, want := testservice.Redis(t), (testservice.RedisServer{URL: "redis://:pw@127.0.0.1:1/0", Addr: "127.0.0.1:1", Password: "pw"}); got != want {
		t.Errorf("Redis = %+v; want %+v", got, want)
	}
	if got := strings.Join(testservice.RedisClusterAddrs(t), ","); got != "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3" {
		t.Errorf("RedisClusterAddrs = %q", got)
	}
	if got, want := testservice.Postgres(t), (testservice.PostgresServer{URL: "postgres://u:p@127.0.0.1:1/db",
		Addr: "127.0.0.1:1", User: "u", Password: "p", Database: "db"}); got != want {
		t.Errorf("Postgres = %+v; want %+v", got, want)
	}
	want := testservice.S3Server{Name: "minio", Endpoint: "http://127.0.0.1:1", AccessKey: "ak", SecretKey: "sk", Region: "us-east-1"}
	if got := testservice.MinIO(t); got != want {
		t.Errorf("MinIO = %+v; want %+v", got, want)
	}
	want = testservice.S3Server{Name: "versitygw", Endpoint: "https://127.0.0.1:2", AccessKey: "ak2", SecretKey: "sk2", Region: "eu-west-3"}
	if got := testservice.VersityGW(t); got != want {
		t.Errorf("VersityGW = %+v; want %+v", got, want)
	}
}

func TestS3EndpointWithoutKeysFails(t *testing.T) {
	t.Setenv(testservice.EnvS3Endpoint, "http://127.0.0.1:1")
	t.Setenv(testservice.EnvS3AccessKey, "")
	t.Setenv(testservice.EnvRequire, "")
	r := run(t, func(t testing.TB) { testservice.MinIO(t) })
	if !r.failed || !strings.Contains(r.msg, testservice.EnvS3AccessKey) {
		t.Fatalf("failed=%v msg=%q; want a failure naming %s", r.failed, r.msg, testservice.EnvS3AccessKey)
	}
}

// TestBadURLFails: a server URL that does not parse fails the test, and the
// message names the variable but not the value, which may hold a password.
func TestBadURLFails(t *testing.T) {
	for _, tc := range []struct {
		env, value string
		get        func(testing.TB)
	}{
		{testservice.EnvRedisURL, "redis://:s3cret-pw@", func(t testing.TB) { testservice.Redis(t) }},
		{testservice.EnvPostgresURL, "postgres://u:s3cret-pw@%zz/db", func(t testing.TB) { testservice.Postgres(t) }},
		{testservice.EnvPgBouncerURL, "host=x password=s3cret-pw", func(t testing.TB) { testservice.PgBouncer(t) }},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv(tc.env, tc.value)
			r := run(t, tc.get)
			if !r.failed || !strings.Contains(r.msg, tc.env) || strings.Contains(r.msg, "s3cret-pw") {
				t.Fatalf("failed=%v msg=%q; want a failure naming %s without the password", r.failed, r.msg, tc.env)
			}
		})
	}
}
