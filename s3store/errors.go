package s3store

import (
	"context"
	"errors"
	"fmt"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/mutablestore/mutablestore/store"
)

// notFound reports whether err says the object does not exist. It is the
// one place that decides store.ErrNotFound, for Read, and for Delete, to
// which a missing key is success.
//
// GetObject answers 404 NoSuchKey, an S3 error body naming the key. A 404
// without an S3 error body (HEAD requests, some gateways) leaves only the
// status, and from that the SDK invents the code "NotFound". It invents
// the same code for any 404 whose body it cannot read as an S3 error: a
// web server's HTML page, Go's "404 page not found", an empty body, a JSON
// API's answer. A wrong endpoint, a typo in the URL or a proxy path that
// goes nowhere, answers that way, and taking it for "missing" would make
// Read report ErrNotFound for every name and Delete succeed without
// deleting anything. So "NotFound" counts only when the response carries
// an S3 request id (the x-amz-request-id header, or RequestId in the
// body), which AWS and S3-compatible servers send with every answer and a
// plain web server does not.
//
// Any other code does not count, even with a 404 status: NoSuchBucket is a
// configuration error, and versitygw answers 404 XAdminUserNotFound for an
// unknown access key. Neither may read as "not rendered yet", which would
// make an engine re-render forever. A 403 is never missing, although AWS
// answers 403 AccessDenied for a missing key when the caller lacks
// s3:ListBucket: without that permission, nobody can tell a missing key
// from a forbidden one.
func notFound(err error) bool {
	var noKey *types.NoSuchKey
	if errors.As(err, &noKey) {
		return true
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode() {
	case "NoSuchKey":
		// Only an S3 error body names this code.
		return true
	case "NotFound":
		var respErr *awshttp.ResponseError
		return errors.As(err, &respErr) && respErr.ServiceRequestID() != ""
	}
	return false
}

// conflictCodes are the error codes of servers that keep keys as paths and
// so cannot hold both "a" and "a/b". Tested: versitygw v1.8.0 (posix)
// answers 409 ObjectParentIsFile and 409 ExistingObjectIsDirectory. Current
// MinIO holds both names; its XMinio codes come from releases that stored
// objects as plain files (FS mode), and XMinioObjectExistsAsDirectory can
// still appear where the drive holds a directory MinIO did not create.
var conflictCodes = map[string]bool{
	"ObjectParentIsFile":            true, // versitygw: "a/b" where the object "a" exists
	"ExistingObjectIsDirectory":     true, // versitygw: "a" where "a/b" exists
	"XMinioParentIsObject":          true, // MinIO FS mode: "a/b" where "a" exists
	"XMinioObjectExistsAsDirectory": true, // MinIO: "a" where a directory "a" exists
}

// isConflict reports whether a PutObject failed because the key collides
// with a key already stored as a path.
func isConflict(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && conflictCodes[apiErr.ErrorCode()]
}

// fail wraps the error of an operation for the caller; with notFound and
// isConflict it is the only place that decides what an error means. A
// conflict keeps the SDK error in the chain, so its code stays visible in
// the message and reachable with errors.As.
func fail(ctx context.Context, op, name string, err error) error {
	switch {
	case notFound(err):
		err = store.ErrNotFound
	case isConflict(err):
		err = fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return store.NewError(ctx, op, name, err)
}
