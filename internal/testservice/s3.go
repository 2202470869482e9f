package testservice

import (
	"context"
	"strings"
	"testing"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Environment variables naming running S3-compatible servers.
const (
	EnvS3Endpoint  = "MUTABLESTORE_TEST_S3_ENDPOINT"
	EnvS3AccessKey = "MUTABLESTORE_TEST_S3_ACCESS_KEY"
	EnvS3SecretKey = "MUTABLESTORE_TEST_S3_SECRET_KEY"
	EnvS3Region    = "MUTABLESTORE_TEST_S3_REGION"
	EnvMinIOImage  = "MUTABLESTORE_TEST_MINIO_IMAGE"

	EnvVersityGWEndpoint  = "MUTABLESTORE_TEST_VERSITYGW_ENDPOINT"
	EnvVersityGWAccessKey = "MUTABLESTORE_TEST_VERSITYGW_ACCESS_KEY"
	EnvVersityGWSecretKey = "MUTABLESTORE_TEST_VERSITYGW_SECRET_KEY"
	EnvVersityGWRegion    = "MUTABLESTORE_TEST_VERSITYGW_REGION"
	EnvVersityGWImage     = "MUTABLESTORE_TEST_VERSITYGW_IMAGE"
)

// The development keys and region of services.env, used by the containers
// too.
var (
	s3AccessKey = dev.get("S3_ACCESS_KEY")
	s3SecretKey = dev.get("S3_SECRET_KEY")
	s3Region    = dev.get("S3_REGION")
)

// S3Server describes an S3-compatible server. Clients must use path-style
// addressing: the endpoint is a loopback address, not a domain with bucket
// subdomains.
type S3Server struct {
	// Name identifies the implementation ("minio" or "versitygw"), for
	// subtest names and for the few behaviours that differ between servers.
	Name string
	// Endpoint is the base URL, such as "http://127.0.0.1:19000".
	Endpoint string
	// AccessKey and SecretKey are root credentials: tests may create and
	// delete buckets.
	AccessKey, SecretKey string
	// Region is the signing region, services.env's unless configured.
	Region string
}

var (
	minioContainer     shared[S3Server]
	versityGWContainer shared[S3Server]
)

// MinIO returns a MinIO server, from MUTABLESTORE_TEST_S3_* (the variables
// keep the generic name: any S3-compatible server may stand in, but the
// tests are written against MinIO's behaviour). Buckets are shared with
// other tests and test binaries: create buckets named with UniqueName and
// delete them in t.Cleanup.
func MinIO(t testing.TB) S3Server {
	t.Helper()
	return s3Server(t, "minio", "MinIO", EnvS3Endpoint, EnvS3AccessKey, EnvS3SecretKey, EnvS3Region,
		"http://"+dev.addr("MINIO_PORT"), &minioContainer, startMinIO)
}

// VersityGW returns a versitygw server with the posix backend, a second
// S3-compatible implementation so s3store is not tuned to MinIO alone.
func VersityGW(t testing.TB) S3Server {
	t.Helper()
	return s3Server(t, "versitygw", "versitygw", EnvVersityGWEndpoint, EnvVersityGWAccessKey, EnvVersityGWSecretKey,
		EnvVersityGWRegion, "http://"+dev.addr("VERSITYGW_PORT"), &versityGWContainer, startVersityGW)
}

func s3Server(t testing.TB, name, service, endpointVar, accessVar, secretVar, regionVar, example string,
	c *shared[S3Server], start func(context.Context) (S3Server, testcontainers.Container, error)) S3Server {
	t.Helper()
	if endpoint := env(endpointVar); endpoint != "" {
		s := S3Server{
			Name:      name,
			Endpoint:  withScheme(endpoint),
			AccessKey: env(accessVar),
			SecretKey: env(secretVar),
			Region:    envOr(regionVar, s3Region),
		}
		if s.AccessKey == "" || s.SecretKey == "" {
			// A half-configured server is a mistake to report,
			// not a reason to skip.
			t.Fatalf("testservice: %s is set but %s or %s is empty", endpointVar, accessVar, secretVar)
		}
		return s
	}
	s, err := c.get(start)
	if err != nil {
		unavailable(t, service,
			endpointVar+"="+example+" "+accessVar+"="+s3AccessKey+" "+secretVar+"="+s3SecretKey,
			howToStart, err.Error())
	}
	return s
}

// withScheme lets the endpoint variable be a bare host:port.
func withScheme(endpoint string) string {
	if strings.Contains(endpoint, "://") {
		return endpoint
	}
	return "http://" + endpoint
}

// startMinIO runs MinIO with the generic container API (testcontainers-go
// has no MinIO module here). The command is "server /data": the official
// image's entrypoint prepends "minio", and an image whose entrypoint is the
// minio binary itself takes the same arguments.
func startMinIO(ctx context.Context) (S3Server, testcontainers.Container, error) {
	const port = "9000/tcp"
	return startS3Container(ctx, "minio", port, testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{
			Image:        envOr(EnvMinIOImage, "minio/minio:RELEASE.2025-07-23T15-54-02Z"),
			Cmd:          []string{"server", "/data"},
			ExposedPorts: []string{port},
			Env: map[string]string{
				"MINIO_ROOT_USER":       s3AccessKey,
				"MINIO_ROOT_PASSWORD":   s3SecretKey,
				"MINIO_UPDATE":          "off",
				"MINIO_CALLHOME_ENABLE": "off",
				"MINIO_BROWSER":         "off",
			},
			// /minio/health/ready answers 200 before the object layer is
			// up, and the first CreateBucket then gets 503
			// XMinioServerNotInitialized; /minio/health/cluster waits for it.
			WaitingFor: wait.ForHTTP("/minio/health/cluster").WithPort(port),
		},
		Started: true,
	})
}

// startVersityGW runs versitygw's published image (entrypoint: the
// versitygw binary) with the posix backend in a directory of the container.
func startVersityGW(ctx context.Context) (S3Server, testcontainers.Container, error) {
	const port = "7070/tcp"
	return startS3Container(ctx, "versitygw", port, testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{
			Image: envOr(EnvVersityGWImage, "versity/versitygw:v1.8.0"),
			Cmd: []string{"--port", ":7070", "--access", s3AccessKey, "--secret", s3SecretKey,
				"--health", "/health", "--quiet", "posix", "/tmp/vgw"},
			ExposedPorts: []string{port},
			WaitingFor:   wait.ForHTTP("/health").WithPort(port),
		},
		Started: true,
	})
}

func startS3Container(ctx context.Context, name, port string, req testcontainers.GenericContainerRequest) (S3Server, testcontainers.Container, error) {
	c, err := testcontainers.GenericContainer(ctx, req)
	if err != nil {
		return S3Server{}, c, err
	}
	endpoint, err := c.PortEndpoint(ctx, port, "http")
	if err != nil {
		return S3Server{}, c, err
	}
	return S3Server{Name: name, Endpoint: endpoint, AccessKey: s3AccessKey, SecretKey: s3SecretKey, Region: s3Region}, c, nil
}
