package fsstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/mutablestore/mutablestore/internal/urlparam"
	"github.com/mutablestore/mutablestore/store"
)

func init() {
	store.Register("file", openURL)
}

// openURL opens a store for a file URL; see "URLs" in the package doc. Its
// errors say only what is wrong: store.Open names the scheme.
func openURL(_ context.Context, u *url.URL) (store.MutableStore, error) {
	q, err := urlparam.Parse(u)
	if err != nil {
		return nil, err
	}
	dir, err := dirFromURL(u)
	if err != nil {
		return nil, err
	}
	sync, err := q.Bool("sync", true)
	if err != nil {
		return nil, err
	}
	if err := q.CheckUnknown(); err != nil {
		return nil, err
	}
	s, err := New(dir, Options{NoSync: !sync})
	if err != nil {
		return nil, urlparam.TrimPrefix(err, "fsstore: ")
	}
	return s, nil
}

// dirFromURL returns the directory of file:///abs, file://localhost/abs,
// file:/abs or file:rel.
func dirFromURL(u *url.URL) (string, error) {
	if u.User != nil {
		return "", errors.New("takes no user name or password")
	}
	if u.Opaque != "" { // file:rel/dir, relative to the working directory
		p, err := url.PathUnescape(u.Opaque)
		if err != nil {
			return "", errors.New("the directory has an invalid percent-encoding (percent-encode '%' as %25)")
		}
		return filepath.FromSlash(p), nil
	}
	if u.Host != "" && !strings.EqualFold(u.Host, "localhost") {
		return "", fmt.Errorf("host %q: only local directories (no host or localhost)", u.Host)
	}
	p := u.Path
	if p == "" {
		return "", errors.New("no directory: use file:///abs/dir or file:rel/dir")
	}
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:] // file:///C:/dir
	}
	return filepath.FromSlash(p), nil
}
