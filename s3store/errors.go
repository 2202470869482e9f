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

// notFound reports whether err says the object does not exist, for Read,
// and for Delete, to which a missing key is success. The rule and why the
// SDK's "NotFound" needs a request id are under "Errors" in the package
// documentation. A 404 without an S3 error body (HEAD requests, some
// gateways) leaves only the status, from which the SDK makes "NotFound";
// the request id comes from the x-amz-request-id header or the body's
// RequestId.
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
// answers 409 with the first two. The XMinio codes come from MinIO
// releases that stored objects as plain files (FS mode);
// XMinioObjectExistsAsDirectory can still appear where the drive holds a
// directory MinIO did not create.
var conflictCodes = map[string]bool{
	"ObjectParentIsFile":            true, // versitygw: "a/b" where the object "a" exists
	"ExistingObjectIsDirectory":     true, // versitygw: "a" where "a/b" exists
	"XMinioParentIsObject":          true, // MinIO FS mode: "a/b" where "a" exists
	"XMinioObjectExistsAsDirectory": true, // MinIO: "a" where a directory "a" exists
}

func isConflict(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && conflictCodes[apiErr.ErrorCode()]
}

// fail is the one place, with notFound and isConflict, that decides what
// an operation's error means. A conflict keeps the SDK error in the chain,
// so its code stays in the message and reachable with errors.As.
func fail(ctx context.Context, op, name string, err error) error {
	switch {
	case notFound(err):
		err = store.ErrNotFound
	case isConflict(err):
		err = fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return store.NewError(ctx, op, name, err)
}
