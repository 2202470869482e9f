package pgstore

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/store"
)

func init() {
	store.Register("postgres", openURL)
	store.Register("postgresql", openURL)
}

// Query parameters of a store URL that are the store's, not pgx's. They are
// removed before the URL reaches pgx, which would otherwise send them to the
// server as run-time settings.
const (
	paramTable       = "table"
	paramCreateTable = "create_table"
)

// openURL opens a store that owns a new pool, from a pgx connection URL with
// the store's own query parameters.
func openURL(ctx context.Context, u *url.URL) (store.MutableStore, error) {
	if u.Fragment != "" || u.RawFragment != "" {
		// pgx would parse the fragment into the last parameter's value
		// (or the database name) and fail with an unrelated reason. The
		// fragment is not quoted: it may hold a password cut short by '#'.
		return nil, errorf("the URL has a #fragment, which PostgreSQL URLs do not allow (percent-encode '#' as %%23 in a password or parameter)")
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, errorf("invalid URL query: %v", err)
	}
	// Checked for every parameter, pgx's included: pgx would silently use
	// one of the values.
	for key, vs := range query {
		if key == "" {
			return nil, errorf("the URL query has a parameter with an empty name")
		}
		if len(vs) > 1 {
			return nil, errorf("URL parameter %s is given %d times", key, len(vs))
		}
	}
	var opts Options
	createTable := true
	if vs, ok := query[paramTable]; ok {
		if vs[0] == "" {
			return nil, errorf("URL parameter %s is empty; name a table, or leave the parameter out for %s", paramTable, DefaultTable)
		}
		opts.Table = vs[0]
	}
	if vs, ok := query[paramCreateTable]; ok {
		c, err := strconv.ParseBool(vs[0])
		if err != nil {
			return nil, errorf("URL parameter %s=%q is not a boolean (true or false)", paramCreateTable, vs[0])
		}
		createTable = c
	}
	query.Del(paramTable)
	query.Del(paramCreateTable)
	connURL := *u
	connURL.RawQuery = query.Encode()

	secrets := urlSecrets(u, query)
	config, err := pgxpool.ParseConfig(connURL.String())
	if err != nil {
		// Not wrapped: the ParseConfigError keeps the whole connection
		// string, password included, in a field.
		return nil, errorf("invalid connection URL: %s", redact(parseReason(err), secrets))
	}
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, &redactedError{msg: "pgstore: " + redact(err.Error(), secrets), err: err}
	}
	s, err := New(pool, opts)
	if err == nil && createTable {
		err = s.CreateTable(ctx)
	}
	if err != nil {
		pool.Close()
		return nil, &redactedError{msg: redact(err.Error(), secrets), err: err}
	}
	s.ownsPool = true
	return s, nil
}

// parseReason returns why pgx could not parse a connection string, without
// the string. pgx's ParseConfigError formats as
//
//	cannot parse `<connection string>`: <reason> (<cause>)
//
// and masks passwords in the quoted string on a best-effort basis only: a
// malformed URL, the very kind that fails here, can hide a password from
// it. So the quoted part is dropped whole and only the reason is kept, such
// as "failed to configure TLS (sslmode is invalid)". A message in another
// form is not echoed at all.
func parseReason(err error) string {
	const generic = "pgx cannot parse it"
	var pce *pgconn.ParseConfigError
	if !errors.As(err, &pce) {
		return generic
	}
	msg := pce.Error()
	cause := ""
	if c := pce.Unwrap(); c != nil {
		// The cause comes last, so the search for the end of the quoted
		// string below starts before it, whatever it contains.
		msg = strings.TrimSuffix(msg, " ("+c.Error()+")")
		cause = c.Error()
		if ue := (*url.Error)(nil); errors.As(c, &ue) {
			// A *url.Error repeats the whole URL, and its reason quotes
			// the offending part ("invalid port \":s3cr3t\" after host"):
			// keep the reason up to the quote.
			cause = ue.Err.Error()
			if i := strings.IndexAny(cause, "\"`'"); i >= 0 {
				cause = strings.TrimSpace(cause[:i])
			}
		}
		cause = " (" + cause + ")"
	}
	const open, close = "cannot parse `", "`: "
	end := strings.LastIndex(msg, close)
	if !strings.HasPrefix(msg, open) || end < len(open)-1 {
		return generic
	}
	reason := msg[end+len(close):]
	if strings.Contains(reason, "`") {
		return generic
	}
	return reason + cause
}

// urlSecrets returns every secret a connection URL may hold, in the forms
// an error message could quote: as written in the URL and decoded.
func urlSecrets(u *url.URL, query url.Values) []string {
	var secrets []string
	add := func(s string) {
		if s != "" {
			secrets = append(secrets, s, url.QueryEscape(s), url.PathEscape(s))
		}
	}
	if pw, ok := u.User.Password(); ok {
		add(pw)
		if userinfo := u.User.String(); strings.Contains(userinfo, ":") {
			add(userinfo[strings.IndexByte(userinfo, ':')+1:])
		}
	}
	for _, key := range []string{"password", "sslpassword"} {
		for _, v := range query[key] {
			add(v)
		}
	}
	return secrets
}

// redact masks every secret in msg.
func redact(msg string, secrets []string) string {
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	return msg
}

// redactedError is an error of openURL whose message had the URL's secrets
// masked. The wrapped error stays reachable with errors.Is and errors.As,
// such as a *pgconn.PgError for a failed login.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
