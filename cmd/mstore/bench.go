package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/bits"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/mutablestore/mutablestore/internal/urlparam"
	"github.com/mutablestore/mutablestore/store"
)

// benchConfig is a parsed `mstore bench` command line.
type benchConfig struct {
	store       string // -store given after "bench"; overrides the global one
	concurrency []int
	sizes       []int
	duration    time.Duration
	readPct     int // of the mix; the write share is 100 - readPct
	json        bool
	prefix      string // the names' prefix; a new random one by default
	progress    time.Duration
}

// benchNames is how many names of each size the runs share: enough that the
// writers of a run at concurrency 16 rarely queue on one name, few enough to
// clean up quickly.
const benchNames = 16

// benchMarker is the name, below the prefix, that the bench writes first and
// deletes last. Finding it means the prefix is in use.
const benchMarker = "marker"

func parseBench(args []string) (*benchConfig, error) {
	b := &benchConfig{progress: 250 * time.Millisecond}
	f := flag.NewFlagSet("bench", flag.ContinueOnError)
	f.SetOutput(io.Discard) // the caller prints the error and the usage
	f.StringVar(&b.store, "store", "", "")
	conc := f.String("c", "1,16,64", "")
	sizes := f.String("size", "4KiB,64KiB", "")
	f.DurationVar(&b.duration, "duration", 5*time.Second, "")
	mix := f.String("mix", "90/10", "")
	f.BoolVar(&b.json, "json", false, "")
	f.StringVar(&b.prefix, "prefix", "", "")
	if err := f.Parse(args); err != nil {
		return nil, fmt.Errorf("bench: %v", err)
	}
	if f.NArg() > 0 {
		return nil, fmt.Errorf("bench takes flags only, got argument %q", f.Arg(0))
	}
	var err error
	if b.concurrency, err = parseConcurrency(*conc); err != nil {
		return nil, err
	}
	if b.sizes, err = parseSizes(*sizes); err != nil {
		return nil, err
	}
	if b.duration <= 0 {
		return nil, fmt.Errorf("bench: -duration %v: want a positive duration such as 5s", b.duration)
	}
	if b.readPct, err = parseMix(*mix); err != nil {
		return nil, err
	}
	if b.prefix == "" {
		var r [8]byte
		_, _ = rand.Read(r[:])
		b.prefix = "mstore-bench/" + hex.EncodeToString(r[:]) + "/"
	}
	if err := store.ValidateName(b.prefix + benchMarker); err != nil || !strings.HasSuffix(b.prefix, "/") {
		return nil, fmt.Errorf("bench: -prefix %q: want a name prefix ending in /, such as mstore-bench/run1/", b.prefix)
	}
	return b, nil
}

