package redisstore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/store"
)

// URL schemes registered with store.Register. The "+cluster" forms open a
// *redis.ClusterClient with redis.ParseClusterURL, the "+sentinel" forms a
// failover client with redis.ParseFailoverURL.
const (
	SchemeRedis       = "redis"
	SchemeRedisTLS    = "rediss"
	SchemeCluster     = "redis+cluster"
	SchemeClusterTLS  = "rediss+cluster"
	SchemeSentinel    = "redis+sentinel"
	SchemeSentinelTLS = "rediss+sentinel"
)

// The query parameters the store takes for itself; go-redis gets the rest.
const (
	queryPrefix         = "prefix"
	queryTTL            = "ttl"
	queryContextTimeout = "context_timeout_enabled"
	queryWaitReplicas   = "wait_replicas"
	queryWaitTimeout    = "wait_timeout"
)

// ownParams lists the store's own parameters, for error messages.
const ownParams = queryPrefix + ", " + queryTTL + ", " + queryContextTimeout + ", " + queryWaitReplicas + " and " + queryWaitTimeout

// replicaReads are the cluster parameters that send reads to replicas,
// where a name written a moment ago may not have arrived yet and would
// read as store.ErrNotFound.
var replicaReads = []string{"read_only", "route_by_latency", "route_randomly"}

// sentinelReplicaReads are the same for a failover client.
var sentinelReplicaReads = []string{"replica_only", "route_by_latency", "route_randomly"}

