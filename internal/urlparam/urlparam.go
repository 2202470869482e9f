// Package urlparam reads the query parameters of a store URL, for the URL
// openers of every adapter, with one set of rules and one wording for
// every mistake.
//
// # Rules
//
// A parameter is given once (unless the opener names it repeatable, as
// go-redis's addr), has a name and a value, and is spelled with '&'
// between parameters and percent-encoding where needed. A URL with a
// #fragment is refused: an unescaped '#' in a value or password would
// silently cut it short. Durations and integers may not be negative.
// Parameters no opener asked for are refused by [Query.CheckUnknown], with
// the list of the recognized ones, as gocloud.dev's URL openers do.
//
// # Errors
//
// Every error is an [*Error], whose message names the parameter and says
// what is wrong with it, such as
//
//	parameter "dial_timeout": time: invalid duration "x"
//
// store.Open puts the scheme in front and removes the URL's secrets, so
// these messages neither name the adapter nor hide anything themselves.
// The problems have error values to match with errors.Is: [ErrRepeated],
// [ErrEmpty], [ErrEmptyName], [ErrEscape], [ErrSemicolon], [ErrFragment],
// [ErrNegative] and [ErrUnknown]; a bool, duration or integer that does not
// parse wraps the error of strconv or time. [TrimPrefix] takes the package
// prefix off a driver's or constructor's error that an opener returns.
package urlparam

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The problems a query can have, for errors.Is.
var (
	ErrRepeated  = errors.New("given more than once")
	ErrEmpty     = errors.New("empty value")
	ErrEmptyName = errors.New("a parameter has an empty name")
	ErrEscape    = errors.New("invalid percent-encoding")
	ErrSemicolon = errors.New("';' in the query")
	ErrFragment  = errors.New("the URL has a #fragment, which store URLs do not take")
	ErrNegative  = errors.New("negative value")
	ErrUnknown   = errors.New("unknown parameter")
)

// Error is a problem with a URL's query. Its message may quote the value of
// a parameter that did not parse (time: invalid duration "x"); store.Open
// removes the values of secret parameters from it. A query that cannot be
// decoded at all is reported without quoting it.
type Error struct {
	// Param is the parameter's name, or "" for a problem of the query as
	// a whole, such as unknown parameters or a fragment.
	Param string
	Err   error
}

