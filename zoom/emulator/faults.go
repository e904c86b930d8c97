package emulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The fault knobs are no Zoom behaviour: they make the failures Zoom and
// networks produce happen on demand (docs/zoom-api.md#faults). Each is
// settable through Options, SetKnobs and POST /_emulator/knobs.

// Fault is a scripted failure. Faults are consumed in the order injected: a
// request takes the first queued fault that matches it.
//
// Over HTTP (POST /_emulator/faults) the JSON keys are method, path, status,
// retry_after, drop, after_commit, delay_ms, commit_after_ms and count.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string `json:"method,omitempty"`
	// Path is a prefix of the URL path; "" matches any /v2 path. A path
	// under /oauth makes the token endpoint fail too.
	Path string `json:"path,omitempty"`
	// Status is answered, with Zoom's error body for it, instead of serving
	// the request; state is untouched unless AfterCommit. 0 without Drop or
	// DelayMS means 500.
	Status int `json:"status,omitempty"`
	// RetryAfter is the Retry-After header of an injected 429 (default "1").
	// A number of seconds or an HTTP date makes a per-second 429; any other
	// value (an ISO date such as 2026-12-04T00:00:00Z) a daily-limit one.
	RetryAfter string `json:"retry_after,omitempty"`
	// AfterCommit serves the request first (a write is stored) and then
	// answers Status: "500 after commit".
	AfterCommit bool `json:"after_commit,omitempty"`
	// Drop serves the request normally (a POST commits), then closes the
	// connection without any response. Status is ignored. It needs a
	// ResponseWriter that is an http.Hijacker (an HTTP/1 server); otherwise
	// the handler panics with http.ErrAbortHandler, which net/http servers
	// turn into an aborted response.
	Drop bool `json:"drop,omitempty"`
	// CommitAfterMS stores a create's page this many milliseconds after
	// the request instead of at once (default Options.LateCommit). With
	// Drop the answer is dropped at once; without, it waits for the commit,
	// and a client that gives up first gets nothing while the page still
	// lands. It applies to creates only.
	CommitAfterMS int `json:"commit_after_ms,omitempty"`
	// DelayMS holds the answer this many milliseconds after the request
	// was served (and any change stored). A client that gives up meanwhile
	// gets nothing.
	DelayMS int `json:"delay_ms,omitempty"`
	// Count is how many matching requests the fault applies to; default 1.
	Count int `json:"count,omitempty"`
}

// faultQueue holds scripted faults and the seeded source of random ones.
type faultQueue struct {
	mu    sync.Mutex
	queue []Fault // Count is what remains
	rng   *rand.Rand
}

// InjectFault queues a scripted fault.
func (e *Emulator) InjectFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	if !f.Drop && f.Status == 0 && f.DelayMS == 0 {
		f.Status = http.StatusInternalServerError
	}
	e.faults.mu.Lock()
	e.faults.queue = append(e.faults.queue, f)
	e.faults.mu.Unlock()
}

func (f Fault) matches(method, path string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Path == "" {
		return strings.HasPrefix(path, "/v2/")
	}
	return strings.HasPrefix(path, f.Path)
}

// knobSet holds the fault settings a running emulator can change.
type knobSet struct {
	mu sync.Mutex
	k  knobValues
}

type knobValues struct {
	latency, commitDelay, lateCommit          time.Duration
	errorRate, dropPostRate, errorAfterCommit float64
	analyticsStatus, errorStatus              int
}

func (s *knobSet) set(o Options) {
	s.mu.Lock()
	s.k = knobValues{
		latency: o.Latency, commitDelay: o.CommitDelay, lateCommit: o.LateCommit,
		errorRate: o.ErrorRate, dropPostRate: o.DropPostRate, errorAfterCommit: o.ErrorAfterCommitRate,
		analyticsStatus: o.AnalyticsStatus, errorStatus: o.ErrorStatus,
	}
	s.mu.Unlock()
}

func (s *knobSet) get() knobValues {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.k
}

