package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/s3store/s3storetest"
	"github.com/mutablestore/mutablestore/store"
)

// The bench tests run for a few hundred milliseconds in all: runs of 40ms.
const benchTestDuration = "40ms"

func parseBenchT(t *testing.T, args ...string) *benchConfig {
	t.Helper()
	b, err := parseBench(args)
	if err != nil {
		t.Fatal(err)
	}
	b.progress = 10 * time.Millisecond
	return b
}

// checkResults asserts what every report holds: one result for each size,
// concurrency and operation, in order, each with operations, latencies in
// order and the reads and writes its operation calls for.
func checkResults(t *testing.T, rep benchReport, sizes, conc []int, readPct int) {
	t.Helper()
	if want := len(sizes) * len(conc) * 3; len(rep.Results) != want {
		t.Fatalf("%d results; want %d (sizes × concurrencies × read, write, mix): %+v", len(rep.Results), want, rep.Results)
	}
	i := 0
	for _, size := range sizes {
		for _, c := range conc {
			for _, op := range []string{"read", "write", "mix"} {
				r := rep.Results[i]
				i++
				if r.Op != op || r.Size != size || r.Concurrency != c {
					t.Errorf("result %d is %s size %d c=%d; want %s size %d c=%d", i, r.Op, r.Size, r.Concurrency, op, size, c)
				}
				if r.Ops <= 0 || r.OpsPerSec <= 0 || r.Reads+r.Writes != r.Ops {
					t.Errorf("%s %d c=%d: ops %d (%d reads, %d writes), %.0f ops/s; want ops > 0 = reads + writes", op, size, c, r.Ops, r.Reads, r.Writes, r.OpsPerSec)
				}
				if !(0 < r.P50 && r.P50 <= r.P99 && r.P99 <= r.P999 && r.P999 <= r.Max) {
					t.Errorf("%s %d c=%d: latencies p50 %d p99 %d p999 %d max %d; want 0 < p50 <= p99 <= p999 <= max", op, size, c, r.P50, r.P99, r.P999, r.Max)
				}
				if r.AllocsPerOp < 0 || r.Seconds <= 0 {
					t.Errorf("%s %d c=%d: allocs/op %v, seconds %v", op, size, c, r.AllocsPerOp, r.Seconds)
				}
				switch op {
				case "read":
					if r.Writes != 0 {
						t.Errorf("read run wrote %d times", r.Writes)
					}
				case "write":
					if r.Reads != 0 {
						t.Errorf("write run read %d times", r.Reads)
					}
				case "mix":
					// Writes are spread evenly through each worker's operations:
					// each worker is at most one write off its share.
					want := float64(r.Ops) * float64(100-readPct) / 100
					if got := float64(r.Writes); got < want-float64(c)-1 || got > want+float64(c)+1 {
						t.Errorf("mix run: %d writes of %d operations; want %.0f ± %d", r.Writes, r.Ops, want, c+1)
					}
				}
			}
		}
	}
}

func TestBenchMemstore(t *testing.T) {
	s := memstore.New()
	if err := s.Write(t.Context(), "unrelated/page.html", "keep me"); err != nil {
		t.Fatal(err)
	}
	b := parseBenchT(t, "-c", "1,3", "-size", "1KiB,100", "-duration", benchTestDuration, "-mix", "70/30")
	var progress strings.Builder
	rep, err := b.run(t.Context(), s, &progress)
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, rep, []int{1024, 100}, []int{1, 3}, 70)
	if !strings.HasPrefix(rep.Prefix, "mstore-bench/") || rep.Mix != "70/30" {
		t.Errorf("prefix %q, mix %q; want mstore-bench/RANDOM/, 70/30", rep.Prefix, rep.Mix)
	}
	// Everything written is deleted: the marker and 16 names of each size.
	if rep.Cleanup != (benchCleanup{Deleted: 1 + 2*benchNames}) {
		t.Errorf("cleanup %+v; want %d deleted, none left", rep.Cleanup, 1+2*benchNames)
	}
	if s.Len() != 1 {
		t.Errorf("the store holds %d names after the bench; want only the one it held before", s.Len())
	}
	if got, err := s.Read(t.Context(), "unrelated/page.html"); got != "keep me" || err != nil {
		t.Errorf("the value the bench did not write = %q, %v", got, err)
	}
	if n := strings.Count(progress.String(), "mstore bench ["); n != 12 {
		t.Errorf("%d progress lines; want one per run, 12:\n%s", n, progress.String())
	}
}

