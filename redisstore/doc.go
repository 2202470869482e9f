// Package redisstore keeps a store's names in Redis, one string key per
// name, through github.com/redis/go-redis/v9.
//
// Use it when several processes serving the same site must see each
// other's artifacts at once, or when the serving machines keep no disk
// (serverless): a Read is one GET, a Write one SET and a Delete one DEL, a
// single round trip each. It works with a standalone server, a server
// behind Sentinel and Redis Cluster alike, because New takes any
// redis.UniversalClient the caller has configured.
//
// # Keys and prefix
//
// The key of a name is Options.Prefix followed by the name, nothing more:
// no escaping and no hashing, so the keys are readable in redis-cli and
// tools that know the layout can read them. Redis keys are flat strings,
// so no name can reach a key outside the prefix: there is no ".." to climb.
// Names such as "a" and "a/b" are two unrelated keys and coexist.
//
// The prefix follows store.ValidatePrefix, in Options and in URLs alike. No
// store's prefix should start with another's: names may contain both ':'
// and '/', so "site/" and "site/drafts/" overlap however they are separated.
//
// # TTL and eviction
//
// Options.TTL gives every written key an expiry. It is risky for the data
// an engine keeps here: an expired page reads as store.ErrNotFound and is
// silently rendered again (extra load, and a page that differs from the one
// that was cached), and an expired revalidation timestamp vanishes, so the
// engine loses track of when the page was last revalidated. Use a TTL only
// for artifacts that are cheap and safe to lose, preferably in a store of
// their own.
//
// Eviction does the same without a TTL: under maxmemory, a server whose
// maxmemory-policy is allkeys-lru, allkeys-lfu or allkeys-random deletes
// keys of this store, which then read as ErrNotFound. Run the store on an
// instance with maxmemory-policy noeviction (writes then fail with an
// OOM error instead of data vanishing), or with a volatile-* policy that
// only evicts keys that have an expiry, and keep this store's keys
// without one.
//
// # Cluster
//
// Every operation touches exactly one key, so a *redis.ClusterClient works
// with no further setup: each key goes to the node that owns its hash slot,
// and MOVED and ASK redirections are followed by go-redis. A prefix with a
// hash tag, such as "{site}:", would put all of a store's keys in one slot,
// on one node; the store needs no multi-key command, so avoid it.
//
// A cluster has database 0 only. Reads should go to masters: a client with
// ReadOnly, RouteByLatency or RouteRandomly reads from replicas, where a
// name written a moment ago may not have arrived yet and reads as
// store.ErrNotFound, so the engine renders it again. Cluster URLs refuse
// those options; a caller who builds such a client for New takes that risk.
//
// # Replication
//
// Redis replicates asynchronously: a Write is acknowledged once the master
// applied it, and a failover (Sentinel or Cluster) that promotes a replica
// the write had not reached loses it, though the caller was told it
// succeeded. Options.WaitReplicas (URL: wait_replicas=1&wait_timeout=1s)
// sends WAIT after each SET or DEL, pipelined so that it stays one round
// trip, and fails the operation with ErrNotReplicated when fewer replicas
// acknowledged it within WaitTimeout. Such an error says the change is
// applied on the master but not confirmed replicated: it may survive, or
// vanish in a failover; the engine can retry it.
//
// The cost is latency: every Write and Delete waits for the slowest of the
// replicas it counts, up to WaitTimeout, and fails while too few replicas
// are connected (just after a failover, before the old master has resynced
// as a replica). WAIT is not a full guarantee either: a replica that
// acknowledged may itself not be the one promoted, and a write can still
// be lost if the master and the replicas fail together. Configure
// min-replicas-to-write and min-replicas-max-lag on the server as well, so
// that an isolated master refuses writes instead of accepting ones that a
// failover will discard. On a cluster, WAIT is sent to the master of the
// name's slot, with the command.
//
// For Sentinel, open a redis+sentinel URL, or build the client with
// redis.NewFailoverClient, which follows the master through failovers, and
// pass it to New. Only the master should serve reads: RouteByLatency,
// RouteRandomly or ReplicaOnly read from replicas, with the lag described
// under "Cluster"; the URL refuses them, New leaves the risk to the caller.
//
// # Errors
//
// Only a GET that finds no key gives an error matching store.ErrNotFound.
// A key of another type at the name (a list, a hash) gives the server's
// WRONGTYPE error, and connection, authentication (WRONGPASS, NOAUTH),
// timeout and OOM errors are returned as they are, wrapped so that
// errors.As reaches a redis.Error (an error reply of the server).
//
// go-redis ignores the context's deadline on the socket unless the client
// was built with ContextTimeoutEnabled: true, and even then it notices a
// cancellation without a deadline only when ReadTimeout (default 5s) ends.
// It also retries failed commands MaxRetries times (3 by default; -1
// disables retries) with backoff. Set ReadTimeout, WriteTimeout and
// MaxRetries to what a request of the engine may wait.
//
// The store holds no state of its own beyond the client, so once a server
// that was down comes back, the same Store works again: go-redis dials new
// connections on demand.
//
// # URLs
//
// Importing the package registers six schemes with store.Open:
//
//	redis://[[user]:password@]host[:port][/db][?option=value&...]
//	rediss://... (TLS)
//	redis+cluster://[[user]:password@]host:port?addr=host2:port2&addr=host3:port3[&...]
//	rediss+cluster://... (TLS)
//	redis+sentinel://[[user]:password@]host:port[/db]?master_name=NAME&addr=host2:port2[&password=...]
//	rediss+sentinel://... (TLS)
//
// redis and rediss follow redis.ParseURL: the path is the database number,
// and query parameters such as dial_timeout, read_timeout, max_retries and
// pool_size set the client options. The +cluster forms follow
// redis.ParseClusterURL with the scheme's "+cluster" removed: the host and
// every addr parameter are seed nodes. Their path must be empty or /0, and
// read_only, route_by_latency and route_randomly are refused (see
// "Cluster"). The +sentinel forms follow redis.ParseFailoverURL: the host
// and every addr parameter are sentinels, the user information is the
// sentinels' credentials and the password parameter the master's;
// master_name is required, and replica_only, route_by_latency and
// route_randomly are refused. On top of these, the store takes parameters
// of its own:
//
//	prefix                   Options.Prefix, such as prefix=site: (query-escape '&', '+', '%', '#')
//	ttl                      Options.TTL as a Go duration such as 24h; default none
//	context_timeout_enabled  the client's ContextTimeoutEnabled; default true
//	wait_replicas            Options.WaitReplicas; default 0 (see "Replication")
//	wait_timeout             Options.WaitTimeout as a Go duration such as 500ms; default 1s
//
// dial_timeout bounds a connection attempt as a whole, TLS handshake
// included, and a store opened by URL makes one attempt per command try
// (go-redis's default is five): rediss:// to a server that never answers
// fails after about dial_timeout, not five times it. Failed commands are
// still retried max_retries times.
//
// Unlike a client built by hand, whose ContextTimeoutEnabled is false
// unless set, the client of a store opened by URL honours the context's
// deadline on the socket: an engine that bounds a request with a deadline
// gets its error at the deadline, not when ReadTimeout ends. Set
// context_timeout_enabled=false for go-redis's own default.
//
// Any other parameter is rejected. A store opened by URL owns its client,
// which Close closes. Opening does not contact the server: a wrong address
// or password shows in the first operation.
package redisstore
