package pacer

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Pacer. Zero values take the defaults shown.
type Options struct {
	// Ceiling is a hard ceiling in calls per second that the pace never
	// exceeds; 0 means none.
	Ceiling float64
	// Auto adapts the pace to the quota the server reports in
	// X-RateLimit-Limit and X-RateLimit-Remaining: at most Share of the
	// limit, and less when Remaining shows other clients are busy.
	// Without Auto the pace starts at Ceiling (no pace at all when Ceiling
	// is 0) and only 429s lower it.
	Auto bool
	// Share is the fraction (0, 1] of the reported limit Auto uses
	// (default 0.5).
	Share float64
	// Initial is Auto's pace before the first answer that reports a limit
	// (default 5/s: half of Zoom's smallest per-second limit is 2, of the
	// next 15, and a run's first answer comes within a call or two).
	Initial float64
	// Unreported is Auto's pace when answers carry no limit (default 10/s).
	Unreported float64
	// Floor is the least a 429 lowers the pace to (default 0.5/s).
	Floor float64
	// Decrease multiplies the pace on a 429 (default 0.5).
	Decrease float64
	// Clock is the time seam (default the wall clock).
	Clock Clock
}

func (o *Options) setDefaults() {
	if o.Share <= 0 || o.Share > 1 {
		o.Share = 0.5
	}
	if o.Initial <= 0 {
		o.Initial = 5
	}
	if o.Unreported <= 0 {
		o.Unreported = 10
	}
	if o.Floor <= 0 {
		o.Floor = 0.5
	}
	if o.Decrease <= 0 || o.Decrease >= 1 {
		o.Decrease = 0.5
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
}

// Pacer spaces calls at an adaptive rate shared by every goroutine that uses
// it, holds them all during a rate-limit pause, and can be stopped for good
// (a daily quota spent), after which Wait fails at once.
type Pacer struct {
	opts  Options
	clock Clock

	mu         sync.Mutex
	rate       float64   // calls per second now; +Inf for no pace
	target     float64   // what additive recovery climbs back to
	learned    bool      // an answer reported the limit
	next       time.Time // the next free slot
	pauseUntil time.Time // nobody starts a call before this
	lastRaise  time.Time // when rate was last raised or lowered
	lastCut    time.Time // when a 429 last lowered rate
	stopped    error
}

// New returns a pacer.
func New(opts Options) *Pacer {
	opts.setDefaults()
	p := &Pacer{opts: opts, clock: opts.Clock}
	switch {
	case opts.Auto:
		p.target = opts.Initial
	case opts.Ceiling > 0:
		p.target = opts.Ceiling
	default:
		p.target = math.Inf(1)
	}
	p.target = p.capped(p.target)
	p.rate = p.target
	p.lastRaise = p.clock.Now()
	return p
}

// Clock is the pacer's clock, for callers that sleep (back-off) or read
// the time alongside it.
func (p *Pacer) Clock() Clock { return p.clock }

func (p *Pacer) capped(r float64) float64 {
	if p.opts.Ceiling > 0 && r > p.opts.Ceiling {
		return p.opts.Ceiling
	}
	return r
}

// Wait blocks until the caller may start a call: after the shared pause and
// in its own slot at the current rate. It returns the time the slot began
// (pass it to Observe), the error Stop recorded, or ctx's error.
func (p *Pacer) Wait(ctx context.Context) (time.Time, error) {
	for {
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
		p.mu.Lock()
		if p.stopped != nil {
			err := p.stopped
			p.mu.Unlock()
			return time.Time{}, err
		}
		now := p.clock.Now()
		slot := now
		if p.next.After(slot) {
			slot = p.next
		}
		if p.pauseUntil.After(slot) {
			slot = p.pauseUntil
		}
		if !math.IsInf(p.rate, 1) {
			p.next = slot.Add(time.Duration(float64(time.Second) / p.rate))
		}
		p.mu.Unlock()
		if d := slot.Sub(now); d > 0 {
			if err := p.clock.Sleep(ctx, d); err != nil {
				return time.Time{}, err
			}
		}
		// A 429 may have paused everyone while this caller slept.
		p.mu.Lock()
		held := p.pauseUntil.After(p.clock.Now()) || p.stopped != nil
		p.mu.Unlock()
		if !held {
			return slot, nil
		}
	}
}

// Observe feeds the pacer the answer to a call that Wait let start at sent:
// its status (0 for no answer) and headers. A 429 lowers the rate (once per
// burst: only for calls sent after the last cut); any other answer lets it
// recover additively. In auto mode the reported limit sets the target.
func (p *Pacer) Observe(sent time.Time, status int, h http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if p.opts.Auto && status != 0 {
		// A 429's Remaining is always 0: the decrease below answers it.
		p.learn(h, status != http.StatusTooManyRequests)
	}
	if status == http.StatusTooManyRequests {
		if !p.lastCut.IsZero() && !sent.After(p.lastCut) {
			return // sent at the old rate: that cut already counted it
		}
		if math.IsInf(p.rate, 1) {
			return // no pace to lower; the pause does the work
		}
		p.rate = max(p.opts.Floor, p.rate*p.opts.Decrease)
		p.lastCut, p.lastRaise = now, now
		return
	}
	if status == 0 || p.rate >= p.target {
		p.rate = min(p.rate, p.target)
		return
	}
	// Additive recovery: a tenth of the target per second since the last
	// change, so a halved pace is back in about five seconds.
	el := now.Sub(p.lastRaise).Seconds()
	if el <= 0 {
		return
	}
	step := max(p.target/10, 0.5) * min(el, 10)
	p.rate = min(p.target, p.rate+step)
	p.lastRaise = now
}

// learn sets the target from the rate-limit headers, reading Remaining
// only when withRemaining; p.mu is held.
func (p *Pacer) learn(h http.Header, withRemaining bool) {
	if typ := h.Get("X-RateLimit-Type"); typ != "" && !strings.EqualFold(typ, "QPS") {
		return // a daily count is not a per-second quota
	}
	limit, err := strconv.ParseFloat(h.Get("X-RateLimit-Limit"), 64)
	if err != nil || limit <= 0 {
		if !p.learned {
			p.setTarget(p.opts.Unreported)
		}
		return
	}
	target := limit * p.opts.Share
	if rem, err := strconv.ParseFloat(h.Get("X-RateLimit-Remaining"), 64); withRemaining && err == nil && rem >= 0 && rem < target {
		// The account's bucket is below our share: others are using it.
		// Pace no faster than what is left, so it fills again.
		target = max(rem, p.opts.Floor)
	}
	if !p.learned {
		// The first report ends the cautious start.
		p.learned = true
		p.rate = p.capped(target)
	}
	p.setTarget(target)
}

func (p *Pacer) setTarget(t float64) {
	p.target = p.capped(max(t, p.opts.Floor))
	if p.rate > p.target {
		p.rate = p.target
	}
}

// Pause holds every caller of Wait for d from now (a 429's Retry-After).
func (p *Pacer) Pause(d time.Duration) {
	if d <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := p.clock.Now().Add(d); until.After(p.pauseUntil) {
		p.pauseUntil = until
	}
}

// Stop makes every later Wait fail with err (the first err wins).
func (p *Pacer) Stop(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped == nil {
		p.stopped = err
	}
}

// Rate is the current pace in calls per second (+Inf for none).
func (p *Pacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate
}
