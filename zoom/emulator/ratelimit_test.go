package emulator

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRateLimit(t *testing.T) {
	e := setup(t, func(o *Options) { o.RateLimit = 2 })
	type seen struct {
		Status                        int
		Category, Type, Limit, Remain string
		RetryAfter                    string
	}
	get := func() (seen, resp) {
		r := e.do("GET", "/v2/scheduler/schedules", "")
		h := r.header
		return seen{r.status, h.Get("X-RateLimit-Category"), h.Get("X-RateLimit-Type"),
			h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("Retry-After")}, r
	}
	var got []seen
	for range 3 {
		s, _ := get()
		got = append(got, s)
	}
	_, last := get()
	want := []seen{
		{200, "Light", "QPS", "2", "1", ""},
		{200, "Light", "QPS", "2", "0", ""},
		{429, "Light", "QPS", "2", "0", "1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("responses (-want +got):\n%s", diff)
	}
	wantJSON(t, last.body, `{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`)

	// Rejected requests consumed nothing: half a second refills one token.
	e.clock.Advance(500 * time.Millisecond)
	if s, _ := get(); s.Status != 200 || s.Remain != "0" {
		t.Errorf("after refill: %+v", s)
	}
	// The bucket never holds more than the burst.
	e.clock.Advance(10 * time.Second)
	if s, _ := get(); s.Remain != "1" {
		t.Errorf("after ten seconds: %+v", s)
	}
	// The token endpoint is not limited.
	for range 5 {
		e.mintToken()
	}
	if s := e.emu.Stats(); s.RateLimited != 2 {
		t.Errorf("RateLimited = %d, want 2", s.RateLimited)
	}
}

func TestRateLimitRetryAfterRoundsUp(t *testing.T) {
	e := setup(t, func(o *Options) { o.RateLimit = 1 })
	e.do("GET", "/v2/scheduler/schedules", "")
	e.clock.Advance(100 * time.Millisecond)
	r := e.do("GET", "/v2/scheduler/schedules", "")
	if r.status != 429 || r.header.Get("Retry-After") != "1" {
		t.Errorf("status %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
}

func TestDailyLimit(t *testing.T) {
	e := setup(t, func(o *Options) { o.DailyLimit = 2 })
	for i := range 2 {
		if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := e.do("GET", "/v2/scheduler/schedules", "")
	if r.status != 429 {
		t.Fatalf("status %d", r.status)
	}
	for k, v := range map[string]string{
		"X-RateLimit-Type":  "Daily-limit",
		"X-RateLimit-Limit": "2",
		"Retry-After":       "2026-11-24T00:00:00Z",
	} {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	wantJSON(t, r.body, `{"code":429,"message":"You have reached the maximum daily rate limit for this API. Try again later."}`)
	// A new UTC day resets the count.
	e.clock.Advance(14 * time.Hour)
	e.token = e.mintToken()
	if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 {
		t.Errorf("next day: %d", r.status)
	}
}
