package redisstore_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/internal/urlparam"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

func TestSchemesRegistered(t *testing.T) {
	for _, scheme := range []string{"redis", "rediss", "redis+cluster", "rediss+cluster", "redis+sentinel", "rediss+sentinel"} {
		if !slices.Contains(store.Schemes(), scheme) {
			t.Errorf("store.Schemes() = %v; want it to hold %q", store.Schemes(), scheme)
		}
	}
}

// withQuery returns rawURL with the query parameters of q added.
func withQuery(t testing.TB, rawURL string, q url.Values) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal("cannot parse a test URL (its error would show the password)")
	}
	all := u.Query()
	for k, vs := range q {
		all[k] = append(all[k], vs...)
	}
	u.RawQuery = all.Encode()
	return u.String()
}

// openStore opens rawURL and closes the store when the test ends.
func openStore(t testing.TB, rawURL string) store.MutableStore {
	t.Helper()
	s, err := store.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { s.(io.Closer).Close() })
	return s
}

// TestOpenURL opens the standalone server by URL with a prefix and a TTL,
// and checks them on the keys the store writes.
func TestOpenURL(t *testing.T) {
	ctx := t.Context()
	c := newClient(t, nil)
	prefix := newPrefix(t, c)
	s := openStore(t, withQuery(t, testservice.Redis(t).URL, url.Values{
		"prefix":       {prefix},
		"ttl":          {"2h"},
		"dial_timeout": {"2s"}, // a go-redis parameter still reaches go-redis
	}))
	if _, ok := s.(*redisstore.Store); !ok {
		t.Fatalf("store.Open returned %T; want *redisstore.Store", s)
	}
	if err := s.Write(ctx, "static/index.html", "<html>"); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got, err := c.Get(ctx, prefix+"static/index.html").Result(); err != nil || got != "<html>" {
		t.Errorf("GET %q = %q, %v; want %q, nil: the prefix parameter must be the key prefix", prefix+"static/index.html", got, err, "<html>")
	}
	if d, err := c.PTTL(ctx, prefix+"static/index.html").Result(); err != nil || d <= time.Hour || d > 2*time.Hour {
		t.Errorf("PTTL = %v, %v; want in (1h, 2h] from ttl=2h", d, err)
	}
}

// TestOpenClusterURL opens the cluster by URL, seeds in addr parameters.
func TestOpenClusterURL(t *testing.T) {
	ctx := t.Context()
	addrs := testservice.RedisClusterAddrs(t)
	c := newClusterClient(t)
	prefix := newPrefix(t, c)
	q := url.Values{"prefix": {prefix}, "addr": addrs[1:]}
	s := openStore(t, withQuery(t, "redis+cluster://"+addrs[0], q))
	// Enough names to land on every master.
	for i := range 20 {
		name := "page/" + strings.Repeat("x", i+1)
		if err := s.Write(ctx, name, name); err != nil {
			t.Fatalf("Write(%q): %v", name, err)
		}
		if got, err := c.Get(ctx, prefix+name).Result(); err != nil || got != name {
			t.Errorf("GET %q = %q, %v; want %q, nil", prefix+name, got, err, name)
		}
	}
}

// TestCloseOwnedClient checks that a store opened by URL closes the client
// it created.
func TestCloseOwnedClient(t *testing.T) {
	ctx := t.Context()
	c := newClient(t, nil)
	s, err := store.Open(ctx, withQuery(t, testservice.Redis(t).URL, url.Values{"prefix": {newPrefix(t, c)}}))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	if err := s.Write(ctx, "page", "x"); err != nil {
		t.Fatalf("Write: %v", err)
	}
	closer, ok := s.(io.Closer)
	if !ok {
		t.Fatalf("%T opened by URL does not implement io.Closer", s)
	}
	if err := closer.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Item 8: a second Close is nil, as with every other adapter, and
	// operations fail with fs.ErrClosed inside a *store.Error.
	if err := closer.Close(); err != nil {
		t.Errorf("second Close = %v; want nil", err)
	}
	for op, err := range map[string]error{
		"Read":   func() error { _, err := s.Read(ctx, "page"); return err }(),
		"Write":  s.Write(ctx, "page", "y"),
		"Delete": s.(store.Deleter).Delete(ctx, "page"),
	} {
		var se *store.Error
		if !errors.Is(err, fs.ErrClosed) || errors.Is(err, store.ErrNotFound) || !errors.As(err, &se) {
			t.Errorf("%s after Close = %v; want a *store.Error matching fs.ErrClosed, not store.ErrNotFound", op, err)
		}
	}
}

