package redisstore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/urlparam"
	"github.com/mutablestore/mutablestore/store"
)

// The URL schemes registered with store.Register. The "+cluster" forms
// open a *redis.ClusterClient with redis.ParseClusterURL, the "+sentinel"
// forms a failover client with redis.ParseFailoverURL.
const (
	schemeRedis       = "redis"
	schemeRedisTLS    = "rediss"
	schemeCluster     = "redis+cluster"
	schemeClusterTLS  = "rediss+cluster"
	schemeSentinel    = "redis+sentinel"
	schemeSentinelTLS = "rediss+sentinel"
)

// replicaReads are the cluster parameters that send reads to replicas,
// where a name written a moment ago may not have arrived yet and would
// read as store.ErrNotFound.
var replicaReads = []string{"read_only", "route_by_latency", "route_randomly"}

// sentinelReplicaReads are the same for a failover client.
var sentinelReplicaReads = []string{"replica_only", "route_by_latency", "route_randomly"}

// errReplicaReads is why the parameters above are refused.
var errReplicaReads = errors.New("refused: it sends reads to replicas, where a name written a moment ago may still be missing and would read as not found; build the client yourself and use New to take that risk")

func init() {
	for _, scheme := range []string{schemeRedis, schemeRedisTLS, schemeCluster, schemeClusterTLS, schemeSentinel, schemeSentinelTLS} {
		store.Register(scheme, openURL)
	}
}

// urlOptions are what the store's own URL parameters say.
type urlOptions struct {
	Options
	// contextTimeout is the client's ContextTimeoutEnabled: true unless
	// the URL says context_timeout_enabled=false.
	contextTimeout bool
}

// openURL opens a store that owns a client built from u; see "URLs" in the
// package documentation. Its errors say only what is wrong: store.Open
// names the scheme and removes the password.
func openURL(_ context.Context, u *url.URL) (store.MutableStore, error) {
	q, err := urlparam.Parse(u, "addr") // a cluster's or sentinels' seeds
	if err != nil {
		return nil, err
	}
	opts, err := storeOptions(q)
	if err != nil {
		return nil, err
	}
	rest := *u
	rest.RawQuery = q.Rest().Encode()
	var client redis.UniversalClient
	switch scheme := strings.ToLower(u.Scheme); scheme {
	case schemeRedis, schemeRedisTLS:
		rest.Scheme = scheme
		o, err := redis.ParseURL(rest.String())
		if err != nil {
			return nil, parseError(err, q)
		}
		o.ContextTimeoutEnabled = opts.contextTimeout
		o.DialerRetries = 1 // see boundedDialer
		o.Dialer = boundedDialer(o.DialTimeout, o.TLSConfig)
		client = redis.NewClient(o)
	case schemeCluster, schemeClusterTLS:
		if err := clusterOnly(u, q); err != nil {
			return nil, err
		}
		rest.Scheme = strings.TrimSuffix(scheme, "+cluster")
		o, err := redis.ParseClusterURL(rest.String())
		if err != nil {
			return nil, parseError(err, q)
		}
		o.ContextTimeoutEnabled = opts.contextTimeout
		if !q.Has("dialer_retries") {
			o.DialerRetries = 1
		}
		o.Dialer = boundedDialer(o.DialTimeout, o.TLSConfig)
		client = redis.NewClusterClient(o)
	case schemeSentinel, schemeSentinelTLS:
		for _, param := range sentinelReplicaReads {
			if q.Has(param) {
				return nil, &urlparam.Error{Param: param, Err: errReplicaReads}
			}
		}
		if !q.Has("master_name") {
			return nil, errors.New("needs master_name=, the name the sentinels monitor the master under")
		}
		rest.Scheme = strings.TrimSuffix(scheme, "+sentinel")
		o, err := redis.ParseFailoverURL(rest.String())
		if err != nil {
			return nil, parseError(err, q)
		}
		o.ContextTimeoutEnabled = opts.contextTimeout
		if !q.Has("dialer_retries") {
			o.DialerRetries = 1
		}
		o.Dialer = boundedDialer(o.DialTimeout, o.TLSConfig)
		client = redis.NewFailoverClient(o)
	default:
		return nil, fmt.Errorf("unsupported scheme %q", scheme)
	}
	s, err := New(client, opts.Options)
	if err != nil {
		client.Close()
		return nil, urlparam.TrimPrefix(err, "redisstore: ")
	}
	s.owned = true
	return s, nil
}

