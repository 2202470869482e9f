//go:build linux && race

package fsstore_test

// raceEnabled is true in a -race build. TestReliabilityKill then kills
// fewer children by default: a -race binary starts several times slower and
// the race detector watches nothing in a child killed within milliseconds.
const raceEnabled = true
