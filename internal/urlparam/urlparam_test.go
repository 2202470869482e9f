package urlparam

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

func mustParseURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", raw, err)
	}
	return u
}

// TestParseErrors covers every refusal of Parse: its full message, its
// error value and the parameter it names.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		query string
		is    error
		param string
		msg   string
	}{
		{"?a=1&a=2", ErrRepeated, "a", `parameter "a": given more than once`},
		{"?a=1&a=1", ErrRepeated, "a", `parameter "a": given more than once`},
		{"?a=", ErrEmpty, "a", `parameter "a": empty value (leave the parameter out for its default)`},
		{"?a", ErrEmpty, "a", `parameter "a": empty value (leave the parameter out for its default)`},
		{"?=S3cr3t", ErrEmptyName, "", `a parameter has an empty name`},
		{"?a=%zzS3cr3t", ErrEscape, "a", `parameter "a": invalid percent-encoding (percent-encode '%' as %25)`},
		{"?%zz=1", ErrEscape, "", `a parameter name has an invalid percent-encoding (percent-encode '%' as %25)`},
		{"?endpoint=http://h:9000;use_path_style=true", ErrSemicolon, "endpoint", `parameter "endpoint": ';' in the query (separate parameters with '&', and percent-encode ';' as %3B)`},
		{"?a;b=1", ErrSemicolon, "", `';' in the query (separate parameters with '&', and percent-encode ';' as %3B)`},
		{"?a=1#S3cr3t", ErrFragment, "", `the URL has a #fragment, which store URLs do not take (percent-encode '#' as %23 in a password or parameter)`},
		{"#%53", ErrFragment, "", `the URL has a #fragment, which store URLs do not take (percent-encode '#' as %23 in a password or parameter)`},
	} {
		t.Run(tc.query, func(t *testing.T) {
			q, err := Parse(mustParseURL(t, "x://h/p"+tc.query))
			if err == nil {
				t.Fatalf("Parse = %v, nil; want an error", q)
			}
			var pe *Error
			if !errors.Is(err, tc.is) || !errors.As(err, &pe) || pe.Param != tc.param {
				t.Errorf("Parse error %#v; want an *Error for parameter %q matching %v", err, tc.param, tc.is)
			}
			if err.Error() != tc.msg {
				t.Errorf("Parse error\n%q; want\n%q", err, tc.msg)
			}
		})
	}
}

func TestParseRepeatable(t *testing.T) {
	q, err := Parse(mustParseURL(t, "x://h?addr=a:1&addr=b:2&x=1&&"), "addr")
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Strings("addr"); !slices.Equal(got, []string{"a:1", "b:2"}) {
		t.Errorf("Strings(addr) = %q; want [a:1 b:2] in URL order", got)
	}
	if _, err := Parse(mustParseURL(t, "x://h?addr=a&x=1&x=2"), "addr"); !errors.Is(err, ErrRepeated) {
		t.Errorf("Parse with x repeated, addr repeatable = %v; want ErrRepeated", err)
	}
}

// TestGetters covers each getter's value, default and every error wording.
func TestGetters(t *testing.T) {
	q, err := Parse(mustParseURL(t, "x://h?s=a+b%2Fc&b=false&d=90s&i=3&badb=maybe&badd=soon&negd=-1s&badi=one&negi=-2"))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := q.String("s"); v != "a b/c" || !ok {
		t.Errorf("String(s) = %q, %v; want the decoded value", v, ok)
	}
	if v, ok := q.String("missing"); v != "" || ok {
		t.Errorf("String(missing) = %q, %v; want \"\", false", v, ok)
	}
	if v, err := q.Bool("b", true); v || err != nil {
		t.Errorf("Bool(b) = %v, %v; want false, nil", v, err)
	}
	if v, err := q.Bool("nob", true); !v || err != nil {
		t.Errorf("Bool(nob, true) = %v, %v; want the default", v, err)
	}
	if v, err := q.Duration("d", 0); v != 90*time.Second || err != nil {
		t.Errorf("Duration(d) = %v, %v; want 1m30s", v, err)
	}
	if v, err := q.Duration("nod", time.Hour); v != time.Hour || err != nil {
		t.Errorf("Duration(nod) = %v, %v; want the default", v, err)
	}
	if v, err := q.Int("i", 0); v != 3 || err != nil {
		t.Errorf("Int(i) = %v, %v; want 3", v, err)
	}
	if v, err := q.Int("noi", 7); v != 7 || err != nil {
		t.Errorf("Int(noi) = %v, %v; want the default", v, err)
	}
	for _, tc := range []struct {
		get func() error
		is  error
		msg string
	}{
		{func() error { _, err := q.Bool("badb", false); return err }, strconv.ErrSyntax, `parameter "badb": strconv.ParseBool: parsing "maybe": invalid syntax`},
		{func() error { _, err := q.Duration("badd", 0); return err }, nil, `parameter "badd": time: invalid duration "soon"`},
		{func() error { _, err := q.Duration("negd", 0); return err }, ErrNegative, `parameter "negd": negative value "-1s"; want zero or more`},
		{func() error { _, err := q.Int("badi", 0); return err }, strconv.ErrSyntax, `parameter "badi": strconv.Atoi: parsing "one": invalid syntax`},
		{func() error { _, err := q.Int("negi", 0); return err }, ErrNegative, `parameter "negi": negative value "-2"; want zero or more`},
	} {
		err := tc.get()
		var pe *Error
		if err == nil || !errors.As(err, &pe) || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("getter error %#v; want an *Error matching %v", err, tc.is)
			continue
		}
		if err.Error() != tc.msg {
			t.Errorf("getter error\n%q; want\n%q", err, tc.msg)
		}
	}
}