// TestOpenURLErrors needs no server: opening does not connect. Every URL
// carries a password that must not appear in the error.
func TestOpenURLErrors(t *testing.T) {
	const secret = "s3cr3t-Pa55"
	const ours = "(recognized: context_timeout_enabled, prefix, ttl, wait_replicas, wait_timeout; and those of go-redis)"
	for _, tc := range []struct {
		desc, url, want string
		is              error // nil: no error value to match
	}{
		{"unknown parameter", "redis://:" + secret + "@127.0.0.1:1/0?prefix=a:&colour=blue", `unknown parameter "colour" ` + ours, urlparam.ErrUnknown},
		{"unknown cluster parameter", "redis+cluster://:" + secret + "@127.0.0.1:1?colour=blue", `unknown parameter "colour" ` + ours, urlparam.ErrUnknown},
		{"unknown sentinel parameter", "redis+sentinel://:" + secret + "@127.0.0.1:1?master_name=m&colour=blue", `unknown parameter "colour" ` + ours, urlparam.ErrUnknown},
		{"addr on a single server", "redis://:" + secret + "@127.0.0.1:1/0?addr=127.0.0.1:2", `unknown parameter "addr" ` + ours, urlparam.ErrUnknown},
		{"bad database", "redis://:" + secret + "@127.0.0.1:1/zero", `redis URL: invalid database number: "zero"`, nil},
		{"bad path", "redis://:" + secret + "@127.0.0.1:1/0/1", "invalid URL path", nil},
		{"bad go-redis parameter", "redis://:" + secret + "@127.0.0.1:1/0?dial_timeout=soon", `parameter "dial_timeout": time: invalid duration "soon"`, nil},
		{"bad go-redis number", "redis://:" + secret + "@127.0.0.1:1/0?pool_size=many", `parameter "pool_size": strconv.Atoi: parsing "many": invalid syntax`, nil},
		{"go-redis parameter twice", "redis://:" + secret + "@127.0.0.1:1/0?dial_timeout=1s&dial_timeout=2s", `parameter "dial_timeout": given more than once`, urlparam.ErrRepeated},
		{"bad ttl", "redis://:" + secret + "@127.0.0.1:1/0?ttl=soon", `parameter "ttl": time: invalid duration "soon"`, nil},
		{"negative ttl", "redis://:" + secret + "@127.0.0.1:1/0?ttl=-1s", `parameter "ttl": negative value "-1s"; want zero or more`, urlparam.ErrNegative},
		{"empty ttl", "redis://:" + secret + "@127.0.0.1:1/0?ttl=", `parameter "ttl": empty value`, urlparam.ErrEmpty},
		{"empty prefix", "redis://:" + secret + "@127.0.0.1:1/0?prefix=", `parameter "prefix": empty value`, urlparam.ErrEmpty},
		{"prefix twice", "redis://:" + secret + "@127.0.0.1:1/0?prefix=a:&prefix=b:", `parameter "prefix": given more than once`, urlparam.ErrRepeated},
		{"bad query", "redis://:" + secret + "@127.0.0.1:1/0?prefix=%zz", `parameter "prefix": invalid percent-encoding`, urlparam.ErrEscape},
		{"fragment", "redis://:" + secret + "@127.0.0.1:1/0#x", "#fragment", urlparam.ErrFragment},
		{"bad URL", "redis://:" + secret + "@127.0.0.1:port/0", "cannot parse store URL", nil},
		{"unknown parameters name ours", "redis://:" + secret + "@127.0.0.1:1/0?colour=blue&size=9", `unknown parameters "colour", "size" ` + ours, urlparam.ErrUnknown},
		// Item 3: a cluster has database 0 only.
		{"cluster database 1", "redis+cluster://:" + secret + "@127.0.0.1:1/1", `path "/1": a Redis Cluster has only database 0`, nil},
		{"cluster database 2 TLS", "rediss+cluster://:" + secret + "@127.0.0.1:1/2?addr=127.0.0.1:2", `path "/2": a Redis Cluster has only database 0`, nil},
		{"cluster bad path", "redis+cluster://:" + secret + "@127.0.0.1:1/0/1", `a Redis Cluster has only database 0`, nil},
		// Item 13: no reads from replicas, which lag behind.
		{"cluster read_only", "redis+cluster://:" + secret + "@127.0.0.1:1?read_only=true", `parameter "read_only": refused: it sends reads to replicas`, nil},
		{"cluster route_by_latency", "redis+cluster://:" + secret + "@127.0.0.1:1/0?route_by_latency=true", `parameter "route_by_latency": refused`, nil},
		{"cluster route_randomly", "rediss+cluster://:" + secret + "@127.0.0.1:1?route_randomly=1", `parameter "route_randomly": refused`, nil},
		{"sentinel without master_name", "redis+sentinel://:" + secret + "@127.0.0.1:1", "needs master_name=", nil},
		{"sentinel replica_only", "redis+sentinel://:" + secret + "@127.0.0.1:1?master_name=m&replica_only=true", `parameter "replica_only": refused`, nil},
		{"sentinel route_randomly", "rediss+sentinel://127.0.0.1:1?master_name=m&route_randomly=true&password=" + secret, `parameter "route_randomly": refused`, nil},
		{"sentinel bad parameter, master password in the query", "redis+sentinel://127.0.0.1:1?master_name=m&password=" + secret + "&dial_timeout=" + secret, `parameter "dial_timeout": time: invalid duration`, nil},
		{"sentinel master password twice", "redis+sentinel://127.0.0.1:1?master_name=m&password=" + secret + "&password=" + secret + "x", `parameter "password": given more than once`, urlparam.ErrRepeated},
		{"bad wait_replicas", "redis://:" + secret + "@127.0.0.1:1/0?wait_replicas=one", `parameter "wait_replicas": strconv.Atoi: parsing "one": invalid syntax`, strconv.ErrSyntax},
		{"negative wait_replicas", "redis://:" + secret + "@127.0.0.1:1/0?wait_replicas=-1", `parameter "wait_replicas": negative value "-1"`, urlparam.ErrNegative},
		{"negative wait_timeout", "redis://:" + secret + "@127.0.0.1:1/0?wait_replicas=1&wait_timeout=-1s", `parameter "wait_timeout": negative value "-1s"`, urlparam.ErrNegative},
		{"prefix without separator", "redis://:" + secret + "@127.0.0.1:1/0?prefix=site", `parameter "prefix": prefix "site" must end with '/' or ':'`, nil},
		{"bad context_timeout_enabled", "redis://:" + secret + "@127.0.0.1:1/0?context_timeout_enabled=maybe", `parameter "context_timeout_enabled": strconv.ParseBool: parsing "maybe": invalid syntax`, strconv.ErrSyntax},
		{"context_timeout_enabled twice", "redis://:" + secret + "@127.0.0.1:1/0?context_timeout_enabled=true&context_timeout_enabled=false", `parameter "context_timeout_enabled": given more than once`, urlparam.ErrRepeated},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			s, err := store.Open(t.Context(), tc.url)
			if err == nil {
				s.(io.Closer).Close()
				t.Fatalf("store.Open(%s) = %T, nil; want an error", tc.desc, s)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("store.Open(%s) error %q; want it to say %q", tc.desc, err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("store.Open(%s) error %v; want it to match %v", tc.desc, err, tc.is)
			}
			if strings.Contains(err.Error(), "redisstore") || strings.Contains(err.Error(), "redis: ") || strings.Count(err.Error(), "store.Open: ") != 1 {
				t.Errorf("store.Open(%s) error %q; want one prefix, store.Open's", tc.desc, err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("store.Open(%s) error %q contains the password", tc.desc, err)
			}
		})
	}
}

