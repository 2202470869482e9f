package testservice

import (
	_ "embed"
	"fmt"
	"strings"
)

// servicesEnv is the one file of the development servers' ports and
// credentials, shared with scripts/services, scripts/containers and
// docker-compose.yml. It lives in this package because go:embed cannot
// reach a parent directory, and embedded, the values travel with the test
// binary: no test has to find the module root at run time, whatever its
// working directory.
//
//go:embed services.env
var servicesEnv string

// dev holds services.env's values by key, without the MUTABLESTORE_DEV_
// prefix. The getters use them for the containers they start and for the
// examples in their skip messages.
var dev = parseSettings(servicesEnv)

// settings are the KEY=value lines of a services.env.
type settings map[string]string

const settingsPrefix = "MUTABLESTORE_DEV_"

// parseSettings reads KEY=value lines, skipping blank lines and # comments.
// A line of another shape is a mistake in the file and panics: the file is
// part of this package, so a test run finds it at once.
func parseSettings(text string) settings {
	s := settings{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(k, settingsPrefix) || strings.ContainsAny(v, " \t'\"") {
			panic(fmt.Sprintf("testservice: services.env line %d is not %sKEY=value without spaces or quotes: %q", i+1, settingsPrefix, line))
		}
		s[strings.TrimPrefix(k, settingsPrefix)] = v
	}
	return s
}

// get returns the value of MUTABLESTORE_DEV_<key>. A missing key is a bug of
// this package or of services.env, so it panics.
func (s settings) get(key string) string {
	v, ok := s[key]
	if !ok {
		panic("testservice: services.env has no " + settingsPrefix + key)
	}
	return v
}

// addr returns HOST:PORT for the port setting portKey.
func (s settings) addr(portKey string) string {
	return s.get("HOST") + ":" + s.get(portKey)
}

// addrs returns the comma-separated HOST:PORT list for the comma-separated
// port list setting portsKey.
func (s settings) addrs(portsKey string) string {
	var out []string
	for p := range strings.SplitSeq(s.get(portsKey), ",") {
		out = append(out, s.get("HOST")+":"+p)
	}
	return strings.Join(out, ",")
}

// postgresExampleURL is the pgx URL of the development role and database
// on the port setting portKey, for skip messages.
func postgresExampleURL(portKey string) string {
	return "postgres://" + postgresUser + ":" + postgresPassword + "@" + dev.addr(portKey) + "/" + postgresDB + "?sslmode=disable"
}
