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

// Mode decides what a multi-host create request turns into
// (docs/zoom-api.md#multi-host-pages).
type Mode string

const (
	// ModeDowngrade, the default, does what admins observe today (observed,
	// docs/zoom-api.md#multi-host-pages):
	// pool fields and schedule_type "multiple" are ignored, and the page is
	// One to One, owned by user_id, with only the owner's availability rule.
	ModeDowngrade Mode = "downgrade"
	// ModeCollective stores what the request asks for: schedule_type as sent
	// and every availability rule, as an All Hosts Available page. Nobody has
	// observed this on the live API (inferred,
	// docs/zoom-api.md#multi-host-pages); it rehearses the day Zoom honours
	// it.
	ModeCollective Mode = "collective"
	// ModeAnyHost stores an Any Host Available (round robin) page that reads
	// back exactly like a collective one through list and GET; only the
	// analytics report counts it differently (inferred,
	// docs/zoom-api.md#analytics).
	ModeAnyHost Mode = "anyhost"
)

// Modes lists the valid modes, the default first.
var Modes = []Mode{ModeDowngrade, ModeCollective, ModeAnyHost}

func validMode(m Mode) bool {
	for _, v := range Modes {
		if m == v {
			return true
		}
	}
	return false
}

// Options configures an Emulator. The zero value of a field means its
// default (see DefaultOptions) unless its comment says otherwise.
type Options struct {
	// Accepted credentials. Empty fields take DefaultOptions' values.
	AccountID, ClientID, ClientSecret string
	// OtherApps are more apps of the same account: the token endpoint
	// accepts their credentials too, and their requests count against the
	// one account-wide rate limit, as another app's do on Zoom.
	OtherApps []App
	// Mode is the multi-host behaviour; default ModeDowngrade.
	Mode Mode
	// RateLimit is requests per second per account (token bucket with burst
	// RateLimit and continuous refill); 0 means unlimited.
	RateLimit int
	// DailyLimit is requests per UTC day per account; 0 means none. Past
	// it, requests get 429 with X-RateLimit-Type Daily-limit and Retry-After
	// as an ISO date (the next UTC midnight).
	DailyLimit int
	// RetryAfterHTTPDate makes the per-second 429s carry Retry-After as an
	// HTTP date instead of a number of seconds.
	RetryAfterHTTPDate bool
	// Latency is added to every /v2 request; it ends early when the request's
	// context does.
	Latency time.Duration
	// ErrorRate is the share (0..1) of /v2 requests answered with a random
	// 500, 502, 503 or 504 without touching state.
	ErrorRate float64
	// ErrorStatus, if set (500..599), is the one status ErrorRate answers
	// with, e.g. 503 for a storm of Service Unavailable.
	ErrorStatus int
	// DropPostRate is the share (0..1) of POST /v2/scheduler/schedules that
	// are committed but whose connection is closed without a response.
	DropPostRate float64
	// LateCommit, if set, makes every create land this long after the
	// request instead of at once. Its answer waits for the commit; a client
	// that gives up first gets nothing, and the page still lands. A create
	// whose answer is dropped (DropPostRate, a Drop fault) is dropped at
	// once and lands later. CommitPending lands every waiting page now.
	LateCommit time.Duration
	// CommitDelay holds the answer of every successful write (POST, PATCH,
	// DELETE of a schedule) this long after the change is stored. A client
	// that gives up meanwhile gets nothing, and the change stands.
	CommitDelay time.Duration
	// ErrorAfterCommitRate is the share (0..1) of writes that are stored
	// and then answered 500.
	ErrorAfterCommitRate float64
	// AnalyticsStatus, if set (400..599), is the status every
	// GET /v2/scheduler/analytics answers, so that a client can be tested
	// against a report it cannot read (403: missing scope; 404).
	AnalyticsStatus int
	// PageSizeMax caps page_size on lists; default 300.
	PageSizeMax int
	// TokenTTL is the life of an access token; default 1h.
	TokenTTL time.Duration
	// StatePath, if set, is a JSON file loaded by New when it exists and saved
	// (debounced, atomically) after changes and on Close and Flush.
	StatePath string
	// SeedPath, if set, is a seed file (see Seed) that New applies when the
	// store starts empty: no StatePath, or no state file yet.
	SeedPath string
	// Seed makes fault randomness repeatable; 0 seeds from the clock.
	Seed int64
	// Now is the clock for updated times, token expiry and rate limits;
	// default time.Now.
	Now func() time.Time
	// Users, if non-empty, are the only Scheduler users of the account (by
	// email). Otherwise any syntactically valid email is a user.
	Users []string
	// AdminEmail is the user acting when a request has no user_id; default
	// "admin@example.com". It is always a user of the account.
	AdminEmail string
}

