package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	gosync "sync"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/internal/lock"
	zsync "github.com/zoomsync/zoomsync/sync"
)

// serveOpts are serve's flags.
type serveOpts struct {
	schedule, addr string
	runNow         bool
}

func runServe(ctx context.Context, a *app, o serveOpts) error {
	cfg, log, err := a.load(config.ScopeServe)
	if err != nil {
		return err
	}
	if o.schedule != "" {
		cfg.Serve.Schedule = o.schedule
	}
	if o.addr != "" {
		cfg.Serve.Addr = o.addr
	}
	sched, err := cron.ParseStandard(cfg.Serve.Schedule)
	if err != nil {
		return fail(exitUsage, "serve: schedule %q is not a cron spec (%v); use 5 fields like \"*/30 * * * *\", a descriptor like \"@every 15m\" or \"@hourly\", optionally prefixed with CRON_TZ=Zone", cfg.Serve.Schedule, err)
	}

	s := newServer(a.flags, cfg, log)
	ln, err := net.Listen("tcp", cfg.Serve.Addr)
	if err != nil {
		return fail(exitFailed, "serve: %w", err)
	}
	httpSrv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	go httpSrv.Serve(ln)
	defer httpSrv.Close()

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	return s.serve(ctx, sched, o.runNow, sigs, func() {
		log.Info("serving", "schedule", cfg.Serve.Schedule, "http", "http://"+ln.Addr().String(), "next_run", s.nextRun().Format(time.RFC3339))
	})
}

// server runs syncs on a schedule and reports on them over HTTP.
type server struct {
	flags  common
	log    *slog.Logger
	limit  time.Duration // how long a running sync may take to finish after SIGTERM
	runFn  func(ctx context.Context, id string) runRecord
	cron   *cron.Cron
	metric *metrics
	notify notifier

	mu      gosync.Mutex
	started time.Time
	records []runRecord // newest last, at most keepRuns
	running string      // id of the run in progress
	stopped bool
}

const keepRuns = 20

// runRecord is one run as /status shows it.
type runRecord struct {
	ID       string         `json:"id"`
	Started  time.Time      `json:"started"`
	Finished time.Time      `json:"finished"`
	Seconds  float64        `json:"duration_seconds"`
	Result   string         `json:"result"` // ok | problems | error | locked
	Summary  string         `json:"summary,omitempty"`
	Error    string         `json:"error,omitempty"`
	Rows     map[string]int `json:"rows,omitempty"`
	API      apiCounts      `json:"api"`

	report *zsync.Report
	// From the config this run loaded: where to notify, where the
	// notifier's memory lives, and how often to remind.
	webhook  config.Secret
	stateDir string
	reminder time.Duration
}

// notifyFrom sets the record's notification settings from cfg.
func (rec *runRecord) notifyFrom(cfg *config.Config) {
	rec.webhook, rec.stateDir, rec.reminder = cfg.Notify.WebhookURL, cfg.Path(cfg.StateDir), cfg.Notify.Reminder
}

// Run results.
const (
	resultOK       = "ok"
	resultProblems = "problems" // finished; some rows invalid, failed or need manual work
	resultError    = "error"    // could not run
	resultLocked   = "locked"   // another zoomsync holds the lock
)

func newServer(flags common, cfg *config.Config, log *slog.Logger) *server {
	s := &server{flags: flags, log: log, limit: cfg.Serve.ShutdownTimeout, metric: newMetrics(), started: time.Now()}
	s.runFn = s.syncRun
	s.notify = notifier{log: log}
	return s
}

// syncRun is one scheduled run. It reloads the config file, so edits take
// effect at the next tick, and reads the sheet and Zoom from scratch.
func (s *server) syncRun(ctx context.Context, id string) runRecord {
	rec := runRecord{ID: id, Started: time.Now()}
	log := s.log.With("run", id)
	cfg, _, err := s.flags.load(config.ScopeServe, io.Discard)
	if err != nil {
		rec.Result, rec.Error = resultError, "reloading the config: "+err.Error()
		return rec
	}
	rec.notifyFrom(cfg)
	lk, err := lock.Acquire(cfg.LockPath())
	if err != nil {
		rec.Result, rec.Error = resultLocked, err.Error()
		var held *lock.HeldError
		if !errors.As(err, &held) {
			rec.Result = resultError
		}
		return rec
	}
	defer lk.Release()
	out, err := syncOnce(ctx, cfg, log, syncFlags{})
	if err != nil {
		rec.Result, rec.Error = resultError, err.Error()
		return rec
	}
	out.fill(&rec)
	return rec
}

// fill records a finished run's report and result.
func (o *runOutcome) fill(rec *runRecord) {
	rec.report, rec.API = o.report, o.api
	rec.Summary = o.report.Summary()
	rec.Rows = map[string]int{}
	for k, n := range tallyMap(o.report.Tally()) {
		if n > 0 {
			rec.Rows[k] = n
		}
	}
	switch err := o.exit(); {
	case err == nil:
		rec.Result = resultOK
	case exitCode(err) == exitProblems:
		rec.Result = resultProblems
	default:
		rec.Result, rec.Error = resultError, err.Error()
	}
}

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailed
}

