package testservice_test

import (
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

// TestMissingSentinel: without the variables RedisSentinel skips, or fails
// when MUTABLESTORE_TEST_REQUIRE=1. It has no container step.
func TestMissingSentinel(t *testing.T) {
	for _, unset := range []string{testservice.EnvRedisSentinelAddrs, testservice.EnvRedisSentinelMaster} {
		for _, require := range []string{"", "1"} {
			t.Run(unset+"/require="+require, func(t *testing.T) {
				t.Setenv(testservice.EnvRedisSentinelAddrs, "127.0.0.1:1")
				t.Setenv(testservice.EnvRedisSentinelMaster, "m")
				t.Setenv(unset, "")
				t.Setenv(testservice.EnvRequire, require)
				r := run(t, func(t testing.TB) { testservice.RedisSentinel(t) })
				if require == "1" && !r.failed || require == "" && !r.skipped {
					t.Fatalf("skipped=%v failed=%v (%q); want skipped without %s, failed with it",
						r.skipped, r.failed, r.msg, testservice.EnvRequire)
				}
				if !strings.Contains(r.msg, testservice.EnvRedisSentinelAddrs+"=") {
					t.Errorf("message %q does not say to set %s", r.msg, testservice.EnvRedisSentinelAddrs)
				}
			})
		}
	}
}

func TestSentinelFromEnv(t *testing.T) {
	t.Setenv(testservice.EnvRedisSentinelAddrs, " 127.0.0.1:1, 127.0.0.1:2 ,,")
	t.Setenv(testservice.EnvRedisSentinelMaster, "m")
	t.Setenv(testservice.EnvRedisSentinelPassword, "")
	got := testservice.RedisSentinel(t)
	if strings.Join(got.Addrs, ",") != "127.0.0.1:1,127.0.0.1:2" || got.Master != "m" || got.Password == "" {
		t.Errorf("RedisSentinel = %+v", got)
	}
}

// TestRedisSentinelAnswers: the sentinels name a master that takes writes
// with the password, and that has a replica to fail over to.
func TestRedisSentinelAnswers(t *testing.T) {
	s := testservice.RedisSentinel(t)
	c := redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName: s.Master, SentinelAddrs: s.Addrs, SentinelPassword: s.Password, Password: s.Password,
	})
	defer c.Close()
	key := testservice.UniqueName(t, "ts-")
	if err := c.Set(t.Context(), key, "x", 0).Err(); err != nil {
		t.Fatalf("SET through the failover client: %v", err)
	}
	c.Del(t.Context(), key)
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addrs[0], Password: s.Password})
	defer sc.Close()
	replicas, err := sc.Replicas(t.Context(), s.Master).Result()
	if err != nil || len(replicas) == 0 {
		t.Fatalf("SENTINEL REPLICAS %s = %v, %v; want one replica or more", s.Master, replicas, err)
	}
}
