package testservice

import (
	"strings"
	"testing"
)

func TestParseSettings(t *testing.T) {
	s := parseSettings("# comment\n\nMUTABLESTORE_DEV_HOST=127.0.0.1\n  MUTABLESTORE_DEV_PORTS=1,2  \nMUTABLESTORE_DEV_PORT=3\n")
	if len(s) != 3 || s.get("HOST") != "127.0.0.1" {
		t.Fatalf("parseSettings = %v, want 3 settings with HOST 127.0.0.1", s)
	}
	if got := s.addr("PORT"); got != "127.0.0.1:3" {
		t.Errorf("addr(PORT) = %q, want 127.0.0.1:3", got)
	}
	if got := s.addrs("PORTS"); got != "127.0.0.1:1,127.0.0.1:2" {
		t.Errorf("addrs(PORTS) = %q, want 127.0.0.1:1,127.0.0.1:2", got)
	}
	for _, bad := range []string{"HOST=127.0.0.1", "MUTABLESTORE_DEV_X", "MUTABLESTORE_DEV_X='y'", "MUTABLESTORE_DEV_X=a b"} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "services.env line 1") {
					t.Errorf("parseSettings(%q) panicked with %v, want a panic naming line 1", bad, r)
				}
			}()
			parseSettings(bad)
		}()
	}
}

// TestServicesEnv checks that the embedded file has every setting the
// package reads (dev.get panics otherwise, at package initialisation for
// most) and that the examples come from it.
func TestServicesEnv(t *testing.T) {
	for _, k := range []string{"HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_CLUSTER_PORTS", "REDIS_SENTINEL_PORTS",
		"REDIS_SENTINEL_MASTER", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PGBOUNCER_PORT",
		"MINIO_PORT", "VERSITYGW_PORT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_REGION"} {
		if dev.get(k) == "" {
			t.Errorf("services.env: MUTABLESTORE_DEV_%s is empty", k)
		}
	}
	if got, want := postgresExampleURL("POSTGRES_PORT"), "postgres://"+dev.get("POSTGRES_USER")+":"; !strings.HasPrefix(got, want) {
		t.Errorf("postgresExampleURL = %q, want it to start with %q", got, want)
	}
}
