package emulator

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestScriptedFaults(t *testing.T) {
	e := setup(t, nil)
	e.emu.InjectFault(Fault{Method: "POST", Path: "/v2/scheduler/schedules", Status: 503})
	e.emu.InjectFault(Fault{Method: "GET", Status: 429, RetryAfter: "2", Count: 2})
	body := pageBody("T", []string{"alice@example.com"}, "")

	r := e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com", body)
	if r.status != 503 {
		t.Fatalf("first POST: %d", r.status)
	}
	wantJSON(t, r.body, `{"code":503,"message":"Service Unavailable."}`)
	if n := len(e.emu.Pages("", true)); n != 0 {
		t.Errorf("injected error stored %d pages", n)
	}
	e.create("alice@example.com", body)

	for range 2 {
		r := e.do("GET", "/v2/scheduler/schedules?user_id=alice@example.com", "")
		if r.status != 429 || r.header.Get("Retry-After") != "2" {
			t.Errorf("GET: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
		wantJSON(t, r.body, `{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`)
	}
	if r := e.do("GET", "/v2/scheduler/schedules?user_id=alice@example.com", ""); r.status != 200 {
		t.Errorf("GET after faults: %d", r.status)
	}

	// A daily-limit 429 with an ISO Retry-After, and the token endpoint.
	e.emu.InjectFault(Fault{Path: "/v2/scheduler/users", Status: 429, RetryAfter: "2026-11-24T00:00:00Z"})
	r = e.do("GET", "/v2/scheduler/users/alice@example.com", "")
	if r.status != 429 || r.header.Get("X-RateLimit-Type") != "Daily-limit" || r.header.Get("Retry-After") != "2026-11-24T00:00:00Z" {
		t.Errorf("daily fault: %d %v", r.status, r.header)
	}
	e.emu.InjectFault(Fault{Path: "/oauth/token", Status: 500})
	req, _ := http.NewRequest("POST", e.srv.URL+"/oauth/token?grant_type=account_credentials&account_id=emulator-account", nil)
	req.SetBasicAuth("emulator-client", "emulator-secret")
	r = e.send(req)
	if r.status != 500 {
		t.Errorf("token fault: %d", r.status)
	}
	wantJSON(t, r.body, `{"code":500,"message":"Internal Error."}`)
	if s := e.emu.Stats(); s.InjectedErrors != 5 {
		t.Errorf("InjectedErrors = %d, want 5", s.InjectedErrors)
	}
}

func TestDropCommitsButNoResponse(t *testing.T) {
	e := setup(t, nil)
	e.emu.InjectFault(Fault{Method: "POST", Drop: true})
	req := e.newRequest("POST", "/v2/scheduler/schedules?user_id=alice@example.com",
		pageBody("Dropped", []string{"alice@example.com"}, `,"slug":"dropped"`))
	res, err := e.srv.Client().Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("POST answered %d, want a connection error", res.StatusCode)
	}
	pages := e.emu.Pages("alice@example.com", false)
	if len(pages) != 1 || pages[0].Slug != "dropped" {
		t.Fatalf("pages after drop: %+v", pages)
	}
	// The next request is served normally and finds the page.
	if r := e.do("GET", "/v2/scheduler/schedules/dropped?user_id=alice@example.com", ""); r.status != 200 {
		t.Errorf("GET after drop: %d", r.status)
	}
	if s := e.emu.Stats(); s.DroppedResponses != 1 {
		t.Errorf("DroppedResponses = %d", s.DroppedResponses)
	}
}

func TestDropPostRate(t *testing.T) {
	e := setup(t, func(o *Options) { o.DropPostRate = 1 })
	req := e.newRequest("POST", "/v2/scheduler/schedules?user_id=alice@example.com",
		pageBody("Dropped", []string{"alice@example.com"}, ""))
	if res, err := e.srv.Client().Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("POST answered %d", res.StatusCode)
	}
	if n := len(e.emu.Pages("alice@example.com", false)); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
	// Only POSTs are dropped.
	if r := e.do("GET", "/v2/scheduler/schedules?user_id=alice@example.com", ""); r.status != 200 {
		t.Errorf("GET: %d", r.status)
	}
}

func TestErrorRateIsSeeded(t *testing.T) {
	run := func() ([]int, Stats) {
		e := setup(t, func(o *Options) { o.ErrorRate = 0.5; o.Seed = 42 })
		var statuses []int
		for range 40 {
			statuses = append(statuses, e.do("GET", "/v2/scheduler/schedules", "").status)
		}
		return statuses, e.emu.Stats()
	}
	a, stats := run()
	b, _ := run()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different statuses (-first +second):\n%s", diff)
	}
	errs := 0
	for _, s := range a {
		switch s {
		case 200:
		case 500, 502, 503, 504:
			errs++
		default:
			t.Errorf("status %d", s)
		}
	}
	if errs < 5 || errs > 35 || stats.InjectedErrors != errs {
		t.Errorf("%d errors of 40 at rate 0.5, InjectedErrors %d", errs, stats.InjectedErrors)
	}

	// State is untouched by an injected error.
	e := setup(t, func(o *Options) { o.ErrorRate = 1 })
	r := e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com", pageBody("T", []string{"alice@example.com"}, ""))
	if r.status < 500 || len(e.emu.Pages("", true)) != 0 {
		t.Errorf("ErrorRate 1: %d, %d pages", r.status, len(e.emu.Pages("", true)))
	}
	if !strings.Contains(string(r.body), `"code":5`) {
		t.Errorf("body %s", r.body)
	}
}

func TestLatency(t *testing.T) {
	e := setup(t, func(o *Options) { o.Latency = 60 * time.Millisecond })
	start := time.Now()
	if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("answered after %v, want ≥ 60ms", d)
	}
	// A cancelled request does not wait out the latency or change anything.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req := e.newRequest("POST", "/v2/scheduler/schedules", pageBody("T", []string{"admin@example.com"}, "")).WithContext(ctx)
	if res, err := e.srv.Client().Do(req); err == nil {
		res.Body.Close()
		t.Errorf("cancelled request answered %d", res.StatusCode)
	}
	time.Sleep(80 * time.Millisecond) // the handler would have finished by now
	if n := len(e.emu.Pages("", true)); n != 0 {
		t.Errorf("cancelled request stored %d pages", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := setup(t, func(o *Options) { o.RateLimit = 1000; o.StatePath = t.TempDir() + "/state.json" })
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			owner := []string{"alice@example.com", "bob@example.com"}[i%2]
			r := e.do("POST", "/v2/scheduler/schedules?user_id="+owner, pageBody("Same name", []string{owner}, ""))
			if r.status != 201 {
				t.Errorf("create: %d %s", r.status, r.body)
				return
			}
			id := r.json()["schedule_id"].(string)
			e.do("PATCH", "/v2/scheduler/schedules/"+id+"?user_id="+owner, `{"duration":60}`)
			e.do("GET", "/v2/scheduler/schedules?user_id="+owner, "")
			e.emu.Pages("", true)
			e.emu.Stats()
			e.emu.InjectFault(Fault{Path: "/nowhere"})
		})
	}
	wg.Wait()
	slugs := map[string]bool{}
	for _, p := range e.emu.Pages("", false) {
		key := p.Owner + "/" + p.Slug
		if slugs[key] || p.Duration != 60 {
			t.Errorf("page %s duration %d (duplicate slug: %v)", key, p.Duration, slugs[key])
		}
		slugs[key] = true
	}
	if len(slugs) != 16 {
		t.Errorf("%d pages, want 16", len(slugs))
	}
}
