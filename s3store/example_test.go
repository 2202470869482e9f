package s3store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/mutablestore/mutablestore/s3store"
	"github.com/mutablestore/mutablestore/store"
)

// A store on Amazon S3, with the client built from the AWS configuration of
// the environment. It needs a bucket, so it has no output to check.
func Example() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	s, err := s3store.New(s3.NewFromConfig(cfg), "my-site-artifacts", s3store.Options{Prefix: "blog/"})
	if err != nil {
		log.Fatal(err)
	}

	page, err := s.Read(ctx, "static/index.html")
	if errors.Is(err, store.ErrNotFound) {
		page = "<h1>rendered now</h1>" // not rendered yet: render and keep it
		err = s.Write(ctx, "static/index.html", page)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page)
}

// A store on an S3-compatible server such as MinIO: a custom endpoint,
// path-style addressing, and checksums only where required.
func ExampleNew_compatibleServer() {
	client := s3.New(s3.Options{
		Region:                     "us-east-1",
		BaseEndpoint:               aws.String("http://127.0.0.1:9000"),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(os.Getenv("MINIO_ACCESS_KEY"), os.Getenv("MINIO_SECRET_KEY"), ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	s, err := s3store.New(client, "artifacts", s3store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Write(context.Background(), "static/index.html", "<h1>Hello</h1>"); err != nil {
		log.Fatal(err)
	}
}

// The bucket is required, and the prefix must end with '/' or ':'.
func ExampleNew_options() {
	client := s3.New(s3.Options{Region: "us-east-1"})
	_, err := s3store.New(client, "", s3store.Options{})
	fmt.Println(err)
	_, err = s3store.New(client, "artifacts", s3store.Options{Prefix: "blog"})
	fmt.Println(err)
	s, err := s3store.New(client, "artifacts", s3store.Options{Prefix: "blog/"})
	fmt.Println(s.Bucket(), err)
	// Output:
	// s3store: New needs a bucket name
	// s3store: Options.Prefix: prefix "blog" must end with '/' or ':' (such as "blog/"), so that no other store's names start with it
	// artifacts <nil>
}

// Opening a store by URL, with credentials from the AWS environment
// (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile). The store
// owns the HTTP client it builds, so Close it when done.
func Example_openURL() {
	// import _ "github.com/mutablestore/mutablestore/s3store"
	ctx := context.Background()
	s, err := store.Open(ctx, "s3://artifacts/blog/?endpoint=http://127.0.0.1:9000&use_path_style=true")
	if err != nil {
		log.Fatal(err)
	}
	defer s.(io.Closer).Close()

	if err := s.Write(ctx, "static/index.html", "<h1>Hello</h1>"); err != nil {
		log.Fatal(err)
	}
}

// The SDK's error stays reachable behind the store's error, for the S3
// error code or the HTTP status.
func Example_errors() {
	// import _ "github.com/mutablestore/mutablestore/s3store"
	ctx := context.Background()
	s, err := store.Open(ctx, "s3://artifacts?region=eu-west-1")
	if err != nil {
		log.Fatal(err)
	}
	defer s.(io.Closer).Close()
	_, err = s.Read(ctx, "static/index.html")
	var apiErr smithy.APIError
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		fmt.Println("not rendered yet")
	case errors.As(err, &apiErr) && apiErr.ErrorCode() == "AccessDenied":
		log.Fatal("check the permissions: s3:GetObject, and s3:ListBucket so missing pages read as 404")
	default:
		log.Fatal(err)
	}
}
