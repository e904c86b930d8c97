package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	gosync "sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/internal/logx"
	"github.com/zoomsync/zoomsync/zoom/emulator"
	"github.com/zoomsync/zoomsync/zoom/emulator/emulatortest"
)

// every1s ticks once a second, the finest cron resolution.
var every1s = cron.Every(time.Second)

// testServer is a server whose runs the test controls.
func testServer(t *testing.T, run func(ctx context.Context, id string) runRecord) (*server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	s := &server{log: logx.New(logs, "text", "debug"), limit: 5 * time.Second, metric: newMetrics(), started: time.Now()}
	s.notify = notifier{log: s.log}
	s.runFn = run
	return s, logs
}

// syncBuffer is a log sink safe to read while goroutines write to it. The
// buffer is a named field: embedded, its WriteString would bypass the lock.
type syncBuffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveInBackground runs s.serve until the returned stop is called.
func serveInBackground(t *testing.T, s *server, runNow bool) (sigs chan os.Signal, done chan error) {
	t.Helper()
	sigs = make(chan os.Signal, 2)
	done = make(chan error, 1)
	ready, finished := make(chan struct{}), make(chan struct{})
	go func() {
		done <- s.serve(context.Background(), every1s, runNow, sigs, func() { close(ready) })
		close(finished)
	}()
	<-ready
	t.Cleanup(func() {
		select {
		case sigs <- syscall.SIGTERM:
		default:
		}
		select {
		case <-finished:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return sigs, done
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *server) runs() []runRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]runRecord(nil), s.records...)
}

func TestOverlappingTicksAreSkippedAndCounted(t *testing.T) {
	release := make(chan struct{})
	var inFlight, maxInFlight atomic.Int32
	s, _ := testServer(t, func(ctx context.Context, id string) runRecord {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		if n > maxInFlight.Load() {
			maxInFlight.Store(n)
		}
		<-release
		return runRecord{ID: id, Result: resultOK}
	})
	serveInBackground(t, s, true)
	// The run-now run holds on; ticks every second must be skipped.
	waitFor(t, "two skipped ticks", func() bool { return metricValue(t, s, `zoomsync_runs_total{result="skipped"}`) >= 2 })
	close(release)
	waitFor(t, "runs after release", func() bool { return len(s.runs()) >= 2 })
	if m := maxInFlight.Load(); m != 1 {
		t.Errorf("%d runs at once; overlapping runs must be skipped", m)
	}
}

func TestPanicIsRecoveredAndNextTickRuns(t *testing.T) {
	var calls atomic.Int32
	s, logs := testServer(t, func(ctx context.Context, id string) runRecord {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return runRecord{ID: id, Result: resultOK}
	})
	serveInBackground(t, s, true)
	// With the wrappers in the wrong order the skip token is lost with the
	// panic and every later tick is skipped: this would time out.
	waitFor(t, "a run after the panic", func() bool { return calls.Load() >= 3 })
	runs := s.runs()
	if runs[0].Result != resultError || !strings.Contains(runs[0].Error, "panic: boom") {
		t.Errorf("first run: %+v", runs[0])
	}
	if runs[1].Result != resultOK {
		t.Errorf("second run: %+v", runs[1])
	}
	if !strings.Contains(logs.String(), "run panicked; the next tick runs as usual") {
		t.Errorf("panic not logged:\n%s", logs)
	}
	if got := metricValue(t, s, `zoomsync_runs_total{result="skipped"}`); got != 0 {
		t.Errorf("%v ticks skipped after the panic", got)
	}
}

func TestShutdownLetsRunningSyncFinish(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	s, _ := testServer(t, func(ctx context.Context, id string) runRecord {
		close(started)
		<-release
		finished.Store(true)
		return runRecord{ID: id, Result: resultOK}
	})
	sigs, done := serveInBackground(t, s, true)
	<-started
	sigs <- syscall.SIGTERM
	select {
	case err := <-done:
		t.Fatalf("serve returned (%v) while a run was going", err)
	case <-time.After(300 * time.Millisecond):
	}
	if ok, why := s.healthy(); ok || why != "shutting down" {
		t.Errorf("healthz while stopping: %v %q", ok, why)
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the run finished")
	}
	if !finished.Load() {
		t.Error("the run did not finish")
	}
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	started := make(chan struct{})
	s, _ := testServer(t, func(ctx context.Context, id string) runRecord {
		close(started)
		<-ctx.Done() // only ends when cancelled
		return runRecord{ID: id, Result: resultError, Error: "cancelled"}
	})
	sigs, done := serveInBackground(t, s, true)
	<-started
	sigs <- syscall.SIGTERM
	sigs <- syscall.SIGINT
	select {
	case err := <-done:
		if exitCode(err) != exitFailed || !strings.Contains(err.Error(), "second signal") {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("a second signal must exit at once")
	}
}

func TestShutdownBoundCancelsTheRun(t *testing.T) {
	started := make(chan struct{})
	s, _ := testServer(t, func(ctx context.Context, id string) runRecord {
		close(started)
		<-ctx.Done()
		return runRecord{ID: id, Result: resultError, Error: "cancelled"}
	})
	s.limit = 200 * time.Millisecond
	sigs, done := serveInBackground(t, s, true)
	<-started
	sigs <- syscall.SIGTERM
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "shutdown_timeout") {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the shutdown bound was not applied")
	}
}

