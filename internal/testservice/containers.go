package testservice

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
)

// EnvContainers set to "0" turns the testcontainers step off, so a machine
// with Docker can still check that the tests skip (or fail under
// MUTABLESTORE_TEST_REQUIRE=1) without servers.
const EnvContainers = "MUTABLESTORE_TEST_CONTAINERS"

// dockerProbeTimeout bounds the one-time check for a Docker engine: a test
// run without Docker must skip promptly, not wait on a dead socket.
const dockerProbeTimeout = 10 * time.Second

// containerStartTimeout bounds pulling an image and waiting until the server
// inside answers.
const containerStartTimeout = 5 * time.Minute

var (
	dockerOnce sync.Once
	dockerErr  error
)

// dockerAvailable reports, once per process, whether testcontainers can reach
// a Docker engine. It uses testcontainers' own host detection (DOCKER_HOST,
// docker contexts, ~/.testcontainers.properties, the default sockets) and
// guards it with a timeout and a recover, because that detection may block or
// panic when nothing answers.
func dockerAvailable() error {
	dockerOnce.Do(func() {
		if os.Getenv(EnvContainers) == "0" {
			dockerErr = fmt.Errorf("testcontainers step disabled by %s=0", EnvContainers)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), dockerProbeTimeout)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			defer func() {
				if r := recover(); r != nil {
					done <- fmt.Errorf("docker detection panicked: %v", r)
				}
			}()
			p, err := testcontainers.NewDockerProvider()
			if err != nil {
				done <- err
				return
			}
			// Health closes the provider.
			done <- p.Health(ctx)
		}()
		select {
		case err := <-done:
			if err != nil {
				dockerErr = fmt.Errorf("no Docker engine reachable for testcontainers (%w)", err)
			}
		case <-ctx.Done():
			dockerErr = fmt.Errorf("no Docker engine reachable for testcontainers (no answer within %v)", dockerProbeTimeout)
		}
	})
	return dockerErr
}

// shared is one lazily started container and what tests need from it.
type shared[T any] struct {
	once  sync.Once
	value T
	err   error
}

var (
	startedMu sync.Mutex
	started   []testcontainers.Container
)

// get starts the container on first use and returns the same value (or the
// same error) to every later caller in the process.
func (s *shared[T]) get(start func(ctx context.Context) (T, testcontainers.Container, error)) (T, error) {
	s.once.Do(func() {
		if err := dockerAvailable(); err != nil {
			s.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), containerStartTimeout)
		defer cancel()
		v, c, err := start(ctx)
		if c != nil {
			// Remember it even when start failed half way, so
			// TerminateContainers removes it.
			startedMu.Lock()
			started = append(started, c)
			startedMu.Unlock()
			logContainer(ctx, "started", c, err)
		}
		if err != nil {
			s.err = fmt.Errorf("testcontainers: %w", err)
			return
		}
		s.value = v
	})
	return s.value, s.err
}

// EnvContainerLog names a file to which every container started or removed is
// appended as one line (also written to standard error, which go test shows
// only with -v or for a failing package), so a CI log can show which
// containers ran.
const EnvContainerLog = "MUTABLESTORE_TEST_CONTAINER_LOG"

// logContainer reports a container event with the container id and image:
// "testservice: started container 0123456789ab (image redis:7-alpine) for
// redisstore.test".
func logContainer(ctx context.Context, event string, c testcontainers.Container, err error) {
	id := c.GetContainerID()
	if len(id) > 12 {
		id = id[:12]
	}
	image := "?"
	if event == "started" {
		if info, ierr := c.Inspect(ctx); ierr == nil && info.Config != nil {
			image = info.Config.Image
		}
		containerImages.Store(c.GetContainerID(), image)
	} else if v, ok := containerImages.Load(c.GetContainerID()); ok {
		image = v.(string)
	}
	line := fmt.Sprintf("testservice: %s container %s (image %s) for %s", event, id, image, filepath.Base(os.Args[0]))
	if err != nil {
		line += ": " + err.Error()
	}
	fmt.Fprintln(os.Stderr, line)
	if path := os.Getenv(EnvContainerLog); path != "" {
		if f, ferr := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); ferr == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
}

var containerImages sync.Map // container id -> image, for the "removed" line

// TerminateContainers stops and removes every container this package started.
// Call it after the last test only, from TestMain (Main does): getters called
// later would still hand out the removed containers' addresses. It matters
// when Ryuk is disabled (TESTCONTAINERS_RYUK_DISABLED=true); otherwise Ryuk
// removes the containers when the test process exits anyway.
func TerminateContainers() error {
	startedMu.Lock()
	cs := started
	started = nil
	startedMu.Unlock()
	var errs []error
	for _, c := range cs {
		err := testcontainers.TerminateContainer(c)
		logContainer(context.Background(), "removed", c, err)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Main runs the tests, terminates the containers they started and exits with
// the tests' status. Use it as the whole body of TestMain:
//
//	func TestMain(m *testing.M) { testservice.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if err := TerminateContainers(); err != nil {
		fmt.Fprintln(os.Stderr, "testservice: terminating containers:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
