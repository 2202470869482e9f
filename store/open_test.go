package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// The registry is global and lives for the whole test binary (go test
// -count=2 runs each test twice in one process), so every test registers
// schemes of its own with uniqueScheme.
var schemeSeq atomic.Int64

func uniqueScheme(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, schemeSeq.Add(1))
}

// opened is the store a test opener returns; it remembers the URL it got.
type opened struct {
	MutableStore
	u *url.URL
}

func (*opened) Close() error { return nil }

func recordingOpener(ctx context.Context, u *url.URL) (MutableStore, error) {
	return &opened{u: u}, nil
}

func TestRegisterOpen(t *testing.T) {
	scheme := uniqueScheme("testopen")
	Register(scheme, recordingOpener)

	s, err := Open(t.Context(), scheme+"://host/some/path?x=1")
	if err != nil {
		t.Fatalf("Open = %v; want nil", err)
	}
	o, ok := s.(*opened)
	if !ok {
		t.Fatalf("Open returned %T; want the opener's store", s)
	}
	if o.u.Scheme != scheme || o.u.Host != "host" || o.u.Path != "/some/path" || o.u.Query().Get("x") != "1" {
		t.Errorf("the opener got URL %v; want the parsed URL given to Open", o.u)
	}
	if !slices.Contains(Schemes(), scheme) {
		t.Errorf("Schemes() = %q; want it to contain %q", Schemes(), scheme)
	}
}

func TestSchemesCaseInsensitive(t *testing.T) {
	scheme := uniqueScheme("MixedCase")
	Register(scheme, recordingOpener)
	lower := strings.ToLower(scheme)
	if !slices.Contains(Schemes(), lower) {
		t.Errorf("Schemes() = %q; want the lower-case %q", Schemes(), lower)
	}
	if slices.Contains(Schemes(), scheme) {
		t.Errorf("Schemes() = %q holds the mixed-case %q; want schemes in lower case", Schemes(), scheme)
	}
	for _, u := range []string{lower + "://x", strings.ToUpper(scheme) + "://x", scheme + "://x"} {
		if _, err := Open(t.Context(), u); err != nil {
			t.Errorf("Open(%q) = %v; want the scheme matched whatever its case", u, err)
		}
	}
	if !panics(func() { Register(strings.ToUpper(scheme), recordingOpener) }) {
		t.Errorf("Register of %q after %q did not panic; want a duplicate, whatever the case", strings.ToUpper(scheme), scheme)
	}
}

func TestSchemesSorted(t *testing.T) {
	for _, s := range []string{"zzz", "aaa", "mmm"} {
		Register(uniqueScheme(s), recordingOpener)
	}
	got := Schemes()
	if !slices.IsSorted(got) {
		t.Errorf("Schemes() = %q; want them sorted", got)
	}
	if len(got) < 3 {
		t.Errorf("Schemes() = %q; want at least the 3 just registered", got)
	}
	got[0] = "changed" // the result is the caller's own
	if slices.Contains(Schemes(), "changed") {
		t.Error("changing the slice Schemes returned changed the registry")
	}
}

func TestRegisterPanics(t *testing.T) {
	dup := uniqueScheme("dup")
	Register(dup, recordingOpener)
	if !panics(func() { Register(dup, recordingOpener) }) {
		t.Errorf("a second Register(%q) did not panic; want a panic as database/sql.Register does", dup)
	}
	if !panics(func() { Register(uniqueScheme("nilopener"), nil) }) {
		t.Error("Register with a nil opener did not panic")
	}
	if !panics(func() { Register("", recordingOpener) }) {
		t.Error(`Register("") did not panic`)
	}
}

func TestOpenErrors(t *testing.T) {
	known := uniqueScheme("known")
	Register(known, recordingOpener)
	const password = "hunter2-secret"
	tests := []struct {
		url  string
		want []string // parts of the message
	}{
		{"nosuchscheme://user:" + password + "@db.example:5432/x", []string{`"nosuchscheme"`, "forgotten import?", "registered schemes:", known}},
		{"/var/lib/site", []string{"no scheme", "registered schemes:", known}},
		{"relative/dir", []string{"no scheme"}},
		{"redis://user:" + password + "@host:badport/0", []string{"cannot parse"}},
		{"redis://user:" + password + "%zz@host/0", []string{"cannot parse"}},
		{"redis://us er:" + password + "@host/0", []string{"cannot parse"}},
		{"x\x7f://user:" + password + "@h", []string{"cannot parse"}},
	}
	for _, tt := range tests {
		s, err := Open(t.Context(), tt.url)
		if err == nil {
			t.Errorf("Open(%q) = %T, nil; want an error", tt.url, s)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "store.Open: ") {
			t.Errorf("Open(%q) error %q; want it to start with \"store.Open: \"", tt.url, msg)
		}
		for _, part := range tt.want {
			if !strings.Contains(msg, part) {
				t.Errorf("Open(%q) error %q does not contain %q", tt.url, msg, part)
			}
		}
		if strings.Contains(msg, password) {
			t.Errorf("Open(%q) error %q repeats the password from the URL", tt.url, msg)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("Open(%q) error %q spans lines", tt.url, msg)
		}
	}
}