func init() {
	for _, scheme := range []string{SchemeRedis, SchemeRedisTLS, SchemeCluster, SchemeClusterTLS, SchemeSentinel, SchemeSentinelTLS} {
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
// package documentation. It does not contact the server, as sql.Open does
// not: a wrong address or password shows in the first operation.
func openURL(_ context.Context, u *url.URL) (store.MutableStore, error) {
	opts, rest, err := storeOptions(u)
	if err != nil {
		return nil, err
	}
	var client redis.UniversalClient
	switch scheme := strings.ToLower(u.Scheme); scheme {
	case SchemeRedis, SchemeRedisTLS:
		rest.Scheme = scheme
		o, err := redis.ParseURL(rest.String())
		if err != nil {
			return nil, parseError(err, u)
		}
		o.ContextTimeoutEnabled = opts.contextTimeout
		o.DialerRetries = 1 // see boundedDialer
		o.Dialer = boundedDialer(o.DialTimeout, o.TLSConfig)
		client = redis.NewClient(o)
	case SchemeCluster, SchemeClusterTLS:
		if err := clusterOnly(u, rest); err != nil {
			return nil, err
		}
		rest.Scheme = strings.TrimSuffix(scheme, "+cluster")
		o, err := redis.ParseClusterURL(rest.String())
		if err != nil {
			return nil, parseError(err, u)
		}
		o.ContextTimeoutEnabled = opts.contextTimeout
		if !rest.Query().Has("dialer_retries") {
			o.DialerRetries = 1
		}
		o.Dialer = boundedDialer(o.DialTimeout, o.TLSConfig)
		client = redis.NewClusterClient(o)
	case SchemeSentinel, SchemeSentinelTLS:
		q := rest.Query()
		for _, param := range sentinelReplicaReads {
			if q.Has(param) {
				return nil, fmt.Errorf("redisstore: %s URL parameter %q is refused: it sends reads to replicas, where a name written a moment ago may still be missing and would read as not found; build the client yourself and use New to take that risk", u.Scheme, param)
			}
		}
		if q.Get("master_name") == "" {
			return nil, fmt.Errorf("redisstore: %s URL needs master_name=, the name the sentinels monitor the master under", u.Scheme)
		}
		rest.Scheme = strings.TrimSuffix(scheme, "+sentinel")
		o, err := redis.ParseFailoverURL(rest.String())
		if err != nil {
			return nil, parseError(err, u)
		}
		o.ContextTimeoutEnabled = opts.contextTimeout
		if !q.Has("dialer_retries") {
			o.DialerRetries = 1
		}
		o.Dialer = boundedDialer(o.DialTimeout, o.TLSConfig)
		client = redis.NewFailoverClient(o)
	default:
		return nil, fmt.Errorf("redisstore: unsupported URL scheme %q", u.Scheme)
	}
	s, err := New(client, opts.Options)
	if err != nil {
		client.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// clusterOnly refuses what a cluster URL may say but a cluster cannot do
// safely: a database other than 0 (a cluster has only database 0, so
// go-redis ignores the path and two stores meant to be apart would share
// every key), and reads from replicas. rest is u without the store's own
// parameters.
func clusterOnly(u, rest *url.URL) error {
	if p := u.Path; p != "" && p != "/" && p != "/0" {
		return fmt.Errorf("redisstore: %s URL path %q: a Redis Cluster has only database 0; give an empty path or /0, and keep stores apart with prefix=", u.Scheme, p)
	}
	q := rest.Query()
	for _, param := range replicaReads {
		if q.Has(param) {
			return fmt.Errorf("redisstore: %s URL parameter %q is refused: it sends reads to replicas, where a name written a moment ago may still be missing and would read as not found; build the client yourself and use New to take that risk", u.Scheme, param)
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

// storeOptions takes this package's own query parameters out of u. It
// returns the options they give and a copy of u without them, for go-redis
// to parse and to reject any parameter neither of us knows.
func storeOptions(u *url.URL) (urlOptions, *url.URL, error) {
	opts := urlOptions{contextTimeout: true}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return opts, nil, fmt.Errorf("redisstore: invalid URL query: %v", redact(err, u))
	}
	for _, param := range []string{queryPrefix, queryTTL, queryContextTimeout, queryWaitReplicas, queryWaitTimeout} {
		vs, ok := q[param]
		if !ok {
			continue
		}
		if len(vs) > 1 {
			return opts, nil, fmt.Errorf("redisstore: URL parameter %q given %d times", param, len(vs))
		}
		delete(q, param)
		switch v := vs[0]; param {
		case queryPrefix:
			if err := store.ValidatePrefix(v); err != nil {
				return opts, nil, fmt.Errorf("redisstore: URL parameter prefix: %w", err)
			}
			opts.Prefix = v
		case queryTTL:
			if v == "" {
				break
			}
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return opts, nil, fmt.Errorf("redisstore: URL parameter ttl=%q is not a duration of zero or more, such as 24h or 90s", v)
			}
			opts.TTL = d
		case queryContextTimeout:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return opts, nil, fmt.Errorf("redisstore: URL parameter context_timeout_enabled=%q is not true or false", v)
			}
			opts.contextTimeout = b
		case queryWaitReplicas:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return opts, nil, fmt.Errorf("redisstore: URL parameter wait_replicas=%q is not a number of replicas, zero or more", v)
			}
			opts.WaitReplicas = n
		case queryWaitTimeout:
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return opts, nil, fmt.Errorf("redisstore: URL parameter wait_timeout=%q is not a duration of zero or more, such as 1s", v)
			}
			opts.WaitTimeout = d
		}
	}
	rest := *u
	rest.RawQuery = q.Encode()
	return opts, &rest, nil
}

// unexpectedOption starts the message go-redis gives for query parameters
// it does not know, followed by their names, comma-separated. go-redis has
// no error value or type for it, so the message is all there is to match.
const unexpectedOption = "redis: unexpected option: "

// parseError is the error of a URL go-redis refused, its password removed.
// An unknown parameter gets a message that names the store's own
// parameters too, since go-redis cannot know them; go-redis's error stays
// wrapped.
func parseError(err error, u *url.URL) error {
	err = redact(err, u)
	names, ok := strings.CutPrefix(err.Error(), unexpectedOption)
	if !ok {
		return err
	}
	quoted := strings.Split(names, ", ")
	for i, n := range quoted {
		quoted[i] = strconv.Quote(n)
	}
	what := "parameter"
	if len(quoted) > 1 {
		what = "parameters"
	}
	return fmt.Errorf("redisstore: unknown URL query %s %s (redisstore takes %s; every other parameter goes to go-redis: %w)",
		what, strings.Join(quoted, ", "), ownParams, err)
}

// redact removes the password of u from err's message. go-redis and net/url
// may quote the URL they were given, password included; an error that did
// gets replaced by a plain one with the password masked.
func redact(err error, u *url.URL) error {
	var forms []string
	if u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			forms = append(forms, pw, url.QueryEscape(pw), url.PathEscape(pw))
			if _, escaped, ok := strings.Cut(u.User.String(), ":"); ok {
				forms = append(forms, escaped)
			}
		}
	}
	// A sentinel URL gives the master's password as a parameter.
	if q, qerr := url.ParseQuery(u.RawQuery); qerr == nil {
		for _, pw := range q["password"] {
			if pw != "" {
				forms = append(forms, pw, url.QueryEscape(pw), url.PathEscape(pw))
			}
		}
	}
	if len(forms) == 0 {
		return err
	}
	msg := err.Error()
	clean := msg
	for _, f := range forms {
		if f != "" {
			clean = strings.ReplaceAll(clean, f, "xxxxx")
		}
	}
	if clean == msg {
		return err
	}
	return errors.New(clean)
}
