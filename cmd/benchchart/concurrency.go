package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
)

// The concurrency chart: a panel per benchmark group (package, operation
// and any keys but c= and impl=), the p50 latency on a log scale against
// the concurrency, one line per implementation, ours solid and in blue,
// the raw calls and peers dashed and in grey.
const (
	panelW, panelH   = 470, 250
	panelCols        = 2
	panelGapX        = 10
	plotLeft         = 64  // room for the y labels, inside a panel
	plotRight        = 130 // room for the legend, inside a panel
	plotTop          = 30  // room for the panel's title
	plotBottom       = 36  // room for the x labels
	concChartTop     = 40  // room for the chart's title
	concChartPadding = 10
)

var (
	oursColours = []string{"#2f6fbf", "#1b9e77", "#7570b3", "#66a3e0"}
	rawColours  = []string{"#555555", "#a0a0a0", "#222222", "#c47a00"}
)

// hasConcurrency reports whether any series has a c=N element and
// latency percentiles: input for the concurrency chart.
func hasConcurrency(all []*series) bool {
	return slices.ContainsFunc(all, func(s *series) bool { return s.conc > 0 && s.samples[0].p50 > 0 })
}

// metricP50 is the y value of the concurrency chart; series without
// percentiles (older output) fall back to ns/op.
func metricP50(x sample) float64 {
	if x.p50 > 0 {
		return x.p50
	}
	return x.nsPerOp
}

func writeConcurrencySVG(w io.Writer, all []*series, title string, ours *regexp.Regexp) error {
	// Panels in order of first appearance; within a panel, lines by impl.
	var panels []string
	lines := map[string][]string{}
	points := map[string]map[string][]*series{}
	for _, s := range all {
		if s.conc == 0 {
			continue
		}
		if points[s.panel] == nil {
			panels = append(panels, s.panel)
			points[s.panel] = map[string][]*series{}
		}
		if points[s.panel][s.impl] == nil {
			lines[s.panel] = append(lines[s.panel], s.impl)
		}
		points[s.panel][s.impl] = append(points[s.panel][s.impl], s)
	}
	if len(panels) == 0 {
		return fmt.Errorf("no benchmark has a c=N element: draw the bar chart (-chart bars)")
	}
	rows := (len(panels) + panelCols - 1) / panelCols
	width := panelCols*panelW + (panelCols-1)*panelGapX + 2*concChartPadding
	height := concChartTop + rows*panelH + concChartPadding
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	p(`<rect width="100%%" height="100%%" fill="#fff"/>` + "\n")
	p(`<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", concChartPadding, xmlEscape(title))
	for i, panel := range panels {
		x0 := float64(concChartPadding + (i%panelCols)*(panelW+panelGapX))
		y0 := float64(concChartTop + (i/panelCols)*panelH)
		drawPanel(p, x0, y0, panel, lines[panel], points[panel], ours)
	}
	p("</svg>\n")
	return bw.Flush()
}

func drawPanel(p func(string, ...any), x0, y0 float64, panel string, impls []string, points map[string][]*series, ours *regexp.Regexp) {
	// The x positions: every concurrency of the panel, evenly spaced.
	var concs []int
	lo, hi := math.Inf(1), 0.0
	for _, impl := range impls {
		for _, s := range points[impl] {
			if !slices.Contains(concs, s.conc) {
				concs = append(concs, s.conc)
			}
			_, min, max := s.stat(metricP50)
			lo, hi = math.Min(lo, min), math.Max(hi, max)
		}
	}
	slices.Sort(concs)
	decLo, decHi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if decHi == decLo {
		decHi++
	}
	left, right := x0+plotLeft, x0+panelW-plotRight
	top, bottom := y0+plotTop, y0+panelH-plotBottom
	x := func(c int) float64 {
		if len(concs) == 1 {
			return (left + right) / 2
		}
		return left + float64(slices.Index(concs, c))/float64(len(concs)-1)*(right-left)
	}
	y := func(ns float64) float64 {
		return bottom - (math.Log10(ns)-decLo)/(decHi-decLo)*(bottom-top)
	}
	p(`<rect x="%.1f" y="%.1f" width="%d" height="%d" fill="none" stroke="#eee"/>`+"\n", x0, y0+4, panelW, panelH-8)
	p(`<text x="%.1f" y="%.1f" font-weight="bold" font-size="12">%s</text>`+"\n", x0+6, y0+20, xmlEscape(panel))
	for d := decLo; d <= decHi; d++ {
		gy := y(math.Pow(10, d))
		p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, gy, right, gy)
		p(`<text x="%.1f" y="%.1f" text-anchor="end" fill="#444">%s</text>`+"\n", left-5, gy+4, fmtNs(math.Pow(10, d)))
	}
	for _, c := range concs {
		p(`<text x="%.1f" y="%.1f" text-anchor="middle" fill="#444">c=%d</text>`+"\n", x(c), bottom+15, c)
	}
	p(`<text x="%.1f" y="%.1f" text-anchor="middle" fill="#666">concurrency (goroutines); y: p50 latency, log scale</text>`+"\n", (left+right)/2, bottom+30)
	nOurs, nRaw := 0, 0
	for li, impl := range impls {
		colour, dash := "", ""
		if ours.MatchString(impl) {
			colour = oursColours[nOurs%len(oursColours)]
			nOurs++
		} else {
			colour, dash = rawColours[nRaw%len(rawColours)], ` stroke-dasharray="5,3"`
			nRaw++
		}
		pts := slices.Clone(points[impl])
		slices.SortFunc(pts, func(a, b *series) int { return a.conc - b.conc })
		path := ""
		for i, s := range pts {
			med, min, max := s.stat(metricP50)
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			path += fmt.Sprintf("%s%.1f,%.1f ", cmd, x(s.conc), y(med))
			if len(s.samples) > 1 {
				p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`+"\n", x(s.conc), y(min), x(s.conc), y(max), colour)
			}
			p(`<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s c=%d: p50 median %s of %d samples (%s to %s); ns/op %s</title></circle>`+"\n",
				x(s.conc), y(med), colour, xmlEscape(panel), xmlEscape(impl), s.conc, fmtNs(med), len(s.samples), fmtNs(min), fmtNs(max), fmtNs(firstStat(s)))
		}
		p(`<path d="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", path, colour, dash)
		ly := top + 6 + float64(li)*16
		p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", right+10, ly, right+30, ly, colour, dash)
		p(`<text x="%.1f" y="%.1f">%s</text>`+"\n", right+34, ly+4, xmlEscape(impl))
	}
}

// firstStat is the median ns/op of s.
func firstStat(s *series) float64 {
	med, _, _ := s.stat(func(x sample) float64 { return x.nsPerOp })
	return med
}
