//go:build race

package sheet

// raceEnabled relaxes memory checks: the race detector multiplies memory use.
const raceEnabled = true
