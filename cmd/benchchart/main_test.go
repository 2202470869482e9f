package main

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const input = `goos: linux
pkg: github.com/mutablestore/mutablestore/fsstore
BenchmarkRead/impl=os.ReadFile-2         	   34221	     52851 ns/op	    9320 B/op	       6 allocs/op
BenchmarkRead/impl=fsstore-2             	   36016	     32323 ns/op	    4880 B/op	       2 allocs/op
BenchmarkWrite/sync=durable/impl=handwritten-2  699	   3921524 ns/op	    1035 B/op	      13 allocs/op
BenchmarkWrite/sync=durable/impl=fsstore-2      453	   3530370 ns/op	     160 B/op	       8 allocs/op
PASS
pkg: github.com/mutablestore/mutablestore/redisstore
BenchmarkRead/impl=redisstore-2         	    2532	    407635 ns/op	  10.05 MB/s	    5144 B/op	       8 allocs/op
BenchmarkRead/impl=raw-go-redis-2       	    2532	    200000 ns/op	  10.05 MB/s	    5080 B/op	       7 allocs/op
pkg: github.com/mutablestore/mutablestore/fsstore
BenchmarkRead/impl=os.ReadFile-2         	   34221	     50000 ns/op	    9320 B/op	       6 allocs/op
BenchmarkRead/impl=fsstore-2             	   36016	     30000 ns/op	    4880 B/op	       2 allocs/op
BenchmarkRead/impl=fsstore-2             	   36016	     40000 ns/op	    4880 B/op	       2 allocs/op
`

func TestParse(t *testing.T) {
	all, err := parse(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	all = merge(all)
	var got []string
	for _, s := range all {
		med, lo, hi := s.stat(func(x sample) float64 { return x.nsPerOp })
		got = append(got, s.group+"|"+s.impl+"|"+fmtNs(med)+"|"+fmtNs(lo)+"|"+fmtNs(hi))
	}
	want := []string{
		"fsstore Read|os.ReadFile|51.4µs|50µs|52.9µs",
		"fsstore Read|fsstore|32.3µs|30µs|40µs",
		"fsstore Write sync=durable|handwritten|3.92ms|3.92ms|3.92ms",
		"fsstore Write sync=durable|fsstore|3.53ms|3.53ms|3.53ms",
		"redisstore Read|redisstore|408µs|408µs|408µs",
		"redisstore Read|raw-go-redis|200µs|200µs|200µs",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("series:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// render writes input to a file, runs the command on it with title and
// ours, and returns the paths it used and what it drew: the SVG and the
// Markdown table.
func render(t *testing.T, input, title, ours string) (in, svg string, data, table []byte) {
	t.Helper()
	dir := t.TempDir()
	in, svg, md := filepath.Join(dir, "bench.txt"), filepath.Join(dir, "chart.svg"), filepath.Join(dir, "table.md")
	if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{in}, svg, md, title, "auto", ours, ""); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	table, err = os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	return in, svg, data, table
}

// fills checks that data is well-formed XML and counts the fill colours of
// its elements named element.
func fills(t *testing.T, data []byte, element string) map[string]int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(data)))
	n := map[string]int{}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, data)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == element {
			for _, a := range se.Attr {
				if a.Name.Local == "fill" {
					n[a.Value]++
				}
			}
		}
	}
}

