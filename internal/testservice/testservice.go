package testservice

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
)

// EnvRequire names the variable that turns a missing server from a skip into
// a failure. CI sets it so that a broken service setup cannot pass as a run
// in which every integration test was quietly skipped.
const EnvRequire = "MUTABLESTORE_TEST_REQUIRE"

// howToStart is appended to every skip message: the three ways to provide
// servers, in the order a developer is most likely to have them.
const howToStart = "run `eval \"$(scripts/services env)\"` after `scripts/services start`, or `docker compose --env-file internal/testservice/services.env up -d` and `eval \"$(scripts/services env redis postgres minio)\"`, or run a Docker engine for testcontainers"

// Required reports whether MUTABLESTORE_TEST_REQUIRE=1, that is whether a
// missing server must fail the test instead of skipping it.
func Required() bool {
	return os.Getenv(EnvRequire) == "1"
}

// SkipOrFail skips the test with the formatted message, or fails it when
// Required reports true. Tests use it for conditions of their own that
// depend on the environment, so they obey MUTABLESTORE_TEST_REQUIRE like the
// getters do.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("%s=1 but: %s", EnvRequire, msg)
	}
	t.Skip(msg)
}

// unavailable ends a test whose server could not be found. vars is the
// variable assignment that would have provided it, how the ways to get such
// a server; why says what the container step did, if anything.
func unavailable(t testing.TB, service, vars, how, why string) {
	t.Helper()
	SkipOrFail(t, "testservice: no %s server: set %s (%s); %s", service, vars, how, why)
}

// env returns the trimmed value of the variable.
func env(name string) string {
	return strings.TrimSpace(os.Getenv(name))
}

// envOr returns the variable's value, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := env(name); v != "" {
		return v
	}
	return def
}

// serverURL is a server's URL taken apart.
type serverURL struct {
	*url.URL
	password string
}

// parseServerURL parses the URL of a server from the variable envName (or a
// container). The message of a bad URL names the variable, never the URL: it
// may hold a password.
func parseServerURL(t testing.TB, envName, raw string) serverURL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		t.Fatalf("testservice: %s is not a URL with a host (its value is not shown: it may hold a password)", envName)
	}
	var pw string
	if u.User != nil {
		pw, _ = u.User.Password()
	}
	return serverURL{URL: u, password: pw}
}