// TestBenchFileStore runs the command itself, -json and table, on a
// directory, which is left empty.
func TestBenchFileStore(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := mstore(t, nil, "", "-store", "file://"+dir, "bench", "-c", "2", "-size", "4KiB", "-duration", benchTestDuration, "-json")
	if code != exitOK {
		t.Fatalf("bench -json: exit %d, stderr %q", code, stderr)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("bench -json printed %q: %v", stdout, err)
	}
	checkResults(t, rep, []int{4096}, []int{2}, 90)
	if rep.Store != "file://"+dir || rep.Duration != "40ms" || rep.Cleanup.Deleted != 1+benchNames || rep.Cleanup.Left != 0 {
		t.Errorf("report store %q, duration %q, cleanup %+v", rep.Store, rep.Duration, rep.Cleanup)
	}
	if !strings.Contains(stderr, "mstore bench [3/3] mix 4KiB c=2: ") {
		t.Errorf("stderr has no progress line for the last run: %q", stderr)
	}
	assertEmptyDir(t, dir)

	// The table: a header, one aligned row per run, the cleanup line.
	code, stdout, stderr = mstore(t, nil, "", "-store", "file://"+dir, "bench", "-c", "1,2", "-size", "512", "-duration", benchTestDuration)
	if code != exitOK {
		t.Fatalf("bench: exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 1+1+6+1 {
		t.Fatalf("table has %d lines; want title, header, 6 rows, cleanup:\n%s", len(lines), stdout)
	}
	if !strings.HasPrefix(lines[0], "store file://"+dir+", prefix mstore-bench/") {
		t.Errorf("title line %q", lines[0])
	}
	header := strings.Fields(lines[1])
	if strings.Join(header, " ") != "op size conc ops ops/s p50 p99 p999 allocs/op" {
		t.Errorf("header %q", lines[1])
	}
	for _, row := range lines[2:8] {
		f := strings.Fields(row)
		if len(f) != len(header) || utf8.RuneCountInString(row) != utf8.RuneCountInString(lines[1]) || f[1] != "512B" || f[3] == "0" {
			t.Errorf("row %q does not line up with header %q, or has no operations", row, lines[1])
		}
	}
	if lines[8] != "cleanup: deleted 17 names, left 0" {
		t.Errorf("last line %q", lines[8])
	}
	assertEmptyDir(t, dir)
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	var left []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if path != dir {
			left = append(left, path)
		}
		return err
	})
	if len(left) > 0 {
		t.Errorf("the bench left %v in the store directory", left)
	}
}

func TestBenchRefusesAPrefixInUse(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + dir
	for _, name := range []string{"mine/marker", "mine/4KiB/00.html"} {
		if code, _, stderr := mstore(t, nil, "", "-store", url, "put", name, "precious"); code != exitOK {
			t.Fatalf("put: %d %q", code, stderr)
		}
	}
	code, stdout, stderr := mstore(t, nil, "", "-store", url, "bench", "-prefix", "mine/", "-duration", benchTestDuration)
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, "refusing to run: mine/marker already exists") {
		t.Errorf("bench on a used prefix = exit %d, stdout %q, stderr %q; want %d and a refusal", code, stdout, stderr, exitFailure)
	}
	for _, name := range []string{"mine/marker", "mine/4KiB/00.html"} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); string(got) != "precious" || err != nil {
			t.Errorf("%s after the refusal = %q, %v; want it untouched", name, got, err)
		}
	}
}

// noDelete hides memstore's Delete.
type noDelete struct{ s *memstore.Store }

