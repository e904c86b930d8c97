package pacer

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/internal/pacer/pacertest"
)

func quota(limit, remaining string) http.Header {
	h := http.Header{}
	h.Set("X-RateLimit-Type", "QPS")
	h.Set("X-RateLimit-Limit", limit)
	h.Set("X-RateLimit-Remaining", remaining)
	return h
}

func TestWaitSpacesCallsAtTheRate(t *testing.T) {
	clk := pacertest.NewClock()
	p := New(Options{Ceiling: 4, Clock: clk})
	start := clk.Now()
	for range 9 {
		if _, err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := clk.Now().Sub(start); got != 2*time.Second {
		t.Errorf("9 calls at 4/s took %v, want 2s", got)
	}
}

func TestNoCeilingNoPace(t *testing.T) {
	clk := pacertest.NewClock()
	p := New(Options{Clock: clk})
	for range 100 {
		p.Wait(context.Background())
	}
	if len(clk.Slept()) != 0 {
		t.Errorf("slept %v", clk.Slept())
	}
	p.Pause(3 * time.Second)
	p.Wait(context.Background())
	if len(clk.Slept()) != 1 || clk.Slept()[0] != 3*time.Second {
		t.Errorf("pause: slept %v", clk.Slept())
	}
}

func TestAutoTakesItsShareOfTheReportedLimit(t *testing.T) {
	clk := pacertest.NewClock()
	p := New(Options{Auto: true, Share: 0.5, Clock: clk})
	if r := p.Rate(); r != 5 {
		t.Errorf("initial rate %v, want the cautious 5", r)
	}
	sent, _ := p.Wait(context.Background())
	p.Observe(sent, 200, quota("30", "29"))
	if r := p.Rate(); r != 15 {
		t.Errorf("rate %v after a report of 30/s, want 15", r)
	}
	// Others are busy: only 6 left in the bucket.
	p.Observe(sent, 200, quota("30", "6"))
	if r := p.Rate(); r != 6 {
		t.Errorf("rate %v with 6 remaining, want 6", r)
	}
	// The bucket fills again; the pace climbs back additively.
	clk.Advance(time.Second)
	p.Observe(sent, 200, quota("30", "28"))
	if r := p.Rate(); r != 7.5 {
		t.Errorf("rate %v one second later, want 6+1.5", r)
	}
	clk.Advance(10 * time.Second)
	p.Observe(sent, 200, quota("30", "28"))
	if r := p.Rate(); r != 15 {
		t.Errorf("rate %v after recovery, want 15", r)
	}
	// A 429 (Remaining 0) halves the pace; it does not drop to the floor.
	clk.Advance(time.Millisecond)
	sent, _ = p.Wait(context.Background())
	p.Observe(sent, 429, quota("30", "0"))
	if r := p.Rate(); r != 7.5 {
		t.Errorf("rate %v after a 429, want 7.5", r)
	}
}

func TestAutoRespectsCeilingAndIgnoresDailyCounts(t *testing.T) {
	clk := pacertest.NewClock()
	p := New(Options{Auto: true, Ceiling: 8, Clock: clk})
	h := quota("6000", "5000")
	h.Set("X-RateLimit-Type", "Daily-limit")
	p.Observe(clk.Now(), 200, h)
	if r := p.Rate(); r != 5 {
		t.Errorf("rate %v after a daily count, want still the initial 5", r)
	}
	p.Observe(clk.Now(), 200, quota("80", "80"))
	if r := p.Rate(); r != 8 {
		t.Errorf("rate %v, want the ceiling 8", r)
	}
}

func TestAIMD(t *testing.T) {
	clk := pacertest.NewClock()
	p := New(Options{Ceiling: 20, Clock: clk})
	sent, _ := p.Wait(context.Background())
	p.Observe(sent, 429, nil)
	if r := p.Rate(); r != 10 {
		t.Fatalf("rate %v after a 429, want 10", r)
	}
	// A second 429 for a call sent before the cut is the same burst.
	p.Observe(sent, 429, nil)
	if r := p.Rate(); r != 10 {
		t.Errorf("rate %v after a 429 of the same burst, want 10", r)
	}
	clk.Advance(time.Millisecond)
	sent, _ = p.Wait(context.Background())
	p.Observe(sent, 429, nil)
	if r := p.Rate(); r != 5 {
		t.Errorf("rate %v after a second burst, want 5", r)
	}
	for range 50 {
		p.Observe(clk.Now(), 429, nil)
		clk.Advance(time.Millisecond)
	}
	if r := p.Rate(); r != 0.5 {
		t.Errorf("rate %v, want the floor 0.5", r)
	}
	// Recovery: 2/s per second (a tenth of the target).
	clk.Advance(2 * time.Second)
	p.Observe(clk.Now(), 200, nil)
	if r := p.Rate(); r < 4.49 || r > 4.51 {
		t.Errorf("rate %v 2s later, want 4.5", r)
	}
	clk.Advance(time.Minute)
	p.Observe(clk.Now(), 200, nil)
	if r := p.Rate(); r != 20 {
		t.Errorf("rate %v, want back at 20", r)
	}
}

func TestStopFailsFast(t *testing.T) {
	p := New(Options{Ceiling: 1, Clock: pacertest.NewClock()})
	daily := errors.New("daily quota used")
	p.Stop(daily)
	p.Stop(errors.New("second"))
	if _, err := p.Wait(context.Background()); err != daily {
		t.Errorf("Wait = %v, want the first stop error", err)
	}
}

func TestWaitGivesWayToContext(t *testing.T) {
	p := New(Options{Ceiling: 1})
	p.Pause(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := p.Wait(ctx); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Wait = %v", err)
	}
}

func TestPauseDuringSleepHoldsTheCaller(t *testing.T) {
	clk := pacertest.NewClock()
	// A caller whose slot is reserved rechecks the pause after sleeping.
	q := New(Options{Ceiling: 1, Clock: clk})
	q.Wait(context.Background()) // slot at t0, next at t0+1s
	q.Pause(5 * time.Second)
	start := clk.Now()
	q.Wait(context.Background())
	if got := clk.Now().Sub(start); got < 5*time.Second {
		t.Errorf("waited %v through a 5s pause", got)
	}
}
