package redisstore

import (
	"errors"
	"net/url"
	"testing"
)

// TestRedact covers errors that quote the URL they were given, as url.Parse
// errors do: whatever form the password takes in the message, it goes.
func TestRedact(t *testing.T) {
	u, err := url.Parse("redis://user:p%40ss%2Fw%20rd@host:6379/0")
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{
		`parse "redis://user:p%40ss%2Fw%20rd@host:6379/0": bad`,
		`parse "redis://user:p@ss/w rd@host:6379/0": bad`,
		`parse "redis://user:p%40ss%2Fw+rd@host:6379/0": bad`,
	} {
		got := redact(errors.New(msg), u).Error()
		want := `parse "redis://user:xxxxx@host:6379/0": bad`
		if got != want {
			t.Errorf("redact(%q) = %q; want %q", msg, got, want)
		}
	}
	orig := errors.New("redis: unexpected option: colour")
	if got := redact(orig, u); got != orig {
		t.Errorf("redact of an error without the password = %v; want the same error", got)
	}
	// A sentinel URL's master password is a query parameter.
	q, _ := url.Parse("redis://host:26379?master_name=m&password=qu%2Fery-pw")
	for _, msg := range []string{`bad "qu/ery-pw"`, `bad "qu%2Fery-pw"`} {
		if got := redact(errors.New(msg), q).Error(); got != `bad "xxxxx"` {
			t.Errorf("redact(%q) with password= = %q; want %q", msg, got, `bad "xxxxx"`)
		}
	}
	noPassword, _ := url.Parse("redis://host:6379/0")
	if got := redact(orig, noPassword); got != orig {
		t.Errorf("redact with a URL without password = %v; want the same error", got)
	}
}