// TestOpenClusterURLDatabaseZero (item 3): the paths that do mean
// database 0 stay accepted; opening does not connect.
func TestOpenClusterURLDatabaseZero(t *testing.T) {
	for _, path := range []string{"", "/", "/0"} {
		s, err := store.Open(t.Context(), "redis+cluster://127.0.0.1:1"+path+"?read_timeout=1s")
		if err != nil {
			t.Errorf("store.Open with cluster path %q: %v; want it accepted", path, err)
			continue
		}
		s.(io.Closer).Close()
	}
}

// TestOpenURLPrefixSeparators: a URL prefix ending with either separator
// is accepted (an empty one is refused: leave prefix= out); opening does
// not connect.
func TestOpenURLPrefixSeparators(t *testing.T) {
	for _, prefix := range []string{"site:", "site/"} {
		q := url.Values{"prefix": {prefix}}
		s, err := store.Open(t.Context(), withQuery(t, "redis://127.0.0.1:1/0", q))
		if err != nil {
			t.Errorf("store.Open with prefix=%q: %v; want it accepted", prefix, err)
			continue
		}
		s.(io.Closer).Close()
	}
}

// TestOpenURLHonoursDeadline: the client of a store opened by URL gives up
// at the context's deadline, not when its ReadTimeout ends; with
// context_timeout_enabled=false it waits for ReadTimeout, as go-redis does
// by default. Either way the error matches context.DeadlineExceeded and
// not store.ErrNotFound.
func TestOpenURLHonoursDeadline(t *testing.T) {
	addr := testservice.StalledServer(t)
	for _, tc := range []struct {
		query   string
		atLeast time.Duration // how long the Read must at least take
		atMost  time.Duration // and at most
	}{
		{"read_timeout=30s&max_retries=-1", 0, 10 * time.Second},
		{"read_timeout=1s&max_retries=-1&context_timeout_enabled=false", time.Second, 20 * time.Second},
	} {
		t.Run(tc.query, func(t *testing.T) {
			s := openStore(t, "redis://"+addr+"/0?"+tc.query)
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := s.Read(ctx, "page")
			took := time.Since(start)
			if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, store.ErrNotFound) {
				t.Errorf("Read from a stalled server = %v; want an error matching context.DeadlineExceeded, not store.ErrNotFound", err)
			}
			if took < tc.atLeast || took > tc.atMost {
				t.Errorf("Read from a stalled server took %v; want between %v and %v", took, tc.atLeast, tc.atMost)
			}
		})
	}
}
