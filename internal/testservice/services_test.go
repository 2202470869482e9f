package testservice_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

// These tests check that each getter's server answers with the credentials
// the getter hands out, wherever the server came from (environment or
// container). They skip without servers like any integration test.

func TestRedisAnswers(t *testing.T) {
	opts, err := redis.ParseURL(testservice.Redis(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	if got, err := c.Ping(t.Context()).Result(); err != nil || got != "PONG" {
		t.Fatalf("PING = %q, %v; want PONG, nil", got, err)
	}
	// The server must require the password, or fault tests for a wrong
	// password prove nothing.
	opts.Password = "wrong"
	bad := redis.NewClient(opts)
	defer bad.Close()
	if err := bad.Ping(t.Context()).Err(); err == nil {
		t.Fatal("PING with a wrong password succeeded: the server has no password")
	}
}

func TestRedisClusterAnswers(t *testing.T) {
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: testservice.RedisClusterAddrs(t)})
	defer c.Close()
	info, err := c.ClusterInfo(t.Context()).Result()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info, "cluster_state:ok") {
		t.Fatalf("CLUSTER INFO lacks cluster_state:ok:\n%s", info)
	}
	shards, err := c.ClusterShards(t.Context()).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(shards) < 3 {
		t.Fatalf("cluster has %d shards; want at least 3 masters", len(shards))
	}
	// Keys in different slots land on different masters and still work.
	key := testservice.UniqueName(t, "ts-")
	for _, k := range []string{key + "a", key + "b", key + "c"} {
		if err := c.Set(t.Context(), k, "v", 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
		if err := c.Del(t.Context(), k).Err(); err != nil {
			t.Fatalf("DEL %s: %v", k, err)
		}
	}
}

func TestPostgresAnswers(t *testing.T) {
	conn, err := pgx.Connect(t.Context(), testservice.Postgres(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// The role owns its database: it may create and drop tables.
	table := pgx.Identifier{testservice.UniqueName(t, "ts_")}.Sanitize()
	if _, err := conn.Exec(t.Context(), "create table "+table+" (name text primary key, content bytea)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(t.Context(), "drop table "+table); err != nil {
		t.Fatal(err)
	}
}

func TestS3Answers(t *testing.T) {
	s3Answers(t, testservice.MinIO(t))
}

func TestVersityGWAnswers(t *testing.T) {
	s3Answers(t, testservice.VersityGW(t))
}

// TestS3FromContainer is TestS3Answers under the name
// scripts/containers runs with no S3 variables set, so that S3
// comes from a container.
func TestS3FromContainer(t *testing.T) {
	s3Answers(t, testservice.MinIO(t))
}

func s3Answers(t *testing.T, srv testservice.S3Server) {
	t.Helper()
	c := s3Client(srv, srv.SecretKey)
	ctx := t.Context()
	bucket := testservice.UniqueName(t, "ts-")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("%s: CreateBucket: %v", srv.Name, err)
	}
	out, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("%s: ListBuckets: %v", srv.Name, err)
	}
	found := false
	for _, b := range out.Buckets {
		found = found || aws.ToString(b.Name) == bucket
	}
	if !found {
		t.Errorf("%s: ListBuckets does not list the bucket %s just created", srv.Name, bucket)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("%s: DeleteBucket: %v", srv.Name, err)
	}
	// A wrong secret must be refused, or key fault tests prove nothing.
	bad := s3Client(srv, "wrong-secret")
	if _, err := bad.ListBuckets(ctx, &s3.ListBucketsInput{}); err == nil {
		t.Errorf("%s: ListBuckets with a wrong secret succeeded", srv.Name)
	}
}

func s3Client(srv testservice.S3Server, secret string) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint:               aws.String(srv.Endpoint),
		Region:                     srv.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(srv.AccessKey, secret, ""),
		UsePathStyle:               true,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}
