// Package serverproc starts real servers (Redis, PostgreSQL, MinIO) as child
// processes of a test, each on a free port of 127.0.0.1 with its data in a
// temporary directory of its own, so the test may kill, stop and restart
// them: the shared development services must never be. Import it from
// _test.go files only.
//
// # Processes
//
// Kill, Stop and Cont signal the process the test started and every process
// below it, each by its PID, so a server with children (PostgreSQL's
// postmaster and its backends) is killed or frozen whole, as a crashed or
// descheduled machine would be. Each server also runs in a process group of
// its own, so a signal to the test's group (Ctrl-C) does not reach it. The
// test's cleanup kills it and removes its directory.
//
// # Missing binaries
//
// A server whose binary is not installed skips the test, or fails it under
// MUTABLESTORE_TEST_REQUIRE=1, through testservice.SkipOrFail.
package serverproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readyTimeout bounds a start or restart until the server answers its
// readiness probe: PostgreSQL's crash recovery and MinIO's start on two busy
// cores under -race take seconds, not minutes.
const readyTimeout = 60 * time.Second

// spec is what differs between servers.
type spec struct {
	name string
	path string   // the binary
	args []string // its arguments, the same at every start
	env  []string // added to the test's environment
	// cred, when not nil, runs the server as another user (PostgreSQL
	// refuses to run as root).
	cred *syscall.Credential
	// ready returns nil once the server on addr answers.
	ready func(ctx context.Context, addr string) error
}

// Server is one server process that a test started.
type Server struct {
	spec spec
	// Addr is host:port on 127.0.0.1, the same across restarts.
	Addr string
	// Dir is the temporary directory of its data and log.
	Dir string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd's Wait returns
}

// freePort returns a port of 127.0.0.1 that nothing listened on a moment
// ago. The kernel does not hand a port just released to the next bind(0), so
// the race with another process is small; a lost one fails at readiness.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("serverproc: find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// newDir makes the server's directory. Not t.TempDir: its parents are mode
// 0700 and owned by the test's user, which a server running as another user
// cannot traverse; for such a server (other) it is always under /tmp, whose
// parents anyone can traverse. A short path also keeps PostgreSQL's unix
// socket under the 107-byte limit, so a long $TMPDIR is not used either.
func newDir(t testing.TB, name string, other bool) string {
	t.Helper()
	parent := os.TempDir()
	if other || len(parent) > 60 {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "serverproc-"+name+"-")
	if err != nil {
		t.Fatalf("serverproc: %v", err)
	}
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatalf("serverproc: %v", err)
	}
	return dir
}

// start runs the server for the first time and registers the cleanup that
// ends it.
func start(t testing.TB, sp spec, addr, dir string) *Server {
	t.Helper()
	s := &Server{spec: sp, Addr: addr, Dir: dir}
	t.Cleanup(func() {
		s.Close()
		os.RemoveAll(dir)
	})
	s.launch(t)
	return s
}

// launch starts the process and waits until it is ready.
func (s *Server) launch(t testing.TB) {
	t.Helper()
	logf, err := os.OpenFile(filepath.Join(s.Dir, s.spec.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatalf("serverproc: %s log: %v", s.spec.name, err)
	}
	cmd := exec.Command(s.spec.path, s.spec.args...)
	cmd.Env = append(os.Environ(), s.spec.env...)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: s.spec.cred}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("serverproc: start %s: %v", s.spec.name, err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	var last error
	for {
		if last = s.spec.ready(ctx, s.Addr); last == nil {
			return
		}
		select {
		case <-done:
			t.Fatalf("serverproc: %s exited before it was ready (%v); log:\n%s", s.spec.name, cmd.ProcessState, s.logTail())
		case <-ctx.Done():
			t.Fatalf("serverproc: %s not ready on %s within %v: %v; log:\n%s", s.spec.name, s.Addr, readyTimeout, last, s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// logTail returns the end of the server's log, for failure messages.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, s.spec.name+".log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return strings.TrimSpace(string(b))
}

// pid returns the PID of the running server process, or 0.
func (s *Server) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// signal sends sig to the server process and then to every process below
// it. The server is stopped first when sig is SIGSTOP or SIGKILL, so it
// forks no child that the list of descendants would miss, and a stopped
// parent reaps none of them, so no PID on the list can be reused before it
// is signalled. The server itself is signalled through os.Process (a pidfd
// on Linux): once it exited and was reaped, nothing is sent to its PID,
// which another process may hold by then.
func (s *Server) signal(sig syscall.Signal) ([]int, error) {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	if cmd == nil {
		return nil, errors.New("not running")
	}
	select {
	case <-done:
		return nil, fmt.Errorf("exited by itself (%v)", cmd.ProcessState)
	default:
	}
	pid := cmd.Process.Pid
	if sig == syscall.SIGSTOP || sig == syscall.SIGKILL {
		if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			return nil, err
		}
		// kill(2) returns before the process stops: until it has, it may
		// still fork.
		for deadline := time.Now().Add(2 * time.Second); !stopped(pid) && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	procs := descendants(pid)
	for _, p := range procs {
		// A child may have exited since the list was made.
		syscall.Kill(p, sig)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		return nil, err
	}
	return append(procs, pid), nil
}

// Kill sends SIGKILL to the server and every process below it, and waits
// until they have exited. The data stays for Restart.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	procs, err := s.signal(syscall.SIGKILL)
	if err != nil {
		t.Fatalf("serverproc: kill %s: %v", s.spec.name, err)
	}
	s.wait(procs)
}

// wait waits for the server process and procs to exit, and forgets the
// server process.
func (s *Server) wait(procs []int) {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done == nil {
		return
	}
	<-done
	// Orphaned children (PostgreSQL's backends) may outlive the server by
	// a moment and hold its shared memory, which a restart checks.
	deadline := time.Now().Add(10 * time.Second)
	for _, p := range procs {
		for alive(p) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	s.mu.Lock()
	s.cmd, s.done = nil, nil
	s.mu.Unlock()
}

// Stop sends SIGSTOP to the server and every process below it: it stops answering but
// keeps its connections, as a server paused by the machine does.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if _, err := s.signal(syscall.SIGSTOP); err != nil {
		t.Fatalf("serverproc: stop %s: %v", s.spec.name, err)
	}
}

// Cont sends SIGCONT to the server and every process below it, after Stop.
func (s *Server) Cont(t testing.TB) {
	t.Helper()
	if _, err := s.signal(syscall.SIGCONT); err != nil {
		t.Fatalf("serverproc: continue %s: %v", s.spec.name, err)
	}
}

// Restart starts the server again after Kill, on the same port and data,
// and returns once it is ready.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	running := s.cmd != nil
	s.mu.Unlock()
	if running {
		t.Fatalf("serverproc: restart %s: it is still running; Kill it first", s.spec.name)
	}
	s.launch(t)
}

// Close kills the server and every process below it, if it runs, and waits. The
// test's cleanup calls it; calling it earlier is fine.
func (s *Server) Close() {
	if procs, err := s.signal(syscall.SIGKILL); err == nil {
		s.wait(procs)
	}
}

// String names the server and its address, for logs.
func (s *Server) String() string { return fmt.Sprintf("%s on %s", s.spec.name, s.Addr) }
