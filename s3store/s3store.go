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
	"github.com/mutablestore/mutablestore/store"
)

// Options configure a Store. The zero value is a store without a key
// prefix: names are the object keys.
type Options struct {
	// Prefix is prepended to every name to form the object key, so several
	// stores can share a bucket. It is empty (names are keys) or follows
	// store.ValidatePrefix: at most store.MaxPrefixLen bytes, ending with
	// '/' (such as "site/" or "sites/blog/") or ':'.
	Prefix string
}

// Store is a store.MutableStore and store.Deleter that keeps each name as
// one S3 object. It is safe for concurrent use. Build it with New, or open
// it by URL with store.Open.
type Store struct {
	client *s3.Client
	bucket string
	prefix string

	// transport is the HTTP transport of a store opened by URL, which
	// built it; nil for a store from New, whose client is the caller's.
	transport *http.Transport
}

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
	_ io.Closer          = (*Store)(nil)
)

// New returns a Store that keeps its names in bucket through client. The
// bucket must exist: the store never creates it.
// The client belongs to the caller: the Store only uses it. For an
// S3-compatible server, configure the client as the package documentation
// shows.
//
// New does not contact the server; a missing bucket or wrong credentials
// show up as errors from the first operation.
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

// validatePrefix applies store.ValidatePrefix, the rule every prefixed
// adapter shares; it keeps prefix+name within S3's 1024-byte keys.
func validatePrefix(prefix string) error {
	if err := store.ValidatePrefix(prefix); err != nil {
		return fmt.Errorf("s3store: Options.Prefix: %w", err)
	}
	return nil
}

// Close releases what the store owns. A store opened by URL owns its HTTP
// client: Close closes its idle keep-alive connections, each a socket and
// two goroutines that would otherwise linger until the transport's idle
// timeout (90 seconds). A store built with New owns nothing, and Close
// leaves the caller's client alone.
//
// Close always returns nil, and calling it again is harmless. The store
// keeps working after Close, on new connections, so a request still in
// flight completes; call Close once the store is no longer used.
func (s *Store) Close() error {
	if s.transport != nil {
		s.transport.CloseIdleConnections()
	}
	return nil
}

// Bucket returns the bucket the store uses.
func (s *Store) Bucket() string { return s.bucket }

// key runs the checks every operation starts with and returns the object
// key for name. No valid name under a valid prefix exceeds S3's 1024-byte
// key limit (store.MaxPrefixLen + store.MaxNameLen), so no server-specific
// length check is needed here.
func (s *Store) key(ctx context.Context, op, name string) (string, error) {
	if err := store.Check(ctx, op, name); err != nil {
		return "", err
	}
	return s.prefix + name, nil
}

// Read returns the content of name with one GetObject request. A missing
// object gives an error matching store.ErrNotFound; see the package
// documentation for the conditions that count as missing.
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
	if err != nil {
		return "", fail(ctx, store.OpRead, name, err)
	}
	return content, nil
}

// Write stores content under name with one PutObject request. The body is
// a strings.Reader over content, with the length set: the content is not
// copied, and the body is seekable, which the SDK needs to hash it for the
// signature over plain HTTP and to rewind it for a retry.
//
// On a server that keeps keys as paths (versitygw's posix backend), writing
// "a" where "a/b" exists, or "a/b" where "a" exists, fails with an error
// matching store.ErrConflict and leaves the existing object as it was.
func (s *Store) Write(ctx context.Context, name, content string) error {
	key, err := s.key(ctx, store.OpWrite, name)
	if err != nil {
		return err
	}
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
// name is not an error: S3 answers success for it, and a server that
// reports the key as missing instead is treated the same, by the rule Read
// uses (see Errors in the package documentation): a 404 from something that
// is not an S3 server is a failure, not a deleted name.
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