func TestUnknown(t *testing.T) {
	q, err := Parse(mustParseURL(t, "x://h?sync=true&colour=blue&size=9&driver=1"))
	if err != nil {
		t.Fatal(err)
	}
	q.Bool("sync", true)
	q.String("mode")
	if q.Has("driver") != true || q.Has("nope") {
		t.Error("Has does not report which parameters are given")
	}
	rest := q.Rest()
	if len(rest) != 3 || rest.Get("colour") != "blue" || rest.Get("size") != "9" || rest.Get("driver") != "1" {
		t.Errorf("Rest() = %v; want the three parameters no getter asked for (Has does not count)", rest)
	}
	err = q.CheckUnknown()
	want := `unknown parameters "colour", "driver", "size" (recognized: mode, sync)`
	if !errors.Is(err, ErrUnknown) || err.Error() != want {
		t.Errorf("CheckUnknown() = %q; want %q matching ErrUnknown", err, want)
	}
	err = q.UnknownError([]string{"colour"}, "and those of go-redis")
	want = `unknown parameter "colour" (recognized: mode, sync; and those of go-redis)`
	if !errors.Is(err, ErrUnknown) || err.Error() != want {
		t.Errorf("UnknownError = %q; want %q", err, want)
	}

	none, err := Parse(mustParseURL(t, "x://h?a=1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := none.CheckUnknown(); err == nil || err.Error() != `unknown parameter "a" (recognized: none)` {
		t.Errorf("CheckUnknown with no getter = %v", err)
	}
	if _, err := none.String("a"); !err {
		t.Error("String(a) did not find a")
	}
	if err := none.CheckUnknown(); err != nil {
		t.Errorf("CheckUnknown after every parameter was read = %v; want nil", err)
	}
}

func TestParseEmptyQuery(t *testing.T) {
	for _, raw := range []string{"x://h", "x://h?", "x:rel/dir", "x://h?&"} {
		q, err := Parse(mustParseURL(t, raw))
		if err != nil {
			t.Errorf("Parse(%q) = %v", raw, err)
			continue
		}
		if err := q.CheckUnknown(); err != nil || len(q.Rest()) != 0 {
			t.Errorf("Parse(%q): CheckUnknown %v, Rest %v; want nothing", raw, err, q.Rest())
		}
	}
}

func TestTrimPrefix(t *testing.T) {
	cause := errors.New("refused")
	err := fmt.Errorf("pgstore: connect: %w", cause)
	got := TrimPrefix(err, "pgstore: ")
	if got.Error() != "connect: refused" || !errors.Is(got, cause) || !errors.Is(got, err) {
		t.Errorf("TrimPrefix = %q; want \"connect: refused\" wrapping the error", got)
	}
	if got := TrimPrefix(cause, "pgstore: "); got != cause {
		t.Errorf("TrimPrefix of an error without the prefix = %v; want the same error", got)
	}
	if TrimPrefix(nil, "x: ") != nil {
		t.Error("TrimPrefix(nil) is not nil")
	}
}

func TestIsSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "sslpassword": true, "sentinel_password": true, "Secret_Access_Key": true,
		"auth_token": true, "region": false, "sslmode": false, "prefix": false, "": false,
	} {
		if got := IsSecret(name); got != want {
			t.Errorf("IsSecret(%q) = %v; want %v", name, got, want)
		}
	}
}

func TestRedacted(t *testing.T) {
	u := mustParseURL(t, "postgres://app:pw@h/db?sslmode=disable&password=s3cr%2Ft&x&SSLPassword=two&table=t")
	want := "postgres://app:xxxxx@h/db?sslmode=disable&password=xxxxx&x&SSLPassword=xxxxx&table=t"
	if got := Redacted(u); got != want {
		t.Errorf("Redacted = %q; want %q", got, want)
	}
	if u.RawQuery != "sslmode=disable&password=s3cr%2Ft&x&SSLPassword=two&table=t" {
		t.Errorf("Redacted changed its argument: %q", u.RawQuery)
	}
}
