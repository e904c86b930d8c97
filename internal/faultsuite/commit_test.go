package faultsuite

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
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
	t.Parallel()
	// As many faulty creates as the engine sends at once (zoom.concurrency
	// 4), so that one wait for late commits covers them all.
	const faulty = 4
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
			zs.InjectFault(emulator.Fault{Method: http.MethodPost, Path: "/v2/scheduler/schedules", Status: 500, AfterCommit: true, Count: faulty})
			return func() int { return 0 }
		}},
		{name: "answer-after-timeout", arm: func(zs *zoomServer) func() int {
			// Stored at once, answered 3 s later: after zoom.timeout (1 s).
			zs.InjectFault(emulator.Fault{Method: http.MethodPost, Path: "/v2/scheduler/schedules", DelayMS: 3000, Count: faulty})
			return func() int { return 0 }
		}},
		{name: "dropped-late-commit", arm: func(zs *zoomServer) func() int {
			// The answer is lost and the page lands 2 s later, within the
			// engine's wait before it looks again.
			zs.InjectFault(emulator.Fault{Method: http.MethodPost, Path: "/v2/scheduler/schedules", Drop: true, CommitAfterMS: 2000, Count: faulty})
			return func() int { return 0 }
		}},
		{name: "dropped-very-late-commit", late: true, arm: func(zs *zoomServer) func() int {
			// The page lands only after the run: the rows must say the
			// next run checks, and the next run must find the pages.
			zs.InjectFault(emulator.Fault{Method: http.MethodPost, Path: "/v2/scheduler/schedules", Drop: true, CommitAfterMS: 3_600_000, Count: faulty})
			return func() int { zs.CommitPending(); return 0 }
		}},
		{name: "commit-after-timeout", late: true, arm: func(zs *zoomServer) func() int {
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
			rows := roster(13, 3)
			s := newSetup(t, zs, rosterCSV(rows[:1]), conf{Zoom: []string{"rate_limit: 200", "timeout: 1s", "concurrency: 4"}})
			// A first run with one row lets zoomsync learn, and save, that
			// this account keeps multi-host pages; the faulty run then
			// sends its creates side by side.
			if res := s.run(t, runOpts{}, "sync", "--config", s.config); res.code != 0 {
				t.Fatalf("first row: exit %d\n%s", res.code, tail(res.stderr))
			}
			if err := os.WriteFile(filepath.Join(s.dir, "teams.csv"), []byte(rosterCSV(rows)), 0o600); err != nil {
				t.Fatal(err)
			}
			zs.ResetStats()
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
			if n := st.Requests[routePOST]; n != len(rows)-1 {
				t.Errorf("%d creates sent for %d rows: a create whose outcome was unknown was sent again", n, len(rows)-1)
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
			if !tc.late && (res.count("created") != len(rows)-1 || got.Missing != 0) {
				t.Errorf("%d rows reported created, %d rows without a page; want %d and 0", res.count("created"), got.Missing, len(rows)-1)
			}
			if tc.late {
				// A row either names its page or says the next run checks.
				for i := range rows {
					rl := res.rows[i+2]
					if rl.Outcome == "created" || rl.Outcome == "unchanged" || rl.Outcome == "" {
						continue
					}
					t.Logf("row %d: %s: %s", i+2, rl.Outcome, rl.Detail)
					if !strings.Contains(rl.Detail, "next run") {
						t.Errorf("row %d: %s without saying the next run checks: %s", i+2, rl.Outcome, rl.Detail)
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

// summary is the run's closing log line, e.g. "12 created (24 API calls,
// 12 writes, 120ms)".
func summary(r *result) string {
	for i := len(r.lines) - 1; i >= 0; i-- {
		if m, ok := r.lines[i]["msg"].(string); ok && strings.Contains(m, " writes") {
			return m
		}
	}
	return "(no summary)"
}
