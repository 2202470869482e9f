package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mutablestore/mutablestore/internal/urlparam"
	"github.com/mutablestore/mutablestore/store"
)

func init() {
	store.Register("postgres", openURL)
	store.Register("postgresql", openURL)
}

// openURL opens a store that owns a new pool, from a pgx connection URL with
// the store's own query parameters, table and create_table. Those are
// removed before the URL reaches pgx, which would otherwise send them to
// the server as run-time settings. Every parameter, pgx's included, is
// given once: pgx would silently use one of the values. The errors say
// only what is wrong: store.Open names the scheme and removes the
// password, whether in the user info or in password= or sslpassword=.
func openURL(ctx context.Context, u *url.URL) (store.MutableStore, error) {
	q, err := urlparam.Parse(u)
	if err != nil {
		return nil, err
	}
	var opts Options
	opts.Table, _ = q.String("table")
	createTable, err := q.Bool("create_table", true)
	if err != nil {
		return nil, err
	}
	connURL := *u
	connURL.RawQuery = q.Rest().Encode()
	config, err := pgxpool.ParseConfig(connURL.String())
	if err != nil {
		// Not wrapped: the ParseConfigError keeps the whole connection
		// string, password included, in a field.
		return nil, fmt.Errorf("pgx cannot parse the connection URL: %s", parseReason(err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, err
	}
	s, err := New(pool, opts)
	if err == nil && createTable {
		err = s.CreateTable(ctx)
	}
	if err != nil {
		pool.Close()
		return nil, urlparam.TrimPrefix(err, "pgstore: ")
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
	const generic = "the reason is not shown, as it quotes the connection string"
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
