package loadfault

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// A value carries its own check, so a read that returns part of a value, two
// values spliced, or another name's value is caught:
//
//	lf1 NAME SEQ LEN SHA256\nBODY
//
// where SHA256 is of "NAME SEQ\n" followed by BODY, and BODY is LEN bytes.
const magic = "lf1"

// newValue returns the value of the seq-th write of name, with a body of 16
// to 4096 bytes.
func newValue(r *rand.Rand, name string, seq int) string {
	body := make([]byte, 16+r.IntN(4081))
	for i := range body {
		body[i] = 'a' + byte(r.IntN(26))
	}
	return fmt.Sprintf("%s %s %d %d %s\n%s", magic, name, seq, len(body), digest(name, seq, body), body)
}

func digest(name string, seq int, body []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %d\n", name, seq)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// parseValue returns the sequence number of a value of name, or an error
// saying why v is not a whole value of name.
func parseValue(name, v string) (int, error) {
	header, body, ok := strings.Cut(v, "\n")
	if !ok {
		return 0, fmt.Errorf("no header line in %d bytes", len(v))
	}
	f := strings.Fields(header)
	if len(f) != 5 || f[0] != magic {
		return 0, fmt.Errorf("malformed header %.80q", header)
	}
	if f[1] != name {
		return 0, fmt.Errorf("value of %q read as %q", f[1], name)
	}
	seq, err := strconv.Atoi(f[2])
	if err != nil {
		return 0, fmt.Errorf("malformed sequence %q", f[2])
	}
	if n, err := strconv.Atoi(f[3]); err != nil || n != len(body) {
		return 0, fmt.Errorf("body of %d bytes, header says %s", len(body), f[3])
	}
	if digest(name, seq, []byte(body)) != f[4] {
		return 0, fmt.Errorf("SHA-256 mismatch (write %d)", seq)
	}
	return seq, nil
}
