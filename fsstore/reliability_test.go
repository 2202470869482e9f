//go:build linux

package fsstore_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// The reliability tests hold fsstore to its promises under load and faults,
// with only its exported API: values that carry their own checksum, a child
// process killed with SIGKILL hundreds of times in the middle of its writes,
// many writers and readers on one name, and a full file system.
//
//	go test -run Reliability -v ./fsstore                                  # 200 kills (60 with -race, 20 with -short)
//	FSSTORE_RELIABILITY_KILLS=2000 go test -run Reliability -v ./fsstore   # more
//
// docs/reliability.md records the figures of a long run.
const (
	envRelChild = "FSSTORE_TEST_RELIABILITY_CHILD" // the child's store directory
	envRelSync  = "FSSTORE_TEST_RELIABILITY_SYNC"
	envRelKills = "FSSTORE_RELIABILITY_KILLS"
	relNames    = 24
	relMaxValue = 1 << 20
	relWriters  = 4
)

// relName is the i-th name the child writes: a third at the top, the rest
// one and two directories deep.
func relName(i int) string {
	switch i % 3 {
	case 0:
		return fmt.Sprintf("page-%02d.html", i)
	case 1:
		return fmt.Sprintf("static/page-%02d.json", i)
	}
	return fmt.Sprintf("static/en-US/post-%02d/index.html", i)
}

// relValue returns a value of n bytes in all (n at least 80) that checks
// itself: a header with the body's length and SHA-256, then the body.
func relValue(r *rand.Rand, n int) string {
	body := make([]byte, n-relHeaderLen)
	var seed [32]byte
	for i := range 4 {
		binary.LittleEndian.PutUint64(seed[8*i:], r.Uint64())
	}
	rand.NewChaCha8(seed).Read(body)
	sum := sha256.Sum256(body)
	return fmt.Sprintf("rel len=%08d sha256=%s\n", len(body), hex.EncodeToString(sum[:])) + string(body)
}

// relHeaderLen is the length of relValue's header.
const relHeaderLen = len("rel len=00000000 sha256=") + 64 + 1

// relSize picks a size from 80 bytes to 1 MiB, spread evenly over the
// powers of two so that small pages and megabyte values both occur.
func relSize(r *rand.Rand) int {
	return max(relHeaderLen, r.IntN(2<<r.IntN(20)))
}

// checkRelValue reports whether v is a whole value relValue made: an empty,
// truncated, mixed or otherwise torn value fails.
func checkRelValue(v string) error {
	header, body, ok := strings.Cut(v, "\n")
	if !ok || len(header)+1 != relHeaderLen {
		return fmt.Errorf("no header in %d bytes %.40q", len(v), v)
	}
	var n int
	var sum string
	if _, err := fmt.Sscanf(header, "rel len=%d sha256=%s", &n, &sum); err != nil {
		return fmt.Errorf("header %q: %v", header, err)
	}
	if len(body) != n {
		return fmt.Errorf("body of %d bytes; the header says %d", len(body), n)
	}
	if got := sha256.Sum256([]byte(body)); hex.EncodeToString(got[:]) != sum {
		return fmt.Errorf("body of %d bytes does not match its SHA-256", n)
	}
	return nil
}

func relKills(t *testing.T) int {
	if s := os.Getenv(envRelKills); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", envRelKills, s)
		}
		return n
	}
	switch {
	case testing.Short():
		return 20
	case raceEnabled:
		return 60
	}
	return 200
}

// TestReliabilityKill re-executes the test binary as a child that writes
// values of up to 1 MiB to 24 names from four goroutines, and kills it with
// SIGKILL at a random moment, over and over (200 times, 60 under -race;
// any number with FSSTORE_RELIABILITY_KILLS). After every kill each name reads either
// ErrNotFound (never written yet) or a whole value, and every file in the
// directory is a name's file, a temp file (IsTempFile; no name reaches it)
// or an empty parent directory. Half the children write with fsync, half
// WithoutSync: a process crash must not tear either.
func TestReliabilityKill(t *testing.T) {
	if dir := os.Getenv(envRelChild); dir != "" {
		relChild(dir, os.Getenv(envRelSync) == "1")
		return
	}
	kills := relKills(t)
	// Starting a child is mostly waiting (a -race binary takes a few hundred
	// milliseconds on a busy machine), so lanes of their own directories
	// kill children side by side.
	const lanes = 4
	start := time.Now()
	var total relCounts
	var mu sync.Mutex
	var wg sync.WaitGroup
	for lane := range lanes {
		n := kills / lanes
		if lane < kills%lanes {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := killLane(t, t.TempDir(), lane, n)
			mu.Lock()
			defer mu.Unlock()
			total.add(c)
		}()
	}
	wg.Wait()
	if total.whole == 0 && !t.Failed() {
		t.Fatal("no kill let a write complete; the test checked nothing")
	}
	t.Logf("kills %d in %v; values checked %d: whole %d (%.1f MiB), not found %d, torn %d; temp files left by kills %d (none visible as a name), removed by RemoveStaleTemp %d",
		total.kills, time.Since(start).Round(time.Millisecond), total.checked, total.whole, float64(total.bytes)/(1<<20), total.notFound, total.torn, total.temps, total.removed)
}