// clusterOnly refuses what a cluster URL may say but a cluster cannot do
// safely: a database other than 0 (a cluster has only database 0, so
// go-redis ignores the path and two stores meant to be apart would share
// every key), and reads from replicas.
func clusterOnly(u *url.URL, q *urlparam.Query) error {
	if p := u.Path; p != "" && p != "/" && p != "/0" {
		return fmt.Errorf("path %q: a Redis Cluster has only database 0; give an empty path or /0, and keep stores apart with prefix=", p)
	}
	for _, param := range replicaReads {
		if q.Has(param) {
			return &urlparam.Error{Param: param, Err: errReplicaReads}
		}
	}
	return nil
}

// boundedDialer dials with one timeout for the TCP connection and the TLS
// handshake together, and honours the context throughout: go-redis's own
// dialer uses tls.DialWithDialer, which ignores the context. go-redis dials
// up to DialerRetries (default 5) times per command; a store opened by URL
// dials once, so that dial_timeout bounds a connection attempt to a silent
// server instead of five times it. A refused connection is still retried
// by the command's max_retries.
func boundedDialer(timeout time.Duration, cfg *tls.Config) func(context.Context, string, string) (net.Conn, error) {
	if timeout == 0 {
		timeout = 5 * time.Second // go-redis's default
	}
	// The keep-alive of go-redis's default dialer.
	nd := &net.Dialer{Timeout: timeout, KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 30 * time.Second, Interval: 5 * time.Second, Count: 3}}
	if cfg == nil {
		return nd.DialContext
	}
	td := &tls.Dialer{NetDialer: nd, Config: cfg}
	return td.DialContext
}

// storeOptions reads the store's own query parameters; go-redis gets the
// rest, and refuses any that neither of us knows.
func storeOptions(q *urlparam.Query) (urlOptions, error) {
	var opts urlOptions
	var err error
	if prefix, ok := q.String("prefix"); ok {
		if err := store.ValidatePrefix(prefix); err != nil {
			return opts, &urlparam.Error{Param: "prefix", Err: err}
		}
		opts.Prefix = prefix
	}
	if opts.TTL, err = q.Duration("ttl", 0); err != nil {
		return opts, err
	}
	if opts.contextTimeout, err = q.Bool("context_timeout_enabled", true); err != nil {
		return opts, err
	}
	if opts.WaitReplicas, err = q.Int("wait_replicas", 0); err != nil {
		return opts, err
	}
	if opts.WaitTimeout, err = q.Duration("wait_timeout", 0); err != nil {
		return opts, err
	}
	return opts, nil
}

// unexpectedOption starts the message go-redis gives for query parameters
// it does not know, followed by their names, comma-separated. go-redis has
// no error value or type for it, so the message is all there is to match.
const unexpectedOption = "redis: unexpected option: "

// invalidOption matches the message go-redis gives for a parameter whose
// value does not parse, such as "redis: invalid dial_timeout duration:
// time: invalid duration \"x\"": the name, the kind and the reason.
var invalidOption = regexp.MustCompile(`^(redis: invalid ([a-z_]+) (?:number|duration|boolean): ).`)

// parseError is the error of a URL go-redis refused, in the wording of
// every opener where go-redis's message can be read: unknown parameters
// get the error that names the store's own parameters too, since go-redis
// cannot know them, and a value go-redis cannot parse the error of a
// parameter. Other errors are go-redis's, without its "redis: " prefix;
// go-redis's error stays wrapped.
func parseError(err error, q *urlparam.Query) error {
	if names, ok := strings.CutPrefix(err.Error(), unexpectedOption); ok {
		return q.UnknownError(strings.Split(names, ", "), "and those of go-redis")
	}
	// "invalid database number" is about the path, or a sentinel URL's db.
	if m := invalidOption.FindStringSubmatch(err.Error()); m != nil && m[2] != "database" {
		return &urlparam.Error{Param: m[2], Err: urlparam.TrimPrefix(err, m[1])}
	}
	return urlparam.TrimPrefix(err, "redis: ")
}
