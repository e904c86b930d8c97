package emulator

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestLateCommitLandsAfterTheClientGaveUp(t *testing.T) {
	e := setup(t, func(o *Options) { o.LateCommit = time.Hour }) // lands only through CommitPending
	e.emu.InjectFault(Fault{Method: "POST", Path: "/v2/scheduler/schedules", Drop: true})
	req := e.newRequest("POST", "/v2/scheduler/schedules?user_id=ann@example.com",
		pageBody("Late", []string{"ann@example.com"}, `,"slug":"late"`))
	if res, err := e.srv.Client().Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("dropped POST answered %d", res.StatusCode)
	}
	// The client re-checks: nothing is there yet, so it sends again.
	if n := len(e.emu.Pages("ann@example.com", true)); n != 0 {
		t.Fatalf("%d pages before the late commit", n)
	}
	e.create("ann@example.com", pageBody("Late", []string{"ann@example.com"}, `,"slug":"late"`))
	// Then the first commit lands: two live pages share the slug, as a
	// check-then-write race would leave them.
	r := e.admin("POST", "/_emulator/commit-pending", "")
	wantJSON(t, r.body, `{"landed":1}`)
	pages := e.emu.Pages("ann@example.com", false)
	if len(pages) != 2 || pages[0].Slug != "late" || pages[1].Slug != "late" {
		t.Fatalf("pages %+v", pages)
	}
	s := e.emu.Stats()
	if s.LateCommits != 1 || s.DroppedResponses != 1 {
		t.Errorf("stats %+v", s)
	}
	// Deleting the page the slug index names leaves the other findable.
	if r := e.do("DELETE", "/v2/scheduler/schedules/late?user_id=ann@example.com", ""); r.status != 204 {
		t.Fatalf("DELETE by slug: %d", r.status)
	}
	if r := e.do("GET", "/v2/scheduler/schedules/late?user_id=ann@example.com", ""); r.status != 200 {
		t.Errorf("GET the other page by slug: %d", r.status)
	}
	if n := e.emu.CommitPending(); n != 0 {
		t.Errorf("CommitPending again landed %d", n)
	}
}

