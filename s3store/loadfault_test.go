package s3store_test

import (
	"testing"

	"github.com/mutablestore/mutablestore/internal/loadfault"
	"github.com/mutablestore/mutablestore/internal/serverproc"
	"github.com/mutablestore/mutablestore/internal/testservice"
	"github.com/mutablestore/mutablestore/s3store"
)

// TestLoadFault kills and freezes a MinIO server that the test starts,
// under load through one store; internal/loadfault says what it asserts.
func TestLoadFault(t *testing.T) {
	srv := serverproc.MinIO(t)
	client, _ := newClient(t, testservice.S3Server{
		Name:      "minio",
		Endpoint:  srv.URL(),
		AccessKey: serverproc.MinIOAccessKey,
		SecretKey: serverproc.MinIOSecretKey,
		Region:    "us-east-1",
	}, clientConfig{uncounted: true})
	s, err := s3store.New(client, newBucket(t, client), s3store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	loadfault.Run(t, "minio", s, srv)
}
