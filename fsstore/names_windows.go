//go:build windows

package fsstore

// tempPrefix starts every temp file name. Windows forbids every character
// that store.ValidateName rejects, so here a temp name is a valid store name
// in principle; the random suffix makes a collision with a real name, and
// reading a temp file by name, practically impossible.
const tempPrefix = ".mstore-tmp-"
