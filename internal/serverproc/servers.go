package serverproc

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

// binary returns the path of a server's binary, or ends the test through
// testservice.SkipOrFail when it is not installed.
func binary(t testing.TB, name string, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	testservice.SkipOrFail(t, "serverproc: no %s binary (looked for %s)", name, strings.Join(candidates, ", "))
	return ""
}

// Redis starts redis-server with every write appended to its AOF and
// fsynced before the reply (appendonly yes, appendfsync always), no RDB
// snapshots, and no password. Its URL is "redis://" + Addr. Extra
// arguments follow these and so override them (redis-server keeps the last
// value of an option).
func Redis(t testing.TB, extra ...string) *Server {
	t.Helper()
	path := binary(t, "Redis", "redis-server")
	dir, port := newDir(t, "redis", false), freePort(t)
	return start(t, spec{
		name: "redis",
		path: path,
		args: append([]string{
			"--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--protected-mode", "no",
			"--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
			"--daemonize", "no", "--logfile", "",
		}, extra...),
		ready: redisReady,
	}, fmt.Sprintf("127.0.0.1:%d", port), dir)
}

// redisReady sends PING and wants +PONG: a server still loading its AOF
// answers -LOADING.
func redisReady(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// pgBin returns the directory of the PostgreSQL server binaries: the one
// of initdb on PATH, or else Debian's /usr/lib/postgresql/N/bin of the
// highest N, as scripts/services picks.
func pgBin() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestN := "", -1
	for _, d := range dirs {
		if n, err := strconv.Atoi(filepath.Base(filepath.Dir(d))); err == nil && n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// Postgres initializes a PostgreSQL cluster (trust authentication for
// the superuser "postgres") and starts it with fsync and synchronous commit
// on, listening on 127.0.0.1 and on a unix socket in its directory. Run as
// root, it runs as the user postgres, which owns the data directory (mode
// 0700). URL returns its connection URL.
func Postgres(t testing.TB) *Server {
	t.Helper()
	bin := pgBin()
	postgres := binary(t, "PostgreSQL", filepath.Join(bin, "postgres"))
	initdb := binary(t, "PostgreSQL initdb", filepath.Join(bin, "initdb"))
	dir, port := newDir(t, "pg", os.Getuid() == 0), freePort(t)
	var cred *syscall.Credential
	if os.Getuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			testservice.SkipOrFail(t, "serverproc: running as root and no user postgres to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		// The socket and the log are created in dir.
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatalf("serverproc: %v", err)
		}
	}
	data := filepath.Join(dir, "data")
	// --no-sync: initdb's own files need not reach the disk for a test
	// that kills processes, not the machine; the server runs with fsync.
	cmd := exec.Command(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions", "--no-sync")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("serverproc: initdb: %v\n%s", err, out)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	return start(t, spec{
		name: "postgres",
		path: postgres,
		args: []string{
			"-D", data, "-p", strconv.Itoa(port), "-k", dir,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "synchronous_commit=on",
			"-c", "full_page_writes=on", "-c", "max_connections=60",
		},
		cred: cred,
		ready: func(ctx context.Context, addr string) error {
			c, err := pgx.Connect(ctx, pgURL(addr))
			if err != nil {
				return err
			}
			defer c.Close(context.Background())
			return c.Ping(ctx)
		},
	}, addr, dir)
}

// pgURL is the URL of the superuser's database on addr.
func pgURL(addr string) string {
	return "postgres://postgres@" + addr + "/postgres?sslmode=disable"
}

// URL returns the connection URL of a server Postgres started.
func (s *Server) URL() string {
	switch s.spec.name {
	case "postgres":
		return pgURL(s.Addr)
	case "redis":
		return "redis://" + s.Addr
	default:
		return "http://" + s.Addr
	}
}

// MinIO credentials of the servers MinIO starts (test-only, never secret).
const (
	MinIOAccessKey = "serverproc"
	MinIOSecretKey = "serverproc-secret"
)

// MinIO starts MinIO (~/.cache/mutablestore/bin/minio, which
// `scripts/services build` builds) on one drive in its directory, with the
// credentials MinIOAccessKey and MinIOSecretKey. URL returns its endpoint.
func MinIO(t testing.TB) *Server {
	t.Helper()
	cache := os.Getenv("MUTABLESTORE_CACHE")
	if cache == "" {
		if c, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(c, "mutablestore")
		}
	}
	path := binary(t, "MinIO (scripts/services build)", filepath.Join(cache, "bin", "minio"), "minio")
	dir, port, console := newDir(t, "minio", false), freePort(t), freePort(t)
	return start(t, spec{
		name: "minio",
		path: path,
		args: []string{
			"server", "--quiet", "--address", fmt.Sprintf("127.0.0.1:%d", port),
			"--console-address", fmt.Sprintf("127.0.0.1:%d", console), filepath.Join(dir, "data"),
		},
		env: []string{
			"MINIO_ROOT_USER=" + MinIOAccessKey, "MINIO_ROOT_PASSWORD=" + MinIOSecretKey,
			"MINIO_UPDATE=off", "MINIO_CALLHOME_ENABLE=off", "MINIO_BROWSER=off",
		},
		ready: func(ctx context.Context, addr string) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/minio/health/cluster", nil)
			if err != nil {
				return err
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("/minio/health/cluster answered %s", resp.Status)
			}
			return nil
		},
	}, fmt.Sprintf("127.0.0.1:%d", port), dir)
}