func TestLateCommitTimerAndClose(t *testing.T) {
	e := setup(t, func(o *Options) { o.DropPostRate, o.LateCommit = 1, 20*time.Millisecond })
	req := e.newRequest("POST", "/v2/scheduler/schedules?user_id=ann@example.com", pageBody("A", []string{"ann@example.com"}, ""))
	if res, err := e.srv.Client().Do(req); err == nil {
		res.Body.Close()
		t.Fatal("answered")
	}
	// The timer lands it; poll the store rather than sleep a fixed time.
	deadline := time.Now().Add(5 * time.Second)
	for len(e.emu.Pages("ann@example.com", false)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the late commit never landed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	p := e.emu.Pages("ann@example.com", false)[0]
	if p.CreatedVia != "api" {
		t.Errorf("created_via %q", p.CreatedVia)
	}

	// A commit still pending at Close lands before the state is saved.
	emu, err := New(Options{DropPostRate: 1, LateCommit: time.Hour, Mode: ModeCollective})
	if err != nil {
		t.Fatal(err)
	}
	emu.mu.Lock()
	u, _ := emu.findUser("bob@example.com")
	pg, errs := emu.build(u, &scheduleBody{Summary: new("B"), AvailabilityOverride: new(true)}, ModeCollective, false)
	if errs != nil {
		t.Fatal(errs)
	}
	emu.deferCommit(pg, time.Hour)
	emu.mu.Unlock()
	if err := emu.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(emu.Pages("bob@example.com", false)); n != 1 {
		t.Errorf("after Close: %d pages", n)
	}
}

func TestErrorAfterCommit(t *testing.T) {
	e := setup(t, nil)
	e.emu.InjectFault(Fault{Method: "POST", AfterCommit: true, Status: 500})
	r := e.do("POST", "/v2/scheduler/schedules?user_id=ann@example.com", pageBody("A", []string{"ann@example.com"}, ""))
	if r.status != 500 {
		t.Fatalf("status %d", r.status)
	}
	wantJSON(t, r.body, `{"code":500,"message":"Internal Error."}`)
	if n := len(e.emu.Pages("ann@example.com", false)); n != 1 {
		t.Errorf("%d pages, want the committed one", n)
	}

	// The rate knob: every write commits and then fails; reads are spared.
	if err := e.emu.SetKnobs(Knobs{ErrorAfterCommitRate: new(1.0)}); err != nil {
		t.Fatal(err)
	}
	id := e.emu.Pages("ann@example.com", false)[0].ScheduleID
	if r := e.do("PATCH", "/v2/scheduler/schedules/"+id+"?user_id=ann@example.com", `{"summary":"B"}`); r.status != 500 {
		t.Errorf("PATCH: %d", r.status)
	}
	if got := e.emu.Pages("ann@example.com", false)[0].Summary; got != "B" {
		t.Errorf("summary %q, want the PATCH stored", got)
	}
	if r := e.do("GET", "/v2/scheduler/schedules?user_id=ann@example.com", ""); r.status != 200 {
		t.Errorf("GET: %d", r.status)
	}
	if s := e.emu.Stats(); s.InjectedErrors != 2 {
		t.Errorf("InjectedErrors %d", s.InjectedErrors)
	}
}

func TestCommitDelay(t *testing.T) {
	e := setup(t, func(o *Options) { o.CommitDelay = time.Hour })
	// A client that gives up gets nothing; the page is stored anyway.
	ctx, cancel := context.WithCancel(context.Background())
	req := e.newRequest("POST", "/v2/scheduler/schedules?user_id=ann@example.com", pageBody("A", []string{"ann@example.com"}, ""))
	req = req.WithContext(ctx)
	done := make(chan error, 1)
	go func() {
		res, err := e.srv.Client().Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for len(e.emu.Pages("ann@example.com", false)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the create was never stored")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("client: %v, want canceled", err)
	}

	// A short delay answers as usual; reads are not delayed.
	if err := e.emu.SetKnobs(Knobs{CommitDelayMS: new(30)}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := e.do("POST", "/v2/scheduler/schedules?user_id=ann@example.com", pageBody("B", []string{"ann@example.com"}, ""))
	if r.status != 201 || r.json()["summary"] != "B" || time.Since(start) < 30*time.Millisecond {
		t.Errorf("delayed POST: %d after %v", r.status, time.Since(start))
	}
	if r.header.Get("Content-Type") != contentJSON {
		t.Errorf("content type %q", r.header.Get("Content-Type"))
	}

	// A scripted delay with no status holds one answer.
	e.emu.InjectFault(Fault{Method: "GET", DelayMS: 30})
	start = time.Now()
	if r := e.do("GET", "/v2/scheduler/schedules?user_id=ann@example.com", ""); r.status != 200 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("scripted delay: %d after %v", r.status, time.Since(start))
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	e := setup(t, func(o *Options) { o.RateLimit, o.RetryAfterHTTPDate = 1, true })
	e.do("GET", "/v2/scheduler/schedules", "")
	r := e.do("GET", "/v2/scheduler/schedules", "")
	if r.status != 429 {
		t.Fatalf("status %d", r.status)
	}
	// The clock is at 10:00:00.123; one second later rounds up to :02.
	if got := r.header.Get("Retry-After"); got != "Mon, 23 Nov 2026 10:00:02 GMT" {
		t.Errorf("Retry-After %q", got)
	}
	if r.header.Get("X-RateLimit-Type") != "QPS" {
		t.Errorf("type %q", r.header.Get("X-RateLimit-Type"))
	}
	// An injected 429 with an HTTP date stays a per-second one.
	e.emu.InjectFault(Fault{Status: 429, RetryAfter: "Mon, 23 Nov 2026 10:00:05 GMT"})
	e.clock.Advance(2 * time.Second)
	r = e.do("GET", "/v2/scheduler/schedules", "")
	if r.status != 429 || r.header.Get("X-RateLimit-Type") != "QPS" || r.header.Get("Retry-After") != "Mon, 23 Nov 2026 10:00:05 GMT" {
		t.Errorf("injected: %d %v", r.status, r.header)
	}
	wantJSON(t, r.body, `{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`)
}

func TestRateHeadersOnEveryAnswer(t *testing.T) {
	e := setup(t, func(o *Options) { o.RateLimit = 10 })
	e.emu.InjectFault(Fault{Path: "/v2/scheduler/availability", Status: 503})
	bad := e.newRequest("GET", "/v2/scheduler/schedules", "")
	bad.Header.Set("Authorization", "Bearer nope")
	for name, r := range map[string]resp{
		"200":        e.do("GET", "/v2/scheduler/schedules", ""),
		"201":        e.do("POST", "/v2/scheduler/schedules?user_id=a@example.com", pageBody("A", []string{"a@example.com"}, "")),
		"400":        e.do("POST", "/v2/scheduler/schedules", `{"summary":""}`),
		"401":        e.send(bad),
		"404":        e.do("GET", "/v2/scheduler/schedules/nothere", ""),
		"404 route":  e.do("GET", "/v2/nothing", ""),
		"405":        e.do("PUT", "/v2/scheduler/schedules", ""),
		"503":        e.do("GET", "/v2/scheduler/availability", ""),
		"users":      e.do("GET", "/v2/users", ""),
		"analytics":  e.do("GET", "/v2/scheduler/analytics", ""),
		"user":       e.do("GET", "/v2/scheduler/users/me", ""),
		"patch 404":  e.do("PATCH", "/v2/scheduler/schedules/x", "{}"),
		"delete 404": e.do("DELETE", "/v2/scheduler/schedules/x", ""),
	} {
		for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Type", "X-RateLimit-Category"} {
			if r.header.Get(h) == "" {
				t.Errorf("%s (%d): no %s", name, r.status, h)
			}
		}
		if n, err := strconv.Atoi(r.header.Get("X-RateLimit-Remaining")); err != nil || n < 0 || n > 10 {
			t.Errorf("%s: Remaining %q", name, r.header.Get("X-RateLimit-Remaining"))
		}
	}
}

// TestQuotaIsPerAccount shows that two apps of one account (two tokens)
// draw on one bucket: what one spends, the other sees in Remaining and in
// 429s.
func TestQuotaIsPerAccount(t *testing.T) {
	e := setup(t, func(o *Options) {
		o.RateLimit = 5
		o.OtherApps = []App{{ClientID: "other-app", ClientSecret: "other-secret"}}
	})
	tokReq, _ := http.NewRequest("POST", e.srv.URL+"/oauth/token?grant_type=account_credentials&account_id=emulator-account", nil)
	tokReq.SetBasicAuth("other-app", "other-secret")
	tr := e.send(tokReq)
	if tr.status != 200 {
		t.Fatalf("other app's token: %d %s", tr.status, tr.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	tr.decode(&tok)
	other := tok.AccessToken
	// Credentials are checked as pairs.
	tokReq, _ = http.NewRequest("POST", e.srv.URL+"/oauth/token?grant_type=account_credentials&account_id=emulator-account", nil)
	tokReq.SetBasicAuth("other-app", "emulator-secret")
	if r := e.send(tokReq); r.status != 400 {
		t.Errorf("mixed credentials: %d", r.status)
	}
	for range 3 {
		if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 {
			t.Fatalf("first app: %d", r.status)
		}
	}
	req := e.newRequest("GET", "/v2/scheduler/schedules", "")
	req.Header.Set("Authorization", "Bearer "+other)
	r := e.send(req)
	if r.status != 200 || r.header.Get("X-RateLimit-Remaining") != "1" || r.header.Get("X-RateLimit-Limit") != "5" {
		t.Errorf("second app: %d Remaining %q", r.status, r.header.Get("X-RateLimit-Remaining"))
	}
	e.do("GET", "/v2/scheduler/schedules", "")
	req = e.newRequest("GET", "/v2/scheduler/schedules", "")
	req.Header.Set("Authorization", "Bearer "+other)
	if r := e.send(req); r.status != 429 {
		t.Errorf("second app after the bucket is empty: %d", r.status)
	}
	if s := e.emu.Stats(); s.RateLimited != 1 {
		t.Errorf("RateLimited %d", s.RateLimited)
	}
}

func TestDailyLimitKnob(t *testing.T) {
	e := setup(t, nil)
	if r := e.admin("POST", "/_emulator/knobs", `{"daily_limit":1}`); r.status != 204 {
		t.Fatalf("knobs: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 || r.header.Get("X-RateLimit-Type") != "Daily-limit" ||
		r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("first: %d %v", r.status, r.header)
	}
	r := e.do("GET", "/v2/scheduler/schedules", "")
	if r.status != 429 || r.header.Get("Retry-After") != "2026-11-24T00:00:00Z" || r.header.Get("X-RateLimit-Type") != "Daily-limit" {
		t.Errorf("second: %d %v", r.status, r.header)
	}
}

func TestKnobsEndpoint(t *testing.T) {
	e := setup(t, nil)
	r := e.admin("POST", "/_emulator/knobs", `{"mode":"anyhost","rate_limit":7,"retry_after_http_date":true,
		"latency_ms":1,"error_rate":0.5,"drop_post_rate":0.25,"late_commit_ms":300,"commit_delay_ms":20,
		"error_after_commit_rate":0.1,"analytics_status":403}`)
	if r.status != 204 {
		t.Fatalf("knobs: %d %s", r.status, r.body)
	}
	wantJSON(t, e.admin("GET", "/_emulator/knobs", "").body, `{"mode":"anyhost","rate_limit":7,"daily_limit":0,
		"retry_after_http_date":true,"latency_ms":1,"error_rate":0.5,"drop_post_rate":0.25,"late_commit_ms":300,
		"commit_delay_ms":20,"error_after_commit_rate":0.1,"analytics_status":403}`)
	for _, bad := range []string{`{"error_rate":2}`, `{"mode":"x"}`, `{"latency_ms":-1}`, `{"analytics_status":200}`,
		`{"rate_limit":-1}`, `{"unknown":1}`} {
		if r := e.admin("POST", "/_emulator/knobs", bad); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
	// A rejected change changes nothing.
	if r := e.admin("POST", "/_emulator/knobs", `{"rate_limit":3,"error_rate":2}`); r.status != 400 {
		t.Errorf("partly bad: %d", r.status)
	}
	if k := e.emu.Knobs(); *k.RateLimit != 7 || *k.ErrorRate != 0.5 {
		t.Errorf("after a rejected change: rate %d error %v", *k.RateLimit, *k.ErrorRate)
	}
	if r := e.admin("DELETE", "/_emulator/knobs", ""); r.status != 405 || r.header.Get("Allow") != "GET, POST" {
		t.Errorf("DELETE knobs: %d %q", r.status, r.header.Get("Allow"))
	}
}
