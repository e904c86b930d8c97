package faultsuite

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zoomsync/zoomsync/sheet/sheettest"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// hugeError is the size of the error bodies the servers send.
const hugeError = 100 << 20

// rssBudgetKiB is how far a run that meets a 100 MB error body may rise
// above its baseline's peak RSS.
const rssBudgetKiB = 30 << 10

// hugeErrorHandler answers every request with a 100 MB JSON error body in
// Google's or Zoom's envelope: the first answer is a 503 with
// Retry-After: 1 (retried), the rest 400s (not retried), so the run ends
// soon and fails.
func hugeErrorHandler(google bool, served *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusBadRequest
		if served.Add(1) == 1 {
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", "1")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if google {
			hugeBody(w, hugeError, fmt.Sprintf(`{"error":{"code":%d,"status":"INVALID_ARGUMENT","message":"`, status), `"}}`)
			return
		}
		hugeBody(w, hugeError, fmt.Sprintf(`{"code":%d,"message":"`, status), `"}`)
	}
}

// TestHugeErrorBodies: a 100 MB error body from the Sheets API, from the
// Zoom API and from Zoom's token endpoint. The run fails cleanly (exit 1 or
// 3, no write, a short error), and the child's peak RSS stays within 30 MB of
// a healthy run of the same kind.
func TestHugeErrorBodies(t *testing.T) {
	rows := roster(12, 3)
	cases := []struct {
		name string
		// start returns the healthy setup (the baseline) and arms the
		// fault on it.
		start func(t *testing.T) (s *setup, arm func(), served *atomic.Int64, zs *zoomServer)
	}{
		{name: "sheets", start: func(t *testing.T) (*setup, func(), *atomic.Int64, *zoomServer) {
			zs := startZoom(t, emulator.Options{Mode: emulator.ModeCollective})
			sheets := sheettest.NewServer()
			t.Cleanup(sheets.Close)
			var cells [][]string
			for _, l := range strings.Split(strings.TrimSpace(rosterCSV(rows)), "\n") {
				team, hosts, _ := strings.Cut(l, ",")
				cells = append(cells, []string{team, strings.Trim(hosts, `"`)})
			}
			sheets.SetTab("sheet1", "Teams", cells)
			var served atomic.Int64
			var handler atomic.Pointer[http.Handler]
			var healthy http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// Forward to the fake Sheets server.
				proxy(w, r, sheets.URL())
			})
			handler.Store(&healthy)
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*handler.Load()).ServeHTTP(w, r) }))
			t.Cleanup(front.Close)
			s := newSetup(t, zs, "", conf{
				Source: fmt.Sprintf("{type: gsheet, spreadsheet_id: sheet1, range: \"Teams!A1:Z\", credentials: none, endpoint: %q}", front.URL),
				Zoom:   []string{"rate_limit: 200"},
			})
			return s, func() {
				var h http.Handler = hugeErrorHandler(true, &served)
				handler.Store(&h)
			}, &served, zs
		}},
		{name: "zoom-api", start: func(t *testing.T) (*setup, func(), *atomic.Int64, *zoomServer) {
			zs := startZoom(t, emulator.Options{Mode: emulator.ModeCollective})
			s := newSetup(t, zs, rosterCSV(rows), conf{Zoom: []string{"rate_limit: 200"}})
			var served atomic.Int64
			return s, func() {
				h := hugeErrorHandler(false, &served)
				zs.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
					if strings.HasPrefix(r.URL.Path, "/v2/") {
						h(w, r)
						return
					}
					next.ServeHTTP(w, r)
				})
			}, &served, zs
		}},
		{name: "zoom-oauth", start: func(t *testing.T) (*setup, func(), *atomic.Int64, *zoomServer) {
			zs := startZoom(t, emulator.Options{Mode: emulator.ModeCollective})
			s := newSetup(t, zs, rosterCSV(rows), conf{Zoom: []string{"rate_limit: 200"}})
			var served atomic.Int64
			return s, func() {
				h := hugeErrorHandler(false, &served)
				zs.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
					if r.URL.Path == "/oauth/token" {
						h(w, r)
						return
					}
					next.ServeHTTP(w, r)
				})
			}, &served, zs
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, arm, served, zs := tc.start(t)
			// The baseline is a plan (reads only) so that the faulty run
			// meets the same Zoom and Sheets state.
			base := s.run(t, runOpts{measureRSS: true}, "plan", "--config", s.config)
			if base.code != 0 {
				t.Fatalf("baseline plan: exit %d\n%s", base.code, tail(base.stderr))
			}
			arm()
			zs.ResetStats()
			res := s.run(t, runOpts{measureRSS: true}, "sync", "--config", s.config)
			rise := res.peakKiB - base.peakKiB
			t.Logf("100 MB error bodies (%d served): exit %d in %s, peak RSS %.1f MiB against a baseline of %.1f MiB (+%.1f MiB; wrapper %.1f MiB); error: %s",
				served.Load(), res.code, res.elapsed.Round(1e6), mib(res.peakKiB), mib(base.peakKiB), mib(rise), mib(res.wrapKiB), firstLine(lastLine(res.stderr)))
			if res.peakKiB <= res.wrapKiB || base.peakKiB <= base.wrapKiB {
				t.Errorf("the wrapper's own peak (%d KiB) hides the child's (%d KiB, baseline %d KiB)", res.wrapKiB, res.peakKiB, base.peakKiB)
			}
			if rise > rssBudgetKiB {
				t.Errorf("peak RSS rose by %.1f MiB over the baseline; the budget is %d MiB", mib(rise), rssBudgetKiB>>10)
			}
			if res.code != 1 && res.code != 3 {
				t.Errorf("exit %d, want 1 (the run failed) or 3 (rows failed)", res.code)
			}
			if w := zs.Stats().Writes(); w != 0 {
				t.Errorf("%d writes to Zoom", w)
			}
			if n := len(res.stderr); n > 64<<10 {
				t.Errorf("%d bytes on stderr: the error body is not cut", n)
			}
		})
	}
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// proxy forwards r to base and copies the answer back.
func proxy(w http.ResponseWriter, r *http.Request, base string) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	var buf [32 << 10]byte
	for {
		n, err := resp.Body.Read(buf[:])
		w.Write(buf[:n])
		if err != nil {
			return
		}
	}
}
