// Command mstore reads, writes and deletes names in a mutablestore store from
// the shell: the same store a rendering engine uses, by URL.
//
// # Usage
//
//	mstore [-store URL] [-timeout D] get NAME          print the content of NAME
//	mstore [-store URL] [-timeout D] put NAME [CONTENT] write CONTENT, or standard input when absent
//	mstore [-store URL] [-timeout D] rm NAME           delete NAME (a missing NAME is not an error)
//	mstore [-store URL] clean-temp [-older-than D]     remove temp files left by crashed writes (file: stores only)
//	mstore [-store URL] bench [-c 1,16,64] [-size 4KiB,64KiB] [-duration 5s] [-mix 90/10] [-json]
//	                                                   measure Read, Write and a mix (see docs/benchmarks.md)
//
// get writes the content exactly as stored, with no newline added, so
// `mstore get x > file` round-trips any bytes. -timeout (default 30s; 0 for
// none) bounds opening the store and the operation together.
//
// clean-temp removes the temp files of a file: store that are older than
// -older-than (default 1h; younger ones may be writes in progress) with
// fsstore.RemoveStaleTemp, which never removes a value, and prints how many
// it removed. Run it at startup or from cron instead of a find pattern.
//
// # Stores
//
// -store takes a store URL; the default is $MSTORE_URL, else
// file:dist/mutable, the directory Perseus keeps its mutable artifacts in,
// relative to the working directory. Every adapter of this module is built
// in:
//
//	file:dist/mutable                      a directory (relative or file:///absolute)
//	mem://                                 in memory, gone when mstore exits
//	redis://:PASSWORD@HOST:6379/0?prefix=site:
//	postgres://USER:PASSWORD@HOST/DB?table=mutable_store
//	s3://BUCKET/PREFIX/?region=eu-west-1
//
// # Exit status
//
//	0  success
//	1  any failure: bad name, store unreachable, permission denied...
//	2  bad command line
//	3  get of a name that does not exist (store.ErrNotFound)
//
// Errors are written to standard error as one line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/store"

	// Every adapter of the module registers its URL scheme.
	_ "github.com/mutablestore/mutablestore/fsstore"
	_ "github.com/mutablestore/mutablestore/memstore"
	_ "github.com/mutablestore/mutablestore/pgstore"
	_ "github.com/mutablestore/mutablestore/redisstore"
	_ "github.com/mutablestore/mutablestore/s3store"
)

// Exit statuses; documented in the package comment.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitNotFound = 3
)

// defaultStoreURL is where Perseus keeps mutable artifacts.
const defaultStoreURL = "file:dist/mutable"

func main() {
	// mstore reports a failure as one line of its own; go-redis would also
	// log every failed dial to standard error.
	redis.SetLogger(discardLogger{})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// checkStoreURL catches the mistakes a shell user makes before the library
// sees them, with advice the library cannot give: a directory given without
// "file:", or a scheme no adapter in mstore handles.
func checkStoreURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return nil // store.Open explains, without echoing a password
	}
	if u.Scheme == "" {
		if strings.Contains(raw, "@") {
			return fmt.Errorf("-store takes a URL with a scheme, such as file:DIR or redis://HOST")
		}
		return fmt.Errorf("-store %q is not a URL: for a directory, use -store file:%s", raw, raw)
	}
	if !slices.Contains(store.Schemes(), strings.ToLower(u.Scheme)) {
		return fmt.Errorf("unknown store URL scheme %q; mstore knows: %s", u.Scheme, strings.Join(store.Schemes(), ", "))
	}
	return nil
}

// discardLogger drops go-redis's internal log lines.
type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	flags := flag.NewFlagSet("mstore", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, usage) }
	storeURL := flags.String("store", "", "store `URL` (default $MSTORE_URL, else "+defaultStoreURL+")")
	timeout := flags.Duration("timeout", 30*time.Second, "give up on the operation after this `duration` (0: never)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	cmd, err := parseCommand(flags.Args(), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "mstore: %v\n%s", err, usage)
		return exitUsage
	}
	if *storeURL == "" {
		*storeURL = getenv("MSTORE_URL")
	}
	if *storeURL == "" {
		*storeURL = defaultStoreURL
	}
	if cmd.bench != nil { // bench.go: its own time bound, store and output
		timeoutGiven := false
		flags.Visit(func(f *flag.Flag) { timeoutGiven = timeoutGiven || f.Name == "timeout" })
		return cmd.bench.main(ctx, *storeURL, timeoutGiven, *timeout, stdout, stderr)
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}

	if err := checkStoreURL(*storeURL); err != nil {
		fmt.Fprintf(stderr, "mstore: %v\n", err)
		return exitUsage
	}
	if cmd.verb == "clean-temp" {
		if u, err := url.Parse(*storeURL); err != nil || !strings.EqualFold(u.Scheme, "file") {
			// The scheme only: the URL may hold a password.
			what := "this store"
			if err == nil {
				what = "a " + u.Scheme + ": store"
			}
			fmt.Fprintf(stderr, "mstore: clean-temp works only on file: stores, and -store is %s\n", what)
			return exitUsage
		}
	}
	s, err := store.Open(ctx, *storeURL)
	if err != nil {
		fmt.Fprintf(stderr, "mstore: %s\n", oneLine(err))
		return exitFailure
	}
	if c, ok := s.(io.Closer); ok {
		defer c.Close()
	}
	if err := cmd.run(ctx, s, stdout); err != nil {
		fmt.Fprintf(stderr, "mstore: %s\n", oneLine(err))
		if errors.Is(err, store.ErrNotFound) {
			return exitNotFound
		}
		return exitFailure
	}
	return exitOK
}

// oneLine keeps an error to one line of standard error, so scripts can
// rely on it: some drivers (pgx, trying each address of a host) put one
// line per attempt in their messages.
func oneLine(err error) string {
	var b strings.Builder
	for i, line := range strings.FieldsFunc(err.Error(), func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = strings.TrimSpace(line)
		if i > 0 {
			if strings.HasSuffix(b.String(), ":") {
				b.WriteString(" ") // "failed to connect:" introduces what follows
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

const usage = `usage: mstore [-store URL] [-timeout D (default 30s, 0 for none)] COMMAND
commands:
  get NAME            print the content of NAME (exit status 3 when it does not exist)
  put NAME [CONTENT]  write CONTENT, or standard input when CONTENT is absent
  rm NAME             delete NAME
  clean-temp [-older-than D (default 1h)]
                      remove temp files left by crashed writes (file: stores only)
  bench [-c 1,16,64] [-size 4KiB,64KiB] [-duration 5s] [-mix 90/10] [-json] [-prefix P]
                      measure Read, Write and the READ/WRITE mix at each concurrency and size
                      under a new prefix mstore-bench/RANDOM/, then delete what it wrote;
                      -timeout bounds it only when given
The store URL defaults to $MSTORE_URL, else ` + defaultStoreURL + `.
`