// metricValue reads one series from /metrics.
func metricValue(t *testing.T, s *server, series string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	s.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	// A name without labels sums its series, as sum(name) would.
	pattern := `(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`
	if !strings.Contains(series, "{") {
		pattern = `(?m)^` + regexp.QuoteMeta(series) + `(?:\{[^}]*\})? (\S+)$`
	}
	ms := regexp.MustCompile(pattern).FindAllStringSubmatch(rec.Body.String(), -1)
	if ms == nil {
		return -1
	}
	var sum float64
	for _, m := range ms {
		var v float64
		fmt.Sscan(m[1], &v)
		sum += v
	}
	return sum
}

// writeServeConfig writes a config for a real sync against emu and returns
// the common flags that load it.
func writeServeConfig(t *testing.T, srvURL, csv, extra string) common {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "teams.csv"), []byte(csv), 0o600)
	cfg := fmt.Sprintf(`source: {type: csv, path: teams.csv}
zoom: {api_url: %q, oauth_url: %q, account_id: emulator-account, client_id: emulator-client, client_secret: emulator-secret, rate_limit: 1000}
serve: {schedule: "@every 1s"}
%s`, srvURL+"/v2", srvURL+"/oauth/token", extra)
	path := filepath.Join(dir, "zoomsync.yaml")
	os.WriteFile(path, []byte(cfg), 0o600)
	return common{config: path}
}

func startEmulator(t *testing.T) *emulatortest.Server {
	t.Helper()
	o := emulator.DefaultOptions()
	o.RateLimit, o.Mode = 0, emulator.ModeCollective
	return emulatortest.Start(t, o, emulatortest.Contract())
}

const goodCSV = "Team,Hosts\nSales EMEA,\"ann@example.com, bob@example.com\"\nSupport,\"cat@example.com, dan@example.com\"\n"

