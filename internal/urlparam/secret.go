package urlparam

import (
	"net/url"
	"strings"
)

// IsSecret reports whether a query parameter holds a secret: its name, in
// any case, holds "password", "secret" or "token", such as PostgreSQL's
// password and sslpassword or a Redis Sentinel URL's master password.
// store.Open removes such values from an opener's error, as it does the
// password of the user info. A rule on the name rather than a list from
// each adapter also covers the parameters a driver adds later, and a
// credential put in a parameter no adapter takes.
func IsSecret(name string) bool {
	name = strings.ToLower(name)
	return strings.Contains(name, "password") || strings.Contains(name, "secret") || strings.Contains(name, "token")
}

// Redacted returns u as a string, as u.Redacted does, with the value of
// every secret parameter replaced by "xxxxx" too: for a URL to show, such
// as in a report. The other parameters keep their order and spelling.
func Redacted(u *url.URL) string {
	c := *u
	pairs := strings.Split(c.RawQuery, "&")
	for i, pair := range pairs {
		rawName, _, hasValue := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(rawName); hasValue && (err != nil || IsSecret(name)) {
			pairs[i] = rawName + "=xxxxx"
		}
	}
	c.RawQuery = strings.Join(pairs, "&")
	return c.Redacted()
}
