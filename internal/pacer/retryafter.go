package pacer

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseRetryAfter reads a Retry-After value as whole or decimal seconds, an
// HTTP date (RFC 9110), or an ISO 8601 / RFC 3339 time (Zoom sends the
// latter for a daily limit; without a zone it is UTC). It returns how long
// to wait from now and whether the value was understood; a time in the past
// is a wait of 0.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "eEnNxXpP") {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	layouts := []func(string) (time.Time, error){
		http.ParseTime,
		func(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) },
		func(s string) (time.Time, error) { return time.Parse("2006-01-02T15:04:05", s) },
		func(s string) (time.Time, error) { return time.Parse("2006-01-02T15:04:05Z0700", s) },
	}
	for _, parse := range layouts {
		if t, err := parse(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
}
