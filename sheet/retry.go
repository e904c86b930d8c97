package sheet

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/zoomsync/zoomsync/internal/pacer"
)

// retryPolicy bounds how a Sheets call is retried. The decisions (what is
// worth another try, how long to back off, how to read Retry-After) are
// internal/pacer's, shared with the Zoom client.
type retryPolicy struct {
	tries int           // attempts in all, including the first
	base  time.Duration // first back-off; doubled each time
	max   time.Duration // longest single wait
	// pace holds every Sheets call of a source during a 429's pause; nil
	// gives each retry loop its own.
	pace *pacer.Pacer
}

// defaultRetry waits about 1, 2, 4 and 8 seconds: the per-minute quota
// refills continuously, so a short burst of 429s clears within that.
var defaultRetry = retryPolicy{tries: 5, base: time.Second, max: 20 * time.Second}

// newPacer is the pacer of one Google source: no pace of its own (a run
// makes one or two calls; the quota is per minute), only the shared pause
// after a 429.
func newPacer() *pacer.Pacer { return pacer.New(pacer.Options{}) }

// retry runs call until it succeeds, fails for good, the policy runs out
// (the error is then wrapped in *retriesExhausted) or ctx ends. Every wait
// gives way to ctx.
func retry(ctx context.Context, p retryPolicy, log *slog.Logger, what string, call func(ctx context.Context) error) error {
	pace := p.pace
	if pace == nil {
		pace = newPacer()
	}
	backoff := pacer.Backoff{Min: p.base, Max: p.max}
	for attempt := 1; ; attempt++ {
		sent, err := pace.Wait(ctx)
		if err != nil {
			return err
		}
		err = call(ctx)
		status, header := answer(err)
		pace.Observe(sent, status, header)
		if err == nil {
			return nil
		}
		class := pacer.Classify(ctx, status, err)
		switch class {
		case pacer.Stop:
			return ctx.Err()
		case pacer.Fail:
			return err
		}
		if attempt >= p.tries {
			return &retriesExhausted{tries: attempt, err: err}
		}
		wait := backoff.Delay(attempt)
		if after, ok := pacer.ParseRetryAfter(header.Get("Retry-After"), pace.Clock().Now()); ok && after > wait {
			wait = min(after, p.max)
		}
		log.Warn("Google Sheets call failed; retrying", "call", what, "error", errorSummary(err), "try", attempt, "of", p.tries, "wait", wait.Round(time.Millisecond))
		if class == pacer.RateLimited {
			// The quota is the project's: hold every call of this source.
			pace.Pause(wait)
			continue
		}
		if err := pace.Clock().Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// answer is the HTTP status (200 for success, 0 for no answer) and headers
// of a Sheets call's result.
func answer(err error) (int, http.Header) {
	if err == nil {
		return http.StatusOK, http.Header{}
	}
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		h := gerr.Header
		if h == nil {
			h = http.Header{}
		}
		return gerr.Code, h
	}
	return 0, http.Header{}
}

// errorSummary is a short log form of an API error: the status, not the
// body.
func errorSummary(err error) string {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		return "HTTP " + strconv.Itoa(gerr.Code) + " " + gerr.Message
	}
	return err.Error()
}