// Knobs are the fault settings of a running emulator, as SetKnobs takes
// them and GET /_emulator/knobs shows them. Each field is the Options field
// of the same name; times are in milliseconds. SetKnobs leaves nil fields
// as they are.
type Knobs struct {
	Mode                 *Mode    `json:"mode,omitempty"`
	RateLimit            *int     `json:"rate_limit,omitempty"`
	DailyLimit           *int     `json:"daily_limit,omitempty"`
	RetryAfterHTTPDate   *bool    `json:"retry_after_http_date,omitempty"`
	LatencyMS            *int     `json:"latency_ms,omitempty"`
	ErrorRate            *float64 `json:"error_rate,omitempty"`
	DropPostRate         *float64 `json:"drop_post_rate,omitempty"`
	LateCommitMS         *int     `json:"late_commit_ms,omitempty"`
	CommitDelayMS        *int     `json:"commit_delay_ms,omitempty"`
	ErrorAfterCommitRate *float64 `json:"error_after_commit_rate,omitempty"`
	AnalyticsStatus      *int     `json:"analytics_status,omitempty"`
}

// Knobs returns the current fault settings, every field set.
func (e *Emulator) Knobs() Knobs {
	k := e.knobs.get()
	rate, daily, httpDate := e.limiter.settings()
	mode := e.Mode()
	ms := func(d time.Duration) *int { return new(int(d / time.Millisecond)) }
	return Knobs{
		Mode: &mode, RateLimit: &rate, DailyLimit: &daily, RetryAfterHTTPDate: &httpDate,
		LatencyMS: ms(k.latency), ErrorRate: &k.errorRate, DropPostRate: &k.dropPostRate,
		LateCommitMS: ms(k.lateCommit), CommitDelayMS: ms(k.commitDelay),
		ErrorAfterCommitRate: &k.errorAfterCommit, AnalyticsStatus: &k.analyticsStatus,
	}
}

// SetKnobs changes the fault settings named by k's non-nil fields for later
// requests. It changes nothing when a value is invalid.
func (e *Emulator) SetKnobs(k Knobs) error {
	e.knobs.mu.Lock()
	defer e.knobs.mu.Unlock()
	v := e.knobs.k
	rate, daily, httpDate := e.limiter.settings()
	mode := e.Mode()
	var errs []error
	ms := func(name string, src *int, dst *time.Duration) {
		switch {
		case src == nil:
		case *src < 0:
			errs = append(errs, fmt.Errorf("%s must not be negative", name))
		default:
			*dst = time.Duration(*src) * time.Millisecond
		}
	}
	rateOf := func(name string, src, dst *float64) {
		switch {
		case src == nil:
		case !share(*src):
			errs = append(errs, fmt.Errorf("%s must be between 0 and 1", name))
		default:
			*dst = *src
		}
	}
	count := func(name string, src, dst *int) {
		switch {
		case src == nil:
		case *src < 0:
			errs = append(errs, fmt.Errorf("%s must not be negative", name))
		default:
			*dst = *src
		}
	}
	if k.Mode != nil {
		if !validMode(*k.Mode) {
			errs = append(errs, fmt.Errorf("mode %q: want %s", *k.Mode, modeList()))
		}
		mode = *k.Mode
	}
	count("rate_limit", k.RateLimit, &rate)
	count("daily_limit", k.DailyLimit, &daily)
	if k.RetryAfterHTTPDate != nil {
		httpDate = *k.RetryAfterHTTPDate
	}
	ms("latency_ms", k.LatencyMS, &v.latency)
	ms("late_commit_ms", k.LateCommitMS, &v.lateCommit)
	ms("commit_delay_ms", k.CommitDelayMS, &v.commitDelay)
	rateOf("error_rate", k.ErrorRate, &v.errorRate)
	rateOf("drop_post_rate", k.DropPostRate, &v.dropPostRate)
	rateOf("error_after_commit_rate", k.ErrorAfterCommitRate, &v.errorAfterCommit)
	if s := k.AnalyticsStatus; s != nil {
		if *s != 0 && (*s < 400 || *s > 599) {
			errs = append(errs, fmt.Errorf("analytics_status %d: want 0 or 400-599", *s))
		}
		v.analyticsStatus = *s
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	e.knobs.k = v
	e.limiter.set(rate, daily, httpDate)
	e.SetMode(mode)
	return nil
}

// action is what the faults decide for one request.
type action struct {
	status      int // answered instead of (or, with afterCommit, after) serving
	retryAfter  string
	afterCommit bool
	drop        bool
	lateCommit  time.Duration // a create lands this long after the request
	delay       time.Duration // hold the answer after serving
}

func isWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPatch, http.MethodDelete:
		return strings.HasPrefix(r.URL.Path, routeSchedules)
	}
	return false
}

