package testservice

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/testcontainers/testcontainers-go"
	tcredis "github.com/testcontainers/testcontainers-go/modules/redis"
)

// Environment variables naming running Redis servers.
const (
	EnvRedisURL          = "MUTABLESTORE_TEST_REDIS_URL"
	EnvRedisClusterAddrs = "MUTABLESTORE_TEST_REDIS_CLUSTER_ADDRS"
	EnvRedisImage        = "MUTABLESTORE_TEST_REDIS_IMAGE"
)

// redisPassword is the development password of services.env, used by the
// container too, so a wrong-password test has a password to get wrong.
var redisPassword = dev.get("REDIS_PASSWORD")

var redisContainer shared[string]

// RedisServer describes a standalone Redis server.
type RedisServer struct {
	// URL is in go-redis syntax: redis://:PASSWORD@HOST:PORT/0.
	URL string
	// Addr is the URL's HOST:PORT.
	Addr string
	// Password is the URL's; tests check that no error contains it.
	Password string
}

// Redis returns a standalone Redis server that requires a password. The
// server is shared: keep keys under a UniqueName prefix.
func Redis(t testing.TB) RedisServer {
	t.Helper()
	u := env(EnvRedisURL)
	if u == "" {
		var err error
		u, err = redisContainer.get(startRedis)
		if err != nil {
			unavailable(t, "Redis", EnvRedisURL+"=redis://:"+redisPassword+"@"+dev.addr("REDIS_PORT")+"/0", howToStart, err.Error())
		}
	}
	p := parseServerURL(t, EnvRedisURL, u)
	return RedisServer{URL: u, Addr: p.Host, Password: p.password}
}

func startRedis(ctx context.Context) (string, testcontainers.Container, error) {
	c, err := tcredis.Run(ctx, envOr(EnvRedisImage, "redis:7-alpine"),
		testcontainers.WithCmd("redis-server",
			"--requirepass", redisPassword,
			"--save", "", "--appendonly", "no"),
	)
	if c == nil {
		return "", nil, err
	}
	if err != nil {
		return "", c, err
	}
	endpoint, err := c.PortEndpoint(ctx, "6379/tcp", "")
	if err != nil {
		return "", c, err
	}
	u := url.URL{Scheme: "redis", User: url.UserPassword("", redisPassword), Host: endpoint, Path: "/0"}
	return u.String(), c, nil
}

// RedisClusterAddrs returns the seed addresses (host:port) of a Redis Cluster
// with at least three masters and no password. It comes only from
// MUTABLESTORE_TEST_REDIS_CLUSTER_ADDRS (comma-separated): there is no
// container fallback, because cluster nodes announce addresses that Docker's
// port mapping hides from the host.
func RedisClusterAddrs(t testing.TB) []string {
	t.Helper()
	var addrs []string
	for a := range strings.SplitSeq(env(EnvRedisClusterAddrs), ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		unavailable(t, "Redis Cluster",
			EnvRedisClusterAddrs+"="+dev.addrs("REDIS_CLUSTER_PORTS"),
			"run `scripts/services start` then `eval \"$(scripts/services env)\"`",
			"there is no container fallback for a cluster (scripts/services starts one; docker-compose.yml does not)")
	}
	return addrs
}
