package fsstore

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/mutablestore/mutablestore/store"
)

func init() {
	store.Register("file", openURL)
}

// openURL opens a store for a file URL; see "URLs" in the package doc.
func openURL(_ context.Context, u *url.URL) (store.MutableStore, error) {
	dir, err := dirFromURL(u)
	if err != nil {
		return nil, err
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("fsstore: file URL: invalid query: %v", err)
	}
	var opts Options
	for key, values := range query {
		switch key {
		case "sync":
			if len(values) > 1 {
				return nil, fmt.Errorf("fsstore: file URL parameter %q given %d times", key, len(values))
			}
			on, err := strconv.ParseBool(values[0])
			if err != nil {
				return nil, fmt.Errorf("fsstore: file URL: sync=%q is not true or false", values[0])
			}
			opts.NoSync = !on
		default:
			return nil, fmt.Errorf("fsstore: file URL: unknown query parameter %q (known: sync)", key)
		}
	}
	return New(dir, opts)
}

// dirFromURL returns the directory of file:///abs, file://localhost/abs,
// file:/abs or file:rel.
func dirFromURL(u *url.URL) (string, error) {
	if u.User != nil || u.Fragment != "" {
		return "", fmt.Errorf("fsstore: file URL takes no user or fragment")
	}
	if u.Opaque != "" { // file:rel/dir, relative to the working directory
		p, err := url.PathUnescape(u.Opaque)
		if err != nil {
			return "", fmt.Errorf("fsstore: file URL: %v", err)
		}
		return filepath.FromSlash(p), nil
	}
	if u.Host != "" && !strings.EqualFold(u.Host, "localhost") {
		return "", fmt.Errorf("fsstore: file URL host %q: only local directories (no host or localhost)", u.Host)
	}
	p := u.Path
	if p == "" {
		return "", fmt.Errorf("fsstore: file URL has no directory: use file:///abs/dir or file:rel/dir")
	}
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:] // file:///C:/dir
	}
	return filepath.FromSlash(p), nil
}
