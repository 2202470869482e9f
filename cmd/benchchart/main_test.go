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

func TestChartAndTable(t *testing.T) {
	dir := t.TempDir()
	in, svg, md := filepath.Join(dir, "bench.txt"), filepath.Join(dir, "chart.svg"), filepath.Join(dir, "table.md")
	if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{in}, svg, md, "a <title> & more", `^(fsstore|redisstore)`, ""); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	// Well-formed XML, one bar per series, coloured by whose it is.
	d := xml.NewDecoder(strings.NewReader(string(data)))
	bars := map[string]int{}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, data)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			for _, a := range se.Attr {
				if a.Name.Local == "fill" {
					bars[a.Value]++
				}
			}
		}
	}
	// Plus the legend's swatch of each colour and the white background.
	if bars["#2f6fbf"] != 3+1 || bars["#9a9a9a"] != 3+1 {
		t.Errorf("bars by colour %v; want 3 of ours and 3 raw", bars)
	}
	for _, want := range []string{"a &lt;title&gt; &amp; more", ">fsstore Write sync=durable<", ">10µs<", ">1ms<"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	table, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
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
	if err := run([]string{in}, svg, "", "t", "(", ""); err == nil || !regexp.MustCompile(`^-ours: `).MatchString(err.Error()) {
		t.Errorf("a bad -ours: err = %v", err)
	}
	if err := run([]string{in}, svg, "", "t", "x", "nothing-matches"); err == nil {
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
