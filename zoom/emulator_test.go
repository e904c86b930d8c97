package zoom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/internal/pacer/pacertest"
	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
	"github.com/zoomsync/zoomsync/zoom/emulator/emulatortest"
)

const owner = "owner@example.com"

// start runs an emulator on loopback, behind the contract check, and a
// real client against it, both on one virtual clock, so back-offs,
// Retry-After waits and pacing cost no real time.
func start(t testing.TB, emo func(*emulator.Options), co func(*zoom.Options)) (*zoom.Client, *emulator.Emulator) {
	t.Helper()
	c, emu, _ := startAt(t, pacertest.NewClock(), emo, co)
	return c, emu
}

// startAt is start on the given clock; nil is the wall clock, for the
// benchmarks that measure real throughput.
func startAt(t testing.TB, clk *pacertest.Clock, emo func(*emulator.Options), co func(*zoom.Options)) (*zoom.Client, *emulator.Emulator, *pacertest.Clock) {
	t.Helper()
	c, srv := startServer(t, clk, emo, co)
	return c, srv.Emulator, clk
}

// startServer is startAt, returning the server.
func startServer(t testing.TB, clk *pacertest.Clock, emo func(*emulator.Options), co func(*zoom.Options)) (*zoom.Client, *emulatortest.Server) {
	t.Helper()
	eo := emulator.DefaultOptions()
	eo.RateLimit = 0
	eo.Seed = 1
	eo.Mode = emulator.ModeCollective
	if clk != nil {
		eo.Now = clk.Now
	}
	if emo != nil {
		emo(&eo)
	}
	srv := emulatortest.Start(t, eo, emulatortest.Contract())
	o := srv.ClientOptions()
	o.RateLimit, o.MinBackoff, o.MaxBackoff = 10000, time.Millisecond, 10*time.Millisecond
	o.HTTPClient = closedAtCleanup(t)
	if clk != nil {
		o.Now, o.Sleep = clk.Now, clk.Sleep
	}
	if co != nil {
		co(&o)
	}
	c, err := zoom.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// closedAtCleanup is an HTTP client whose idle connections are closed when
// the test ends, before the emulator shuts down: concurrent calls can leave
// a connection that was dialled but never used, and the server's Shutdown
// waits 5 s for such a one before it counts it idle.
func closedAtCleanup(t testing.TB) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// page is a create body as the sync engine sends it, with one rule per host.
func page(slug string, hosts ...string) *zoom.ScheduleCreate {
	hours := &zoom.WeeklyHours{Mon: []zoom.TimeRange{{Start: "09:00", End: "17:00"}}}
	rules := make([]zoom.AvailabilityRule, len(hosts))
	for i, h := range hosts {
		rules[i] = zoom.AvailabilityRule{Email: h, UseCustom: true, TimeZone: "UTC", SegmentsRecurrence: hours}
	}
	return &zoom.ScheduleCreate{Summary: "Team " + slug, Duration: 30, Capacity: 1, Slug: slug, ScheduleType: zoom.ScheduleTypeMultiple,
		AvailabilityOverride: true, AvailabilityRules: rules, TimeZone: "UTC"}
}

func TestTokenFetchedOnceAndReused(t *testing.T) {
	c, emu := start(t, nil, nil)
	ctx := context.Background()
	for range 5 {
		if _, err := c.ListSchedules(ctx, owner, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := emu.Stats().Requests["POST /oauth/token"]; got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
	if got := c.Stats().TokenFetches; got != 1 {
		t.Errorf("TokenFetches = %d", got)
	}
}

func TestExpiredTokenRefreshedOnceAndRetried(t *testing.T) {
	c, emu := start(t, nil, nil)
	ctx := context.Background()
	if _, err := c.ListSchedules(ctx, owner, nil); err != nil {
		t.Fatal(err)
	}
	emu.ExpireTokens()
	if _, err := c.ListSchedules(ctx, owner, nil); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	st := emu.Stats()
	if st.Requests["POST /oauth/token"] != 2 || st.Requests["GET /v2/scheduler/schedules"] != 3 {
		t.Errorf("requests = %v, want 2 token fetches and 3 listings (one answered 401)", st.Requests)
	}
}

func TestWrongCredentials(t *testing.T) {
	c, _ := start(t, nil, func(o *zoom.Options) { o.ClientSecret = "not-the-secret" })
	_, err := c.ListSchedules(context.Background(), owner, nil)
	var ae *zoom.AuthError
	if !errors.As(err, &ae) || ae.Kind != "invalid_client" || ae.Code != 4702 {
		t.Fatalf("want invalid_client AuthError, got %v", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("error reveals the secret: %v", err)
	}
}

func TestPaginationAcrossPages(t *testing.T) {
	c, emu := start(t, func(o *emulator.Options) { o.PageSizeMax = 3 }, nil)
	ctx := context.Background()
	for i := range 8 {
		if _, err := c.CreateSchedule(ctx, owner, page(fmt.Sprintf("team-%02d", i), owner, "b@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.ListSchedules(ctx, owner, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 {
		t.Fatalf("listed %d pages, want 8", len(got))
	}
	for i, s := range got {
		if want := fmt.Sprintf("team-%02d", i); s.Slug != want {
			t.Errorf("item %d slug %q, want %q", i, s.Slug, want)
		}
	}
	if n := emu.Stats().Requests["GET /v2/scheduler/schedules"]; n != 3 {
		t.Errorf("list requests = %d, want 3 (3+3+2)", n)
	}
	// Stopping early stops fetching.
	emu.ResetStats()
	for s, err := range c.AllSchedules(ctx, owner, nil) {
		if err != nil || s.Slug == "team-01" {
			break
		}
	}
	if n := emu.Stats().Requests["GET /v2/scheduler/schedules"]; n != 1 {
		t.Errorf("early break fetched %d pages, want 1", n)
	}
}

func TestCreatePatchDeleteRoundTrip(t *testing.T) {
	c, _ := start(t, nil, nil)
	ctx := context.Background()
	created, err := c.CreateSchedule(ctx, owner, page("sales", owner, "b@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if len(created.ScheduleID) != 26 || created.ScheduleType != zoom.ScheduleTypeMultiple || len(created.AvailabilityRules) != 2 {
		t.Fatalf("created = %+v", created)
	}
	if _, err := time.Parse(time.RFC3339Nano, created.Updated); !strings.HasSuffix(created.SchedulingURL, "/sales") || err != nil {
		t.Errorf("read-only fields: url %q updated %q", created.SchedulingURL, created.Updated)
	}
	dur, loc := 45, "Room 1"
	if err := c.PatchSchedule(ctx, owner, created.ScheduleID, &zoom.SchedulePatch{Duration: &dur, Location: &loc}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetSchedule(ctx, owner, created.ScheduleID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Duration != 45 || got.Location != "Room 1" || got.Summary != "Team sales" || len(got.AvailabilityRules) != 2 {
		t.Errorf("after patch: %+v", got)
	}
	bySlug, err := c.GetSchedule(ctx, owner, "sales")
	if err != nil || bySlug.ScheduleID != created.ScheduleID {
		t.Errorf("GET by slug = %v, %v", bySlug, err)
	}
	if err := c.DeleteSchedule(ctx, owner, created.ScheduleID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSchedule(ctx, owner, created.ScheduleID); !zoom.IsNotFound(err) {
		t.Errorf("GET after delete: %v", err)
	}
	if err := c.DeleteSchedule(ctx, owner, created.ScheduleID); !zoom.IsNotFound(err) {
		t.Errorf("second delete: %v", err)
	}
	deleted, err := c.ListSchedules(ctx, owner, &zoom.ListOptions{ShowDeleted: true})
	if err != nil || len(deleted) != 1 || deleted[0].Status != zoom.StatusCancelled {
		t.Errorf("show_deleted listing = %+v, %v", deleted, err)
	}
}

func TestBothErrorShapesFromEmulator(t *testing.T) {
	c, srv := startServer(t, pacertest.NewClock(), nil, nil)
	ctx := context.Background()
	bad := page("x", owner, "b@example.com") // slug too short
	bad.Duration = 5
	srv.Expect("/slug: minimum string length is 3")
	srv.Expect("/duration: number must be at least 15")
	_, err := c.CreateSchedule(ctx, owner, bad)
	var ae *zoom.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != 300 || len(ae.Fields) < 2 {
		t.Fatalf("code-shape error: %#v", err)
	}
	fields := map[string]bool{}
	for _, f := range ae.Fields {
		fields[f.Field] = true
	}
	if !fields["duration"] || !fields["slug"] {
		t.Errorf("fields = %+v, want duration and slug", ae.Fields)
	}
	noOverride := page("team-x", owner)
	noOverride.AvailabilityOverride = false
	noOverride.AvailabilityRules[0].SegmentsRecurrence = nil
	_, err = c.CreateSchedule(ctx, owner, noOverride)
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Message != "Failed json validation!" {
		t.Fatalf("scheduler-shape error: %#v", err)
	}
	_, err = c.GetSchedule(ctx, owner, "nosuchpage000")
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Message == "" {
		t.Fatalf("404: %#v", err)
	}
}

func TestRateLimitHonouredWithRetryAfter(t *testing.T) {
	c, emu, clk := startAt(t, pacertest.NewClock(), nil, nil)
	emu.InjectFault(emulator.Fault{Method: "GET", Path: "/v2/scheduler/schedules", Status: 429, RetryAfter: "1", Count: 1})
	begin := clk.Now()
	if _, err := c.ListSchedules(context.Background(), owner, nil); err != nil {
		t.Fatal(err)
	}
	if d := clk.Now().Sub(begin); d < time.Second {
		t.Errorf("retried after %v; Retry-After said 1s", d)
	}
	if st := c.Stats(); st.RateLimited != 1 || st.Retries != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestRateLimitStormConverges(t *testing.T) {
	// The emulator allows 20/s; the client is told it may send 1000/s, so
	// it runs into 429s and must wait them out, all goroutines together.
	c, emu := start(t, func(o *emulator.Options) { o.RateLimit = 20 }, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.ListSchedules(ctx, owner, nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("call failed in a 429 storm: %v", err)
		}
	}
	if emu.Stats().RateLimited == 0 {
		t.Error("expected the emulator to rate limit some calls")
	}
}

func TestServerErrorsRetriedThenSucceed(t *testing.T) {
	c, emu := start(t, nil, nil)
	emu.InjectFault(emulator.Fault{Method: "GET", Status: 503, Count: 2})
	if _, err := c.ListSchedules(context.Background(), owner, nil); err != nil {
		t.Fatal(err)
	}
	if got := emu.Stats().Requests["GET /v2/scheduler/schedules"]; got != 3 {
		t.Errorf("list requests = %d, want 3", got)
	}
	if c.Stats().Retries != 2 {
		t.Errorf("retries = %d", c.Stats().Retries)
	}
}

func TestRetriesExhausted(t *testing.T) {
	c, emu := start(t, nil, func(o *zoom.Options) { o.MaxRetries = 2 })
	emu.InjectFault(emulator.Fault{Method: "PATCH", Status: 502, Count: 100})
	dur := 45
	err := c.PatchSchedule(context.Background(), owner, "whatever", &zoom.SchedulePatch{Duration: &dur})
	var ae *zoom.APIError
	if !errors.As(err, &ae) || ae.Status != 502 {
		t.Fatalf("want the last 502, got %v", err)
	}
	if got := emu.Stats().Requests["PATCH /v2/scheduler/schedules/{scheduleId}"]; got != 3 {
		t.Errorf("PATCH requests = %d, want 3 (1 + 2 retries)", got)
	}
}

func TestDroppedPostNotRetriedButStored(t *testing.T) {
	c, emu := start(t, nil, nil)
	emu.InjectFault(emulator.Fault{Method: "POST", Path: "/v2/scheduler/schedules", Drop: true})
	_, err := c.CreateSchedule(context.Background(), owner, page("sales", owner, "b@example.com"))
	if !zoom.IsOutcomeUnknown(err) {
		t.Fatalf("want OutcomeUnknownError, got %v", err)
	}
	if got := emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 1 {
		t.Errorf("POST requests = %d, want exactly 1", got)
	}
	if pages := emu.Pages(owner, false); len(pages) != 1 || pages[0].Slug != "sales" {
		t.Errorf("the dropped create should still be stored: %+v", pages)
	}
}

func TestPost5xxNotRetried(t *testing.T) {
	c, emu := start(t, nil, nil)
	emu.InjectFault(emulator.Fault{Method: "POST", Path: "/v2/scheduler/schedules", Status: 500})
	_, err := c.CreateSchedule(context.Background(), owner, page("sales", owner, "b@example.com"))
	if !zoom.IsOutcomeUnknown(err) {
		t.Fatalf("want OutcomeUnknownError, got %v", err)
	}
	if got := emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 1 {
		t.Errorf("POST requests = %d, want 1", got)
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	// The deadline passes during the back-off: the sleep gives way.
	c, emu := start(t, nil, func(o *zoom.Options) {
		o.MinBackoff, o.MaxBackoff = time.Minute, time.Minute
		o.Sleep = func(sctx context.Context, d time.Duration) error {
			cancel()
			<-sctx.Done()
			return sctx.Err()
		}
	})
	emu.InjectFault(emulator.Fault{Method: "GET", Status: 503, Count: 100})
	_, err := c.ListSchedules(ctx, owner, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want the context's error, got %v", err)
	}
	if got := emu.Stats().Requests["GET /v2/scheduler/schedules"]; got != 1 {
		t.Errorf("list requests = %d, want 1", got)
	}
}

func TestConcurrentCallsShareLimiter(t *testing.T) {
	const rate, calls = 50.0, 40
	c, emu, clk := startAt(t, pacertest.NewClock(), nil, func(o *zoom.Options) { o.RateLimit = rate })
	ctx := context.Background()
	var wg sync.WaitGroup
	begin := clk.Now()
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.CreateSchedule(ctx, owner, page(fmt.Sprintf("team-%03d", i), owner, "b@example.com")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	elapsed := clk.Now().Sub(begin)
	// 40 calls at 50/s with a burst of 1 cannot finish in under 39/50 s.
	if min := time.Duration(float64(calls-1) / rate * float64(time.Second)); elapsed < min*9/10 {
		t.Errorf("%d calls took %v; the limiter allows no less than %v", calls, elapsed, min)
	}
	if n := len(emu.Pages(owner, false)); n != calls {
		t.Errorf("stored %d pages, want %d", n, calls)
	}
	if st := c.Stats(); st.Posts != calls || st.TokenFetches != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestUsersAndAvailability(t *testing.T) {
	c, _ := start(t, func(o *emulator.Options) { o.Users = []string{owner} }, nil)
	ctx := context.Background()
	u, err := c.GetUser(ctx, owner)
	if err != nil || u.SchedulingURL == "" || u.Slug == "" {
		t.Fatalf("GetUser = %+v, %v", u, err)
	}
	av, err := c.ListAvailability(ctx, owner)
	if err != nil || len(av) != 1 || !av[0].Default || av[0].SegmentsRecurrence == nil {
		t.Fatalf("ListAvailability = %+v, %v", av, err)
	}
	_, err = c.GetUser(ctx, "stranger@example.com")
	var ae *zoom.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusForbidden {
		t.Errorf("unknown user: %v", err)
	}
}

// BenchmarkClientOverhead compares a client call with a bare HTTP request
// for the same page on the same emulator: the difference is what the client
// adds (limiter, token cache, JSON, error handling).
func BenchmarkClientOverhead(b *testing.B) {
	// A limiter far above the call rate, so the numbers are the client's
	// own work; pacing is measured by BenchmarkLimiterHoldsRate. The
	// contract check is off: it would be measured with the client.
	b.Setenv(emulatortest.EnvContract, "0")
	c, emu := start(b, nil, func(o *zoom.Options) { o.RateLimit = 1e9 })
	ctx := context.Background()
	s, err := c.CreateSchedule(ctx, owner, page("sales", owner, "b@example.com"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.GetSchedule(ctx, owner, s.ScheduleID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-http", func(b *testing.B) {
		srv := httptest.NewServer(emu)
		defer srv.Close()
		// A token fetched once, as the client does.
		req, _ := http.NewRequest("POST", srv.URL+"/oauth/token?grant_type=account_credentials&account_id=emulator-account", nil)
		req.SetBasicAuth("emulator-client", "emulator-secret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		decodeJSON(b, resp, &tok)
		url := srv.URL + "/v2/scheduler/schedules/" + s.ScheduleID + "?user_id=" + owner
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out zoom.Schedule
			decodeJSON(b, resp, &out)
		}
	})
}

// BenchmarkLimiterHoldsRate runs 4 goroutines as fast as they can through a
// client limited to 40 requests/s and reports achieved ÷ configured rate.
func BenchmarkLimiterHoldsRate(b *testing.B) {
	const rate = 40.0
	c, _, _ := startAt(b, nil, nil, func(o *zoom.Options) { o.RateLimit = rate })
	ctx := context.Background()
	for b.Loop() {
		const calls = 80
		var wg sync.WaitGroup
		work := make(chan struct{}, calls)
		for range calls {
			work <- struct{}{}
		}
		close(work)
		begin := time.Now()
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range work {
					if _, err := c.ListSchedules(ctx, owner, nil); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		achieved := float64(calls) / time.Since(begin).Seconds()
		b.ReportMetric(achieved/rate, "achieved/configured")
		b.ReportMetric(achieved, "req/s")
	}
}
