package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// clock is a settable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 23, 10, 0, 0, 123_000_000, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is an emulator behind a real HTTP server and a token for it.
type env struct {
	t     *testing.T
	emu   *Emulator
	srv   *httptest.Server
	clock *fakeClock
	token string
}

// testOptions are DefaultOptions in collective mode without a rate limit,
// with a fixed clock and seed. Tests of the other modes say so.
func testOptions(c *fakeClock) Options {
	o := DefaultOptions()
	o.Mode = ModeCollective
	o.RateLimit = 0
	o.Seed = 1
	o.Now = c.Now
	return o
}

// setup starts an emulator; edit may change the options.
func setup(t *testing.T, edit func(*Options)) *env {
	t.Helper()
	c := newClock()
	o := testOptions(c)
	if edit != nil {
		edit(&o)
	}
	emu, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() {
		srv.Close()
		if err := emu.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	e := &env{t: t, emu: emu, srv: srv, clock: c}
	e.token = e.mintToken()
	return e
}

func (e *env) mintToken() string {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/oauth/token",
		strings.NewReader("grant_type=account_credentials&account_id=emulator-account"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("emulator-client", "emulator-secret")
	resp := e.send(req)
	if resp.status != 200 {
		e.t.Fatalf("token: %d %s", resp.status, resp.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	resp.decode(&tok)
	return tok.AccessToken
}

// resp is a read response.
type resp struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		r.t.Fatalf("decode %s: %v", r.body, err)
	}
}

// json returns the body as generic JSON.
func (r resp) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	r.decode(&m)
	return m
}

func (e *env) send(req *http.Request) resp {
	e.t.Helper()
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("read body: %v", err)
	}
	return resp{t: e.t, status: res.StatusCode, header: res.Header, body: b}
}

func (e *env) newRequest(method, path, body string) *http.Request {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	return req
}

// do sends an authorised API request.
func (e *env) do(method, path, body string) resp {
	e.t.Helper()
	return e.send(e.newRequest(method, path, body))
}

// create posts body for user_id owner and wants 201.
func (e *env) create(owner, body string) map[string]any {
	e.t.Helper()
	r := e.do("POST", "/v2/scheduler/schedules?user_id="+owner, body)
	if r.status != 201 {
		e.t.Fatalf("create: %d %s", r.status, r.body)
	}
	return r.json()
}

// pageBody is a valid create body for hosts, with extra JSON members
// (starting with a comma) appended.
func pageBody(summary string, hosts []string, extra string) string {
	var rules []string
	for _, h := range hosts {
		rules = append(rules, `{"email":"`+h+`","use_custom":true,"time_zone":"America/New_York",`+
			`"segments_recurrence":{"mon":[{"start":"09:00","end":"17:00"}]}}`)
	}
	return `{"summary":"` + summary + `","schedule_type":"multiple","availability_override":true,` +
		`"availability_rules":[` + strings.Join(rules, ",") + `]` + extra + `}`
}

// wantJSON compares a body with literal JSON.
func wantJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got invalid JSON %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want invalid JSON %s: %v", want, err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
}