func TestOpenWrapsOpenerError(t *testing.T) {
	scheme := uniqueScheme("failing")
	cause := errors.New("connection refused")
	Register(scheme, func(context.Context, *url.URL) (MutableStore, error) { return nil, cause })
	s, err := Open(t.Context(), scheme+"://host")
	if s != nil || !errors.Is(err, cause) {
		t.Fatalf("Open = %v, %v; want nil and an error wrapping the opener's", s, err)
	}
	if want := "store.Open: " + scheme + " URL: connection refused"; err.Error() != want {
		t.Errorf("Open error = %q; want %q", err.Error(), want)
	}
}

func panics(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}

func TestOpenRedactsPasswordFromOpenerError(t *testing.T) {
	scheme := uniqueScheme("echoing")
	// A driver that echoes the URL it was given, password and all.
	Register(scheme, func(_ context.Context, u *url.URL) (MutableStore, error) {
		return nil, fmt.Errorf("cannot connect to %s (%s)", u.String(), u.User)
	})
	for _, password := range []string{"hunter2", "p@ss word/+"} {
		rawURL := scheme + "://user:" + url.PathEscape(password) + "@db.example/x"
		_, err := Open(t.Context(), rawURL)
		if err == nil {
			t.Fatalf("Open(%q) = nil error; want the opener's error", rawURL)
		}
		for _, form := range []string{password, url.PathEscape(password), url.QueryEscape(password)} {
			if strings.Contains(err.Error(), form) {
				t.Errorf("Open error %q contains the password (as %q)", err, form)
			}
		}
		if !strings.Contains(err.Error(), "xxxxx") {
			t.Errorf("Open error %q; want the password replaced by xxxxx", err)
		}
	}
}

func TestOpenRedactionKeepsCause(t *testing.T) {
	scheme := uniqueScheme("echocause")
	cause := errors.New("auth failed for hunter2")
	Register(scheme, func(context.Context, *url.URL) (MutableStore, error) { return nil, cause })
	_, err := Open(t.Context(), scheme+"://u:hunter2@h")
	if !errors.Is(err, cause) {
		t.Errorf("Open error %v does not wrap the opener's error", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open error %q contains the password", err)
	}
}

// TestOpenRedactsSecretParams: the values of the query parameters whose
// names say they are secret go from an opener's error, in every form a
// driver may print them, and the opener's error stays reachable.
func TestOpenRedactsSecretParams(t *testing.T) {
	scheme := uniqueScheme("echoquery")
	var cause error
	Register(scheme, func(_ context.Context, u *url.URL) (MutableStore, error) {
		q := u.Query()
		cause = fmt.Errorf("bad %q %q %q %q in %s", q.Get("password"), q.Get("sslpassword"), q.Get("Secret_Key"), q.Get("auth_token"), u.RawQuery)
		return nil, cause
	})
	for _, secret := range []string{"qu/ery-pw", "p@ss word+"} {
		rawQuery := url.Values{"password": {secret}, "sslpassword": {secret + "2"}, "Secret_Key": {secret + "3"}, "auth_token": {secret + "4"}, "region": {"eu"}}.Encode()
		_, err := Open(t.Context(), scheme+"://host/x?"+rawQuery)
		if err == nil || !errors.Is(err, cause) {
			t.Fatalf("Open = %v; want the opener's error", err)
		}
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			if strings.Contains(err.Error(), form) {
				t.Errorf("Open error %q contains a secret parameter's value (as %q)", err, form)
			}
		}
		if !strings.Contains(err.Error(), "region=eu") || strings.Count(err.Error(), "xxxxx") < 8 {
			t.Errorf("Open error %q; want every secret value replaced by xxxxx and the rest kept", err)
		}
	}
	// A URL whose query does not parse still has its secret removed.
	_, err := Open(t.Context(), scheme+"://host/x?password=s3cr3t&a=%zz")
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("Open with a bad escape elsewhere = %v; want the password parameter removed", err)
	}
}

func TestOpenLeavesErrorsWithoutSecrets(t *testing.T) {
	scheme := uniqueScheme("nosecret")
	cause := errors.New("dial: refused")
	Register(scheme, func(context.Context, *url.URL) (MutableStore, error) { return nil, cause })
	_, err := Open(t.Context(), scheme+"://user:pw@h/?region=eu")
	var re *redactedError
	if !errors.Is(err, cause) || errors.As(err, &re) {
		t.Errorf("Open = %#v; want the opener's error wrapped as it is, with nothing to redact", err)
	}
}

