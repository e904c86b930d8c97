// Package zoom is a client for the Zoom Scheduler REST API: Server-to-Server
// OAuth, schedules, availability and users, with typed errors, pagination, a
// shared rate limiter and retries that never repeat a write whose outcome is
// unknown.
package zoom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Options configure a Client. Zero values take the defaults shown.
type Options struct {
	APIURL   string // default https://api.zoom.us/v2
	TokenURL string // default https://zoom.us/oauth/token

	AccountID    string
	ClientID     string
	ClientSecret string

	// RateLimit paces every API call of this client, across goroutines, in
	// requests per second (default 10). Zoom's limit is per account and
	// shared by all its apps: stay below it.
	RateLimit float64
	// Timeout bounds each attempt of a call (default 30s).
	Timeout time.Duration
	// MaxRetries is how many times a failed call is tried again for 5xx and
	// network errors (default 5; negative means none).
	MaxRetries int
	// MaxRateLimitWaits is how many 429 answers one call waits out (default 10).
	MaxRateLimitWaits int
	// MinBackoff and MaxBackoff bound the exponential backoff (500ms, 20s).
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits; a longer
	// one (a daily limit) is returned as a *RateLimitError (default 2m).
	MaxRetryAfter time.Duration

	HTTPClient *http.Client // default: a client with sane transport timeouts
	Logger     *slog.Logger // default: discard
}

func (o *Options) setDefaults() {
	if o.APIURL == "" {
		o.APIURL = "https://api.zoom.us/v2"
	}
	if o.TokenURL == "" {
		o.TokenURL = "https://zoom.us/oauth/token"
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 10
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 5
	} else if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.MaxRateLimitWaits <= 0 {
		o.MaxRateLimitWaits = 10
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 20 * time.Second
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 2 * time.Minute
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Client talks to the Zoom Scheduler API. It is safe for concurrent use;
// all goroutines share one token, one rate limiter and one 429 pause.
type Client struct {
	opts    Options
	base    *url.URL
	http    *http.Client
	tokens  *tokenSource
	limiter *rate.Limiter
	log     *slog.Logger

	pauseMu    sync.Mutex
	pauseUntil time.Time // set by a 429: nobody calls before this

	stats counters
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// New returns a client. It does not contact Zoom.
func New(opts Options) (*Client, error) {
	opts.setDefaults()
	base, err := url.Parse(strings.TrimRight(opts.APIURL, "/") + "/")
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("zoom: API URL %q is not an http(s) URL", opts.APIURL)
	}
	if opts.AccountID == "" || opts.ClientID == "" || opts.ClientSecret == "" {
		return nil, errors.New("zoom: account id, client id and client secret are all required")
	}
	c := &Client{
		opts:    opts,
		base:    base,
		http:    opts.HTTPClient,
		tokens:  newTokenSource(&opts, opts.HTTPClient),
		limiter: rate.NewLimiter(rate.Limit(opts.RateLimit), 1),
		log:     opts.Logger,
		now:     time.Now,
		sleep:   sleepCtx,
	}
	return c, nil
}

// RateLimit is the configured pace in requests per second.
func (c *Client) RateLimit() float64 { return c.opts.RateLimit }

// call describes one API call.
type call struct {
	method string
	path   string // below the base URL, escaped, no leading slash
	query  url.Values
	body   any // JSON-encoded when non-nil
	out    any // decoded from a 2xx body when non-nil
}

// do runs a call through the limiter, auth, retries and error handling.
// Every API method goes through here.
func (c *Client) do(ctx context.Context, cl call) error {
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return fmt.Errorf("zoom: encoding %s %s: %w", cl.method, cl.path, err)
		}
	}
	// cl.path is already escaped segment by segment (url.PathEscape).
	target := c.base.String() + cl.path
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	display := "/" + cl.path // for errors and logs: no host, no query

	var (
		retries, waits int
		refreshed      bool
	)
	for {
		if err := c.pace(ctx); err != nil {
			return err
		}
		tok, err := c.tokens.token(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var ae *AuthError
			if errors.As(err, &ae) && ae.Err != nil && retries < c.opts.MaxRetries {
				// A network error at the token endpoint: nothing was
				// written to Zoom's API, so trying again is safe.
				retries++
				c.stats.retries.Add(1)
				if err := c.sleep(ctx, c.backoff(retries)); err != nil {
					return err
				}
				continue
			}
			return err
		}

		start := c.now()
		resp, sent, err := c.attempt(ctx, cl.method, target, payload, tok.AccessToken)
		c.stats.count(cl.method)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if cl.method == http.MethodPost && sent {
				return &OutcomeUnknownError{Method: cl.method, Path: display, Err: scrub(err)}
			}
			if retries >= c.opts.MaxRetries {
				return fmt.Errorf("zoom: %s %s: giving up after %d tries: %w", cl.method, display, retries+1, scrub(err))
			}
			retries++
			c.stats.retries.Add(1)
			c.log.Debug("zoom call failed, retrying", "method", cl.method, "path", display, "attempt", retries, "err", scrub(err))
			if err := c.sleep(ctx, c.backoff(retries)); err != nil {
				return err
			}
			continue
		}

		c.log.Debug("zoom call", "method", cl.method, "path", display, "status", resp.StatusCode, "duration", c.now().Sub(start))
		status := resp.StatusCode
		if status >= 200 && status < 300 {
			err := decodeBody(resp, cl.out)
			if err != nil {
				err = fmt.Errorf("zoom: %s %s: reading response: %w", cl.method, display, err)
				if cl.method == http.MethodPost {
					return &OutcomeUnknownError{Method: cl.method, Path: display, Err: err}
				}
			}
			return err
		}
		apiErr := newAPIError(cl.method, display, resp, c.now())
		resp.Body.Close()

		switch {
		case status == http.StatusUnauthorized && !refreshed:
			// The token may have been revoked or replaced: get a new one
			// and try once more. A 401 means the call was not applied.
			refreshed = true
			c.tokens.invalidate(tok)
			c.stats.retries.Add(1)
			continue
		case status == http.StatusTooManyRequests:
			c.stats.rateLimited.Add(1)
			rl := apiErr.(*RateLimitError)
			if rl.RetryAfter > c.opts.MaxRetryAfter || waits >= c.opts.MaxRateLimitWaits {
				return rl
			}
			waits++
			c.stats.retries.Add(1)
			wait := rl.RetryAfter
			if wait <= 0 {
				wait = c.backoff(waits)
			}
			wait += jitter(wait / 10)
			c.pauseAll(wait)
			c.log.Debug("zoom rate limited, waiting", "method", cl.method, "path", display, "wait", wait)
			continue
		case status >= 500 && cl.method == http.MethodPost:
			// Zoom may have stored the page before failing.
			return &OutcomeUnknownError{Method: cl.method, Path: display, Err: apiErr}
		case retryableStatus(status) && retries < c.opts.MaxRetries:
			retries++
			c.stats.retries.Add(1)
			c.log.Debug("zoom server error, retrying", "method", cl.method, "path", display, "status", status, "attempt", retries)
			if err := c.sleep(ctx, c.backoff(retries)); err != nil {
				return err
			}
			continue
		}
		return apiErr
	}
}