// decide consumes a scripted fault or draws random ones for r.
func (e *Emulator) decide(r *http.Request) action {
	k := e.knobs.get()
	q := &e.faults
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.queue {
		if !f.matches(r.Method, r.URL.Path) {
			continue
		}
		if q.queue[i].Count--; q.queue[i].Count == 0 {
			q.queue = append(q.queue[:i], q.queue[i+1:]...)
		}
		a := action{delay: time.Duration(f.DelayMS) * time.Millisecond, lateCommit: k.lateCommit}
		if f.CommitAfterMS > 0 {
			a.lateCommit = time.Duration(f.CommitAfterMS) * time.Millisecond
		}
		if f.Drop {
			a.drop = true
			return a
		}
		a.status, a.retryAfter, a.afterCommit = f.Status, f.RetryAfter, f.AfterCommit
		return a
	}
	if !strings.HasPrefix(r.URL.Path, "/v2/") {
		return action{}
	}
	// Draw only for a non-zero rate, so that one rate's draws do not shift
	// the other's sequence.
	if rate := k.errorRate; rate > 0 && q.rng.Float64() < rate {
		if k.errorStatus != 0 {
			return action{status: k.errorStatus}
		}
		codes := [...]int{500, 502, 503, 504}
		return action{status: codes[q.rng.IntN(len(codes))]}
	}
	if rate := k.dropPostRate; rate > 0 && r.Method == http.MethodPost && r.URL.Path == routeSchedules &&
		q.rng.Float64() < rate {
		return action{drop: true, lateCommit: k.lateCommit}
	}
	a := action{lateCommit: k.lateCommit}
	if isWrite(r) {
		a.delay = k.commitDelay
		if rate := k.errorAfterCommit; rate > 0 && q.rng.Float64() < rate {
			a.status, a.afterCommit = http.StatusInternalServerError, true
		}
	}
	return a
}

type lateCommitKey struct{}

// lateCommitFrom is how long a create served under ctx waits to land; 0
// means at once.
func lateCommitFrom(ctx context.Context) time.Duration {
	d, _ := ctx.Value(lateCommitKey{}).(time.Duration)
	return d
}

func isCreate(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == routeSchedules
}

// serveWithFaults serves r with h unless a fault says otherwise.
func (e *Emulator) serveWithFaults(w http.ResponseWriter, r *http.Request, h apiHandler, param string) {
	a := e.decide(r)
	if !isCreate(r) || a.status != 0 && !a.afterCommit {
		a.lateCommit = 0
	}
	if a.lateCommit > 0 && !a.drop {
		// Hold the create until it commits. If the client gives up first,
		// the page still lands when its time comes.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		start := time.Now()
		if !wait(r.Context(), a.lateCommit) {
			rest := max(a.lateCommit-time.Since(start), time.Nanosecond)
			r = r.WithContext(context.WithValue(context.WithoutCancel(r.Context()), lateCommitKey{}, rest))
			h(e, &bufferedWriter{header: http.Header{}}, r, param)
			return
		}
		a.lateCommit = 0 // committed now, answered as usual below
	}
	switch {
	case a.status != 0 && !a.afterCommit:
		e.count(func(s *Stats) { s.InjectedErrors++ })
		if a.delay > 0 && !wait(r.Context(), a.delay) {
			return
		}
		writeInjected(w, a.status, a.retryAfter)
		return
	case a.drop:
		if a.lateCommit > 0 {
			r = r.WithContext(context.WithValue(r.Context(), lateCommitKey{}, a.lateCommit))
		}
		h(e, &bufferedWriter{header: http.Header{}}, r, param)
		e.count(func(s *Stats) { s.DroppedResponses++ })
		dropConnection(w)
		return
	case a.status == 0 && a.delay == 0:
		h(e, w, r, param)
		return
	}
	// Serve first, then delay and answer: the change is stored whatever
	// the client sees.
	buf := &bufferedWriter{header: w.Header()}
	h(e, buf, r, param)
	if a.delay > 0 && buf.status/100 == 2 && !wait(r.Context(), a.delay) {
		return
	}
	if a.afterCommit {
		e.count(func(s *Stats) { s.InjectedErrors++ })
		writeInjected(w, a.status, a.retryAfter)
		return
	}
	buf.flush(w)
}

