package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/zoomsync/zoomsync/internal/logx"
)

// longWait is the shortest rate-limit pause worth a line of its own.
const longWait = 2 * time.Second

// runOutput is what one sync run prints and counts as it goes, besides the
// rows' lines (the engine logs each row as it completes): a line for each
// long rate-limit wait, the progress bar on a terminal, and the API
// requests by method and status for the summary and the metrics. Its
// methods are the engine's and the Zoom client's callbacks; they may be
// called from many goroutines.
type runOutput struct {
	log *slog.Logger
	bar progress // nil: no bar

	mu       gosync.Mutex
	requests map[requestKey]int64
}

// requestKey is one series of zoomsync_api_requests_total.
type requestKey struct{ Method, Code string }

func newRunOutput(log *slog.Logger, bar progress) *runOutput {
	return &runOutput{log: log, bar: bar, requests: map[requestKey]int64{}}
}

// wait is called before every pause for a rate limit or a back-off.
func (o *runOutput) wait(d time.Duration, reason string) {
	if d > longWait {
		o.log.Info(fmt.Sprintf("waiting %s for Zoom: %s", d.Round(100*time.Millisecond), reason), logx.Fields("wait", d, "reason", reason))
	}
}

// request is called after every Zoom API request; status 0 is a
// transport error.
func (o *runOutput) request(method string, status int) {
	code := "error"
	if status > 0 {
		code = strconv.Itoa(status)
	}
	o.mu.Lock()
	o.requests[requestKey{method, code}]++
	o.mu.Unlock()
}

func (o *runOutput) progress(done, total int) {
	if o.bar != nil {
		o.bar.update(done, total)
	}
}

func (o *runOutput) finish() {
	if o.bar != nil {
		o.bar.finish()
	}
}

// counts returns the requests sent and the writes: POST, PATCH and DELETE
// requests that may have changed Zoom (not those refused with a 4xx; a
// 5xx or a lost answer may still have taken effect, so those count); of
// those, unanswered is how many got no answer at all.
func (o *runOutput) counts() (requests, writes, unanswered int64, byCode map[requestKey]int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	byCode = make(map[requestKey]int64, len(o.requests))
	for k, n := range o.requests {
		byCode[k] = n
		requests += n
		// A write Zoom refused with a 4xx (a 429 above all) changed
		// nothing: it counts as a request, not a write. A 5xx or a lost
		// answer may have been applied, so those count as writes.
		if k.Method != http.MethodGet && !strings.HasPrefix(k.Code, "4") {
			writes += n
			if k.Code == "error" {
				unanswered += n
			}
		}
	}
	return requests, writes, unanswered, byCode
}