func parseConcurrency(s string) ([]int, error) {
	var out []int
	for _, field := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 || n > 4096 {
			return nil, fmt.Errorf("bench: -c %q: want a comma-separated list of concurrencies from 1 to 4096, such as 1,16,64", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// sizeUnits are the suffixes parseSize accepts, longest first.
var sizeUnits = []struct {
	suffix string
	mult   int
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"kb", 1000}, {"mb", 1000 * 1000}, {"k", 1 << 10}, {"m", 1 << 20}, {"b", 1},
}

// maxBenchSize keeps a typo (64MiB for 64KiB) from filling a disk: 16 names
// of each size are written.
const maxBenchSize = 64 << 20

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, field := range strings.Split(s, ",") {
		n, ok := parseSize(strings.TrimSpace(field))
		if !ok {
			return nil, fmt.Errorf("bench: -size %q: want a comma-separated list of sizes from 0 to 64MiB, such as 512,4KiB,1MiB", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseSize(s string) (int, bool) {
	mult, lower := 1, strings.ToLower(s)
	for _, u := range sizeUnits {
		if strings.HasSuffix(lower, u.suffix) {
			mult, lower = u.mult, strings.TrimSuffix(lower, u.suffix)
			break
		}
	}
	n, err := strconv.Atoi(lower)
	if err != nil || n < 0 || n > maxBenchSize/mult {
		return 0, false
	}
	return n * mult, true
}

func parseMix(s string) (readPct int, err error) {
	r, w, ok := strings.Cut(s, "/")
	rp, err1 := strconv.Atoi(r)
	wp, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil || rp < 0 || wp < 0 || rp+wp != 100 {
		return 0, fmt.Errorf("bench: -mix %q: want READ/WRITE percentages that add up to 100, such as 90/10", s)
	}
	return rp, nil
}

// formatSize prints sizes the way -size takes them.
func formatSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}

// benchResult is one run: one operation, size and concurrency.
type benchResult struct {
	Op          string  `json:"op"` // read, write or mix
	Size        int     `json:"size"`
	Concurrency int     `json:"concurrency"`
	Ops         int64   `json:"ops"`
	Reads       int64   `json:"reads"`
	Writes      int64   `json:"writes"`
	Seconds     float64 `json:"seconds"`
	OpsPerSec   float64 `json:"ops_per_sec"`
	P50         int64   `json:"p50_ns"`
	P99         int64   `json:"p99_ns"`
	P999        int64   `json:"p999_ns"`
	Max         int64   `json:"max_ns"`
	AllocsPerOp float64 `json:"allocs_per_op"`
	BytesPerOp  float64 `json:"alloc_bytes_per_op"`
}

// benchReport is what -json prints.
type benchReport struct {
	Store      string        `json:"store"` // the URL without its password
	Prefix     string        `json:"prefix"`
	Duration   string        `json:"duration"`
	Mix        string        `json:"mix"`
	GoVersion  string        `json:"go_version"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	Results    []benchResult `json:"results"`
	Cleanup    benchCleanup  `json:"cleanup"`
}

type benchCleanup struct {
	Deleted int    `json:"deleted"` // names deleted
	Left    int    `json:"left"`    // names the bench wrote and could not delete
	Note    string `json:"note,omitempty"`
}

// main runs the bench against the store at storeURL. An explicit -timeout
// bounds the whole bench; otherwise it bounds itself, by the time its runs
// take plus two minutes for setup and cleanup.
func (b *benchConfig) main(ctx context.Context, storeURL string, timeoutGiven bool, timeout time.Duration, stdout, stderr io.Writer) int {
	if b.store != "" {
		storeURL = b.store
	}
	if err := checkStoreURL(storeURL); err != nil {
		fmt.Fprintf(stderr, "mstore: %v\n", err)
		return exitUsage
	}
	runsTake := time.Duration(len(b.sizes)*len(b.concurrency)*3) * b.duration
	bound := runsTake + 2*time.Minute
	if timeoutGiven {
		bound = timeout
	}
	if bound > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, bound)
		defer cancel()
	}
	s, err := store.Open(ctx, storeURL)
	if err != nil {
		fmt.Fprintf(stderr, "mstore: %s\n", oneLine(err))
		return exitFailure
	}
	defer s.Close()
	rep, err := b.run(ctx, s, stderr)
	rep.Store = redactURL(storeURL)
	if err != nil {
		msg := oneLine(err)
		switch {
		case timeoutGiven && errors.Is(err, context.DeadlineExceeded):
			msg += fmt.Sprintf(" (-timeout %v is shorter than the %v the runs take: raise it, or leave it out)", timeout, runsTake)
		case errors.Is(err, context.Canceled):
			msg += " (interrupted)"
		}
		fmt.Fprintf(stderr, "mstore: bench: %s; cleanup deleted %d names, left %d\n", msg, rep.Cleanup.Deleted, rep.Cleanup.Left)
		return exitFailure
	}
	if b.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "mstore: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	writeBenchTable(stdout, rep)
	return exitOK
}

// redactURL returns the URL without its password, in the user info or in a
// parameter such as password=, or a placeholder when it does not parse.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return urlparam.Redacted(u)
}

// run benchmarks s: for each size and concurrency, Read, Write and the mix,
// each for b.duration. It refuses a prefix that holds the marker, and
// deletes every name it wrote before returning, whatever happened.
func (b *benchConfig) run(ctx context.Context, s store.MutableStore, stderr io.Writer) (rep benchReport, err error) {
	rep = benchReport{
		Prefix:     b.prefix,
		Duration:   b.duration.String(),
		Mix:        fmt.Sprintf("%d/%d", b.readPct, 100-b.readPct),
		GoVersion:  runtime.Version(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Results:    []benchResult{},
	}
	marker := b.prefix + benchMarker
	switch _, err := s.Read(ctx, marker); {
	case err == nil:
		return rep, fmt.Errorf("refusing to run: %s already exists, so the prefix %s holds data this bench did not write; choose another -prefix", marker, b.prefix)
	case !errors.Is(err, store.ErrNotFound):
		return rep, fmt.Errorf("check that the prefix %s is unused: %w", b.prefix, err)
	}

	var written []string // every name written, for the cleanup
	defer func() {
		rep.Cleanup = b.cleanup(ctx, s, written, stderr)
		if err == nil && rep.Cleanup.Left > 0 {
			err = fmt.Errorf("%s", rep.Cleanup.Note)
		}
	}()
	written = append(written, marker)
	if err := s.Write(ctx, marker, "written by mstore bench at "+time.Now().UTC().Format(time.RFC3339)+"; the names below this prefix are its own\n"); err != nil {
		return rep, fmt.Errorf("write the marker %s: %w", marker, err)
	}

	p := newProgress(stderr, b.progress)

	total := len(b.sizes) * len(b.concurrency) * 3
	for _, size := range b.sizes {
		content := benchContent(size)
		names := make([]string, benchNames)
		for i := range names {
			names[i] = benchName(b.prefix, size, i)
			written = append(written, names[i])
			if err := s.Write(ctx, names[i], content); err != nil {
				return rep, fmt.Errorf("write %s before the runs: %w", names[i], err)
			}
		}
		for _, c := range b.concurrency {
			for _, op := range []string{"read", "write", "mix"} {
				readPct := map[string]int{"read": 100, "write": 0, "mix": b.readPct}[op]
				p.start(fmt.Sprintf("[%d/%d] %s %s c=%d", len(rep.Results)+1, total, op, formatSize(size), c), b.duration)
				r, err := benchOne(ctx, s, names, content, c, readPct, b.duration, p)
				r.Op = op
				p.done(r)
				if err != nil {
					return rep, fmt.Errorf("%s %s c=%d: %w", op, formatSize(size), c, err)
				}
				rep.Results = append(rep.Results, r)
			}
		}
	}
	return rep, nil
}

// cleanup deletes names, on a context of its own: an interrupted or timed out
// bench cleans up too.
func (b *benchConfig) cleanup(ctx context.Context, s store.MutableStore, names []string, stderr io.Writer) benchCleanup {
	if len(names) == 0 {
		return benchCleanup{}
	}
	d, ok := s.(store.Deleter)
	if !ok {
		c := benchCleanup{Left: len(names), Note: fmt.Sprintf("this store cannot delete names: the bench left %d names under %s; remove them yourself", len(names), b.prefix)}
		fmt.Fprintf(stderr, "mstore: bench: %s\n", c.Note)
		return c
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	var c benchCleanup
	var firstErr error
	// The marker last: while any name of the bench remains, so does it.
	for i := len(names) - 1; i >= 0; i-- {
		if err := d.Delete(ctx, names[i]); err != nil {
			c.Left++
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		c.Deleted++
	}
	if c.Left > 0 {
		c.Note = fmt.Sprintf("cleanup: %d of the bench's names under %s could not be deleted: %s", c.Left, b.prefix, oneLine(firstErr))
		fmt.Fprintf(stderr, "mstore: bench: %s\n", c.Note)
	}
	return c
}

// benchName is the i-th name of the given size.
func benchName(prefix string, size, i int) string {
	return fmt.Sprintf("%s%s/%02d.html", prefix, formatSize(size), i)
}

// benchContent returns size bytes of HTML-like text, what an engine stores.
func benchContent(size int) string {
	const line = "<p class=\"post\">The quick brown fox jumps over the lazy dog.</p>\n"
	return strings.Repeat(line, size/len(line)+1)[:size]
}

// benchOne runs c workers for d. Each worker spreads its writes evenly
// through its operations, writePct in a hundred.
func benchOne(ctx context.Context, s store.MutableStore, names []string, content string, c, readPct int, d time.Duration, p *progress) (benchResult, error) {
	r := benchResult{Size: len(content), Concurrency: c}
	// An operation that hangs must not hang the bench: the run's context
	// ends half a minute after the run should have.
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	writePct := 100 - readPct
	hists := make([]histogram, c)
	var ops, reads, writes atomic.Int64
	var stop atomic.Bool
	var errOnce sync.Once
	var firstErr error
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err })
		stop.Store(true)
	}
	var wg sync.WaitGroup
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	deadline := start.Add(d)
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := &hists[w]
			acc := w * 37 % 100 // workers do not all write at the same step
			var n, nr, nw int64
			defer func() { reads.Add(nr); writes.Add(nw) }()
			for i := w * 5; !stop.Load(); i++ {
				name := names[i%len(names)]
				acc += writePct
				t0 := time.Now()
				if n > 0 && t0.After(deadline) {
					return // every worker makes one call at least, however late it started
				}
				var err error
				if acc >= 100 {
					acc -= 100
					err = s.Write(ctx, name, content)
					nw++
				} else {
					var got string
					got, err = s.Read(ctx, name)
					if err == nil && len(got) != len(content) {
						err = fmt.Errorf("read %s: %d bytes; want %d", name, len(got), len(content))
					}
					nr++
				}
				h.record(time.Since(t0))
				if err != nil {
					fail(err)
					return
				}
				if n++; n%64 == 0 {
					ops.Add(64)
				}
			}
		}()
	}
	p.watch(&ops)
	wg.Wait()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	var h histogram
	for i := range hists {
		h.merge(&hists[i])
	}
	r.Ops = int64(h.count)
	r.Reads, r.Writes = reads.Load(), writes.Load()
	r.Seconds = elapsed.Seconds()
	if r.Ops > 0 {
		r.OpsPerSec = float64(r.Ops) / elapsed.Seconds()
		r.AllocsPerOp = float64(after.Mallocs-before.Mallocs) / float64(r.Ops)
		r.BytesPerOp = float64(after.TotalAlloc-before.TotalAlloc) / float64(r.Ops)
	}
	r.P50, r.P99, r.P999 = h.quantile(0.50), h.quantile(0.99), h.quantile(0.999)
	r.Max = h.max
	return r, firstErr
}

// histogram counts latencies in nanoseconds: exactly below 128ns, above in
// 64 buckets per power of two (a bucket is at most 1.6% wide), so a run of
// any length takes 30 KiB per worker and no allocation per operation.
type histogram struct {
	counts [58 * 64]uint64
	count  uint64
	max    int64
}

func histIndex(v uint64) int {
	if v < 128 {
		return int(v)
	}
	shift := bits.Len64(v) - 7
	return shift*64 + int(v>>shift)
}

// histUpper is the largest value of bucket i.
func histUpper(i int) int64 {
	if i < 128 {
		return int64(i)
	}
	shift, mant := i/64-1, i%64+64
	return int64(mant+1)<<shift - 1
}

func (h *histogram) record(d time.Duration) {
	v := max(int64(d), 0)
	h.counts[histIndex(uint64(v))]++
	h.count++
	h.max = max(h.max, v)
}

func (h *histogram) merge(o *histogram) {
	for i, n := range o.counts {
		h.counts[i] += n
	}
	h.count += o.count
	h.max = max(h.max, o.max)
}

// quantile returns the upper bound of the bucket holding the q-th latency,
// no more than the largest one recorded.
func (h *histogram) quantile(q float64) int64 {
	if h.count == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.count)))
	rank = max(rank, 1)
	var seen uint64
	for i, n := range h.counts {
		if seen += n; seen >= rank {
			return min(histUpper(i), h.max)
		}
	}
	return h.max
}

// progress shows the run in progress on standard error: one line rewritten
// in place on a terminal, else one line per finished run.
type progress struct {
	w        io.Writer
	tty      bool
	every    time.Duration
	label    string
	d        time.Duration
	began    time.Time
	stopTick chan struct{}
	ticking  sync.WaitGroup
}

func newProgress(w io.Writer, every time.Duration) *progress {
	p := &progress{w: w, every: every}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) start(label string, d time.Duration) {
	p.label, p.d, p.began = label, d, time.Now()
}

// watch updates the terminal line from ops until done is called.
func (p *progress) watch(ops *atomic.Int64) {
	if !p.tty {
		return
	}
	p.stopTick = make(chan struct{})
	p.ticking.Add(1)
	go func() {
		defer p.ticking.Done()
		t := time.NewTicker(p.every)
		defer t.Stop()
		for {
			select {
			case <-p.stopTick:
				return
			case <-t.C:
				el := time.Since(p.began)
				fmt.Fprintf(p.w, "\r\033[Kmstore bench %s: %.1fs of %v, %d ops", p.label, el.Seconds(), p.d, ops.Load())
			}
		}
	}()
}

func (p *progress) done(r benchResult) {
	if p.stopTick != nil {
		close(p.stopTick)
		p.ticking.Wait()
		p.stopTick = nil
	}
	line := fmt.Sprintf("mstore bench %s: %d ops in %.1fs, %.0f ops/s, p99 %s", p.label, r.Ops, r.Seconds, r.OpsPerSec, fmtLatency(r.P99))
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
		return
	}
	fmt.Fprintln(p.w, line)
}

// fmtLatency prints a latency with three significant digits.
func fmtLatency(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", ns)
	case d < time.Millisecond:
		return fmt.Sprintf("%.3gµs", float64(ns)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.3gms", float64(ns)/1e6)
	}
	return fmt.Sprintf("%.3gs", d.Seconds())
}

func writeBenchTable(w io.Writer, rep benchReport) {
	fmt.Fprintf(w, "store %s, prefix %s, %s per run, mix %s reads/writes, %s, GOMAXPROCS %d\n", rep.Store, rep.Prefix, rep.Duration, rep.Mix, rep.GoVersion, rep.GOMAXPROCS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tsize\tconc\tops\tops/s\tp50\tp99\tp999\tallocs/op\t")
	for _, r := range rep.Results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%.1f\t\n", r.Op, formatSize(r.Size), r.Concurrency, r.Ops, r.OpsPerSec, fmtLatency(r.P50), fmtLatency(r.P99), fmtLatency(r.P999), r.AllocsPerOp)
	}
	tw.Flush()
	fmt.Fprintf(w, "cleanup: deleted %d names, left %d\n", rep.Cleanup.Deleted, rep.Cleanup.Left)
}
