// Package bodycaptest serves huge bodies on loopback and counts what a
// client reads of them, for tests of bounded reads.
package bodycaptest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// Huge is the body size the tests serve: 100 MB.
const Huge = 100 << 20

// Server answers every request with status and a body of size bytes that
// opens a JSON string and never closes it (a decoder keeps reading),
// written from one 32 KiB buffer (the server allocates nothing per byte). Written counts the bytes the server managed to send.
type Server struct {
	URL     string
	Written atomic.Int64
	Hits    atomic.Int64
}

// Serve starts a Server until the test ends.
func Serve(tb testing.TB, status int, size int64) *Server {
	tb.Helper()
	s := &Server{}
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(status)
		head := `{"message":"`
		n, err := io.WriteString(w, head)
		s.Written.Add(int64(n))
		if err != nil {
			return
		}
		for left := size - int64(len(head)); left > 0; {
			n, err := w.Write(chunk[:min(int64(len(chunk)), left)])
			s.Written.Add(int64(n))
			left -= int64(n)
			if err != nil {
				return
			}
		}
	}))
	tb.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Counter is a RoundTripper that counts the response body bytes read
// through it: put it under the transport being tested.
type Counter struct {
	Base http.RoundTripper // default http.DefaultTransport
	n    atomic.Int64
}

// Read is the number of body bytes read so far.
func (c *Counter) Read() int64 { return c.n.Load() }

// RoundTrip counts the answer's body.
func (c *Counter) RoundTrip(r *http.Request) (*http.Response, error) {
	base := c.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	if err == nil && resp.Body != nil {
		resp.Body = &counting{ReadCloser: resp.Body, n: &c.n}
	}
	return resp, err
}

type counting struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// ResetPeakRSS returns the Go heap's free memory to the system and resets
// the process's peak resident set size (VmHWM) to the current one, so a
// later PeakRSS measures only what follows. Without the first step, memory
// freed by an earlier test stays resident and hides new allocations. Linux
// only.
func ResetPeakRSS() error {
	debug.FreeOSMemory()
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// PeakRSS reads the process's peak resident set size (VmHWM) in bytes.
func PeakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}