func (n noDelete) Read(ctx context.Context, name string) (string, error) { return n.s.Read(ctx, name) }
func (n noDelete) Write(ctx context.Context, name, c string) error       { return n.s.Write(ctx, name, c) }

func TestBenchSaysWhenItCannotCleanUp(t *testing.T) {
	b := parseBenchT(t, "-c", "1", "-size", "10", "-duration", "5ms", "-prefix", "p/")
	var stderr strings.Builder
	s := memstore.New()
	rep, err := b.run(t.Context(), noDelete{s}, &stderr)
	const note = "this store cannot delete names: the bench left 17 names under p/; remove them yourself"
	if err == nil || err.Error() != note || rep.Cleanup.Left != 17 || !strings.Contains(stderr.String(), note) {
		t.Errorf("bench on a store without Delete: err %v, cleanup %+v, stderr %q; want the note %q", err, rep.Cleanup, stderr.String(), note)
	}
	if s.Len() != 17 {
		t.Errorf("store holds %d names; want the 17 the bench reported", s.Len())
	}
}

// failing fails every Write after the first n.
type failing struct {
	*memstore.Store
	n atomic.Int64
}

func (f *failing) Write(ctx context.Context, name, c string) error {
	if f.n.Add(-1) < 0 {
		return errors.New("disk on fire")
	}
	return f.Store.Write(ctx, name, c)
}

func TestBenchStopsAndCleansUpOnError(t *testing.T) {
	b := parseBenchT(t, "-c", "4", "-size", "10", "-duration", "50ms")
	f := &failing{Store: memstore.New()}
	f.n.Store(1 + benchNames)
	rep, err := b.run(t.Context(), f, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "write 10B c=4: disk on fire") {
		t.Errorf("err = %v; want the write run's failure", err)
	}
	if len(rep.Results) != 1 || rep.Results[0].Op != "read" {
		t.Errorf("results %+v; want the read run only: the bench stops at the failure", rep.Results)
	}
	if f.Len() != 0 || rep.Cleanup.Left != 0 {
		t.Errorf("after the failure the store holds %d names, cleanup %+v; want all deleted", f.Len(), rep.Cleanup)
	}
}

