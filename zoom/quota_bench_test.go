package zoom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
	"github.com/zoomsync/zoomsync/zoom/emulator/emulatortest"
)

// BenchmarkSharedQuota: an account limited to 30 requests/s, another app
// sending a steady 15/s, and zoomsync creating 300 pages with 4 workers.
// It reports the other app's share of 429s while zoomsync runs (target
// ≤ 2%), zoomsync's wall time against 300 ÷ 15 s (target ≤ 1.25×) and
// zoomsync's own 429s, for rate_limit auto (quota_share 50) and for a
// fixed rate_limit of 30. Real time: about a minute in all.
//
//	go test ./zoom -run '^$' -bench SharedQuota -benchtime 1x
func BenchmarkSharedQuota(b *testing.B) {
	for _, tc := range []struct {
		name string
		rate float64 // zoom.Options.RateLimit: 0 is auto
	}{{"auto", 0}, {"fixed30", 30}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				sharedQuotaRun(b, tc.rate)
			}
		})
	}
}

func sharedQuotaRun(b *testing.B, rate float64) {
	const (
		limit, otherRate, creates, workers = 30, 15, 300, 4
	)
	eo := emulator.DefaultOptions()
	eo.RateLimit, eo.Latency, eo.Seed = limit, 20*time.Millisecond, 1
	srv := emulatortest.Start(b, eo)
	o := srv.ClientOptions()
	o.RateLimit, o.QuotaShare = rate, 50
	c, err := zoom.New(o)
	if err != nil {
		b.Fatal(err)
	}

	// The other app: its own token, a request every 1/15 s whatever the
	// answers, counting 429s while zoomsync runs.
	token := otherToken(b, srv)
	var (
		measuring        atomic.Bool
		otherN, other429 atomic.Int64
		wg               sync.WaitGroup
	)
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second / otherRate)
		defer tick.Stop()
		list := srv.URL + "/v2/scheduler/schedules?user_id=" + url.QueryEscape("other@example.com")
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodGet, list, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				resp.Body.Close()
				if measuring.Load() {
					otherN.Add(1)
					if resp.StatusCode == http.StatusTooManyRequests {
						other429.Add(1)
					}
				}
			}()
		}
	}()
	time.Sleep(2 * time.Second) // the other app is already running

	ctx := context.Background()
	work := make(chan int, creates)
	for i := range creates {
		work <- i
	}
	close(work)
	measuring.Store(true)
	begin := time.Now()
	var zwg sync.WaitGroup
	for range workers {
		zwg.Add(1)
		go func() {
			defer zwg.Done()
			for i := range work {
				if _, err := c.CreateSchedule(ctx, owner, page(fmt.Sprintf("team-%03d", i), owner, "b@example.com")); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	zwg.Wait()
	wall := time.Since(begin)
	measuring.Store(false)
	close(stop)
	wg.Wait()

	if n := len(srv.Pages(owner, false)); n != creates {
		b.Errorf("%d pages, want %d", n, creates)
	}
	bound := time.Duration(creates / otherRate * float64(time.Second))
	share := 100 * float64(other429.Load()) / float64(max(otherN.Load(), 1))
	b.ReportMetric(share, "other_429_%")
	b.ReportMetric(float64(other429.Load()), "other_429s")
	b.ReportMetric(float64(otherN.Load()), "other_reqs")
	b.ReportMetric(wall.Seconds(), "wall_s")
	b.ReportMetric(wall.Seconds()/bound.Seconds(), "wall/bound")
	b.ReportMetric(float64(c.Stats().RateLimited), "zoomsync_429s")
}

// otherToken fetches an access token the way any other app would.
func otherToken(b *testing.B, srv *emulatortest.Server) string {
	b.Helper()
	o := srv.ClientOptions()
	req, _ := http.NewRequest(http.MethodPost, o.TokenURL+"?grant_type=account_credentials&account_id="+url.QueryEscape(o.AccountID), nil)
	req.SetBasicAuth(o.ClientID, o.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	decodeJSON(b, resp, &tok)
	return tok.AccessToken
}
