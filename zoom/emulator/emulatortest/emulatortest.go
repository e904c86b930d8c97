// Package emulatortest runs a Zoom Scheduler emulator on loopback for tests
// and benchmarks, and points a real client at it.
//
// With Contract (or ZOOMSYNC_CONTRACT=1 in the environment) every /v2
// request and response is validated against Zoom's published Scheduler
// OpenAPI document as patched in zoom/internal/contract, and each violation
// fails the test (docs/zoom-api.md#spec-patches-and-the-allow-list).
package emulatortest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
	"github.com/zoomsync/zoomsync/zoom/internal/contract"
)

// EnvContract names the environment variable that overrides the Contract
// option for every Start of the process: "1" checks every server, "0" none.
// Other values, or none, leave it to the option.
const EnvContract = "ZOOMSYNC_CONTRACT"

// Server is an emulator behind an HTTP server on loopback.
type Server struct {
	*emulator.Server
	Opts emulator.Options // what it was started with

	front     *http.Server  // the checker's server; nil without the check
	done      chan struct{} // closed when front stops serving
	active    atomic.Int64  // requests front is serving
	closeOnce sync.Once
	closeErr  error

	mu     sync.Mutex
	expect map[string]bool // violation substring → seen; nil without the check
}

// Expect declares that the test sends, on purpose, a request the document
// forbids (to see the emulator's error answer): violations containing
// substr are not reported, and one must occur or the test fails. Without
// the contract check it does nothing.
func (s *Server) Expect(substr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expect != nil {
		s.expect[substr] = false
	}
}

// expected reports whether v is an expected violation, and marks it seen.
func (s *Server) expected(v string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := false
	for sub := range s.expect {
		if strings.Contains(v, sub) {
			s.expect[sub], ok = true, true
		}
	}
	return ok
}

// Option changes how Start runs the server.
type Option func(*settings)

type settings struct {
	contract bool
}

// Contract puts the contract checker in front of the emulator: each /v2
// request (method, path, query, body) and each answer (status, rate-limit
// headers, body) must match the patched document. Every violation is
// reported with tb.Errorf when the test ends.
func Contract() Option {
	return func(s *settings) { s.contract = true }
}

// Start runs an emulator with opts on loopback (emulator.ListenLoopback)
// until the test ends.
//
// With the contract check, the emulator is served behind the checker by a
// server of this package on its own loopback port (srv.URL and srv.Addr
// point there; the emulator's own port stays unused).
func Start(tb testing.TB, opts emulator.Options, options ...Option) *Server {
	tb.Helper()
	var set settings
	for _, o := range options {
		o(&set)
	}
	switch os.Getenv(EnvContract) {
	case "1":
		set.contract = true
	case "0":
		set.contract = false
	}
	srv, err := emulator.ListenLoopback(opts)
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Server: srv, Opts: opts}
	var checker *contract.Checker
	if set.contract {
		if checker, err = newChecker(); err != nil {
			_ = srv.Close()
			tb.Fatal(err)
		}
		s.expect = map[string]bool{}
		if err := s.serve(checker.Handler(srv.Emulator)); err != nil {
			_ = srv.Close()
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("closing the emulator: %v", err)
		}
		if checker != nil {
			s.report(tb, checker)
		}
	})
	return s
}

func newChecker() (*contract.Checker, error) {
	doc, err := contract.Default()
	if err != nil {
		return nil, err
	}
	return contract.New(doc)
}

// serve serves h on a new loopback port and points s's URL and Addr there,
// so that ClientOptions, APIURL and TokenURL lead to it.
func (s *Server) serve(h http.Handler) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.front = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.active.Add(1)
			defer s.active.Add(-1)
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		_ = s.front.Serve(ln)
	}()
	s.URL, s.Addr = "http://"+ln.Addr().String(), ln.Addr()
	return nil
}

// Close stops the server and closes the emulator. The checker's server
// closes every connection at once and gives handlers still running (their
// requests are cancelled) up to 5 s to finish, so that their violations
// count. The test's end calls it; later calls return the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.front != nil {
			_ = s.front.Close()
			<-s.done
			for deadline := time.Now().Add(5 * time.Second); s.active.Load() > 0 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
		}
		s.closeErr = s.Server.Close()
	})
	return s.closeErr
}

// report fails the test with each violation the checker recorded that the
// test did not expect, and with each expectation no violation met.
func (s *Server) report(tb testing.TB, checker *contract.Checker) {
	var found []string
	for _, v := range checker.Violations() {
		if !s.expected(v) {
			found = append(found, v)
		}
	}
	for _, v := range summarize(found) {
		tb.Errorf("contract: %s", v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub, seen := range s.expect {
		if !seen {
			tb.Errorf("contract: no violation mentions %q, which the test expected", sub)
		}
	}
}

// summarize lists each distinct violation once, in the order first seen,
// with how often it occurred.
func summarize(vs []string) []string {
	count := map[string]int{}
	var order []string
	for _, v := range vs {
		if count[v] == 0 {
			order = append(order, v)
		}
		count[v]++
	}
	out := make([]string, len(order))
	for i, v := range order {
		out[i] = v
		if n := count[v]; n > 1 {
			out[i] = fmt.Sprintf("%s (%d times)", v, n)
		}
	}
	return out
}

// ClientOptions point a zoom.Client at the server with the credentials it
// accepts; callers add pacing and retry settings.
func (s *Server) ClientOptions() zoom.Options {
	o := s.Server.Options
	return zoom.Options{
		APIURL: s.APIURL(), TokenURL: s.TokenURL(),
		AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
	}
}