func (e *Error) Error() string {
	if e.Param == "" {
		return e.Err.Error()
	}
	return "parameter " + strconv.Quote(e.Param) + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Query is the parsed query of a URL. Its getters record the names they
// are asked for: those are the recognized parameters, and the rest are
// unknown to the opener.
type Query struct {
	values     map[string][]string
	recognized []string
}

// Parse parses the query of u by the rules in the package documentation.
// The parameters named repeatable may be given more than once; read them
// with [Query.Strings].
func Parse(u *url.URL, repeatable ...string) (*Query, error) {
	if u.Fragment != "" || u.RawFragment != "" {
		// Not quoted: it may be the end of a password cut short by '#'.
		return nil, &Error{Err: fmt.Errorf("%w (percent-encode '#' as %%23 in a password or parameter)", ErrFragment)}
	}
	q := &Query{values: map[string][]string{}}
	for pair := range strings.SplitSeq(u.RawQuery, "&") {
		if pair == "" {
			continue // "a=1&&b=2", or a lone '?'
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil || strings.Contains(rawName, ";") {
			// The name is not quoted: it may be a credential put in the
			// wrong place.
			if err != nil {
				return nil, &Error{Err: fmt.Errorf("a parameter name has an %w (percent-encode '%%' as %%25)", ErrEscape)}
			}
			return nil, &Error{Err: fmt.Errorf("%w (separate parameters with '&', and percent-encode ';' as %%3B)", ErrSemicolon)}
		}
		if name == "" {
			return nil, &Error{Err: ErrEmptyName}
		}
		if strings.Contains(rawValue, ";") {
			// url.ParseQuery refuses it too; u.Query would drop the pair,
			// so "?endpoint=http://h:9000;use_path_style=true" would
			// silently lose the endpoint.
			return nil, &Error{Param: name, Err: fmt.Errorf("%w (separate parameters with '&', and percent-encode ';' as %%3B)", ErrSemicolon)}
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return nil, &Error{Param: name, Err: fmt.Errorf("%w (percent-encode '%%' as %%25)", ErrEscape)}
		}
		if value == "" {
			return nil, &Error{Param: name, Err: fmt.Errorf("%w (leave the parameter out for its default)", ErrEmpty)}
		}
		if len(q.values[name]) == 1 && !slices.Contains(repeatable, name) {
			return nil, &Error{Param: name, Err: ErrRepeated}
		}
		q.values[name] = append(q.values[name], value)
	}
	return q, nil
}

func (q *Query) recognize(name string) {
	if !slices.Contains(q.recognized, name) {
		q.recognized = append(q.recognized, name)
	}
}

// Has reports whether the parameter is given, without recognizing it: for
// a parameter that goes on to a driver.
func (q *Query) Has(name string) bool {
	_, ok := q.values[name]
	return ok
}

// String returns the parameter's value and whether it is given.
func (q *Query) String(name string) (string, bool) {
	q.recognize(name)
	vs, ok := q.values[name]
	if !ok {
		return "", false
	}
	return vs[0], true
}

// Strings returns the values of a repeatable parameter, in URL order.
func (q *Query) Strings(name string) []string {
	q.recognize(name)
	return slices.Clone(q.values[name])
}

// Bool returns the parameter as strconv.ParseBool reads it, or def.
func (q *Query) Bool(name string, def bool) (bool, error) {
	v, ok := q.String(name)
	if !ok {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, &Error{Param: name, Err: err}
	}
	return b, nil
}

// Duration returns the parameter as time.ParseDuration reads it, or def.
// A negative duration is refused.
func (q *Query) Duration(name string, def time.Duration) (time.Duration, error) {
	v, ok := q.String(name)
	if !ok {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return def, &Error{Param: name, Err: err}
	}
	if d < 0 {
		return def, negative(name, v)
	}
	return d, nil
}

// Int returns the parameter as a decimal integer, or def. A negative
// number is refused.
func (q *Query) Int(name string, def int) (int, error) {
	v, ok := q.String(name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, &Error{Param: name, Err: err}
	}
	if n < 0 {
		return def, negative(name, v)
	}
	return n, nil
}

func negative(name, v string) error {
	return &Error{Param: name, Err: fmt.Errorf("%w %q; want zero or more", ErrNegative, v)}
}

// Rest returns the parameters no getter asked for, such as those a driver
// takes, to hand on in a URL of their own.
func (q *Query) Rest() url.Values {
	rest := url.Values{}
	for name, vs := range q.values {
		if !slices.Contains(q.recognized, name) {
			rest[name] = slices.Clone(vs)
		}
	}
	return rest
}

// CheckUnknown returns an error naming the parameters no getter asked for,
// or nil if there are none. Call it after every getter.
func (q *Query) CheckUnknown() error {
	var unknown []string
	for name := range q.Rest() {
		unknown = append(unknown, name)
	}
	if len(unknown) == 0 {
		return nil
	}
	return q.UnknownError(unknown, "")
}

// UnknownError is the error for parameters the opener does not take,
// listing the recognized ones; others, if not empty, says what else is
// accepted, such as "and go-redis's own" when a driver has refused them.
func (q *Query) UnknownError(names []string, others string) error {
	names = slices.Sorted(slices.Values(names))
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	plural := ""
	if len(names) > 1 {
		plural = "s"
	}
	recognized := "none"
	if len(q.recognized) > 0 {
		recognized = strings.Join(slices.Sorted(slices.Values(q.recognized)), ", ")
	}
	if others != "" {
		recognized += "; " + others
	}
	return &Error{Err: fmt.Errorf("%w%s %s (recognized: %s)", ErrUnknown, plural, strings.Join(quoted, ", "), recognized)}
}