func TestScheduledRunsAgainstEmulatorAndMetrics(t *testing.T) {
	emu := startEmulator(t)
	flags := writeServeConfig(t, emu.URL, goodCSV, "")
	s, _ := testServer(t, nil)
	s.flags = flags
	s.runFn = s.syncRun
	serveInBackground(t, s, true)
	waitFor(t, "three runs", func() bool { return len(s.runs()) >= 3 })

	runs := s.runs()
	for _, r := range runs[:3] {
		if r.Result != resultOK {
			t.Fatalf("run %s: %s %s", r.ID, r.Result, r.Error)
		}
	}
	if runs[0].Rows["created"] != 2 || runs[1].Rows["unchanged"] != 2 {
		t.Errorf("rows: first %v, second %v", runs[0].Rows, runs[1].Rows)
	}
	if n := len(emu.Pages("", false)); n != 2 {
		t.Errorf("%d pages", n)
	}
	if runs[1].API.Writes != 0 {
		t.Errorf("second run wrote %d times", runs[1].API.Writes)
	}

	// Metrics after known runs: stop first so no tick races the reads.
	s.cron.Stop()
	waitFor(t, "idle", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.running == "" })
	runs = s.runs()
	var reqs, creates float64
	for _, r := range runs {
		reqs += float64(r.API.Requests)
		creates += float64(r.Rows["created"])
	}
	for series, want := range map[string]float64{
		`zoomsync_runs_total{result="ok"}`:        float64(len(runs)),
		`zoomsync_runs_total{result="error"}`:     0,
		`zoomsync_rows_total{outcome="created"}`:  creates,
		`zoomsync_api_requests_total`:             reqs,
		`zoomsync_api_writes_total`:               2,
		`zoomsync_api_rate_limited_total`:         0,
		`zoomsync_run_duration_seconds_count`:     float64(len(runs)),
		`zoomsync_last_success_timestamp_seconds`: float64(runs[len(runs)-1].Finished.Unix()),
	} {
		if got := metricValue(t, s, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if creates != 2 {
		t.Errorf("created %v rows over all runs", creates)
	}

	rec := httptest.NewRecorder()
	s.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/status", nil))
	var status struct {
		Runs []runRecord `json:"runs"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &status); err != nil || len(status.Runs) != len(runs) || status.Runs[0].ID != runs[len(runs)-1].ID {
		t.Errorf("/status: %v %s", err, rec.Body)
	}
}

func TestHealthzFollowsTheLastRun(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	s, _ := testServer(t, func(ctx context.Context, id string) runRecord {
		if fail.Load() {
			return runRecord{ID: id, Result: resultError, Error: "reading the sheet: quota"}
		}
		return runRecord{ID: id, Result: resultProblems}
	})
	probe := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		s.handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	health := func() (int, string) { return probe("/healthz") }
	serveInBackground(t, s, true)
	waitFor(t, "a failed run", func() bool { return len(s.runs()) >= 1 })
	if code, body := health(); code != 503 || !strings.Contains(body, "last run failed: reading the sheet: quota") {
		t.Errorf("after a failed run: %d %q", code, body)
	}
	// Liveness only asks whether the scheduler runs: a restart would not
	// fix an unreachable sheet.
	if code, body := probe("/livez"); code != 200 || body != "ok\n" {
		t.Errorf("/livez after a failed run: %d %q", code, body)
	}
	fail.Store(false)
	n := len(s.runs())
	waitFor(t, "the next run", func() bool { return len(s.runs()) > n })
	// A run with bad rows still ran: healthy (alerts use the metrics).
	if code, body := health(); code != 200 || body != "ok\n" {
		t.Errorf("after a good run: %d %q", code, body)
	}
}

func TestWebhookGetsSummaryWithoutSecrets(t *testing.T) {
	var mu gosync.Mutex
	var bodies []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	srv := startEmulator(t)
	bad := goodCSV + "Solo,only@example.com\n"
	flags := writeServeConfig(t, srv.URL, bad, fmt.Sprintf("notify: {webhook_url: %q}\n", hook.URL+"/T000/B000/hooksecret123"))
	var logs syncBuffer
	s := newServer(flags, config.Default(), logx.New(&logs, "text", "debug"))
	s.limit = 5 * time.Second
	serveInBackground(t, s, true)
	waitFor(t, "a notification", func() bool { mu.Lock(); defer mu.Unlock(); return len(bodies) > 0 })

	mu.Lock()
	body := bodies[0]
	mu.Unlock()
	var n notification
	if err := json.Unmarshal([]byte(body), &n); err != nil {
		t.Fatal(err)
	}
	if n.Result != resultProblems || !strings.Contains(n.Text, "2 created, 1 invalid") || !strings.Contains(n.Text, "row 4 solo: invalid") {
		t.Errorf("notification: %+v", n)
	}
	for _, secret := range []string{"emulator-secret", "hooksecret123", "Bearer"} {
		if strings.Contains(body, secret) || strings.Contains(logs.String(), secret) {
			t.Errorf("%q leaked into the webhook body or logs", secret)
		}
	}
}

func TestServeRejectsBadScheduleAsUsage(t *testing.T) {
	srv := startEmulator(t)
	flags := writeServeConfig(t, srv.URL, goodCSV, "")
	var stderr bytes.Buffer
	code := Main([]string{"serve", "--config", flags.config, "--schedule", "every tuesday-ish"}, io.Discard, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), `schedule "every tuesday-ish" is not a cron spec`) {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
	for _, spec := range []string{"*/30 * * * *", "@every 15m", "@hourly", "CRON_TZ=Europe/Berlin 0 6 * * 1-5"} {
		if _, err := cron.ParseStandard(spec); err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
}

// TestServeProcessFinishesRunOnSIGTERM runs `zoomsync serve` as a real
// process, sends SIGTERM in the middle of a slow run and expects the run to
// complete and the process to exit 0.
func TestServeProcessFinishesRunOnSIGTERM(t *testing.T) {
	o := emulator.DefaultOptions()
	o.RateLimit, o.Latency, o.Mode = 0, 150*time.Millisecond, emulator.ModeCollective
	emu := emulatortest.Start(t, o, emulatortest.Contract())
	srv := emu
	var rows strings.Builder
	rows.WriteString("Team,Hosts\n")
	for i := range 8 {
		fmt.Fprintf(&rows, "Team %d,\"o%d@example.com, h%d@example.com\"\n", i, i, i)
	}
	flags := writeServeConfig(t, srv.URL, rows.String(), "zoom: {concurrency: 1}\n")
	// The zoom key appears twice in that config; write it plainly instead.
	cfg, _ := os.ReadFile(flags.config)
	os.WriteFile(flags.config, []byte(strings.Replace(strings.Replace(string(cfg), "zoom: {concurrency: 1}\n", "", 1), "rate_limit: 1000}", "rate_limit: 1000, concurrency: 1}", 1)), 0o600)

	cmd := exec.Command(os.Args[0], "serve", "--config", flags.config, "--run-now", "--addr", "127.0.0.1:0", "--schedule", "@every 1h")
	cmd.Env = append(os.Environ(), "ZOOMSYNC_TEST_MAIN=1")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the run to start writing", func() bool { return emu.Stats().Requests["POST /v2/scheduler/schedules"] >= 1 })
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve exited with %v, want 0\n%s", err, stderr.String())
	}
	if n := len(emu.Pages("", false)); n != 8 {
		t.Errorf("the interrupted run made %d of 8 pages; it should have finished\n%s", n, stderr.String())
	}
	if !strings.Contains(stderr.String(), "letting the current run finish") || !strings.Contains(stderr.String(), "8 created") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}
