package urlparam

import "strings"

// TrimPrefix returns err with prefix, such as "pgstore: " or go-redis's
// "redis: ", cut from the start of its message, for an opener that returns
// the error of its driver or of its package's constructor: store.Open puts
// its own prefix, naming the scheme, in front, and two would stack. The
// error stays reachable with errors.Is and errors.As; one whose message
// does not start with prefix is returned as it is.
func TrimPrefix(err error, prefix string) error {
	if err == nil {
		return nil
	}
	msg, ok := strings.CutPrefix(err.Error(), prefix)
	if !ok {
		return err
	}
	return &trimmedError{msg: msg, err: err}
}

type trimmedError struct {
	msg string
	err error
}

func (e *trimmedError) Error() string { return e.msg }
func (e *trimmedError) Unwrap() error { return e.err }
