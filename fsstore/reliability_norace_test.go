//go:build linux && !race

package fsstore_test

// raceEnabled is true in a -race build; see reliability_race_test.go.
const raceEnabled = false
