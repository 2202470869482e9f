package s3store

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// newHTTPClient returns the HTTP client of a store opened by URL and the
// transport under it, which the store's Close releases. base is the
// awshttp.BuildableClient config.LoadDefaultConfig prepared from the AWS
// configuration.
//
// base itself cannot be the store's: the SDK copies it, transport
// included, each time it adjusts an option, and the copy it finally sends
// requests through is out of reach, so its idle connections could only
// time out. This client starts from a copy of base's transport
// (GetTransport returns one) and follows redirects as the SDK's does. S3
// has no default read timeout in the SDK, so none is lost.
func newHTTPClient(base aws.HTTPClient) (*http.Client, *http.Transport) {
	bc, ok := base.(*awshttp.BuildableClient)
	if !ok {
		bc = awshttp.NewBuildableClient()
	}
	tr := bc.GetTransport()
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}, tr
}

// checkRedirect follows 307 and 308 redirects only, which keep the method
// and body of a signed request, and drops the session token when the
// redirect leaves the host (net/http already drops Authorization). Other
// redirects, such as S3's 301 for a bucket in another region, are returned
// to the SDK as they are. This is what the SDK's own client does.
func checkRedirect(req *http.Request, via []*http.Request) error {
	switch req.Response.StatusCode {
	case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		if len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		if last := via[len(via)-1]; last.URL.Host != req.URL.Host {
			req.Header.Del("X-Amz-Security-Token")
		}
		return nil
	}
	return http.ErrUseLastResponse
}
