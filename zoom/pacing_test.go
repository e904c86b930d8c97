package zoom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/internal/pacer/pacertest"
	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
	"github.com/zoomsync/zoomsync/zoom/emulator/emulatortest"
)

// startVirtual runs an emulator and a client on one virtual clock. The
// client paces automatically unless co says otherwise.
func startVirtual(t *testing.T, clk *pacertest.Clock, emo func(*emulator.Options), co func(*zoom.Options)) (*zoom.Client, *emulator.Emulator) {
	t.Helper()
	eo := emulator.DefaultOptions()
	eo.RateLimit, eo.Seed, eo.Now = 0, 1, clk.Now
	if emo != nil {
		emo(&eo)
	}
	srv := emulatortest.Start(t, eo, emulatortest.Contract())
	o := srv.ClientOptions()
	o.Now, o.Sleep = clk.Now, clk.Sleep
	o.HTTPClient = closedAtCleanup(t)
	if co != nil {
		co(&o)
	}
	c, err := zoom.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv.Emulator
}

// createConverging creates a page the way the sync engine does: when the
// answer is lost it lists the owner's pages and sends again only if the
// page is not there. It has no count of its own: ctx bounds it.
func createConverging(ctx context.Context, c *zoom.Client, body *zoom.ScheduleCreate) error {
	for {
		_, err := c.CreateSchedule(ctx, owner, body)
		if !zoom.IsOutcomeUnknown(err) {
			return err
		}
		pages, lerr := c.ListSchedules(ctx, owner, nil)
		if lerr != nil {
			return fmt.Errorf("%w; then listing: %w", err, lerr)
		}
		for _, p := range pages {
			if p.Slug == body.Slug {
				return nil
			}
		}
	}
}

// TestStormConverges: the account allows 3 requests/s and one request in
// five fails with a 5xx; 40 creates all succeed in one run, with no
// duplicates, in each of 10 seeded trials.
func TestStormConverges(t *testing.T) {
	for seed := int64(1); seed <= 10; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			clk := pacertest.NewClock()
			c, emu := startVirtual(t, clk, func(o *emulator.Options) {
				o.RateLimit, o.ErrorRate, o.Seed = 3, 0.2, seed
			}, nil)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			begin := clk.Now()
			for i := range 40 {
				if err := createConverging(ctx, c, page(fmt.Sprintf("team-%02d", i), owner, "b@example.com")); err != nil {
					t.Fatalf("create %d: %v", i, err)
				}
			}
			pages := emu.Pages(owner, false)
			seen := map[string]int{}
			for _, p := range pages {
				seen[p.Slug]++
			}
			if len(pages) != 40 || len(seen) != 40 {
				t.Errorf("%d pages, %d slugs; want 40 and 40", len(pages), len(seen))
			}
			es, cs := emu.Stats(), c.Stats()
			if es.InjectedErrors == 0 {
				t.Error("no 5xx was injected: the storm did not happen")
			}
			t.Logf("40 creates in %v virtual: %d requests, %d injected 5xx, %d 429s, %d retries",
				clk.Now().Sub(begin).Round(time.Second), cs.Requests(), es.InjectedErrors, es.RateLimited, cs.Retries)
		})
	}
}

// TestDailyLimitStopsTheClient: once the day's quota is spent the call
// fails with one error naming the reset, and nothing more is sent.
func TestDailyLimitStopsTheClient(t *testing.T) {
	clk := pacertest.NewClock()
	c, emu := startVirtual(t, clk, func(o *emulator.Options) { o.DailyLimit = 3 }, nil)
	ctx := context.Background()
	for range 3 {
		if _, err := c.ListSchedules(ctx, owner, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.ListSchedules(ctx, owner, nil)
	var rl *zoom.RateLimitError
	if !errors.As(err, &rl) || !rl.Daily {
		t.Fatalf("want a daily *RateLimitError, got %T %v", err, err)
	}
	midnight := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	if !rl.Reset.Equal(midnight) || !strings.Contains(err.Error(), "resets at 2026-11-24 00:00 UTC") {
		t.Errorf("reset %v, message %q", rl.Reset, err)
	}
	sent := emu.Stats().Requests
	_, err2 := c.CreateSchedule(ctx, owner, page("late", owner, "b@example.com"))
	_, err3 := c.ListSchedules(ctx, owner, nil)
	if err2 != err || err3 != err {
		t.Errorf("later calls: %v / %v; want the same error", err2, err3)
	}
	if after := emu.Stats().Requests; fmt.Sprint(after) != fmt.Sprint(sent) {
		t.Errorf("requests after the daily limit: %v, before %v", after, sent)
	}
}

// TestRetryAfterHTTPDate: a per-second 429 whose Retry-After is an HTTP
// date is waited out for the time it names.
func TestRetryAfterHTTPDate(t *testing.T) {
	clk := pacertest.NewClock()
	var waits []time.Duration
	c, emu := startVirtual(t, clk, nil, func(o *zoom.Options) {
		o.OnWait = func(d time.Duration, reason string) {
			if strings.Contains(reason, "429") {
				waits = append(waits, d)
			}
		}
	})
	emu.InjectFault(emulator.Fault{Method: "GET", Status: 429,
		RetryAfter: clk.Now().Add(5 * time.Second).Format(http.TimeFormat)})
	begin := clk.Now()
	if _, err := c.ListSchedules(context.Background(), owner, nil); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] < 5*time.Second || waits[0] > 5500*time.Millisecond {
		t.Errorf("waits %v, want one of 5s plus at most 10%% jitter", waits)
	}
	if el := clk.Now().Sub(begin); el < 5*time.Second {
		t.Errorf("the call came back after %v, before the date", el)
	}
	if st := c.Stats(); st.RateLimited != 1 || st.RateLimitWaits != 1 || st.Gets != 2 {
		t.Errorf("stats %+v", st)
	}
}

// TestAIMDBacksOffAndRecovers: a client allowed 40/s against an account
// limit of 10/s halves its pace on 429s instead of hammering, then climbs
// back, so 429s stay rare and throughput stays near the limit.
func TestAIMDBacksOffAndRecovers(t *testing.T) {
	clk := pacertest.NewClock()
	var statuses []int
	c, emu := startVirtual(t, clk, func(o *emulator.Options) { o.RateLimit = 10 }, func(o *zoom.Options) {
		o.RateLimit = 40
		o.OnRequest = func(_ string, status int) { statuses = append(statuses, status) }
	})
	ctx := context.Background()
	const calls = 300
	begin := clk.Now()
	for range calls {
		if _, err := c.ListSchedules(ctx, owner, nil); err != nil {
			t.Fatal(err)
		}
	}
	el := clk.Now().Sub(begin)
	n429 := emu.Stats().RateLimited
	t.Logf("%d calls in %v virtual (bound %v), %d 429s of %d requests", calls, el.Round(time.Millisecond), calls/10*time.Second, n429, len(statuses))
	if n429 == 0 {
		t.Fatal("no 429: the test did not exercise the decrease")
	}
	if share := float64(n429) / float64(len(statuses)); share > 0.05 {
		t.Errorf("429 share %.1f%%, want ≤ 5%%: the pace did not back off", 100*share)
	}
	if bound := calls / 10 * time.Second; el > bound*3/2 {
		t.Errorf("took %v, more than 1.5× the limit's bound %v: the pace did not recover", el, bound)
	}
	// After a 429 the pace recovers: there are long runs of 200s.
	run, longest := 0, 0
	for _, s := range statuses {
		if s == 200 {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if longest < 20 {
		t.Errorf("longest run of successes %d, want ≥ 20", longest)
	}
}
