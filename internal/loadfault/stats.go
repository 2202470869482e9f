package loadfault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Error kinds, as the summary reports them.
const (
	kindDeadline = "deadline"
	kindRefused  = "refused"
	kindReset    = "reset"
	kindOther    = "other"
)

// kindOf sorts an operation's error: the context's deadline (or a socket
// timeout), a refused connection, a connection reset, closed or cut short,
// or anything else (a server's error reply, such as PostgreSQL's "the
// database system is starting up").
func kindOf(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return kindDeadline
	case errors.Is(err, syscall.ECONNREFUSED):
		return kindRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return kindReset
	}
	return kindOther
}

// stats is what one worker counted; merge adds them up.
type stats struct {
	ops, reads, writes int
	errs               map[string]int
	samples            []string // the first messages of "other" errors
	notFoundUnwritten  int      // ErrNotFound for a name with no acknowledged write: right
	wrongNotFound      finding  // ErrNotFound for a name with one
	corrupt            finding  // a Read that succeeded with something else than a whole value of the name
	stale              finding  // a Read that returned an acknowledged value older than the last acknowledged one
	lateApplied        int      // a Read that returned a failed write older than the last acknowledged one
	worstLate          time.Duration
	checked            int     // names checked after a restart
	lost               finding // acknowledged writes missing after it
	unverified         finding // names whose check kept failing
}

// finding counts events that must not happen, with the first examples.
type finding struct {
	n        int
	examples []string
}

func (f *finding) add(format string, args ...any) {
	f.n++
	if len(f.examples) < 5 {
		f.examples = append(f.examples, fmt.Sprintf(format, args...))
	}
}

func (f *finding) merge(o finding) {
	f.n += o.n
	for _, e := range o.examples {
		if len(f.examples) < 5 {
			f.examples = append(f.examples, e)
		}
	}
}

func (s *stats) fail(err error) {
	k := kindOf(err)
	if s.errs == nil {
		s.errs = map[string]int{}
	}
	s.errs[k]++
	if m := err.Error(); k == kindOther && len(s.samples) < 3 && !slices.ContainsFunc(s.samples, func(x string) bool { return sameError(x, m) }) {
		s.samples = append(s.samples, m)
	}
}

// late records how long after its deadline an operation returned.
func (s *stats) late(deadline time.Time) {
	if d := time.Since(deadline); d > s.worstLate {
		s.worstLate = d
	}
}

func (s *stats) merge(o *stats) {
	s.ops += o.ops
	s.reads += o.reads
	s.writes += o.writes
	if s.errs == nil {
		s.errs = map[string]int{}
	}
	for k, n := range o.errs {
		s.errs[k] += n
	}
	for _, m := range o.samples {
		if len(s.samples) < 5 && !slices.ContainsFunc(s.samples, func(x string) bool { return sameError(x, m) }) {
			s.samples = append(s.samples, m)
		}
	}
	s.notFoundUnwritten += o.notFoundUnwritten
	s.wrongNotFound.merge(o.wrongNotFound)
	s.corrupt.merge(o.corrupt)
	s.stale.merge(o.stale)
	s.lateApplied += o.lateApplied
	s.worstLate = max(s.worstLate, o.worstLate)
	s.checked += o.checked
	s.lost.merge(o.lost)
	s.unverified.merge(o.unverified)
}

// sameError compares two messages by their last part, after the last ": ":
// the server's words, without the name or a request id before them.
func sameError(a, b string) bool {
	return a[strings.LastIndex(a, ": ")+1:] == b[strings.LastIndex(b, ": ")+1:]
}

func (s *stats) errors() int {
	n := 0
	for _, c := range s.errs {
		n += c
	}
	return n
}

// summary is the one line the docs quote.
func (s *stats) summary(backend, fault string, faults int, down, recovery time.Duration, durable bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "loadfault %s %s x%d (down up to %v): %d ops (%d reads, %d writes), %d errors (deadline %d, refused %d, reset %d, other %d), ",
		backend, fault, faults, down.Round(10*time.Millisecond), s.ops, s.reads, s.writes, s.errors(),
		s.errs[kindDeadline], s.errs[kindRefused], s.errs[kindReset], s.errs[kindOther])
	fmt.Fprintf(&b, "wrong NotFound %d, corrupt accepted %d, stale %d, ", s.wrongNotFound.n, s.corrupt.n, s.stale.n)
	if durable {
		fmt.Fprintf(&b, "lost acked %d of %d names checked, ", s.lost.n, s.checked)
	}
	fmt.Fprintf(&b, "worst past deadline %v, worst recovery %v", s.worstLate.Round(time.Millisecond), recovery.Round(time.Millisecond))
	return b.String()
}