// relCounts are what a lane of TestReliabilityKill saw.
type relCounts struct {
	kills, checked, whole, notFound, torn, temps, removed int
	bytes                                                 int64
}

func (c *relCounts) add(o relCounts) {
	c.kills += o.kills
	c.checked += o.checked
	c.whole += o.whole
	c.notFound += o.notFound
	c.torn += o.torn
	c.temps += o.temps
	c.removed += o.removed
	c.bytes += o.bytes
}

// killLane starts, kills and checks n children on dir, one after another.
// It runs in a goroutine of its own: it reports with t.Errorf and returns.
func killLane(t *testing.T, dir string, lane, n int) (c relCounts) {
	ctx := t.Context()
	names := map[string]bool{}
	for i := range relNames {
		names[relName(i)] = true
	}
	temps := map[string]bool{}
	for kill := range n {
		durable := kill%2 == 0
		cmd := exec.Command(os.Args[0], "-test.run=^TestReliabilityKill$")
		cmd.Env = append(os.Environ(), envRelChild+"="+dir, envRelSync+"="+map[bool]string{true: "1", false: "0"}[durable])
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Error(err)
			return c
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Error(err)
			return c
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "writing\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Errorf("lane %d, kill %d: the child did not start writing: %q, %v", lane, kill, line, err)
			return c
		}
		// Most kills land within the first writes, some after many.
		time.Sleep(time.Duration(rand.IntN(1<<rand.IntN(15))) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Error(err)
			return c
		}
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Errorf("lane %d, kill %d: the child ended by itself (%v), not by SIGKILL", lane, kill, cmd.ProcessState)
			return c
		}
		c.kills++

		// A new store on the directory, as after a restart.
		s, err := fsstore.Open(dir)
		if err != nil {
			t.Error(err)
			return c
		}
		for name := range names {
			c.checked++
			v, err := s.Read(ctx, name)
			switch {
			case errors.Is(err, store.ErrNotFound):
				c.notFound++
			case err != nil:
				c.torn++
				t.Errorf("lane %d, kill %d: Read(%s) = %v; want a value or ErrNotFound", lane, kill, name, err)
			default:
				if err := checkRelValue(v); err != nil {
					c.torn++
					t.Errorf("lane %d, kill %d: %s holds a torn value: %v", lane, kill, name, err)
					continue
				}
				c.whole++
				c.bytes += int64(len(v))
			}
		}
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || path == dir {
				return err
			}
			rel := filepath.ToSlash(path[len(dir)+1:])
			switch {
			case d.IsDir():
			case names[rel]:
			case fsstore.IsTempFile(d.Name()):
				if !temps[rel] {
					temps[rel] = true
					c.temps++
				}
				if _, err := s.Read(ctx, rel); !errors.Is(err, store.ErrInvalidName) {
					t.Errorf("lane %d, kill %d: temp file %s is reachable as a name: Read = %v; want ErrInvalidName", lane, kill, rel, err)
				}
			default:
				t.Errorf("lane %d, kill %d: unexpected file %s", lane, kill, rel)
			}
			return nil
		})
		s.Close()
		if t.Failed() {
			return c
		}
	}
	// The temp files the kills left are garbage only RemoveStaleTemp takes,
	// and taking them leaves every value whole.
	removed, err := fsstore.RemoveStaleTemp(dir, 0)
	if err != nil {
		t.Error(err)
		return c
	}
	c.removed = removed
	s, err := fsstore.Open(dir)
	if err != nil {
		t.Error(err)
		return c
	}
	defer s.Close()
	for name := range names {
		if v, err := s.Read(ctx, name); err == nil {
			if err := checkRelValue(v); err != nil {
				t.Errorf("lane %d: after RemoveStaleTemp %s is torn: %v", lane, name, err)
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lane %d: after RemoveStaleTemp Read(%s) = %v", lane, name, err)
		}
	}
	if tmp := tempFilesIn(t, dir); len(tmp) > 0 {
		t.Errorf("lane %d: RemoveStaleTemp(dir, 0) left %v", lane, tmp)
	}
	return c
}

// relChild writes until it is killed, giving up after a minute in case the
// parent died first.
func relChild(dir string, durable bool) {
	var opts []fsstore.Option
	if !durable {
		opts = append(opts, fsstore.WithoutSync())
	}
	s, err := fsstore.Open(dir, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	for w := range relWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(w)))
			for time.Now().Before(deadline) {
				name := relName(r.IntN(relNames))
				if err := s.Write(ctx, name, relValue(r, relSize(r))); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
			}
		}()
	}
	fmt.Println("writing")
	wg.Wait()
	os.Exit(3)
}

