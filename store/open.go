package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/mutablestore/mutablestore/internal/urlparam"
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
func Register(scheme string, open OpenFunc) {
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
// effect alone.
//
// Every error from Open starts with "store.Open: "; an adapter's error
// follows "store.Open: SCHEME URL: ", as in
//
//	store.Open: redis URL: parameter "dial_timeout": time: invalid duration "x"
//
// A URL may carry credentials, so Open never repeats it whole, and it
// removes the URL's secrets from an adapter's error: the password of the
// user info, and the value of every query parameter whose name holds
// "password", "secret" or "token" in any case, such as PostgreSQL's
// password and sslpassword or a Redis Sentinel URL's master password.
// errors.Is and errors.As reach the adapter's error, unless its message held
// a secret: then only errors.Is matches through it, since errors.As would
// hand back the secret.
//
// The store owns the clients the adapter built for it: Close it when done.
// An adapter's store that has no Close method of its own gets one that
// releases nothing; either way, Close is safe to call twice.
func Open(ctx context.Context, rawURL string) (Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, parseError(err)
	}
	if atAfterHost(u) {
		// An unescaped '/', '?' or '#' in a password ends the user info
		// early: "redis://:1234?pw@host/0" parses as host ":1234" with the
		// rest of the password in the query, "redis://:1234#pw@host" dials
		// localhost:1234. Refuse it without quoting it: a driver would echo
		// that path, query or fragment, or dial a wrong host.
		return nil, fmt.Errorf("store.Open: cannot parse store URL: it has an '@' after the host (percent-encode '/', '?', '#', '@' and ':' in the user name and password, and '@' elsewhere as %%40)")
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("store.Open: store URL has no scheme (such as file: or redis:); registered schemes: %s", strings.Join(Schemes(), ", "))
	}
	scheme := strings.ToLower(u.Scheme)
	openersMu.RLock()
	open := openers[scheme]
	openersMu.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("store.Open: no store adapter registered for URL scheme %q (forgotten import?); registered schemes: %s",
			scheme, strings.Join(Schemes(), ", "))
	}
	s, err := open(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("store.Open: %s URL: %w", scheme, redact(err, u))
	}
	if s == nil {
		return nil, fmt.Errorf("store.Open: %s URL: the adapter returned no store and no error", scheme)
	}
	return withClose(s), nil
}

// atAfterHost reports an unescaped '@' in the path, query or fragment of a
// URL that has an authority: the sign of a password cut short by a '/', '?'
// or '#'. URLs without one, such as file:dist/a@2x, are left alone.
func atAfterHost(u *url.URL) bool {
	if u.Host == "" && u.User == nil {
		return false
	}
	return strings.Contains(u.EscapedPath(), "@") || strings.Contains(u.RawQuery, "@") ||
		strings.Contains(u.EscapedFragment(), "@")
}

// parseError explains a URL that does not parse without quoting any of it:
// url.Error repeats the whole URL, and its reasons quote the offending part,
// which for a password with an unescaped '#', '/' or '?' is a piece of the
// password ("invalid port \":s3cr3t\" after host").
func parseError(err error) error {
	reason := err.Error()
	if ue, ok := err.(*url.Error); ok {
		reason = ue.Err.Error()
	}
	if i := strings.IndexAny(reason, "\"`'"); i >= 0 {
		reason = strings.TrimSpace(reason[:i])
	}
	return fmt.Errorf("store.Open: cannot parse store URL: %s (percent-encode special characters in the user name and password)", reason)
}

// redact keeps the URL's secrets out of an opener's error, whose driver may
// have echoed the URL.
func redact(err error, u *url.URL) error {
	var secrets []string
	if password, ok := u.User.Password(); ok {
		// As u.String() escapes userinfo, besides the forms below.
		secrets = append(secrets, password, strings.TrimPrefix(url.UserPassword("", password).String(), ":"))
	}
	for pair := range strings.SplitSeq(u.RawQuery, "&") {
		rawName, rawValue, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(rawName); err != nil || !urlparam.IsSecret(name) {
			continue
		}
		secrets = append(secrets, rawValue)
		if v, err := url.QueryUnescape(rawValue); err == nil {
			secrets = append(secrets, v)
		}
	}
	msg := err.Error()
	redacted := msg
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		// The forms a driver may print: as given, and as the URL
		// escapes do.
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			redacted = strings.ReplaceAll(redacted, form, "xxxxx")
		}
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

// Is matches what the original error matches. There is no Unwrap: the
// original's message holds the secret, and a reporter that walks the chain
// (or errors.As into a driver's error) would record it.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
