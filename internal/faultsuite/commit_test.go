package faultsuite

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// TestUnknownOutcomeCreates: creates whose answer never arrives although
// Zoom stored the page. Each row must end with exactly one page, one
// create sent for it, and a report that names the page Zoom holds.
func TestUnknownOutcomeCreates(t *testing.T) {
	const faulty = 6
	isCreate := func(r *http.Request) bool {
		return r.Method == http.MethodPost && r.URL.Path == "/v2/scheduler/schedules"
	}
	cases := []struct {
		name string
		// arm injects the fault into the first faulty creates; wait blocks
		// until every late commit has landed.
		arm func(zs *zoomServer) (wait func() (refused int))
		// late rows may end the first run as "outcome unknown".
		late bool
	}{
		{name: "dropped", arm: func(zs *zoomServer) func() int {
			zs.InjectFault(emulator.Fault{Method: http.MethodPost, Path: "/v2/scheduler/schedules", Drop: true, Count: faulty})
			return func() int { return 0 }
		}},
		{name: "500-after-commit", arm: func(zs *zoomServer) func() int {
			var n atomic.Int64
			zs.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
				if !isCreate(r) || n.Add(1) > faulty {
					next.ServeHTTP(w, r)
					return
				}
				next.ServeHTTP(&discard{}, r)
				zoomError(w, http.StatusInternalServerError)
			})
			return func() int { return 0 }
		}},
		{name: "late-commit", late: true, arm: func(zs *zoomServer) func() int {
			// The create is stored 200 ms after the client gave up on it
			// (zoom.timeout below), as when Zoom's answer is slower than
			// the client's patience.
			var n, refused atomic.Int64
			var wg sync.WaitGroup
			zs.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
				if !isCreate(r) || n.Add(1) > faulty {
					next.ServeHTTP(w, r)
					return
				}
				body, _ := io.ReadAll(r.Body)
				<-r.Context().Done()
				r2 := r.Clone(context.Background())
				r2.Body = io.NopCloser(bytes.NewReader(body))
				wg.Add(1)
				time.AfterFunc(200*time.Millisecond, func() {
					defer wg.Done()
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, r2)
					if rec.Code != http.StatusCreated {
						refused.Add(1)
					}
				})
			})
			return func() int { wg.Wait(); return int(refused.Load()) }
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			zs := startZoom(t, emulator.Options{Mode: emulator.ModeCollective, Latency: 2 * time.Millisecond})
			rows := roster(12, 3)
			s := newSetup(t, zs, rosterCSV(rows), conf{Zoom: []string{"rate_limit: 200", "timeout: 1s"}})
			wait := tc.arm(zs)
			res := s.run(t, runOpts{}, "sync", "--config", s.config)
			refused := wait()
			zs.clear()
			st := zs.Stats()
			got := tallyPages(zs, rows, nil)
			t.Logf("first run: exit %d, %d creates sent, %d dropped, %s; Zoom holds %+v", res.code, st.Requests[routePOST], st.DroppedResponses, summary(res), got)
			if res.code != 0 && !(tc.late && res.code == 3) {
				t.Errorf("exit %d\n%s", res.code, tail(res.stderr))
			}
			if n := st.Requests[routePOST]; n != len(rows) {
				t.Errorf("%d creates sent for %d rows: a create whose outcome was unknown was sent again", n, len(rows))
			}
			if got.Duplicates != 0 || got.Stray != 0 {
				t.Errorf("%d duplicates, %d stray pages", got.Duplicates, got.Stray)
			}
			// The emulator refuses a slug already in use, so a late commit
			// that finds its slug taken by a second create is a duplicate
			// on a Zoom that does not refuse it.
			if refused != 0 {
				t.Errorf("%d late commits were refused because a second create had taken their slug: %d duplicates where Zoom allows a reused slug", refused, refused)
			}
			checkReport(t, zs, rows, res)
			if !tc.late && (res.count("created") != len(rows) || got.Missing != 0) {
				t.Errorf("%d rows reported created, %d rows without a page; want %d and 0", res.count("created"), got.Missing, len(rows))
			}
			if tc.late {
				// A row either names its page or says the next run checks.
				for i := range rows {
					if rl := res.rows[i+2]; rl.Outcome != "created" && rl.Outcome != "" {
						t.Logf("row %d: %s: %s", i+2, rl.Outcome, rl.Detail)
					}
				}
			}

			zs.ResetStats()
			res = s.run(t, runOpts{}, "sync", "--config", s.config)
			got = tallyPages(zs, rows, nil)
			t.Logf("rerun: exit %d, %d writes; Zoom holds %+v", res.code, zs.Stats().Writes(), got)
			if res.code != 0 || got.Missing != 0 || got.Duplicates != 0 || got.Stray != 0 || zs.Stats().Writes() != 0 {
				t.Errorf("rerun: exit %d, %d writes, %+v; want exit 0, no writes, one page per row\n%s", res.code, zs.Stats().Writes(), got, tail(res.stderr))
			}
			checkReport(t, zs, rows, res)
		})
	}
}

// summary is the run's closing log line.
func summary(r *result) string {
	for i := len(r.lines) - 1; i >= 0; i-- {
		if m, ok := r.lines[i]["msg"].(string); ok && bytes.Contains([]byte(m), []byte("API calls")) {
			return m
		}
	}
	return "(no summary)"
}
