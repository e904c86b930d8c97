// Package pacertest provides a virtual clock for tests of code that takes
// internal/pacer's Clock seam (the pacer, the Zoom client, the emulator).
package pacertest

import (
	"context"
	"sync"
	"time"
)

// Clock is virtual time: Sleep moves it forward at once, so pacing,
// back-off and Retry-After waits cost no real time. Concurrent sleeps add
// up, so elapsed virtual time is never less than any one caller waited.
type Clock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

// NewClock returns a clock set to a fixed instant.
func NewClock() *Clock { return &Clock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)} }

// Now is the virtual time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Sleep moves the clock forward by d, or returns ctx.Err() when ctx has
// ended.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
		c.slept = append(c.slept, d)
	}
	return nil
}

// Advance moves the clock forward without counting a sleep.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Slept lists the sleeps so far, in order.
func (c *Clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}