// job is what cron runs on each tick.
func (s *server) job(ctx context.Context) func() {
	return func() {
		id := newRunID()
		s.mu.Lock()
		s.running = id
		s.mu.Unlock()
		started := time.Now()
		defer func() {
			// Record a panicking run, then let the panic go on to cron's
			// Recover wrapper, which logs it and keeps the schedule alive.
			if v := recover(); v != nil {
				s.record(runRecord{ID: id, Started: started, Finished: time.Now(), Result: resultError, Error: fmt.Sprintf("panic: %v", v)})
				panic(v)
			}
		}()
		rec := s.runFn(ctx, id)
		rec.Finished = time.Now()
		rec.Seconds = rec.Finished.Sub(rec.Started).Seconds()
		s.record(rec)
		log := s.log.With("run", id)
		switch rec.Result {
		case resultError:
			log.Error("run failed; retrying at the next tick", "detail", rec.Error)
		case resultLocked:
			log.Warn("run skipped: another zoomsync holds the lock", "detail", rec.Error)
		}
		s.notify.send(ctx, rec)
	}
}

func (s *server) record(rec runRecord) {
	s.mu.Lock()
	s.running = ""
	s.records = append(s.records, rec)
	if len(s.records) > keepRuns {
		s.records = s.records[len(s.records)-keepRuns:]
	}
	s.mu.Unlock()
	s.metric.observe(rec)
}

// serve schedules runs until a signal: the first stops scheduling and lets
// a running sync finish within s.limit; a second exits at once.
func (s *server) serve(ctx context.Context, sched cron.Schedule, runNow bool, sigs <-chan os.Signal, ready func()) error {
	runCtx, cancelRuns := context.WithCancel(ctx)
	defer cancelRuns()
	cl := cronLogger{log: s.log, skipped: s.metric.skipped}
	// Order matters in robfig/cron v3.0.1: SkipIfStillRunning must be the
	// outer wrapper. Its token is handed back only when the job returns, so
	// a panic that escaped to it would leave every later tick skipped.
	s.cron = cron.New(cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)), cron.WithLogger(cl))
	job := cron.FuncJob(s.job(runCtx))
	id := s.cron.Schedule(sched, job)
	s.cron.Start()
	if ready != nil {
		ready()
	}
	var extra gosync.WaitGroup // runs cron does not track: --run-now
	if runNow {
		// Through the same wrappers, so a tick during it is skipped.
		extra.Add(1)
		go func() {
			defer extra.Done()
			s.cron.Entry(id).WrappedJob.Run()
		}()
	}

	select {
	case <-sigs:
	case <-ctx.Done():
	}
	s.mu.Lock()
	s.stopped = true
	running := s.running
	s.mu.Unlock()
	cronDone := s.cron.Stop() // no new ticks; done when its running jobs end
	stopped, allDone := context.WithCancel(context.Background())
	go func() {
		<-cronDone.Done()
		extra.Wait()
		allDone()
	}()
	if running != "" {
		s.log.Info("stopping: letting the current run finish", "run", running, "limit", s.limit)
	}
	timer := time.NewTimer(s.limit)
	defer timer.Stop()
	select {
	case <-stopped.Done():
		s.log.Info("stopped")
		return nil
	case <-sigs:
		cancelRuns()
		return fail(exitFailed, "second signal: exiting at once; the interrupted run is finished by the next one")
	case <-timer.C:
		cancelRuns()
		select {
		case <-stopped.Done():
		case <-time.After(10 * time.Second):
		}
		return fail(exitFailed, "the current run did not finish within serve.shutdown_timeout (%s); it was cancelled and the next run picks up from there", s.limit)
	}
}

func (s *server) nextRun() time.Time {
	if s.cron == nil {
		return time.Time{}
	}
	for _, e := range s.cron.Entries() {
		return e.Next
	}
	return time.Time{}
}

// alive: the scheduler is running. This is what a liveness probe should
// ask: restarting the process helps only when this is false.
func (s *server) alive() (bool, string) {
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return false, "shutting down"
	}
	if s.nextRun().IsZero() {
		return false, "scheduler not running"
	}
	return true, "ok"
}

// healthy: alive, and the last run did not fail to run. Zoom or Google
// being unreachable makes this false, which a restart would not fix: use it
// for alerts and dashboards, and /livez for liveness probes.
func (s *server) healthy() (bool, string) {
	if ok, why := s.alive(); !ok {
		return false, why
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.records); n > 0 && s.records[n-1].Result == resultError {
		return false, "last run failed: " + s.records[n-1].Error
	}
	return true, "ok"
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	probe := func(check func() (bool, string)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			ok, why := check()
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			if !ok {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			fmt.Fprintln(w, why)
		}
	}
	mux.HandleFunc("GET /healthz", probe(s.healthy))
	mux.HandleFunc("GET /livez", probe(s.alive))
	mux.Handle("GET /metrics", s.metric.handler())
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		ok, why := s.healthy()
		s.mu.Lock()
		runs := append([]runRecord(nil), s.records...)
		running := s.running
		s.mu.Unlock()
		for i, j := 0, len(runs)-1; i < j; i, j = i+1, j-1 {
			runs[i], runs[j] = runs[j], runs[i] // newest first
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{
			"healthy": ok, "health": why, "version": versionString(), "started": s.started.UTC(),
			"next_run": s.nextRun().UTC(), "running": running, "runs": runs,
		})
	})
	return mux
}

func newRunID() string {
	var b [3]byte
	rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

// cronLogger adapts cron's logger to slog and counts skipped ticks: in
// v3.0.1 SkipIfStillRunning reports a skip only as the log message "skip".
type cronLogger struct {
	log     *slog.Logger
	skipped func()
}

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.skipped()
		l.log.Warn("tick skipped: the previous run is still going")
		return
	}
	l.log.Debug("cron: "+msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	if msg == "panic" {
		l.log.Error("run panicked; the next tick runs as usual", append(kv, "detail", err.Error())...)
		return
	}
	l.log.Error("cron: "+msg, append(kv, "detail", err.Error())...)
}