// TestReliabilityOneName runs eight writers and eight readers on one name,
// half of the readers through a second store on the same directory (as
// another process would), for a second: every read is a whole value.
func TestReliabilityOneName(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	a, err := fsstore.Open(dir, fsstore.WithoutSync())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := fsstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const name = "static/index.html"
	r0 := rand.New(rand.NewPCG(1, 2))
	if err := a.Write(ctx, name, relValue(r0, 4096)); err != nil {
		t.Fatal(err)
	}
	// Sixteen values made in advance, from 80 bytes to 256 KiB, so the
	// writers spend their time writing.
	values := make([]string, 16)
	for i := range values {
		values[i] = relValue(r0, max(relHeaderLen, (256<<10)>>i))
	}
	d := time.Second
	if testing.Short() {
		d = 200 * time.Millisecond
	}
	var reads, writes, torn atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			s := []*fsstore.Store{a, b}[w%2]
			for i := w; !stop.Load(); i++ {
				if err := s.Write(ctx, name, values[i%len(values)]); err != nil {
					t.Errorf("Write: %v", err)
					return
				}
				writes.Add(1)
			}
		}()
		go func() {
			defer wg.Done()
			s := []*fsstore.Store{a, b}[w%2]
			for !stop.Load() {
				v, err := s.Read(ctx, name)
				if err == nil {
					err = checkRelValue(v)
				}
				if err != nil {
					torn.Add(1)
					t.Errorf("Read during writes: %v", err)
					return
				}
				reads.Add(1)
			}
		}()
	}
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	if reads.Load() == 0 || writes.Load() == 0 {
		t.Fatalf("%d reads, %d writes; the test checked nothing", reads.Load(), writes.Load())
	}
	if tmp := tempFilesIn(t, dir); len(tmp) > 0 {
		t.Errorf("temp files left after the writes: %v", tmp)
	}
	t.Logf("one name, 8 writers and 8 readers for %v: %d writes, %d reads, torn %d", d, writes.Load(), reads.Load(), torn.Load())
}

func tempFilesIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && fsstore.IsTempFile(d.Name()) {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReliabilityFullDisk writes to a store on a 1 MiB tmpfs (root only:
// the test mounts it) until the file system is full. The write that does
// not fit fails with ENOSPC, never ErrNotFound; the value it was replacing
// stays whole; no temp file is left; and once space is freed writes work.
func TestReliabilityFullDisk(t *testing.T) {
	// CI (MUTABLESTORE_TEST_REQUIRE=1) runs as root and must not skip.
	skip := t.Skipf
	if os.Getenv("MUTABLESTORE_TEST_REQUIRE") == "1" {
		skip = t.Fatalf
	}
	if os.Geteuid() != 0 {
		skip("needs root to mount a 1 MiB tmpfs; run as root (sudo go test -run FullDisk ./fsstore) to include it")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		skip("cannot mount a tmpfs on %s (a container without CAP_SYS_ADMIN?): %v: %s", dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	ctx := t.Context()
	s, err := fsstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(3, 4))

	// Fill the file system with 64 KiB values until one does not fit.
	old := map[string]string{}
	var full error
	for i := 0; full == nil; i++ {
		if i > 64 {
			t.Fatal("64 writes of 64 KiB fit on a 1 MiB tmpfs")
		}
		name, v := fmt.Sprintf("fill/%02d.html", i), relValue(r, 64<<10)
		if full = s.Write(ctx, name, v); full == nil {
			old[name] = v
		}
	}
	wantFull := func(what string, err error) {
		t.Helper()
		switch {
		case err == nil:
			t.Errorf("%s on a full file system succeeded", what)
		case errors.Is(err, store.ErrNotFound):
			t.Errorf("%s on a full file system = %v; must never be ErrNotFound", what, err)
		case !errors.Is(err, syscall.ENOSPC):
			t.Errorf("%s on a full file system = %v; want ENOSPC", what, err)
		}
	}
	wantFull("Write of a new name", full)
	// Overwriting an existing value with a bigger one fails and keeps it.
	victim := "fill/00.html"
	wantFull("Write over "+victim, s.Write(ctx, victim, relValue(r, 512<<10)))
	for name, v := range old {
		if got, err := s.Read(ctx, name); err != nil || got != v {
			t.Errorf("after the failed writes Read(%s) = %d bytes, %v; want the old %d bytes", name, len(got), err, len(v))
		}
	}
	if tmp := tempFilesIn(t, dir); len(tmp) > 0 {
		t.Errorf("failed writes left temp files: %v", tmp)
	}
	// Freeing space makes the store usable again.
	if err := s.Delete(ctx, "fill/01.html"); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, victim, relValue(r, 32<<10)); err != nil {
		t.Errorf("Write after freeing space: %v", err)
	}
	t.Logf("1 MiB tmpfs: %d values of 64 KiB fit, the next write and an overwrite failed with ENOSPC, %d old values intact, 0 temp files left", len(old), len(old))
}
