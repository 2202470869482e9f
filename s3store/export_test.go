package s3store

import "github.com/aws/aws-sdk-go-v2/service/s3"

// ClientOptions exposes the options of the client a store uses, so tests
// of store.Open can check how it configured the client it built.
func ClientOptions(s *Store) s3.Options { return s.client.Options() }

// NotFound exposes the one function that decides store.ErrNotFound, so
// tests can feed it errors that no store operation produces, such as the
// bodiless 404 of a HeadObject.
var NotFound = notFound

// ObjectKey is the object key that holds name in s.
func ObjectKey(s *Store, name string) string { return s.prefix + name }
