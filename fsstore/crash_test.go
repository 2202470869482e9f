//go:build !windows

package fsstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

const (
	envCrashDir  = "FSSTORE_TEST_CRASH_DIR"
	envCrashSync = "FSSTORE_TEST_CRASH_SYNC"
	crashName    = "crash/deep/value"
	crashRounds  = 30
)

// crashValue is the seq-th value a child writes: a header naming it, a body
// whose length and bytes depend on seq (up to 128 KiB, so that writes take
// several pages), and a trailer. checkCrashValue recognises exactly these.
func crashValue(pid, seq int) string {
	n := (seq * 7919) % (128 << 10)
	body := strings.Repeat(string(rune('a'+seq%26)), n)
	return fmt.Sprintf("pid=%d seq=%d len=%d\n%s\nend\n", pid, seq, n, body)
}

func checkCrashValue(v string) error {
	var pid, seq, n int
	if _, err := fmt.Sscanf(v, "pid=%d seq=%d len=%d\n", &pid, &seq, &n); err != nil {
		return fmt.Errorf("no header (%v) in %.40q", err, v)
	}
	if v != crashValue(pid, seq) {
		return fmt.Errorf("value %d of pid %d is not what was written (%d bytes, want %d)", seq, pid, len(v), len(crashValue(pid, seq)))
	}
	return nil
}

// TestCrash kills a child process with SIGKILL while it rewrites one name in
// a loop, many times. After every kill the name holds one whole value that
// was written (or nothing, until the first write completes), and what a
// kill leaves behind is at most temp files, which no name can reach, and the
// name's parent directories, empty if no write got as far as a temp file.
func TestCrash(t *testing.T) {
	if dir := os.Getenv(envCrashDir); dir != "" {
		crashChild(dir, os.Getenv(envCrashSync) == "1")
		return
	}
	if testing.Short() {
		t.Skip("crash test re-executes the test binary 30 times")
	}
	dir := t.TempDir()
	ctx := t.Context()
	seen, leftovers := 0, map[string]bool{}
	for round := range crashRounds {
		sync := round%2 == 0
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$")
		cmd.Env = append(os.Environ(), envCrashDir+"="+dir, fmt.Sprintf("%s=%d", envCrashSync, map[bool]int{true: 1}[sync]))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the child is writing, then kill it at a random moment.
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "writing\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: child did not start writing: %q, %v", round, line, err)
		}
		time.Sleep(time.Duration(rand.IntN(20000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended by itself (%v), not by SIGKILL", round, err)
		}

		// A new store on the directory, as after a restart.
		cs, err := fsstore.Open(dir, fsstore.WithoutSync())
		if err != nil {
			t.Fatal(err)
		}
		v, err := cs.Read(ctx, crashName)
		switch {
		case err == nil:
			if err := checkCrashValue(v); err != nil {
				t.Errorf("round %d: after SIGKILL %s holds a value that was never written whole: %v", round, crashName, err)
			}
			seen++
		case errors.Is(err, store.ErrNotFound) && seen == 0:
			// Killed before the first write completed.
		default:
			t.Errorf("round %d: after SIGKILL Read(%s) = %v; want a whole written value", round, crashName, err)
		}
		for _, f := range listFiles(t, dir) {
			switch {
			case f == crashName:
			case strings.HasSuffix(f, "/") && strings.HasPrefix(crashName, f):
				// A kill between creating the parent directories and
				// creating the temp file leaves them empty: not a name.
				if _, err := cs.Read(ctx, strings.TrimSuffix(f, "/")); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("round %d: empty directory %q left by a kill: Read = %v; want ErrNotFound", round, f, err)
				}
			case fsstore.IsTempFile(filepath.Base(f)):
				leftovers[f] = true
				if _, err := cs.Read(ctx, f); !errors.Is(err, store.ErrInvalidName) {
					t.Errorf("round %d: temp file %q is reachable as a name: Read = %v; want ErrInvalidName", round, f, err)
				}
			default:
				t.Errorf("round %d: unexpected file %q after SIGKILL", round, f)
			}
		}
		cs.Close()
	}
	if seen == 0 {
		t.Fatalf("no round let a write complete; the test checked nothing")
	}
	t.Logf("%d rounds, %d with a value, %d temp files left behind by kills (never visible as names)", crashRounds, seen, len(leftovers))
}

// crashChild rewrites crashName until it is killed, giving up after a
// minute in case the parent died first.
func crashChild(dir string, sync bool) {
	var opts []fsstore.Option
	if !sync {
		opts = append(opts, fsstore.WithoutSync())
	}
	s, err := fsstore.Open(dir, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("writing")
	ctx := context.Background()
	pid := os.Getpid()
	for seq, deadline := 1, time.Now().Add(time.Minute); time.Now().Before(deadline); seq++ {
		if err := s.Write(ctx, crashName, crashValue(pid, seq)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	os.Exit(3)
}