func TestChartAndTable(t *testing.T) {
	in, svg, data, table := render(t, input, "a <title> & more", `^(fsstore|redisstore)`)
	// One bar per series, coloured by whose it is.
	bars := fills(t, data, "rect")
	// Plus the legend's swatch of each colour and the white background.
	if bars["#2f6fbf"] != 3+1 || bars["#9a9a9a"] != 3+1 {
		t.Errorf("bars by colour %v; want 3 of ours and 3 raw", bars)
	}
	for _, want := range []string{"a &lt;title&gt; &amp; more", ">fsstore Write sync=durable<", ">10µs<", ">1ms<"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	for _, want := range []string{
		"| fsstore Read | os.ReadFile | 51.4µs | 50µs | 52.9µs | 2 |  | 9320 | 6 |",
		"|  | **fsstore** | 32.3µs | 30µs | 40µs | 3 | 0.63× os.ReadFile | 4880 | 2 |",
		"| redisstore Read | **redisstore** | 408µs | 408µs | 408µs | 1 | 2.04× raw-go-redis | 5144 | 8 |",
	} {
		if !strings.Contains(string(table), want+"\n") {
			t.Errorf("the table lacks the row %q:\n%s", want, table)
		}
	}
	if err := run([]string{in}, svg, "", "t", "auto", "(", ""); err == nil || !regexp.MustCompile(`^-ours: `).MatchString(err.Error()) {
		t.Errorf("a bad -ours: err = %v", err)
	}
	if err := run([]string{in}, svg, "", "t", "auto", "x", "nothing-matches"); err == nil {
		t.Error("no benchmark left after -filter: want an error")
	}
}

// A benchmark without impl= (conformance.Benchmark's) is its package's.
func TestNoImpl(t *testing.T) {
	all, err := parse(strings.NewReader("pkg: github.com/mutablestore/mutablestore/fsstore\nBenchmarkConformance/durable/Read-2   95367   11596 ns/op   353.23 MB/s   4880 B/op   2 allocs/op\n"))
	if err != nil || len(all) != 1 || all[0].group != "fsstore Conformance durable Read" || all[0].impl != "fsstore" || all[0].samples[0].allocsPerOp != 2 {
		t.Fatalf("parse = %+v, %v; want group %q, impl fsstore", all, err, "fsstore Conformance durable Read")
	}
}

const concInput = `pkg: github.com/mutablestore/mutablestore/redisstore
BenchmarkRead/c=1/impl=raw-go-redis-2    4158   49763 ns/op   42221 p50-ns   156477 p99-ns   5080 B/op   7 allocs/op
BenchmarkRead/c=1/impl=redisstore-2      5625   48554 ns/op   40097 p50-ns   135037 p99-ns   5145 B/op   8 allocs/op
BenchmarkRead/c=16/impl=raw-go-redis-2   8770   27040 ns/op  257060 p50-ns  4444063 p99-ns   5080 B/op   7 allocs/op
BenchmarkRead/c=16/impl=redisstore-2     9279   26628 ns/op  272418 p50-ns  4483027 p99-ns   5144 B/op   8 allocs/op
BenchmarkRead/c=1/impl=raw-go-redis-2    4158   51000 ns/op   44000 p50-ns   156477 p99-ns   5080 B/op   7 allocs/op
BenchmarkRead/c=1/impl=redisstore-2      5625   47000 ns/op   41000 p50-ns   135037 p99-ns   5145 B/op   8 allocs/op
pkg: github.com/mutablestore/mutablestore/pgstore
BenchmarkWrite/via=direct/c=64/impl=raw-pgx-exec-2   412   271062 ns/op   242232 p50-ns   895426 p99-ns   37081 B/op   15 allocs/op
BenchmarkWrite/via=direct/c=64/impl=pgstore-2        370   293470 ns/op   265546 p50-ns   773412 p99-ns   37083 B/op   15 allocs/op
`

// Input with c=N and p50-ns draws the concurrency chart: a panel per group
// without c=, a point per concurrency and impl, and a table with the
// percentiles.
func TestConcurrencyChart(t *testing.T) {
	in, svg, data, table := render(t, concInput, "", `^(redisstore|pgstore)`)
	points := fills(t, data, "circle")
	// Ours: redisstore at c=1 and c=16, pgstore at c=64; raw likewise.
	if points["#2f6fbf"] != 3 || points["#555555"] != 3 || len(points) != 2 {
		t.Errorf("points by colour %v; want 3 of ours (#2f6fbf) and 3 raw (#555555)", points)
	}
	for _, want := range []string{">redisstore Read<", ">pgstore Write via=direct<", ">c=16<", "p50 latency by concurrency",
		"redisstore Read redisstore c=1: p50 median 40.5µs of 2 samples (40.1µs to 41µs)"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	for _, want := range []string{
		"| benchmark | implementation | ns/op median | fastest | slowest | samples | vs raw | p50 | p50 vs raw | p99 | B/op | allocs/op |",
		"| redisstore Read c=1 | raw-go-redis | 50.4µs | 49.8µs | 51µs | 2 |  | 43.1µs |  | 156µs | 5080 | 7 |",
		"|  | **redisstore** | 47.8µs | 47µs | 48.6µs | 2 | 0.95× raw-go-redis | 40.5µs | 0.94× raw-go-redis | 135µs | 5145 | 8 |",
	} {
		if !strings.Contains(string(table), want+"\n") {
			t.Errorf("the table lacks the row %q:\n%s", want, table)
		}
	}
	if err := run([]string{in}, svg, "", "", "pie", "x", ""); err == nil || !strings.Contains(err.Error(), `-chart "pie"`) {
		t.Errorf("-chart pie: err = %v", err)
	}
}
