package serverproc

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// descendants returns the PIDs of every live process below pid, read from
// /proc. Signalling the process group is not enough: PostgreSQL's backends
// each call setsid(), so they leave the postmaster's group.
func descendants(pid int) []int {
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		kids, ok := children(p)
		if !ok {
			return scanDescendants(pid)
		}
		out = append(out, kids...)
		queue = append(queue, kids...)
	}
	return out
}

// children reads the children of every thread of pid from
// /proc/PID/task/TID/children, which is quick; ok is false when the kernel
// does not provide those files (CONFIG_PROC_CHILDREN).
func children(pid int) (kids []int, ok bool) {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	if len(tasks) == 0 {
		// Gone, or no such files: tell them apart by the process.
		_, err := os.Stat("/proc/" + strconv.Itoa(pid))
		return nil, err != nil
	}
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				kids = append(kids, c)
			}
		}
	}
	return kids, true
}

// scanDescendants is descendants by the parent PID of every process.
func scanDescendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, e := range entries {
		p, ppid, state, ok := readStat(e)
		if ok && state != "Z" {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// readStat returns the PID, parent PID and state of /proc/PID/stat.
func readStat(path string) (pid, ppid int, state string, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, "", false
	}
	s := string(b)
	// The command name, in parentheses, may hold spaces and parentheses.
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return 0, 0, "", false
	}
	f := strings.Fields(s[j+1:])
	if len(f) < 2 {
		return 0, 0, "", false
	}
	pid, err1 := strconv.Atoi(strings.TrimSpace(s[:i]))
	ppid, err2 := strconv.Atoi(f[1])
	return pid, ppid, f[0], err1 == nil && err2 == nil
}

// alive reports whether pid exists and is not a zombie (an orphan whose
// reaper, in a container, may never reap it).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	_, _, state, ok := readStat("/proc/" + strconv.Itoa(pid) + "/stat")
	return ok && state != "Z"
}

// stopped reports whether pid is stopped by a signal (state T), or gone.
func stopped(pid int) bool {
	_, _, state, ok := readStat("/proc/" + strconv.Itoa(pid) + "/stat")
	return !ok || state == "T" || state == "Z"
}
