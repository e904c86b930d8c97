package emulator

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
)

// Fault is a scripted failure. Faults are consumed in the order injected: a
// request takes the first queued fault that matches it.
//
// Over HTTP (POST /_emulator/faults) the JSON keys are method, path, status,
// retry_after, type, drop and count.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string `json:"method,omitempty"`
	// Path is a prefix of the URL path; "" matches any /v2 path. A path
	// under /oauth makes the token endpoint fail too.
	Path string `json:"path,omitempty"`
	// Status is answered, with Zoom's error body for it, instead of serving
	// the request; state is untouched. 0 without Drop means 500 (inferred).
	Status int `json:"status,omitempty"`
	// RetryAfter is the Retry-After header of an injected 429 (default "1").
	// A value that is not a whole number of seconds makes it a daily-limit
	// 429.
	RetryAfter string `json:"retry_after,omitempty"`
	// Type is the X-RateLimit-Type of an injected 429: "QPS" or
	// "Daily-limit". Empty infers it from RetryAfter as described above, so
	// Type "QPS" is needed for a per-second 429 whose Retry-After is an
	// HTTP date.
	Type string `json:"type,omitempty"`
	// Drop serves the request normally (a POST commits), then closes the
	// connection without any response. Status is ignored. It needs a
	// ResponseWriter that is an http.Hijacker (an HTTP/1 server); otherwise
	// the handler panics with http.ErrAbortHandler, which net/http servers
	// turn into an aborted response.
	Drop bool `json:"drop,omitempty"`
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
	if !f.Drop && f.Status == 0 {
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

// decide returns the injected status (0 for none) and whether to drop the
// response, consuming a scripted fault or drawing a random one.
func (e *Emulator) decide(r *http.Request) (status int, retryAfter, rlType string, drop bool) {
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
		if f.Drop {
			return 0, "", "", true
		}
		return f.Status, f.RetryAfter, f.Type, false
	}
	if !strings.HasPrefix(r.URL.Path, "/v2/") {
		return 0, "", "", false
	}
	// Draw only for a non-zero rate, so that one rate's draws do not shift
	// the other's sequence.
	if rate := e.opts.ErrorRate; rate > 0 && q.rng.Float64() < rate {
		codes := [...]int{500, 502, 503, 504}
		return codes[q.rng.IntN(len(codes))], "", "", false
	}
	if rate := e.opts.DropPostRate; rate > 0 && r.Method == http.MethodPost && r.URL.Path == routeSchedules &&
		q.rng.Float64() < rate {
		return 0, "", "", true
	}
	return 0, "", "", false
}

// serveWithFaults serves r with h unless a fault says otherwise.
func (e *Emulator) serveWithFaults(w http.ResponseWriter, r *http.Request, h apiHandler, param string) {
	status, retryAfter, rlType, drop := e.decide(r)
	switch {
	case status != 0:
		e.count(func(s *Stats) { s.InjectedErrors++ })
		writeInjected(w, status, retryAfter, rlType)
	case drop:
		h(e, discardWriter{header: http.Header{}}, r, param)
		e.count(func(s *Stats) { s.DroppedResponses++ })
		dropConnection(w)
	default:
		h(e, w, r, param)
	}
}

// writeInjected answers status with the body Zoom sends for it.
func writeInjected(w http.ResponseWriter, status int, retryAfter, rlType string) {
	switch status {
	case http.StatusTooManyRequests:
		if retryAfter == "" {
			retryAfter = "1"
		}
		w.Header().Set("Retry-After", retryAfter)
		w.Header().Set("X-RateLimit-Remaining", "0")
		if rlType == "" {
			rlType = "QPS"
			if strings.Trim(retryAfter, "0123456789") != "" {
				rlType = "Daily-limit"
			}
		}
		w.Header().Set("X-RateLimit-Type", rlType)
		msg := msgQPSLimit
		if rlType == "Daily-limit" {
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

// discardWriter swallows the answer of a request whose response is dropped.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}
