// Package bodycap bounds the HTTP response bodies zoomsync reads. A server
// (or anything between it and zoomsync) that answers with a huge body must
// not make the process read it whole: error bodies are cut short, since
// only their first lines are ever shown, and a success body larger than a
// generous cap fails to read with ErrTooLarge rather than filling memory.
package bodycap

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Default caps.
const (
	// ErrorBody is how much of an error answer (status ≥ 400) is read.
	ErrorBody = 64 << 10
	// SuccessBody is the most of a success answer that is read: a page of
	// 300 Zoom schedules is about a megabyte, a roster sheet a few.
	SuccessBody = 32 << 20
)

// ErrTooLarge is returned by a body that goes past its success cap.
var ErrTooLarge = errors.New("response body too large")

// transport caps the bodies of the answers Base returns.
type transport struct {
	Base http.RoundTripper // default http.DefaultTransport
	// Success and Error are the caps for answers below 400 and from 400
	// on; zero takes SuccessBody and ErrorBody.
	Success, Error int64
}

// RoundTrip runs the request on Base and wraps the answer's body.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	if resp.StatusCode >= 400 {
		n := t.Error
		if n <= 0 {
			n = ErrorBody
		}
		// An error body is only shown in part: cut it silently.
		resp.Body = &capped{rc: resp.Body, left: n, cut: true}
		if resp.ContentLength > n {
			resp.ContentLength = -1
		}
		return resp, nil
	}
	n := t.Success
	if n <= 0 {
		n = SuccessBody
	}
	resp.Body = &capped{rc: resp.Body, left: n, limit: n}
	return resp, nil
}

// Wrap returns a copy of c (nil: a default client) whose transport caps
// bodies with the given limits (zero: the defaults). Wrapping a client that
// is already wrapped keeps one layer.
func Wrap(c *http.Client, success, errBody int64) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	}
	if t, ok := out.Transport.(*transport); ok {
		out.Transport = t.Base
	}
	out.Transport = &transport{Base: out.Transport, Success: success, Error: errBody}
	return &out
}

// capped reads at most left more bytes. When cut, it then reports EOF;
// otherwise one byte more than the cap is ErrTooLarge.
type capped struct {
	rc    io.ReadCloser
	left  int64
	limit int64
	cut   bool
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		if c.cut {
			return 0, io.EOF
		}
		// Is there more? Read one byte to tell a body of exactly the cap
		// from a longer one.
		var one [1]byte
		n, err := c.rc.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, c.limit)
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *capped) Close() error { return c.rc.Close() }
