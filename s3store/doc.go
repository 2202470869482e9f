// Package s3store keeps a store's names as objects in an Amazon S3 bucket or
// on an S3-compatible server (MinIO, versitygw, Cloudflare R2, and others),
// through the AWS SDK for Go v2.
//
// Use it where the engine runs without a durable local disk, such as
// serverless functions and containers scaled to several replicas, so that
// every instance reads the artifacts the others rendered. Nothing is
// cached, and no HeadObject precedes a read.
//
// # Keys and prefix
//
// A name is stored under the key Options.Prefix + name, unchanged: the
// name "static/index.html" with the prefix "site/" is the object
// "site/static/index.html", which other tools (a CDN in front of the
// bucket, aws s3 sync) see under that key. Every valid name fits under
// every valid prefix in S3's 1024-byte keys (see store.MaxNameLen), and
// none can leave its prefix.
//
// # S3-compatible servers
//
// Point the client at the server with BaseEndpoint, use path-style
// addressing (the bucket as the first path segment, which loopback
// addresses and most self-hosted servers need), and ask for checksums only
// where an operation requires them: since early 2025 the SDK sends CRC
// checksums with every upload and validates those of downloads by default,
// which several S3-compatible servers reject or mishandle.
//
//	client := s3.New(s3.Options{
//		Region:                     "us-east-1",
//		BaseEndpoint:               aws.String("http://127.0.0.1:9000"),
//		UsePathStyle:               true,
//		Credentials:                credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
//		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
//		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
//	})
//
// The package is tested against MinIO and versitygw. Current MinIO and AWS
// hold both "a" and "a/b". Servers that keep keys as paths on a file
// system may not: versitygw's posix backend, and MinIO releases in FS
// mode, refuse the second name, which Write reports as store.ErrConflict,
// the first value staying readable.
//
// # Permissions
//
// The credentials need s3:GetObject, s3:PutObject and s3:DeleteObject on
// the objects under the prefix (arn:aws:s3:::BUCKET/PREFIX*), and
// s3:ListBucket on the bucket. Without s3:ListBucket, AWS answers a read of
// a missing key with 403 AccessDenied instead of 404 NoSuchKey, so as not to
// reveal whether the key exists; the store then reports a failure, never
// store.ErrNotFound, and the engine cannot render missing pages. The store
// never creates, lists or deletes buckets.
//
// # Errors
//
// Read reports store.ErrNotFound for 404 NoSuchKey, and for a 404 without
// an S3 error body (the SDK's code "NotFound") that carries an S3 request
// id, and for nothing else: 404 NoSuchBucket, 403 AccessDenied,
// SignatureDoesNotMatch, InvalidAccessKeyId, versitygw's 404
// XAdminUserNotFound (an unknown access key), network failures and
// timeouts are failures. Delete treats a missing key, by the same rule, as
// success.
//
// The request id matters because the SDK invents "NotFound" for any 404
// whose body is not an S3 error (an HTML page, an empty or a JSON body),
// which is what a wrong endpoint or a proxy path that leads nowhere
// answers: without it, every Read would report a missing page and every
// Delete succeed. S3 and the servers tested send x-amz-request-id with
// every answer, HEAD 404s included; a plain web server does not.
//
// errors.As reaches smithy.APIError (the S3 error code),
// *smithyhttp.ResponseError (the HTTP status) and the SDK's types such as
// *types.NoSuchKey:
//
//	var apiErr smithy.APIError
//	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchBucket" { ... }
//
// The client's retryer decides how often a failing request is retried
// (three attempts by default): a successful operation is still one HTTP
// request.
//
// # URLs
//
// Importing the package registers the "s3" scheme with store.Register:
//
//	s3://BUCKET/PREFIX?region=REGION&endpoint=URL&use_path_style=true
//
// The host is the bucket and the path, if any, the prefix: "s3://b/site"
// and "s3://b/site/" both mean the prefix "site/". These optional
// parameters are the only ones accepted:
//
//   - region: the signing region. Without it, the AWS configuration decides
//     (AWS_REGION, the shared config file); with an endpoint and no region
//     anywhere, "us-east-1", which S3-compatible servers accept.
//   - endpoint: the base URL of an S3-compatible server, http:// or
//     https://. With an endpoint, checksums are sent and validated only
//     where required (see above), whatever the AWS configuration says.
//   - use_path_style: true for path-style addressing; false by default, as
//     in the SDK.
//
// Credentials come from the usual AWS chain (config.LoadDefaultConfig),
// at the first operation: the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY), the shared files (AWS_PROFILE), web identity,
// container and instance roles. A URL that carries credentials is refused,
// so none end up in logs or configuration files. When the chain finds
// nothing, operations fail with "no AWS credentials found: set
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE", the chain's
// error wrapped after it. Outside EC2, set AWS_EC2_METADATA_DISABLED=true
// so that the chain spends no time looking for an instance role. The SDK's
// log output (such as its IMDSv1 fallback warning) is discarded: what
// matters comes back as an error.
package s3store
