//go:build !unix

package fsstore

import (
	"errors"
	"os"
)

// rmdirAt: there is no remove-only-a-directory here, so an empty directory
// in the way of a write stays a conflict.
func rmdirAt(*os.File, string) error { return errors.ErrUnsupported }
