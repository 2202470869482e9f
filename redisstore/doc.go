// Package redisstore keeps a store's names in Redis, one string key per
// name, through github.com/redis/go-redis/v9.
//
// Use it when several processes serving the same site must see each
// other's artifacts at once, or when the serving machines keep no disk
// (serverless). New takes any redis.UniversalClient, so a standalone
// server, a server behind Sentinel and Redis Cluster all work.
//
// # Keys and prefix
//
// The key of a name is Options.Prefix followed by the name, with no
// escaping or hashing, so keys are readable in redis-cli. Redis keys are
// flat strings: "a" and "a/b" coexist, and no name can climb out of its
// prefix. Names may contain both ':' and '/', so "site/" and
// "site/drafts/" overlap however they are separated: no store's prefix
// should start with another's.
//
// # TTL and eviction
//
// An expired or evicted key reads as store.ErrNotFound, so the engine
// silently renders the page again (extra load, and a page that may differ
// from the cached one) or loses a revalidation timestamp. Use Options.TTL
// only for artifacts that are cheap and safe to lose, preferably in a store
// of their own. Under maxmemory, the allkeys-* policies evict this store's
// keys too: run it with maxmemory-policy noeviction (writes then fail with
// an OOM error instead of data vanishing), or with a volatile-* policy and
// no TTL on this store's keys.
//
// # Cluster and Sentinel
//
// Every operation touches one key, so a *redis.ClusterClient needs no
// setup: go-redis sends each key to the node of its hash slot and follows
// MOVED and ASK. Avoid a hash-tagged prefix such as "{site}:", which puts
// every key on one node for no gain. A cluster has database 0 only.
//
// Reads must go to masters. A client that reads from replicas (ReadOnly,
// RouteByLatency, RouteRandomly, or ReplicaOnly for Sentinel) may miss a
// name written a moment ago and read it as store.ErrNotFound, so the
// engine renders it again. URLs refuse those options; New leaves the risk
// to a caller who builds such a client. For Sentinel, open a
// redis+sentinel URL or pass New a redis.NewFailoverClient, which follows
// the master through failovers.
//
// # Replication
//
// Redis replicates asynchronously: a failover that promotes a replica the
// write had not reached loses it, though the caller was told it succeeded.
// Options.WaitReplicas sends WAIT after each SET or DEL in the same round
// trip and fails the operation with ErrNotReplicated when too few replicas
// acknowledged within WaitTimeout.
//
// The cost is latency: every Write and Delete waits for the slowest
// replica it counts, up to WaitTimeout, and fails while too few are
// connected (just after a failover, before the old master has resynced).
// WAIT is no full guarantee either: a replica that acknowledged may not be
// the one promoted, and the master and its replicas can fail together.
// Also set min-replicas-to-write and min-replicas-max-lag on the server,
// so that an isolated master refuses writes a failover would discard.
//
// # Errors
//
// Only a GET that finds no key is store.ErrNotFound. A key of another type
// at the name gives the server's WRONGTYPE error; errors.As reaches a
// redis.Error for any error reply (WRONGPASS, NOAUTH, OOM...).
//
// go-redis ignores the context's deadline on the socket unless the client
// has ContextTimeoutEnabled, and even then notices a cancellation without
// a deadline only when ReadTimeout (default 5s) ends. It also retries a
// failed command MaxRetries times (default 3; -1 disables) with backoff.
// Set ReadTimeout, WriteTimeout and MaxRetries to what a request of the
// engine may wait. The store keeps no state beyond the client, so it works
// again as soon as a server that was down is back.
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
// and parameters such as dial_timeout, read_timeout, max_retries and
// pool_size set client options. The +cluster forms follow
// redis.ParseClusterURL: the host and every addr (the one parameter that
// may repeat) are seed nodes, and the path must be empty or /0. The
// +sentinel forms follow
// redis.ParseFailoverURL: the host and every addr are sentinels, the user
// information is the sentinels' credentials, the password parameter the
// master's, and master_name is required. Both refuse the replica-read
// parameters (see "Cluster and Sentinel"). The store adds its own
// parameters and rejects any other:
//
//	prefix                   Options.Prefix, such as prefix=site: (query-escape '&', '+', '%', '#')
//	ttl                      Options.TTL as a Go duration such as 24h; default none
//	context_timeout_enabled  the client's ContextTimeoutEnabled; default true
//	wait_replicas            Options.WaitReplicas; default 0
//	wait_timeout             Options.WaitTimeout as a Go duration such as 500ms; default 1s
//
// A client opened by URL differs from go-redis's defaults in two ways. It
// honours the context's deadline on the socket, so an engine that bounds a
// request gets its error at the deadline, not when ReadTimeout ends
// (context_timeout_enabled=false restores go-redis's behaviour). And it
// dials once per command try instead of five times, so rediss:// to a
// server that never answers fails after about dial_timeout (which covers
// the TLS handshake); failed commands are still retried max_retries times.
package redisstore
