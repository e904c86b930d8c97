package sheet

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"google.golang.org/api/googleapi"
)

// retryPolicy bounds how a Sheets call is retried.
type retryPolicy struct {
	tries int           // attempts in all, including the first
	base  time.Duration // first back-off; doubled each time
	max   time.Duration // longest single wait
}

// defaultRetry waits about 1, 2, 4 and 8 seconds: the per-minute quota
// refills continuously, so a short burst of 429s clears within that.
var defaultRetry = retryPolicy{tries: 5, base: time.Second, max: 20 * time.Second}

// retry runs call until it succeeds, fails for good, the policy runs out
// (the error is then wrapped in *retriesExhausted) or ctx ends. Every wait
// gives way to ctx.
func retry(ctx context.Context, p retryPolicy, log *slog.Logger, what string, call func(ctx context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ok, after := retryable(err)
		if !ok {
			return err
		}
		if attempt >= p.tries {
			return &retriesExhausted{tries: attempt, err: err}
		}
		wait := backoff(p, attempt)
		if after > wait {
			wait = min(after, p.max)
		}
		log.Warn("Google Sheets call failed; retrying", "call", what, "error", errorSummary(err), "try", attempt, "of", p.tries, "wait", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// backoff is the wait before try attempt+1: exponential with full jitter
// over its upper half, so that parallel runs spread out.
func backoff(p retryPolicy, attempt int) time.Duration {
	d := p.base << (attempt - 1)
	if d > p.max || d <= 0 {
		d = p.max
	}
	half := d / 2
	return half + rand.N(half+1)
}

// retryable says whether err is worth another try, and how long the server
// asked to wait (Retry-After), if it did.
func retryable(err error) (bool, time.Duration) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, 0
	}
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		switch gerr.Code {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true, retryAfter(gerr.Header)
		}
		return false, 0
	}
	var nerr net.Error
	if errors.As(err, &nerr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) {
		return true, 0
	}
	return false, 0
}

func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
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
