//go:build windows

package fsstore

// tempPrefix starts every temp file name. Windows forbids every character
// that store.ValidateName rejects, so here the form of a temp name is
// reserved instead: checkReserved refuses names with such a segment.
const tempPrefix = ".mstore-tmp-"

// reservedTempNames: names that Windows would resolve to a temp file are
// refused, so IsTempFile never matches a value.
const reservedTempNames = true
