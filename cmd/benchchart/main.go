// Command benchchart draws an SVG chart, and optionally a Markdown table,
// of the latency in `go test -bench` output, the adapters of this module
// beside the raw drivers they wrap. It uses the standard library only.
//
//	go test -run '^$' -bench '^Benchmark(Read|Write)$' -benchmem ./fsstore ./redisstore > bench.txt
//	go run ./cmd/benchchart -o docs/latency.svg -table docs/latency.md bench.txt
//
// Sub-benchmarks named impl=NAME (as this module's bench_test.go files name
// them) are the implementations compared; the rest of the name, with the
// package, is the group. Implementations matching -ours are drawn in blue,
// the others (the raw drivers, peers) in grey.
//
// # Charts
//
// Output of conformance.BenchmarkOps, whose names have a c=N element and
// whose lines a p50-ns metric, is drawn by concurrency (-chart concurrency,
// the default for such input): a panel per group without c=, the median p50
// latency of each implementation at each concurrency on a log scale, with a
// vertical line from the smallest to the largest sample. Any other output is
// drawn as bars (-chart bars): a bar per benchmark, its median ns/op, with a
// line from the fastest to the slowest sample, on a logarithmic axis, since
// a file read and an S3 write differ a thousandfold.
//
// # Table
//
// -table writes a row per benchmark: the median, fastest and slowest ns/op,
// the p50 and p99 latency when present, B/op and allocs/op, and ratios to
// the group's first raw implementation.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// sample is one line of benchmark output.
type sample struct {
	nsPerOp, bytesPerOp, allocsPerOp float64
	p50, p99                         float64 // the p50-ns and p99-ns metrics, 0 if absent
	hasMem                           bool
}

// series is every sample of one benchmark: a bar, or a point of a line.
type series struct {
	group, impl string
	// panel is group without its c=N element, and conc that N, or 0 if
	// the name has none: the concurrency chart's panel and x value.
	panel   string
	conc    int
	samples []sample
}

func (s *series) stat(f func(sample) float64) (median, lo, hi float64) {
	v := make([]float64, len(s.samples))
	for i, x := range s.samples {
		v[i] = f(x)
	}
	slices.Sort(v)
	n := len(v)
	median = v[n/2]
	if n%2 == 0 {
		median = (v[n/2-1] + v[n/2]) / 2
	}
	return median, v[0], v[n-1]
}

// benchLine matches "BenchmarkName/sub-8   1234   5678 ns/op ...".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parse reads benchmark output and returns its series in the order they
// first appear.
func parse(r io.Reader) ([]*series, error) {
	var out []*series
	byKey := map[string]*series{}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = p[strings.LastIndex(p, "/")+1:]
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var s sample
		fields := strings.Fields(m[2])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				s.nsPerOp = v
			case "B/op":
				s.bytesPerOp, s.hasMem = v, true
			case "allocs/op":
				s.allocsPerOp = v
			case "p50-ns":
				s.p50 = v
			case "p99-ns":
				s.p99 = v
			}
		}
		if s.nsPerOp == 0 {
			continue
		}
		name := strings.TrimPrefix(m[1], "Benchmark")
		group, impl, found := splitImpl(name)
		if !found && pkg != "" {
			impl = pkg // a benchmark of the package's own code, such as conformance.Benchmark
		}
		panel, conc := splitConc(group)
		if pkg != "" {
			group, panel = pkg+" "+group, pkg+" "+panel
		}
		key := group + "\x00" + impl
		if byKey[key] == nil {
			byKey[key] = &series{group: group, impl: impl, panel: panel, conc: conc}
			out = append(out, byKey[key])
		}
		byKey[key].samples = append(byKey[key].samples, s)
	}
	return out, sc.Err()
}

// splitImpl takes the impl=NAME element out of a benchmark name:
// "Write/sync=durable/impl=fsstore" is group "Write sync=durable", impl
// "fsstore". A name without one is its own group and impl.
func splitImpl(name string) (group, impl string, found bool) {
	var rest []string
	for _, part := range strings.Split(name, "/") {
		if v, ok := strings.CutPrefix(part, "impl="); ok {
			impl, found = v, true
			continue
		}
		rest = append(rest, part)
	}
	group = strings.Join(rest, " ")
	if !found {
		impl = group
	}
	return group, impl, found
}

// splitConc takes the c=N element (conformance.BenchmarkOps's concurrency)
// out of a group: "Read c=16" is panel "Read", conc 16. A group without
// one is its own panel, with conc 0.
func splitConc(group string) (panel string, conc int) {
	var rest []string
	for _, part := range strings.Fields(group) {
		if v, ok := strings.CutPrefix(part, "c="); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				conc = n
				continue
			}
		}
		rest = append(rest, part)
	}
	return strings.Join(rest, " "), conc
}

