package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/store"
)

// URL schemes registered with store.Register. The "+cluster" forms open a
// *redis.ClusterClient with redis.ParseClusterURL.
const (
	SchemeRedis           = "redis"
	SchemeRedisTLS        = "rediss"
	SchemeCluster         = "redis+cluster"
	SchemeClusterTLS      = "rediss+cluster"
	queryPrefix, queryTTL = "prefix", "ttl"
)

func init() {
	for _, scheme := range []string{SchemeRedis, SchemeRedisTLS, SchemeCluster, SchemeClusterTLS} {
		store.Register(scheme, openURL)
	}
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
			return nil, redact(err, u)
		}
		client = redis.NewClient(o)
	case SchemeCluster, SchemeClusterTLS:
		rest.Scheme = strings.TrimSuffix(scheme, "+cluster")
		o, err := redis.ParseClusterURL(rest.String())
		if err != nil {
			return nil, redact(err, u)
		}
		client = redis.NewClusterClient(o)
	default:
		return nil, fmt.Errorf("redisstore: unsupported URL scheme %q", u.Scheme)
	}
	s := New(client, opts)
	s.owned = true
	return s, nil
}

// storeOptions takes this package's own query parameters out of u. It
// returns the Options they give and a copy of u without them, for go-redis
// to parse and to reject any parameter neither of us knows.
func storeOptions(u *url.URL) (Options, *url.URL, error) {
	var opts Options
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return opts, nil, fmt.Errorf("redisstore: invalid URL query: %v", redact(err, u))
	}
	for _, param := range []string{queryPrefix, queryTTL} {
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
		}
	}
	rest := *u
	rest.RawQuery = q.Encode()
	return opts, &rest, nil
}

// redact removes the password of u from err's message. go-redis and net/url
// may quote the URL they were given, password included; an error that did
// gets replaced by a plain one with the password masked.
func redact(err error, u *url.URL) error {
	if u.User == nil {
		return err
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" {
		return err
	}
	msg := err.Error()
	clean := msg
	forms := []string{pw, url.QueryEscape(pw), url.PathEscape(pw)}
	if _, escaped, ok := strings.Cut(u.User.String(), ":"); ok {
		forms = append(forms, escaped)
	}
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
