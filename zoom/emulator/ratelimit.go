package emulator

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	msgQPSLimit   = "You have reached the maximum per-second rate limit for this API. Try again later."
	msgDailyLimit = "You have reached the maximum daily rate limit for this API. Try again later."
)

// limiter is the account's rate limit: a token bucket (burst = rate,
// continuous refill) and an optional count per UTC day. Zoom's limits are
// per account, shared by every app and token of it (documented,
// docs/zoom-api.md#rate-limits-and-errors); the emulator serves one account,
// so there is one limiter, whatever token or client credentials a request
// carries. One bucket for every category is a simplification (inferred).
// A rejected request consumes nothing.
type limiter struct {
	mu       sync.Mutex
	rate     int  // per second; 0 = unlimited
	daily    int  // per UTC day; 0 = none
	httpDate bool // Retry-After of per-second 429s as an HTTP date
	tokens   float64
	last     time.Time
	day      string // UTC date of used
	used     int
}

func newLimiter(rate, daily int, httpDate bool) *limiter {
	return &limiter{rate: rate, daily: daily, httpDate: httpDate, tokens: float64(rate)}
}

func (l *limiter) settings() (rate, daily int, httpDate bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate, l.daily, l.httpDate
}

// set changes the limits; a new rate starts with a full bucket.
func (l *limiter) set(rate, daily int, httpDate bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rate != l.rate {
		l.tokens = float64(rate)
	}
	l.rate, l.daily, l.httpDate = rate, daily, httpDate
}

// setRateHeaders sets the headers every /v2 answer carries; the limiter
// adds the numbers. The Scheduler endpoints are LIGHT (documented); the
// Users list is MEDIUM (inferred), docs/zoom-api.md#rate-limits-and-errors.
func setRateHeaders(h http.Header, path string) {
	category := "Light"
	if path == routeUsers {
		category = "Medium"
	}
	h.Set("X-RateLimit-Category", category)
	h.Set("X-RateLimit-Type", "QPS")
}

// advance refills the bucket and rolls the day over; l.mu is held. A clock
// that goes backwards refills nothing.
func (l *limiter) advance(now time.Time) {
	if day := now.UTC().Format(time.DateOnly); day != l.day {
		l.day, l.used = day, 0
	}
	if l.rate == 0 {
		return
	}
	if !l.last.IsZero() {
		if el := now.Sub(l.last).Seconds(); el > 0 {
			l.tokens = math.Min(float64(l.rate), l.tokens+el*float64(l.rate))
		}
	}
	if now.After(l.last) {
		l.last = now
	}
}

// headers sets Limit and Remaining; l.mu is held. Without a per-second limit
// the daily one is shown; without either, no numbers are sent (inferred,
// docs/zoom-api.md#rate-limits-and-errors).
func (l *limiter) headers(h http.Header) {
	switch {
	case l.rate > 0:
		h.Set("X-RateLimit-Limit", strconv.Itoa(l.rate))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(int(math.Floor(l.tokens))))
	case l.daily > 0:
		h.Set("X-RateLimit-Type", "Daily-limit")
		h.Set("X-RateLimit-Limit", strconv.Itoa(l.daily))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(l.daily-l.used))
	}
}

// peek sets the rate headers without consuming anything.
func (l *limiter) peek(h http.Header, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.advance(now)
	l.headers(h)
}

// allow consumes one request, or answers 429 and returns false.
func (l *limiter) allow(w http.ResponseWriter, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.advance(now)
	h := w.Header()
	if l.daily > 0 && l.used >= l.daily {
		y, m, d := now.UTC().Date()
		next := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
		h.Set("X-RateLimit-Type", "Daily-limit")
		h.Set("X-RateLimit-Limit", strconv.Itoa(l.daily))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("Retry-After", next.Format("2006-01-02T15:04:05Z"))
		writeCode(w, http.StatusTooManyRequests, http.StatusTooManyRequests, msgDailyLimit)
		return false
	}
	if l.rate > 0 {
		if l.tokens < 1 {
			wait := math.Ceil((1 - l.tokens) / float64(l.rate))
			h.Set("X-RateLimit-Limit", strconv.Itoa(l.rate))
			h.Set("X-RateLimit-Remaining", "0")
			secs := max(1, int(wait))
			if l.httpDate {
				// An HTTP date has whole seconds: round up so that it is
				// never earlier than the wait.
				at := now.Add(time.Duration(secs) * time.Second)
				if t := at.Truncate(time.Second); t.Before(at) {
					at = t.Add(time.Second)
				}
				h.Set("Retry-After", at.UTC().Format(http.TimeFormat))
			} else {
				h.Set("Retry-After", strconv.Itoa(secs))
			}
			writeCode(w, http.StatusTooManyRequests, http.StatusTooManyRequests, msgQPSLimit)
			return false
		}
		l.tokens--
	}
	l.used++
	l.headers(h)
	return true
}