func main() {
	out := flag.String("o", "", "write the SVG chart to this `file` (default standard output)")
	table := flag.String("table", "", "also write a Markdown table of the medians to this `file`")
	title := flag.String("title", "", "chart `title` (default: one saying what the chart shows)")
	chart := flag.String("chart", "auto", "`kind` of chart: bars (median ns/op per benchmark), concurrency (p50 latency by c=N, a panel per group) or auto (concurrency if the input has c=N and p50-ns)")
	ours := flag.String("ours", `^(fsstore|memstore|redisstore|pgstore|s3store|cachestore)`, "`regexp` of the implementations drawn as this module's")
	filter := flag.String("filter", "", "only benchmarks whose group or impl matches this `regexp`")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: benchchart [-o chart.svg] [-table table.md] [-filter RE] [bench.txt ...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(flag.Args(), *out, *table, *title, *chart, *ours, *filter); err != nil {
		fmt.Fprintln(os.Stderr, "benchchart:", err)
		os.Exit(1)
	}
}

func run(files []string, out, table, title, chart, ours, filter string) error {
	oursRE, err := regexp.Compile(ours)
	if err != nil {
		return fmt.Errorf("-ours: %v", err)
	}
	var filterRE *regexp.Regexp
	if filter != "" {
		if filterRE, err = regexp.Compile(filter); err != nil {
			return fmt.Errorf("-filter: %v", err)
		}
	}
	var all []*series
	read := func(r io.Reader) error {
		s, err := parse(r)
		all = append(all, s...)
		return err
	}
	if len(files) == 0 {
		if err := read(os.Stdin); err != nil {
			return err
		}
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = read(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
	}
	all = merge(all)
	if filterRE != nil {
		all = slices.DeleteFunc(all, func(s *series) bool {
			return !filterRE.MatchString(s.group) && !filterRE.MatchString(s.impl)
		})
	}
	if len(all) == 0 {
		return fmt.Errorf("no benchmark results with ns/op in the input")
	}
	if chart == "auto" {
		chart = "bars"
		if hasConcurrency(all) {
			chart = "concurrency"
		}
	}
	draw := writeSVG
	switch chart {
	case "bars":
		if title == "" {
			title = "Latency per operation (median ns/op, log scale; lines span all samples)"
		}
	case "concurrency":
		if title == "" {
			title = "p50 latency by concurrency (median of the samples; vertical lines span them)"
		}
		draw = writeConcurrencySVG
	default:
		return fmt.Errorf("-chart %q: want bars, concurrency or auto", chart)
	}
	w := os.Stdout
	if out != "" {
		if w, err = os.Create(out); err != nil {
			return err
		}
	}
	svgErr := draw(w, all, title, oursRE)
	if out != "" {
		if err := w.Close(); err != nil && svgErr == nil {
			svgErr = err
		}
	}
	if svgErr != nil {
		return svgErr
	}
	if table != "" {
		f, err := os.Create(table)
		if err != nil {
			return err
		}
		writeTable(f, all, oursRE)
		return f.Close()
	}
	return nil
}

// merge joins series of the same group and impl from several files, keeping
// the groups in the order they first appear and the bars of a group together.
func merge(in []*series) []*series {
	var groups []string
	bars := map[string][]*series{}
	for _, s := range in {
		if bars[s.group] == nil {
			groups = append(groups, s.group)
		}
		i := slices.IndexFunc(bars[s.group], func(o *series) bool { return o.impl == s.impl })
		if i < 0 {
			bars[s.group] = append(bars[s.group], s)
			continue
		}
		bars[s.group][i].samples = append(bars[s.group][i].samples, s.samples...)
	}
	var out []*series
	for _, g := range groups {
		out = append(out, bars[g]...)
	}
	return out
}

// fmtNs prints a duration in ns with three significant digits.
func fmtNs(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.3gns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.3gµs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.3gms", ns/1e6)
	}
	return fmt.Sprintf("%.3gs", ns/1e9)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

const (
	chartWidth  = 960
	labelWidth  = 250 // the implementation names, left of the bars
	rightMargin = 90  // room for the value printed after the longest bar
	barHeight   = 16
	barGap      = 4
	groupGap    = 26 // room for a group's title above its bars
	top         = 64
	axisHeight  = 40
)

func writeSVG(w io.Writer, all []*series, title string, ours *regexp.Regexp) error {
	lo, hi := math.Inf(1), 0.0
	for _, s := range all {
		_, min, max := s.stat(func(x sample) float64 { return x.nsPerOp })
		lo, hi = math.Min(lo, min), math.Max(hi, max)
	}
	decLo, decHi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if decHi == decLo {
		decHi++
	}
	plotW := float64(chartWidth - labelWidth - rightMargin)
	x := func(ns float64) float64 {
		return labelWidth + (math.Log10(ns)-decLo)/(decHi-decLo)*plotW
	}

	groups := 0
	for i, s := range all {
		if i == 0 || s.group != all[i-1].group {
			groups++
		}
	}
	height := top + groups*groupGap + len(all)*(barHeight+barGap) + axisHeight
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", chartWidth, height, chartWidth, height)
	p(`<rect width="100%%" height="100%%" fill="#fff"/>` + "\n")
	p(`<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", 10, xmlEscape(title))
	// The legend.
	p(`<rect x="10" y="34" width="12" height="12" fill="#2f6fbf"/><text x="28" y="45">mutablestore adapter</text>` + "\n")
	p(`<rect x="170" y="34" width="12" height="12" fill="#9a9a9a"/><text x="188" y="45">raw driver or hand-written call</text>` + "\n")

	bottom := height - axisHeight
	// Decade grid lines, labelled at the bottom.
	for d := decLo; d <= decHi; d++ {
		gx := x(math.Pow(10, d))
		p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", gx, top-6, gx, bottom)
		p(`<text x="%.1f" y="%d" text-anchor="middle" fill="#444">%s</text>`+"\n", gx, bottom+16, fmtNs(math.Pow(10, d)))
	}
	p(`<text x="%.1f" y="%d" text-anchor="middle" fill="#444">latency per operation (log scale)</text>`+"\n", labelWidth+plotW/2, bottom+33)

	y := top
	for i, s := range all {
		if i == 0 || s.group != all[i-1].group {
			y += groupGap
			p(`<text x="10" y="%d" font-weight="bold">%s</text>`+"\n", y-8, xmlEscape(s.group))
		}
		med, min, max := s.stat(func(x sample) float64 { return x.nsPerOp })
		fill := "#9a9a9a"
		if ours.MatchString(s.impl) {
			fill = "#2f6fbf"
		}
		x0 := float64(labelWidth)
		p(`<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", labelWidth-6, y+barHeight-4, xmlEscape(s.impl))
		p(`<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: median %s of %d samples (%s to %s)</title></rect>`+"\n",
			x0, y, math.Max(x(med)-x0, 1), barHeight, fill, xmlEscape(s.group), xmlEscape(s.impl), fmtNs(med), len(s.samples), fmtNs(min), fmtNs(max))
		if len(s.samples) > 1 {
			cy := y + barHeight/2
			p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" stroke-width="1.2"/>`+"\n", x(min), cy, x(max), cy)
			p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000"/><line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000"/>`+"\n",
				x(min), cy-4, x(min), cy+4, x(max), cy-4, x(max), cy+4)
		}
		p(`<text x="%.1f" y="%d" fill="#222">%s</text>`+"\n", math.Max(x(med), x(max))+5, y+barHeight-4, fmtNs(med))
		y += barHeight + barGap
	}
	p("</svg>\n")
	return bw.Flush()
}

// writeTable prints one Markdown row per series: median, fastest and
// slowest ns/op, B/op and allocs/op, and the ratio to the first raw
// implementation of the group; with the p50 and p99 latency too when the
// input has them (conformance.BenchmarkOps's p50-ns and p99-ns).
func writeTable(w io.Writer, all []*series, ours *regexp.Regexp) {
	lat := slices.ContainsFunc(all, func(s *series) bool { return s.samples[0].p50 > 0 })
	nsPerOp := func(x sample) float64 { return x.nsPerOp }
	p50 := func(x sample) float64 { return x.p50 }
	if lat {
		fmt.Fprintln(w, "| benchmark | implementation | ns/op median | fastest | slowest | samples | vs raw | p50 | p50 vs raw | p99 | B/op | allocs/op |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	} else {
		fmt.Fprintln(w, "| benchmark | implementation | median | fastest | slowest | samples | vs raw | B/op | allocs/op |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|")
	}
	for i, s := range all {
		med, min, max := s.stat(nsPerOp)
		// The first raw implementation of the group, unless s is it.
		var base *series
		for _, o := range all {
			if o.group == s.group && !ours.MatchString(o.impl) {
				if o != s {
					base = o
				}
				break
			}
		}
		ratio := func(f func(sample) float64) string {
			if base == nil {
				return ""
			}
			m, _, _ := s.stat(f)
			om, _, _ := base.stat(f)
			if om == 0 {
				return ""
			}
			return fmt.Sprintf("%.2f× %s", m/om, base.impl)
		}
		mem, allocs := "", ""
		if s.samples[0].hasMem {
			b, _, _ := s.stat(func(x sample) float64 { return x.bytesPerOp })
			a, _, _ := s.stat(func(x sample) float64 { return x.allocsPerOp })
			mem, allocs = strconv.FormatFloat(b, 'f', -1, 64), strconv.FormatFloat(a, 'f', -1, 64)
		}
		group := s.group
		if i > 0 && all[i-1].group == s.group {
			group = ""
		}
		impl := s.impl
		if ours.MatchString(s.impl) {
			impl = "**" + impl + "**"
		}
		if !lat {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", group, impl, fmtNs(med), fmtNs(min), fmtNs(max), len(s.samples), ratio(nsPerOp), mem, allocs)
			continue
		}
		p50s, p50r, p99s := "", "", ""
		if s.samples[0].p50 > 0 {
			m, _, _ := s.stat(p50)
			m99, _, _ := s.stat(func(x sample) float64 { return x.p99 })
			p50s, p50r, p99s = fmtNs(m), ratio(p50), fmtNs(m99)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s |\n",
			group, impl, fmtNs(med), fmtNs(min), fmtNs(max), len(s.samples), ratio(nsPerOp), p50s, p50r, p99s, mem, allocs)
	}
}
