package s3store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/mutablestore/mutablestore/internal/urlparam"
	"github.com/mutablestore/mutablestore/store"
)

// scheme is the URL scheme the package registers with store.Register.
const scheme = "s3"

// defaultCompatRegion is the signing region used with a custom endpoint when
// neither the URL nor the AWS configuration names one: MinIO, versitygw and
// most other S3-compatible servers accept it, and R2 wants "auto" or it.
const defaultCompatRegion = "us-east-1"

func init() {
	store.Register(scheme, func(ctx context.Context, u *url.URL) (store.MutableStore, error) {
		return openURL(ctx, u)
	})
}

// openURL opens the store that an s3:// URL names (see "URLs"). Its errors
// say only what is wrong: store.Open names the scheme.
func openURL(ctx context.Context, u *url.URL) (*Store, error) {
	if !strings.EqualFold(u.Scheme, scheme) {
		return nil, fmt.Errorf("scheme is %q, want %q", u.Scheme, scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, errors.New("no bucket: use s3://BUCKET/PREFIX")
	}
	if u.User != nil {
		// Never echo the user info: it may hold a secret.
		return nil, errors.New("must not carry credentials; they come from the AWS environment or shared config")
	}
	if u.Port() != "" {
		return nil, errors.New("the host is the bucket and takes no port; use ?endpoint=http://HOST:PORT for a server")
	}
	q, err := urlparam.Parse(u)
	if err != nil {
		return nil, err
	}
	if q.Has("prefix") {
		return nil, &urlparam.Error{Param: "prefix", Err: errors.New("not supported: the prefix is the URL path: s3://BUCKET/PREFIX/")}
	}
	region, _ := q.String("region")
	endpoint, _ := q.String("endpoint")
	pathStyle, err := q.Bool("use_path_style", false)
	if err != nil {
		return nil, err
	}
	if err := q.CheckUnknown(); err != nil {
		return nil, err
	}

	// The path is the prefix; "s3://b/site" and "s3://b/site/" both mean
	// the prefix "site/", so a URL cannot make one store's keys spill into
	// another's.
	prefix := strings.TrimPrefix(u.Path, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if err := store.ValidatePrefix(prefix); err != nil {
		return nil, fmt.Errorf("path: %w", err)
	}
	opts := Options{Prefix: prefix}

	loadOpts := []func(*config.LoadOptions) error{
		// The SDK logs to stderr by default, such as "WARN falling back
		// to IMDSv1" when it looks for an instance role outside EC2; a
		// library must not write there. Failures still come back as
		// errors.
		config.WithLogger(logging.Nop{}),
	}
	if region != "" {
		loadOpts = append(loadOpts, config.WithRegion(region))
	}
	if endpoint != "" {
		if err := checkEndpoint(endpoint); err != nil {
			return nil, err
		}
		// Servers other than AWS often reject the checksums that the
		// SDK adds by default since 2025; send and check them only
		// where an operation requires them.
		loadOpts = append(loadOpts,
			config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
			config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		if endpoint == "" {
			return nil, errors.New("no AWS region: add ?region=... to the URL or set AWS_REGION")
		}
		cfg.Region = defaultCompatRegion
	}
	cfg.Credentials = withCredentialsHint(cfg.Credentials)
	// The credential providers keep the client they were built with;
	// they connect rarely, if at all (never for keys in the environment).
	httpClient, transport := newHTTPClient(cfg.HTTPClient)
	cfg.HTTPClient = httpClient
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.UsePathStyle = pathStyle
	})
	s, err := New(client, u.Host, opts)
	if err != nil {
		return nil, err
	}
	s.transport = transport
	return s, nil
}

// checkEndpoint rejects an endpoint the SDK would misuse. Its messages do
// not repeat the endpoint, which could carry user info.
func checkEndpoint(endpoint string) error {
	e, err := url.Parse(endpoint)
	var why string
	switch {
	case err != nil:
		why = "not an http:// or https:// URL"
	case e.Scheme != "http" && e.Scheme != "https":
		why = "must start with http:// or https://"
	case e.Host == "":
		why = "has no host"
	case e.User != nil:
		why = "must not carry credentials"
	default:
		return nil
	}
	return &urlparam.Error{Param: "endpoint", Err: errors.New(why)}
}
