package s3store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/mutablestore/mutablestore/store"
)

// scheme is the URL scheme the package registers with store.Register.
const scheme = "s3"

// defaultCompatRegion is the signing region used with a custom endpoint when
// neither the URL nor the AWS configuration names one: MinIO, versitygw and
// most other S3-compatible servers accept it, and R2 wants "auto" or it.
const defaultCompatRegion = "us-east-1"

// urlParams are the query parameters openURL accepts.
var urlParams = []string{"endpoint", "region", "use_path_style"}

func init() {
	store.Register(scheme, func(ctx context.Context, u *url.URL) (store.MutableStore, error) {
		return openURL(ctx, u)
	})
}

// openURL opens the store that an s3:// URL names; store.Open calls it for
// the "s3" scheme. See the package documentation for the URL syntax. The
// store owns the HTTP client it builds, and its Close releases it.
func openURL(ctx context.Context, u *url.URL) (*Store, error) {
	if !strings.EqualFold(u.Scheme, scheme) {
		return nil, fmt.Errorf("s3store: URL scheme is %q, want %q", u.Scheme, scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, errors.New("s3store: URL has no bucket: use s3://BUCKET/PREFIX")
	}
	if u.User != nil {
		// Never echo the user info: it may hold a secret.
		return nil, errors.New("s3store: URL must not carry credentials; they come from the AWS environment or shared config")
	}
	if u.Port() != "" {
		return nil, errors.New("s3store: URL host is the bucket and takes no port; use ?endpoint=http://HOST:PORT for a server")
	}
	if u.Fragment != "" {
		return nil, errors.New("s3store: URL must not have a fragment")
	}
	// url.Values from u.Query would drop a pair that does not parse, so
	// "?endpoint=http://127.0.0.1:9000;use_path_style=true" would open
	// against AWS itself.
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("s3store: invalid URL query (separate parameters with '&' and percent-encode special characters): %v", queryReason(err))
	}
	for k := range q {
		if k == "prefix" {
			return nil, errors.New("s3store: URL query parameter prefix is not supported: the prefix is the URL path: s3://BUCKET/PREFIX/")
		}
		if !slices.Contains(urlParams, k) {
			return nil, fmt.Errorf("s3store: unknown URL query parameter %q (known: %s)", k, strings.Join(urlParams, ", "))
		}
		if len(q[k]) > 1 {
			return nil, fmt.Errorf("s3store: URL query parameter %q is given %d times", k, len(q[k]))
		}
		if q.Get(k) == "" {
			return nil, fmt.Errorf("s3store: URL query parameter %q has no value; leave it out for the default", k)
		}
	}

	// The path is the prefix; "s3://b/site" and "s3://b/site/" both mean
	// the prefix "site/", so a URL cannot make one store's keys spill into
	// another's.
	prefix := strings.TrimPrefix(u.Path, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	opts := Options{Prefix: prefix}
	if err := validatePrefix(opts.Prefix); err != nil {
		return nil, err
	}

	loadOpts := []func(*config.LoadOptions) error{
		// The SDK logs to stderr by default, such as "WARN falling back
		// to IMDSv1" when it looks for an instance role outside EC2; a
		// library must not write there. Failures still come back as
		// errors.
		config.WithLogger(logging.Nop{}),
	}
	if r := q.Get("region"); r != "" {
		loadOpts = append(loadOpts, config.WithRegion(r))
	}
	endpoint := q.Get("endpoint")
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
	var pathStyle bool
	if v := q.Get("use_path_style"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("s3store: URL query parameter use_path_style=%q is not a boolean", v)
		}
		pathStyle = b
	}

	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("s3store: load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		if endpoint == "" {
			return nil, errors.New("s3store: no AWS region: add ?region=... to the URL or set AWS_REGION")
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

// queryReason is the reason url.ParseQuery gives, without the text it
// quotes, which may be a credential a user put in the wrong place.
func queryReason(err error) string {
	reason := err.Error()
	if i := strings.IndexAny(reason, "\"`'"); i >= 0 {
		reason = strings.TrimSpace(reason[:i])
	}
	return reason
}

// checkEndpoint rejects an endpoint the SDK would misuse. Its messages do
// not repeat the endpoint, which could carry user info.
func checkEndpoint(endpoint string) error {
	e, err := url.Parse(endpoint)
	switch {
	case err != nil:
		return errors.New("s3store: URL query parameter endpoint is not an http:// or https:// URL")
	case e.Scheme != "http" && e.Scheme != "https":
		return errors.New("s3store: URL query parameter endpoint must start with http:// or https://")
	case e.Host == "":
		return errors.New("s3store: URL query parameter endpoint has no host")
	case e.User != nil:
		return errors.New("s3store: URL query parameter endpoint must not carry credentials")
	}
	return nil
}
