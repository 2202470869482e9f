package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// mstore runs the command in-process against the given environment and
// returns its exit status and outputs.
func mstore(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func TestPutGetRm(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + dir
	content := "<h1>hi</h1>\x00\xff" // any bytes, not only text

	if code, _, stderr := mstore(t, nil, "", "-store", url, "put", "static/index.html", content); code != exitOK {
		t.Fatalf("put: exit %d, stderr %q", code, stderr)
	}
	onDisk, err := os.ReadFile(filepath.Join(dir, "static", "index.html"))
	if err != nil || string(onDisk) != content {
		t.Fatalf("file on disk = %q, %v; want %q", onDisk, err, content)
	}
	code, stdout, stderr := mstore(t, nil, "", "-store", url, "get", "static/index.html")
	if code != exitOK || stdout != content || stderr != "" {
		t.Fatalf("get = exit %d, stdout %q, stderr %q; want 0, %q, empty", code, stdout, stderr, content)
	}
	if code, _, stderr := mstore(t, nil, "", "-store", url, "rm", "static/index.html"); code != exitOK {
		t.Fatalf("rm: exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr = mstore(t, nil, "", "-store", url, "get", "static/index.html")
	if code != exitNotFound || stdout != "" {
		t.Fatalf("get after rm = exit %d, stdout %q; want %d and nothing", code, stdout, exitNotFound)
	}
	if want := `mstore: read "static/index.html": not found` + "\n"; stderr != want {
		t.Errorf("get after rm stderr = %q; want %q", stderr, want)
	}
}

func TestPutFromStdin(t *testing.T) {
	url := "file://" + t.TempDir()
	big := strings.Repeat("line of a page\n", 10_000)
	if code, _, stderr := mstore(t, nil, big, "-store", url, "put", "page.html"); code != exitOK {
		t.Fatalf("put from stdin: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, _ := mstore(t, nil, "", "-store", url, "get", "page.html"); code != exitOK || stdout != big {
		t.Fatalf("get = exit %d, %d bytes; want 0, %d bytes", code, len(stdout), len(big))
	}
}

func TestStoreURLFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"MSTORE_URL": "file://" + dir}
	if code, _, stderr := mstore(t, env, "", "put", "a", "1"); code != exitOK {
		t.Fatalf("put: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); err != nil {
		t.Fatalf("MSTORE_URL was not used: %v", err)
	}
}

func TestDefaultStoreIsDistMutable(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := mstore(t, nil, "", "put", "static/x.json", "{}"); code != exitOK {
		t.Fatalf("put: exit %d, stderr %q", code, stderr)
	}
	got, err := os.ReadFile(filepath.Join("dist", "mutable", "static", "x.json"))
	if err != nil || string(got) != "{}" {
		t.Fatalf("dist/mutable/static/x.json = %q, %v; want {}", got, err)
	}
}

func TestFailures(t *testing.T) {
	url := "file://" + t.TempDir()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string // a part of the one-line message
	}{
		{"no command", []string{"-store", url}, exitUsage, "missing command"},
		{"unknown command", []string{"-store", url, "cat", "x"}, exitUsage, `unknown command "cat"`},
		{"get without name", []string{"-store", url, "get"}, exitUsage, "get takes one NAME"},
		{"put with extra argument", []string{"-store", url, "put", "a", "b", "c"}, exitUsage, "put takes a NAME"},
		{"unknown flag", []string{"-bogus", "get", "x"}, exitUsage, "-bogus"},
		{"invalid name", []string{"-store", url, "get", "../etc/passwd"}, exitFailure, "invalid name"},
		{"invalid name on put", []string{"-store", url, "put", "/abs", "x"}, exitFailure, "invalid name"},
		{"unknown scheme", []string{"-store", "ftp://h/x", "get", "x"}, exitUsage, `unknown store URL scheme "ftp"; mstore knows: file, mem, postgres`},
		{"directory without file:", []string{"-store", "dist/mutable", "get", "x"}, exitUsage, `-store "dist/mutable" is not a URL: for a directory, use -store file:dist/mutable`},
		{"no scheme, credentials", []string{"-store", "admin@host/x", "get", "x"}, exitUsage, "-store takes a URL with a scheme"},
		{"rm missing name", []string{"-store", url, "rm", "never-written"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := mstore(t, nil, "", tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit status %d; want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr %q; want it to contain %q", stderr, tt.wantStderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q; want nothing", stdout)
			}
		})
	}
}

func TestErrorsHideCredentials(t *testing.T) {
	// The URL is unparsable on purpose: the message must not echo it.
	code, _, stderr := mstore(t, nil, "", "-store", "redis://user:s3cret-pass@127.0.0.1:%zz/0", "get", "x")
	if code != exitFailure {
		t.Errorf("exit status %d; want %d", code, exitFailure)
	}
	if strings.Contains(stderr, "s3cret-pass") {
		t.Errorf("stderr leaks the password: %q", stderr)
	}
}

// The scheme is registered once, not in the test, so that -count=N works; its
// name sorts after the real schemes that TestFailures expects to be listed.
func init() {
	// pgx reports each address it tried on a line of its own.
	store.Register("x-multiline", func(context.Context, *url.URL) (store.MutableStore, error) {
		return nil, errors.New("failed to connect:\n\t127.0.0.1:1: refused\n\t[::1]:1: refused")
	})
}

func TestErrorsAreOneLine(t *testing.T) {
	code, _, stderr := mstore(t, nil, "", "-store", "x-multiline://h", "get", "x")
	if code != exitFailure {
		t.Errorf("exit status %d; want %d", code, exitFailure)
	}
	want := "mstore: store.Open: x-multiline URL: failed to connect: 127.0.0.1:1: refused; [::1]:1: refused\n"
	if stderr != want {
		t.Errorf("stderr = %q; want one line %q", stderr, want)
	}
}

// clean-temp removes exactly the stale temp files of a file store and none
// of the values a shell pattern '.mstore-tmp*' would also match.
func TestCleanTemp(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + dir
	values := []string{".mstore-tmp-report.json", "static/.mstore-tmpl.html", "static/index.html"}
	for _, name := range values {
		if code, _, stderr := mstore(t, nil, "", "-store", url, "put", name, "value of "+name); code != exitOK {
			t.Fatalf("put %s: exit %d, stderr %q", name, code, stderr)
		}
	}
	old := time.Now().Add(-3 * time.Hour)
	var stale []string
	for _, sub := range []string{"", "static"} {
		p := filepath.Join(dir, sub, tempName(t))
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		stale = append(stale, p)
	}
	recent := filepath.Join(dir, "static", tempName(t))
	if err := os.WriteFile(recent, []byte("in progress"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(recent, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := mstore(t, nil, "", "-store", url, "clean-temp", "-older-than", "2h")
	if want := "removed 2 temp files older than 2h0m0s\n"; code != exitOK || stdout != want || stderr != "" {
		t.Fatalf("clean-temp = exit %d, stdout %q, stderr %q; want 0, %q", code, stdout, stderr, want)
	}
	for _, p := range stale {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("stale temp file %s survived: %v", p, err)
		}
	}
	if _, err := os.Lstat(recent); err != nil {
		t.Errorf("a temp file younger than -older-than was removed: %v", err)
	}
	// The default, 1h, takes the one an hour old.
	if code, stdout, _ := mstore(t, nil, "", "-store", url, "clean-temp"); code != exitOK || stdout != "removed 1 temp files older than 1h0m0s\n" {
		t.Errorf("clean-temp (default 1h) = exit %d, %q; want it to remove the hour-old temp file", code, stdout)
	}
	for _, name := range values {
		if code, got, stderr := mstore(t, nil, "", "-store", url, "get", name); code != exitOK || got != "value of "+name {
			t.Errorf("get %s after clean-temp = exit %d, %q, %q; want the value", name, code, got, stderr)
		}
	}
}

// tempName returns a new name of fsstore's temp-file form.
func tempName(t *testing.T) string {
	tempSeq++
	prefix := `.mstore-tmp\`
	if runtime.GOOS == "windows" {
		prefix = ".mstore-tmp-"
	}
	name := fmt.Sprintf("%s%016x", prefix, 1<<63|tempSeq)
	if !fsstore.IsTempFile(name) {
		t.Fatalf("%q is not a temp file name for fsstore", name)
	}
	return name
}

var tempSeq uint64

func TestCleanTempNeedsAFileStore(t *testing.T) {
	for _, u := range []string{"mem://", "redis://:s3cret@127.0.0.1:1/0"} {
		code, _, stderr := mstore(t, nil, "", "-store", u, "clean-temp")
		if code != exitUsage || !strings.Contains(stderr, "only on file: stores") || strings.Contains(stderr, "s3cret") {
			t.Errorf("clean-temp on %s = exit %d, stderr %q; want %d, an error naming file: stores, no password", u, code, stderr, exitUsage)
		}
	}
	for _, args := range [][]string{{"clean-temp", "x"}, {"clean-temp", "-older-than", "soon"}, {"clean-temp", "-older-than", "-1h"}} {
		if code, _, _ := mstore(t, nil, "", append([]string{"-store", "file://" + t.TempDir()}, args...)...); code != exitUsage {
			t.Errorf("mstore %q = exit %d; want %d", args, code, exitUsage)
		}
	}
}