// writeInjected answers status with the body Zoom sends for it
// (documented, docs/zoom-api.md#rate-limits-and-errors).
func writeInjected(w http.ResponseWriter, status int, retryAfter string) {
	switch status {
	case http.StatusTooManyRequests:
		if retryAfter == "" {
			retryAfter = "1"
		}
		w.Header().Set("Retry-After", retryAfter)
		w.Header().Set("X-RateLimit-Remaining", "0")
		msg := msgQPSLimit
		w.Header().Set("X-RateLimit-Type", "QPS")
		if _, err := http.ParseTime(retryAfter); err != nil && strings.Trim(retryAfter, "0123456789") != "" {
			w.Header().Set("X-RateLimit-Type", "Daily-limit")
			msg = msgDailyLimit
		}
		writeCode(w, status, status, msg)
	case http.StatusUnauthorized:
		writeCode(w, status, 124, "Invalid access token.")
	case http.StatusNotFound:
		writeNotFound(w)
	default:
		msg, ok := errorMessages[status]
		if !ok {
			msg = http.StatusText(status) + "."
		}
		writeCode(w, status, status, msg)
	}
}

// dropConnection closes the client's connection without a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// HTTP/2 or a wrapped writer: the server aborts the stream.
	panic(http.ErrAbortHandler)
}

// bufferedWriter keeps an answer to send later, or never.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

// flush sends the kept answer; the header map is w's own.
func (b *bufferedWriter) flush(w http.ResponseWriter) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// pendingCommit is a create that lands later.
type pendingCommit struct {
	page  Page
	timer *time.Timer
}

// deferCommit stores p after d; e.mu is held. The slug was checked when
// the request came; if another page took it meanwhile both keep it, as a
// check-then-write race would (inferred, docs/zoom-api.md#faults).
func (e *Emulator) deferCommit(p Page, d time.Duration) {
	id := p.ScheduleID
	e.pending = append(e.pending, pendingCommit{page: p, timer: time.AfterFunc(d, func() { e.land(id) })})
}

// land stores the pending create id, if it is still pending.
func (e *Emulator) land(id string) {
	e.mu.Lock()
	found := false
	for i, pc := range e.pending {
		if pc.page.ScheduleID == id {
			e.pending = append(e.pending[:i], e.pending[i+1:]...)
			e.landLocked(pc.page)
			found = true
			break
		}
	}
	e.mu.Unlock()
	if found {
		e.count(func(s *Stats) { s.LateCommits++ })
		e.changed()
	}
}

func (e *Emulator) landLocked(p Page) {
	if _, dup := e.byID[p.ScheduleID]; dup {
		p.ScheduleID = e.newID()
	}
	p.Updated = e.stamp()
	e.store(p)
}

// CommitPending lands every pending late commit now, in the order the
// requests came, and returns how many landed. Tests use it instead of
// waiting for Options.LateCommit to pass.
func (e *Emulator) CommitPending() int {
	e.mu.Lock()
	pend := e.pending
	e.pending = nil
	for _, pc := range pend {
		pc.timer.Stop()
		e.landLocked(pc.page)
	}
	e.mu.Unlock()
	if n := len(pend); n > 0 {
		e.count(func(s *Stats) { s.LateCommits += n })
		e.changed()
	}
	return len(pend)
}
