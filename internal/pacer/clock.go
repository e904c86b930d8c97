package pacer

import (
	"context"
	"time"
)

// Clock is the time seam: Now reads the time and Sleep waits for d or until
// ctx ends, whichever comes first, returning ctx.Err() in the latter case.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the wall clock.
type realClock struct{}

// Now is time.Now.
func (realClock) Now() time.Time { return time.Now() }

// Sleep waits d on a timer, giving way to ctx.
func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// FuncClock builds a Clock from two functions; a nil one takes the
// wall clock's.
type FuncClock struct {
	NowFunc   func() time.Time
	SleepFunc func(ctx context.Context, d time.Duration) error
}

// Now calls NowFunc.
func (c FuncClock) Now() time.Time {
	if c.NowFunc == nil {
		return time.Now()
	}
	return c.NowFunc()
}

// Sleep calls SleepFunc.
func (c FuncClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.SleepFunc == nil {
		return realClock{}.Sleep(ctx, d)
	}
	return c.SleepFunc(ctx, d)
}