func TestOpenRejectsNilStore(t *testing.T) {
	scheme := uniqueScheme("nilstore")
	Register(scheme, func(context.Context, *url.URL) (MutableStore, error) { return nil, nil })
	s, err := Open(t.Context(), scheme+"://h")
	if s != nil || err == nil || !strings.Contains(err.Error(), "no store") {
		t.Fatalf("Open = %v, %v; want nil and an error saying the adapter returned no store", s, err)
	}
}

func TestOpenParseErrorHidesPassword(t *testing.T) {
	// An unescaped '#', '/' or '?' ends the userinfo early, and url.Parse
	// then quotes a piece of the password as a port or a path.
	for _, rawURL := range []string{
		"redis://:S3cr3t#PW@127.0.0.1:6379/0",
		"postgres://u:S3cr3t/PW@127.0.0.1:5432/db",
		"postgres://u:S3cr3t?PW@127.0.0.1:5432/db",
		"redis://:S3cr3t%zz@h/0",
		"redis://:12345/S3cr3tPW@127.0.0.1:6379/0", // parses, with the password split into port and path
		"postgres://app:12345/S3cr3tPW@127.0.0.1:5432/db?sslmode=disable",
		"redis://app:?S3cr3tPW@127.0.0.1:6379/0",    // the rest of the password in the query
		"redis://:1234?S3cr3tPW@127.0.0.1/0",        // port and query
		"redis://:1234#S3cr3tPW@127.0.0.1:6379/0",   // would dial localhost:1234
		"redis://app:pw@127.0.0.1:6379/0?x=S3cr3t@", // '@' after a complete user info
	} {
		_, err := Open(t.Context(), rawURL)
		if err == nil {
			t.Fatalf("Open(%q) = nil error; want a parse error", rawURL)
		}
		if strings.Contains(err.Error(), "S3cr3t") {
			t.Errorf("Open(%q) error %q contains a piece of the password", rawURL, err)
		}
		if !strings.Contains(err.Error(), "cannot parse store URL") || !strings.Contains(err.Error(), "percent-encode") {
			t.Errorf("Open(%q) error %q; want it to say the URL does not parse and how to fix it", rawURL, err)
		}
	}
}

// plain is a store without Close, and plainDeleter one with Delete.
type plain struct{ names map[string]string }

func (p *plain) Read(_ context.Context, name string) (string, error) {
	if v, ok := p.names[name]; ok {
		return v, nil
	}
	return "", &Error{Op: OpRead, Name: name, Err: ErrNotFound}
}

func (p *plain) Write(_ context.Context, name, content string) error {
	p.names[name] = content
	return nil
}

type plainDeleter struct{ plain }

func (p *plainDeleter) Delete(_ context.Context, name string) error {
	delete(p.names, name)
	return nil
}

func TestOpenGivesEveryStoreClose(t *testing.T) {
	for _, tc := range []struct {
		desc      string
		s         MutableStore
		canDelete bool
	}{
		{"without Delete", &plain{names: map[string]string{}}, false},
		{"with Delete", &plainDeleter{plain{names: map[string]string{}}}, true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			scheme := uniqueScheme("noclose")
			Register(scheme, func(context.Context, *url.URL) (MutableStore, error) { return tc.s, nil })
			s, err := Open(t.Context(), scheme+":x")
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			if err := s.Write(ctx, "a", "v"); err != nil {
				t.Fatalf("Write before Close = %v", err)
			}
			if _, ok := s.(Deleter); ok != tc.canDelete {
				t.Errorf("the opened store implements Deleter = %v; want %v, as the adapter's store does", ok, tc.canDelete)
			}
			for i := range 2 {
				if err := s.Close(); err != nil {
					t.Errorf("Close #%d = %v; want nil", i+1, err)
				}
			}
			_, rerr := s.Read(ctx, "a")
			werr := s.Write(ctx, "a", "w")
			errs := []error{rerr, werr}
			if d, ok := s.(Deleter); ok {
				errs = append(errs, d.Delete(ctx, "a"))
			}
			for _, err := range errs {
				var se *Error
				if !errors.Is(err, fs.ErrClosed) || !errors.As(err, &se) || se.Name != "a" {
					t.Errorf("operation after Close = %v; want a *store.Error for \"a\" matching fs.ErrClosed", err)
				}
			}
			if v, _ := tc.s.Read(ctx, "a"); v != "v" {
				t.Errorf("the adapter's store holds %q after the closed store's Write; want \"v\" (nothing passed through)", v)
			}
		})
	}
}