// attempt sends one request with its own timeout. sent reports whether the
// whole request was written to the connection: a POST that failed before
// that point was never seen by Zoom and is safe to send again.
func (c *Client) attempt(ctx context.Context, method, target string, payload []byte, token string) (resp *http.Response, sent bool, err error) {
	var wrote atomic.Bool
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) }}
	actx = httptrace.WithClientTrace(actx, trace)

	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, method, target, body)
	if err != nil {
		cancel()
		return nil, false, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "zoomsync")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err = c.http.Do(req)
	if err != nil {
		cancel()
		return nil, wrote.Load(), err
	}
	// Keep the attempt's context alive until the body is read.
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, true, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// maxPresized bounds the buffer allocated up front from Content-Length.
const maxPresized = 64 << 20

func decodeBody(resp *http.Response, out any) error {
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	}
	if n := resp.ContentLength; n > 0 && n <= maxPresized {
		// A listing page is about a megabyte: read it into a buffer of
		// its exact size rather than one that keeps doubling.
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return err
		}
		return json.Unmarshal(buf, out)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func retryableStatus(s int) bool {
	switch s {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// pace waits for the shared 429 pause and the rate limiter.
func (c *Client) pace(ctx context.Context) error {
	c.pauseMu.Lock()
	until := c.pauseUntil
	c.pauseMu.Unlock()
	if d := until.Sub(c.now()); d > 0 {
		if err := c.sleep(ctx, d); err != nil {
			return err
		}
	}
	return c.limiter.Wait(ctx)
}

// pauseAll holds every caller of this client for d: a 429 means the
// account's budget is spent, not just this goroutine's.
func (c *Client) pauseAll(d time.Duration) {
	until := c.now().Add(d)
	c.pauseMu.Lock()
	if until.After(c.pauseUntil) {
		c.pauseUntil = until
	}
	c.pauseMu.Unlock()
}

// backoff is exponential with full jitter in [d/2, d].
func (c *Client) backoff(n int) time.Duration {
	d := c.opts.MinBackoff << min(n-1, 16)
	if d > c.opts.MaxBackoff || d <= 0 {
		d = c.opts.MaxBackoff
	}
	return d/2 + jitter(d/2)
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// scrub drops the request URL from a transport error: it holds user ids
// (emails) but, more importantly, keeps messages short and stable.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}
