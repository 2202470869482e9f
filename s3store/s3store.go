package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mutablestore/mutablestore/internal/bytestring"
	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

// Options configure a Store. The zero value is a store without a key
// prefix: names are the object keys.
type Options struct {
	// Prefix is prepended to every name to form the object key, so that
	// several stores share a bucket. It follows store.ValidatePrefix, such
	// as "site/" or "sites/blog/".
	Prefix string
}

// Store is a store.MutableStore and store.Deleter that keeps each name as
// one S3 object. It is safe for concurrent use.
type Store struct {
	client *s3.Client
	bucket string
	prefix string

	transport *http.Transport // of a store opened by URL; nil from New
	life      lifetime.State
}

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
	_ io.Closer          = (*Store)(nil)
)

// New returns a Store that keeps its names in bucket, which must exist,
// through the caller's client. For an S3-compatible server, configure the
// client as the package documentation shows.
func New(client *s3.Client, bucket string, opts Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("s3store: New needs an *s3.Client, got nil")
	}
	if bucket == "" {
		return nil, errors.New("s3store: New needs a bucket name")
	}
	if err := validatePrefix(opts.Prefix); err != nil {
		return nil, err
	}
	return &Store{client: client, bucket: bucket, prefix: opts.Prefix}, nil
}

func validatePrefix(prefix string) error {
	if err := store.ValidatePrefix(prefix); err != nil {
		return fmt.Errorf("s3store: Options.Prefix: %w", err)
	}
	return nil
}

// Close releases what the store owns. A store opened by URL owns the HTTP
// client it built, with the transport settings of the AWS configuration
// (AWS_CA_BUNDLE, for one): Close closes its idle keep-alive connections,
// each a socket and two goroutines that would otherwise linger until the
// transport's 90-second idle timeout. Connections the credential providers
// made (instance metadata, STS) are theirs and time out by themselves. A
// store built with New owns nothing, and Close leaves the caller's client
// alone.
//
// Close returns nil, however often it is called. Operations after it fail
// as store.Store describes; a request already in flight completes.
func (s *Store) Close() error {
	if s.life.End() && s.transport != nil {
		s.transport.CloseIdleConnections()
	}
	return nil
}

// Bucket returns the bucket the store uses.
func (s *Store) Bucket() string { return s.bucket }

// key runs the checks every operation starts with and returns the object
// key for name. It needs no length check: see store.MaxPrefixLen.
func (s *Store) key(ctx context.Context, op, name string) (string, error) {
	if err := s.life.Check(ctx, op, name); err != nil {
		return "", err
	}
	return s.prefix + name, nil
}

// Read returns the content of name with one GetObject request. What counts
// as missing is under "Errors" in the package documentation.
func (s *Store) Read(ctx context.Context, name string) (string, error) {
	key, err := s.key(ctx, store.OpRead, name)
	if err != nil {
		return "", err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		return "", fail(ctx, store.OpRead, name, err)
	}
	size := int64(-1) // unknown: a chunked response
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	content, err := bytestring.ReadAll(out.Body, size)
	if cerr := out.Body.Close(); err == nil {
		err = cerr
	}
	// net/http reports a body shorter than its Content-Length, but a
	// caller's client may read through other transports or middleware: a
	// short value must never pass for the whole one.
	if err == nil && size >= 0 && int64(len(content)) != size {
		err = fmt.Errorf("s3store: read %d bytes of a %d-byte object", len(content), size)
	}
	if err != nil {
		return "", fail(ctx, store.OpRead, name, err)
	}
	return content, nil
}

// Write stores content under name with one PutObject request. On a server
// that keeps keys as paths it may fail with store.ErrConflict; see
// "S3-compatible servers".
func (s *Store) Write(ctx context.Context, name, content string) error {
	key, err := s.key(ctx, store.OpWrite, name)
	if err != nil {
		return err
	}
	// A strings.Reader does not copy content, and it is seekable, which the
	// SDK needs to hash the body for the signature over plain HTTP and to
	// rewind it for a retry.
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(key),
		Body:          strings.NewReader(content),
		ContentLength: aws.Int64(int64(len(content))),
	})
	if err != nil {
		return fail(ctx, store.OpWrite, name, err)
	}
	return nil
}

// Delete removes name with one DeleteObject request. Deleting a missing
// name is not an error: S3 answers success, and a server that reports the
// key as missing instead is judged by Read's rule.
func (s *Store) Delete(ctx context.Context, name string) error {
	key, err := s.key(ctx, store.OpDelete, name)
	if err != nil {
		return err
	}
	_, err = s.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil && !notFound(err) {
		return fail(ctx, store.OpDelete, name, err)
	}
	return nil
}