// An explicit -timeout bounds the whole bench, which says why it stopped
// and still cleans up.
func TestBenchTimeout(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := mstore(t, nil, "", "-timeout", "100ms", "-store", "file://"+dir+"?sync=false", "bench", "-c", "1", "-size", "10", "-duration", "1s")
	// How far it got before the 100ms depends on the machine's load.
	want := regexp.MustCompile(`context deadline exceeded \(-timeout 100ms is shorter than the 3s the runs take: raise it, or leave it out\); cleanup deleted [0-9]+ names, left 0\n$`)
	if code != exitFailure || stdout != "" || !want.MatchString(stderr) {
		t.Errorf("bench cut short by -timeout = exit %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, exitFailure, want)
	}
	assertEmptyDir(t, dir)
}

func TestBenchBadFlags(t *testing.T) {
	url := "file://" + t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-size", "4KB,64XB"}, `bench: -size "4KB,64XB": want a comma-separated list of sizes`},
		{[]string{"-size", "-1"}, `-size "-1"`},
		{[]string{"-size", "1GiB"}, `from 0 to 64MiB`},
		{[]string{"-mix", "90/20"}, `bench: -mix "90/20": want READ/WRITE percentages that add up to 100`},
		{[]string{"-mix", "90"}, `-mix "90"`},
		{[]string{"-c", "0"}, `bench: -c "0": want a comma-separated list of concurrencies from 1 to 4096`},
		{[]string{"-c", "1,,4"}, `-c "1,,4"`},
		{[]string{"-duration", "0s"}, `bench: -duration 0s: want a positive duration`},
		{[]string{"-duration", "soon"}, `bench: invalid value "soon" for flag -duration`},
		{[]string{"-prefix", "../x/"}, `bench: -prefix "../x/": want a name prefix ending in /`},
		{[]string{"-prefix", "x"}, `-prefix "x"`},
		{[]string{"extra"}, `bench takes flags only, got argument "extra"`},
		{[]string{"-bogus"}, `flag provided but not defined: -bogus`},
	} {
		code, stdout, stderr := mstore(t, nil, "", append([]string{"-store", url, "bench"}, tt.args...)...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("bench %q = exit %d, stdout %q, stderr %q; want %d and %q", tt.args, code, stdout, stderr, exitUsage, tt.want)
		}
	}
	// A size is bytes, KiB or MiB (KB and MB are decimal).
	for in, want := range map[string]int{"0": 0, "512": 512, "4KiB": 4096, "4kib": 4096, "64K": 65536, "1MiB": 1 << 20, "2KB": 2000, "10B": 10} {
		if got, ok := parseSize(in); !ok || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

func TestHistogram(t *testing.T) {
	var h histogram
	for v := 1; v <= 100_000; v++ {
		h.record(time.Duration(v) * time.Microsecond)
	}
	for _, tt := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {0.999, 99900 * time.Microsecond}} {
		got := time.Duration(h.quantile(tt.q))
		if got < tt.want || float64(got) > float64(tt.want)*1.016 {
			t.Errorf("quantile(%v) = %v; want %v within 1.6%% above", tt.q, got, tt.want)
		}
	}
	if h.max != int64(100*time.Millisecond) || h.quantile(1) != h.max {
		t.Errorf("max %v, quantile(1) %v", h.max, h.quantile(1))
	}
	for v := uint64(0); v < 1<<20; v = v*9/8 + 1 {
		if i := histIndex(v); histUpper(i) < int64(v) || (i > 0 && histUpper(i-1) >= int64(v)) {
			t.Fatalf("%d is in bucket %d of upper bound %d, previous %d", v, i, histUpper(i), histUpper(i-1))
		}
	}
}

// TestBenchNetworkStores runs the command against each network backend's
// test server and checks that it deleted what it wrote and never showed
// the secret.
func TestBenchNetworkStores(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) (storeURL, secret string)
	}{
		{"redis", func(t *testing.T) (string, string) {
			srv := testservice.Redis(t)
			return srv.URL, srv.Password
		}},
		{"postgres", func(t *testing.T) (string, string) {
			srv := testservice.Postgres(t)
			return srv.URL, srv.Password
		}},
		{"s3", func(t *testing.T) (string, string) {
			bucket := s3storetest.New(t).Bucket()
			srv := s3storetest.Get(t)
			// s3 URLs carry no credentials: the SDK's chain reads these.
			t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
			t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
			t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			q := url.Values{"endpoint": {srv.Endpoint}, "use_path_style": {"true"}, "region": {srv.Region}}
			return "s3://" + bucket + "/?" + q.Encode(), srv.SecretKey
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storeURL, secret := tc.open(t)
			prefix := "mstore-bench/test-" + time.Now().Format("150405.000000000") + "/"
			code, stdout, stderr := mstore(t, nil, "", "-store", storeURL, "bench", "-c", "1,8", "-size", "4KiB", "-duration", benchTestDuration, "-json", "-prefix", prefix)
			if code != exitOK {
				t.Fatalf("bench: exit %d, stderr %q", code, stderr)
			}
			var rep benchReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			checkResults(t, rep, []int{4096}, []int{1, 8}, 90)
			if secret != "" && strings.Contains(stdout+stderr, secret) {
				t.Errorf("the output shows the secret: %s %s", stdout, stderr)
			}
			s, err := store.Open(t.Context(), storeURL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, name := range []string{prefix + benchMarker, benchName(prefix, 4096, 0), benchName(prefix, 4096, benchNames-1)} {
				if _, err := s.Read(t.Context(), name); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Read(%s) after the bench: %v; want ErrNotFound", name, err)
				}
			}
		})
	}
}

// TestMain removes the containers TestBenchNetworkStores may start.
func TestMain(m *testing.M) { testservice.Main(m) }
