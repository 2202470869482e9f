package testservice

import (
	"strings"
	"testing"
)

// Environment variables naming running Redis Sentinels.
const (
	EnvRedisSentinelAddrs    = "MUTABLESTORE_TEST_REDIS_SENTINEL_ADDRS"
	EnvRedisSentinelMaster   = "MUTABLESTORE_TEST_REDIS_SENTINEL_MASTER"
	EnvRedisSentinelPassword = "MUTABLESTORE_TEST_REDIS_SENTINEL_PASSWORD"
)

// Sentinel describes Redis Sentinels watching a master with one replica or
// more.
type Sentinel struct {
	Addrs    []string // the sentinels, host:port
	Master   string   // the name they monitor the master under
	Password string   // of the sentinels, the master and its replicas
}

// RedisSentinel returns the sentinels of MUTABLESTORE_TEST_REDIS_SENTINEL_ADDRS
// (comma-separated) and _MASTER; the password is _PASSWORD, by default the
// redis service's. Tests fail over this master: never assume which node is
// master, and keep keys under a UniqueName prefix. There is no container
// fallback: sentinels announce addresses that Docker's port mapping hides.
func RedisSentinel(t testing.TB) Sentinel {
	t.Helper()
	var addrs []string
	for a := range strings.SplitSeq(env(EnvRedisSentinelAddrs), ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	master := env(EnvRedisSentinelMaster)
	if len(addrs) == 0 || master == "" {
		unavailable(t, "Redis Sentinel",
			EnvRedisSentinelAddrs+"="+dev.addrs("REDIS_SENTINEL_PORTS")+" and "+EnvRedisSentinelMaster+"="+dev.get("REDIS_SENTINEL_MASTER"),
			"run `scripts/services start` then `eval \"$(scripts/services env)\"`",
			"there is no container fallback for sentinels")
	}
	return Sentinel{Addrs: addrs, Master: master, Password: envOr(EnvRedisSentinelPassword, redisPassword)}
}
