//go:build !windows

package fsstore

// tempPrefix starts every temp file name. The backslash makes it a name no
// store name can ever refer to (store.ValidateName rejects backslashes), so
// a temp file, even one left behind by a crash, is never visible as a value
// and never collides with one, including names such as ".well-known/x".
const tempPrefix = `.mstore-tmp\`

// reservedTempNames is false: no valid name can reach a temp file here.
const reservedTempNames = false
