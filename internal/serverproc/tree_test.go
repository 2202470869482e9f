package serverproc

import (
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestDescendants starts a shell with two children, one of which calls
// setsid as PostgreSQL's backends do, and finds both by either method.
func TestDescendants(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 30 & setsid sleep 30 & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	var got []int
	for deadline := time.Now().Add(10 * time.Second); len(got) < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		got = descendants(pid)
	}
	scanned := scanDescendants(pid)
	for _, p := range append(got, pid) {
		syscall.Kill(p, syscall.SIGKILL)
	}
	cmd.Wait()
	slices.Sort(got)
	slices.Sort(scanned)
	if len(got) != 2 || !slices.Equal(got, scanned) {
		t.Fatalf("descendants = %v, scanDescendants = %v; want the same two PIDs", got, scanned)
	}
	for _, p := range got {
		for deadline := time.Now().Add(10 * time.Second); alive(p) && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		if alive(p) {
			t.Errorf("PID %d alive after SIGKILL", p)
		}
	}
}