// App is a Server-to-Server OAuth app's client credentials.
type App struct {
	ClientID, ClientSecret string
}

// DefaultOptions returns the options `zoomsync emulator` starts with.
func DefaultOptions() Options {
	return Options{
		AccountID:    "emulator-account",
		ClientID:     "emulator-client",
		ClientSecret: "emulator-secret",
		Mode:         ModeDowngrade,
		RateLimit:    30,
		PageSizeMax:  300,
		TokenTTL:     time.Hour,
		AdminEmail:   "admin@example.com",
	}
}

// withDefaults fills in zero fields and rejects impossible values.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.AccountID == "" {
		o.AccountID = d.AccountID
	}
	if o.ClientID == "" {
		o.ClientID = d.ClientID
	}
	if o.ClientSecret == "" {
		o.ClientSecret = d.ClientSecret
	}
	if o.Mode == "" {
		o.Mode = d.Mode
	}
	if o.PageSizeMax == 0 {
		o.PageSizeMax = d.PageSizeMax
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = d.TokenTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AdminEmail == "" {
		o.AdminEmail = d.AdminEmail
	}
	o.AdminEmail = normEmail(o.AdminEmail)
	var errs []error
	if !validMode(o.Mode) {
		errs = append(errs, fmt.Errorf("mode %q: want %s", o.Mode, modeList()))
	}
	if o.RateLimit < 0 || o.DailyLimit < 0 || o.PageSizeMax < 0 || o.TokenTTL < 0 || o.Latency < 0 ||
		o.LateCommit < 0 || o.CommitDelay < 0 {
		errs = append(errs, errors.New("rate limit, daily limit, page size, token TTL, latency, late commit and commit delay must not be negative"))
	}
	if !share(o.ErrorRate) || !share(o.DropPostRate) || !share(o.ErrorAfterCommitRate) {
		errs = append(errs, errors.New("error rate, drop rate and error-after-commit rate must be between 0 and 1"))
	}
	if o.ErrorStatus != 0 && (o.ErrorStatus < 500 || o.ErrorStatus > 599) {
		errs = append(errs, fmt.Errorf("error status %d: want 0 or a server error status (500-599)", o.ErrorStatus))
	}
	if o.AnalyticsStatus != 0 && (o.AnalyticsStatus < 400 || o.AnalyticsStatus > 599) {
		errs = append(errs, fmt.Errorf("analytics status %d: want 0 or an error status (400-599)", o.AnalyticsStatus))
	}
	if !validEmail(o.AdminEmail) {
		errs = append(errs, fmt.Errorf("admin email %q is not an email address", o.AdminEmail))
	}
	for _, a := range o.OtherApps {
		if a.ClientID == "" || a.ClientSecret == "" {
			errs = append(errs, errors.New("every other app needs a client id and a client secret"))
			break
		}
	}
	for _, u := range o.Users {
		if !validEmail(normEmail(u)) {
			errs = append(errs, fmt.Errorf("user %q is not an email address", u))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return o, fmt.Errorf("emulator: %w", err)
	}
	return o, nil
}

func share(f float64) bool { return f >= 0 && f <= 1 }

func modeList() string {
	s := make([]string, len(Modes))
	for i, m := range Modes {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// Emulator is an http.Handler that serves the emulated API. Create it with
// New and call Close when done.
type Emulator struct {
	opts Options

	// mu guards the store: pages, indexes, users and mode.
	mu       sync.Mutex
	mode     Mode
	all      []*record // every page, creation order
	byID     map[string]*record
	owners   map[string]*ownerIndex
	users    map[string]*user  // by email
	userIDs  map[string]string // user id → email
	userList []*user           // in the order first seen
	restrict bool              // only opts.Users are users
	pending  []pendingCommit   // creates that land later

	tokens  tokenStore
	limiter *limiter
	faults  faultQueue
	knobs   knobSet

	statsMu sync.Mutex
	stats   Stats

	persist *persister // nil without StatePath
}

// New returns an Emulator, loading Options.StatePath if the file exists.
func New(opts Options) (*Emulator, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	seed := uint64(o.Seed)
	if o.Seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	e := &Emulator{
		opts:     o,
		mode:     o.Mode,
		byID:     map[string]*record{},
		owners:   map[string]*ownerIndex{},
		users:    map[string]*user{},
		userIDs:  map[string]string{},
		restrict: len(o.Users) > 0,
		tokens:   tokenStore{tokens: map[string]time.Time{}},
		limiter:  newLimiter(o.RateLimit, o.DailyLimit, o.RetryAfterHTTPDate),
		faults:   faultQueue{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))},
		stats:    Stats{Requests: map[string]int{}},
	}
	e.knobs.set(o)
	e.addUser(o.AdminEmail)
	for _, u := range o.Users {
		e.addUser(normEmail(u))
	}
	if o.StatePath != "" {
		if err := e.load(); err != nil {
			return nil, err
		}
	}
	if o.SeedPath != "" && len(e.all) == 0 {
		if err := e.seedFile(o.SeedPath); err != nil {
			return nil, err
		}
	}
	if o.StatePath != "" {
		e.persist = newPersister(e)
		if len(e.all) > 0 {
			e.changed()
		}
	}
	return e, nil
}

// Close lands pending late commits, stops background work and saves the
// state file, if any.
func (e *Emulator) Close() error {
	e.CommitPending()
	if e.persist == nil {
		return nil
	}
	return e.persist.close()
}

// Flush saves the state file now, if there is one.
func (e *Emulator) Flush() error {
	if e.persist == nil {
		return nil
	}
	return e.persist.save()
}

// SetMode switches the multi-host behaviour for later requests. An unknown
// mode behaves as ModeCollective; SetKnobs rejects it.
func (e *Emulator) SetMode(m Mode) {
	e.mu.Lock()
	e.mode = m
	e.mu.Unlock()
}

// Mode returns the current multi-host behaviour.
func (e *Emulator) Mode() Mode {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.mode
}

func (e *Emulator) now() time.Time { return e.opts.Now() }

// Stats counts what the emulator has served since New or ResetStats.
type Stats struct {
	// Requests is keyed by "METHOD route-pattern", for example
	// "POST /v2/scheduler/schedules" or
	// "PATCH /v2/scheduler/schedules/{scheduleId}". Every request that reached
	// the router counts, whatever its answer; requests to no known route count
	// under "METHOD (unknown)". Admin endpoints are not counted.
	Requests map[string]int `json:"requests"`
	// RateLimited counts 429s from the rate limiter (not injected ones).
	RateLimited int `json:"rate_limited"`
	// InjectedErrors counts scripted and random error answers.
	InjectedErrors int `json:"injected_errors"`
	// DroppedResponses counts requests whose connection was closed unanswered.
	DroppedResponses int `json:"dropped_responses"`
	// LateCommits counts creates that landed after their answer was
	// dropped or their client gave up.
	LateCommits int `json:"late_commits"`
}

// Route patterns, as used in Stats.Requests keys.
const (
	routeToken     = "/oauth/token"
	routeSchedules = "/v2/scheduler/schedules"
	routeSchedule  = "/v2/scheduler/schedules/{scheduleId}"
	routeAvail     = "/v2/scheduler/availability"
	routeUser      = "/v2/scheduler/users/{userId}"
	routeAnalytics = "/v2/scheduler/analytics"
	routeUsers     = "/v2/users"
)

// Writes returns how many POST, PATCH and DELETE requests reached the
// schedules endpoints.
func (s Stats) Writes() int {
	return s.Requests["POST "+routeSchedules] +
		s.Requests["PATCH "+routeSchedule] +
		s.Requests["DELETE "+routeSchedule]
}

// Stats returns a copy of the counters.
func (e *Emulator) Stats() Stats {
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	s := e.stats
	s.Requests = make(map[string]int, len(e.stats.Requests))
	for k, v := range e.stats.Requests {
		s.Requests[k] = v
	}
	return s
}

// ResetStats sets every counter to zero.
func (e *Emulator) ResetStats() {
	e.statsMu.Lock()
	e.stats = Stats{Requests: map[string]int{}}
	e.statsMu.Unlock()
}

func (e *Emulator) count(f func(*Stats)) {
	e.statsMu.Lock()
	f(&e.stats)
	e.statsMu.Unlock()
}

// apiHandler serves one matched /v2 route; param is the path parameter.
type apiHandler func(e *Emulator, w http.ResponseWriter, r *http.Request, param string)

// route finds the pattern for path and the handler for method. A known
// pattern with no handler for the method returns its allowed methods.
func route(method, path string) (pattern, param string, h apiHandler, allow string) {
	switch path {
	case routeToken:
		return routeToken, "", nil, http.MethodPost // served separately
	case routeSchedules:
		switch method {
		case http.MethodGet:
			return path, "", (*Emulator).listSchedules, ""
		case http.MethodPost:
			return path, "", (*Emulator).createSchedule, ""
		}
		return path, "", nil, "GET, POST"
	case routeAvail:
		if method == http.MethodGet {
			return path, "", (*Emulator).listAvailability, ""
		}
		return path, "", nil, "GET"
	case routeAnalytics:
		if method == http.MethodGet {
			return path, "", (*Emulator).analytics, ""
		}
		return path, "", nil, "GET"
	case routeUsers:
		if method == http.MethodGet {
			return path, "", (*Emulator).listUsers, ""
		}
		return path, "", nil, "GET"
	}
	if id, ok := pathParam(path, routeSchedules+"/"); ok {
		switch method {
		case http.MethodGet:
			return routeSchedule, id, (*Emulator).getSchedule, ""
		case http.MethodPatch:
			return routeSchedule, id, (*Emulator).patchSchedule, ""
		case http.MethodDelete:
			return routeSchedule, id, (*Emulator).deleteSchedule, ""
		}
		return routeSchedule, id, nil, "GET, PATCH, DELETE"
	}
	if id, ok := pathParam(path, "/v2/scheduler/users/"); ok {
		if method == http.MethodGet {
			return routeUser, id, (*Emulator).getUser, ""
		}
		return routeUser, id, nil, "GET"
	}
	return "", "", nil, ""
}

// pathParam returns the single path segment after prefix.
func pathParam(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	return rest, true
}

// ServeHTTP routes the OAuth token endpoint, the /v2 API and the admin
// endpoints under /_emulator/, which answer loopback peers only.
//
// A /v2 request goes through, in order: counting in Stats, the rate-limit
// headers, authentication, the rate limiter, Options.Latency, scripted
// faults or the random ones, then its handler.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		if !loopbackPeer(r.RemoteAddr) {
			writeCode(w, http.StatusForbidden, http.StatusForbidden,
				"The emulator's admin endpoints answer loopback clients only.")
			return
		}
		e.serveAdmin(w, r)
		return
	}
	api := strings.HasPrefix(r.URL.Path, "/v2/")
	if api {
		// Every /v2 answer carries the rate-limit headers (documented,
		// docs/zoom-api.md#rate-limits-and-errors).
		setRateHeaders(w.Header(), r.URL.Path)
	}
	pattern, param, h, allow := route(r.Method, r.URL.Path)
	if pattern == "" {
		e.count(func(s *Stats) { s.Requests[r.Method+" (unknown)"]++ })
		if api {
			e.limiter.peek(w.Header(), e.now())
		}
		writeCode(w, http.StatusNotFound, http.StatusNotFound, "Not Found.")
		return
	}
	e.count(func(s *Stats) { s.Requests[r.Method+" "+pattern]++ })
	if pattern == routeToken {
		if r.Method != http.MethodPost {
			methodNotAllowed(w, allow)
			return
		}
		e.serveWithFaults(w, r, (*Emulator).serveToken, "")
		return
	}
	if h == nil {
		e.limiter.peek(w.Header(), e.now())
		methodNotAllowed(w, allow)
		return
	}
	if !e.authorize(w, r) {
		return
	}
	if !e.limiter.allow(w, e.now()) {
		e.count(func(s *Stats) { s.RateLimited++ })
		return
	}
	if d := e.knobs.get().latency; d > 0 {
		// Read the body first: only then does net/http notice a client that
		// gives up, and cancel the request's context.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !wait(r.Context(), d) {
			return
		}
	}
	e.serveWithFaults(w, r, h, param)
}

// wait sleeps d or until ctx is done; it reports whether d passed.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeCode(w, http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "Method Not Allowed.")
}
