package store

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// OpenFunc opens a store from a parsed URL whose scheme it was registered for.
type OpenFunc func(ctx context.Context, u *url.URL) (MutableStore, error)

var (
	openersMu sync.RWMutex
	openers   = map[string]OpenFunc{}
)

// Register makes an adapter available to Open under a URL scheme, such as
// "file" or "redis". Adapters call it from an init function, so importing
// an adapter package is enough to make its scheme work. Schemes are
// case-insensitive. Register panics if open is nil or the scheme is already
// registered, as database/sql.Register does: both are programming errors.
func Register(scheme string, open func(ctx context.Context, u *url.URL) (MutableStore, error)) {
	scheme = strings.ToLower(scheme)
	if scheme == "" {
		panic("store: Register with an empty scheme")
	}
	if open == nil {
		panic("store: Register of a nil opener for scheme " + scheme)
	}
	openersMu.Lock()
	defer openersMu.Unlock()
	if _, dup := openers[scheme]; dup {
		panic("store: Register called twice for scheme " + scheme)
	}
	openers[scheme] = open
}

// Schemes returns the registered URL schemes, sorted.
func Schemes() []string {
	openersMu.RLock()
	defer openersMu.RUnlock()
	schemes := make([]string, 0, len(openers))
	for s := range openers {
		schemes = append(schemes, s)
	}
	slices.Sort(schemes)
	return schemes
}

// Open opens the store that rawURL names, using the adapter registered for
// its scheme. The adapter's package must be imported, usually for its side
// effect alone. A URL may carry credentials, so errors from Open never
// repeat it whole: they name the scheme.
//
// If the returned store implements io.Closer, Close it when done to release
// the clients it opened.
func Open(ctx context.Context, rawURL string) (MutableStore, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error quotes the whole URL, password included; keep only the reason.
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("store: cannot parse store URL: %v", err)
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("store: store URL has no scheme; registered schemes: %s", strings.Join(Schemes(), ", "))
	}
	scheme := strings.ToLower(u.Scheme)
	openersMu.RLock()
	open := openers[scheme]
	openersMu.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("store: no adapter registered for URL scheme %q (import its package); registered schemes: %s",
			scheme, strings.Join(Schemes(), ", "))
	}
	s, err := open(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("store: open %s store: %w", scheme, redactPassword(err, u))
	}
	if s == nil {
		return nil, fmt.Errorf("store: open %s store: the adapter returned no store and no error", scheme)
	}
	return s, nil
}

// redactPassword keeps the URL's password out of an opener's error, whose
// driver may have echoed the URL, while the cause stays reachable with
// errors.Is and errors.As.
func redactPassword(err error, u *url.URL) error {
	password, ok := u.User.Password()
	if !ok || password == "" {
		return err
	}
	msg := err.Error()
	redacted := msg
	// The forms a driver may print: as given, as u.String() escapes
	// userinfo, and as the other URL escapes do.
	inURL := strings.TrimPrefix(url.UserPassword("", password).String(), ":")
	for _, form := range []string{password, inURL, url.QueryEscape(password), url.PathEscape(password)} {
		redacted = strings.ReplaceAll(redacted, form, "xxxxx")
	}
	if redacted == msg {
		return err
	}
	return &redactedError{msg: redacted, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
