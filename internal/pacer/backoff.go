package pacer

import (
	"math/rand/v2"
	"time"
)

// Backoff is exponential with jitter: the n-th wait (n from 1) is drawn
// from [d/2, d] where d = Min·2^(n-1), capped at Max. The jitter spreads
// callers that failed together.
type Backoff struct {
	Min, Max time.Duration
}

// DefaultBackoff waits about 0.5, 1, 2, 4 … seconds, at most 20.
var DefaultBackoff = Backoff{Min: 500 * time.Millisecond, Max: 20 * time.Second}

// Delay is the wait before retry n (n ≥ 1).
func (b Backoff) Delay(n int) time.Duration {
	if b.Min <= 0 {
		b.Min = DefaultBackoff.Min
	}
	if b.Max < b.Min {
		b.Max = b.Min
	}
	d := b.Min << min(max(n-1, 0), 30)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	return d/2 + Jitter(d/2)
}

// Jitter is a random duration in [0, d].
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}
