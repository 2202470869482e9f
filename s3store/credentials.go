package s3store

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
)

const errNoCredentials = "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"

// hintCredentials puts errNoCredentials before the error of a chain that
// had nothing to offer but the EC2 instance role, whose failure outside
// EC2 ("no EC2 IMDS role found, ... GetMetadata ...") does not say which
// variables to set. A profile or a role that was found but failed keeps
// its own message.
type hintCredentials struct {
	aws.CredentialsProvider
}

func (h hintCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := h.CredentialsProvider.Retrieve(ctx)
	if err != nil {
		return creds, fmt.Errorf("%s: %w", errNoCredentials, err)
	}
	return creds, nil
}

// ProviderSources passes on the sources of the wrapped provider, which the
// SDK reports in its user agent.
func (h hintCredentials) ProviderSources() []aws.CredentialSource {
	if s, ok := h.CredentialsProvider.(aws.CredentialProviderSource); ok {
		return s.ProviderSources()
	}
	return nil
}

// withCredentialsHint wraps p in hintCredentials when the chain fell back
// to the instance role alone.
func withCredentialsHint(p aws.CredentialsProvider) aws.CredentialsProvider {
	s, ok := p.(aws.CredentialProviderSource)
	if !ok || !slices.Equal(s.ProviderSources(), []aws.CredentialSource{aws.CredentialSourceIMDS}) {
		return p
	}
	// p is the chain's *aws.CredentialsCache, which keeps the
	// credentials once found; the hint needs no cache of its own.
	return hintCredentials{p}
}
