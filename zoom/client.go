// Package zoom is a client for the Zoom Scheduler REST API: Server-to-Server
// OAuth, schedules, availability and users, with typed errors, pagination, a
// shared adaptive pacer (internal/pacer) and retries that never repeat a
// write whose outcome is unknown.
package zoom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/zoomsync/zoomsync/internal/bodycap"
	"github.com/zoomsync/zoomsync/internal/pacer"
)

// Options configure a Client. Zero values take the defaults shown.
type Options struct {
	APIURL   string // default DefaultAPIURL
	TokenURL string // default DefaultTokenURL

	AccountID    string
	ClientID     string
	ClientSecret string

	// RateLimit is a hard ceiling, in requests per second, on every API call
	// of this client across goroutines; the pace starts there and a 429
	// lowers it (recovering additively). 0, the default, paces
	// automatically: Zoom's limit is per account and shared by all its apps,
	// so the client reads X-RateLimit-Limit and X-RateLimit-Remaining from
	// each answer and uses at most QuotaShare percent of the limit, less
	// when Remaining shows other apps are busy. Before the first answer it
	// starts at a cautious 5/s.
	RateLimit float64
	// QuotaShare is the percentage (0, 100] of the account's reported limit
	// the automatic pace may use (default DefaultQuotaShare).
	QuotaShare float64
	// Timeout bounds each attempt of a call (default DefaultTimeout).
	Timeout time.Duration
	// MaxRetries is how many times one call is tried again after a server
	// error (500, 502, 503, 504) or a network failure, its token request's
	// included, before it fails; 0 takes DefaultMaxRetries and -1 (any
	// negative value) never retries. Per-second rate limits (429) are not
	// counted: they are waited out for as long as the call's context
	// allows. A POST is sent again only when it provably never left the
	// client; otherwise it fails with *OutcomeUnknownError. The config key
	// zoom.max_retries is passed here unchanged.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff (default
	// 500ms and 20s, internal/pacer's DefaultBackoff).
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits; a 429 that
	// asks for longer, or says X-RateLimit-Type: Daily-limit, is a daily
	// limit: the call fails with a *RateLimitError (Daily set) and so does
	// every later call of this client, without sending anything (default
	// 2m).
	MaxRetryAfter time.Duration

	// OnWait, if set, is called before every pause for a rate limit or a
	// back-off, with its length and a short reason. It must not block.
	OnWait func(d time.Duration, reason string)
	// OnRequest, if set, is called after every API request with its method
	// and the answer's status (0 when no answer came). It must not block.
	OnRequest func(method string, status int)

	HTTPClient *http.Client // default: a client with sane transport timeouts
	Logger     *slog.Logger // default: discard

	// Now and Sleep are the clock (default the wall clock); tests replace
	// them to run pacing and back-off on virtual time. Sleep must return
	// ctx.Err() when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// The defaults of Options; config.Default() shows the same values.
const (
	DefaultAPIURL     = "https://api.zoom.us/v2"
	DefaultTokenURL   = "https://zoom.us/oauth/token"
	DefaultQuotaShare = 50 // percent
	DefaultTimeout    = 30 * time.Second
	// DefaultMaxRetries is what MaxRetries 0 means.
	DefaultMaxRetries = 10
)

// DefaultConcurrency is how many Zoom calls zoomsync's engine and importer
// make at once unless zoom.concurrency says otherwise. It is kept here, in
// the one package that config and sync both import.
const DefaultConcurrency = 4

func (o *Options) setDefaults() {
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	if o.TokenURL == "" {
		o.TokenURL = DefaultTokenURL
	}
	if o.RateLimit < 0 {
		o.RateLimit = 0
	}
	if o.QuotaShare <= 0 || o.QuotaShare > 100 {
		o.QuotaShare = DefaultQuotaShare
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	} else if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = pacer.DefaultBackoff.Min
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = pacer.DefaultBackoff.Max
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
// all goroutines share one token and one pacer (one rate, one 429 pause,
// one daily-limit stop).
type Client struct {
	opts    Options
	base    *url.URL
	http    *http.Client
	tokens  *tokenSource
	pacer   *pacer.Pacer
	backoff pacer.Backoff
	clock   pacer.Clock
	log     *slog.Logger

	stats counters
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
	clock := pacer.FuncClock{NowFunc: opts.Now, SleepFunc: opts.Sleep}
	// Every body read, the token endpoint's included, is bounded: a huge
	// answer (an error page, a broken proxy) cannot fill memory.
	hc := bodycap.Wrap(opts.HTTPClient, maxBody, maxErrorBody)
	c := &Client{
		opts:   opts,
		base:   base,
		http:   hc,
		tokens: newTokenSource(&opts, hc),
		pacer: pacer.New(pacer.Options{
			Ceiling: opts.RateLimit, Auto: opts.RateLimit == 0, Share: opts.QuotaShare / 100, Clock: clock,
		}),
		backoff: pacer.Backoff{Min: opts.MinBackoff, Max: opts.MaxBackoff},
		clock:   clock,
		log:     opts.Logger,
	}
	return c, nil
}

// call describes one API call.
type call struct {
	method string
	path   string // below the base URL, escaped, no leading slash
	query  url.Values
	body   any // JSON-encoded when non-nil
	out    any // decoded from a 2xx body when non-nil
}

// do runs a call through the pacer, auth, retries and error handling.
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
	// retry backs off before try retries+1, or says the retries ran out.
	retry := func(why string) (bool, error) {
		if retries >= c.opts.MaxRetries {
			return false, nil
		}
		retries++
		c.stats.retries.Add(1)
		d := c.backoff.Delay(retries)
		c.log.Debug("zoom call failed, retrying", "method", cl.method, "path", display, "why", why, "retry", retries, "wait", d)
		c.onWait(d, why)
		return true, c.clock.Sleep(ctx, d)
	}
	for {
		sent, err := c.pacer.Wait(ctx)
		if err != nil {
			return err // the context's error, or the daily limit's
		}
		tok, err := c.tokens.token(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// Nothing was sent to Zoom's API, so trying again is safe
			// whatever the method.
			var ae *AuthError
			if errors.As(err, &ae) && pacer.Classify(ctx, ae.Status, ae.Err) >= pacer.Retry {
				ok, serr := retry("token endpoint failed")
				if serr != nil {
					return serr
				}
				if ok {
					continue
				}
			}
			return err
		}

		start := c.clock.Now()
		resp, wrote, err := c.attempt(ctx, cl.method, target, payload, tok.AccessToken)
		c.stats.count(cl.method)
		if err != nil {
			c.pacer.Observe(sent, 0, nil)
			c.onRequest(cl.method, 0)
			// A POST that was sent may have been applied, also when the
			// caller's context ended while it was in flight: say so before
			// anything else, so that the caller looks before it reports
			// the create as not made.
			if cl.method == http.MethodPost && wrote {
				return &OutcomeUnknownError{Method: cl.method, Path: display, Err: scrub(err)}
			}
			class := pacer.Classify(ctx, 0, err)
			if class == pacer.Stop {
				return ctx.Err()
			}
			if class == pacer.Retry {
				ok, serr := retry("network error")
				if serr != nil {
					return serr
				}
				if ok {
					continue
				}
				return fmt.Errorf("zoom: %s %s: giving up after %d tries: %w", cl.method, display, retries+1, scrub(err))
			}
			return fmt.Errorf("zoom: %s %s: %w", cl.method, display, scrub(err))
		}

		status := resp.StatusCode
		c.pacer.Observe(sent, status, resp.Header)
		c.onRequest(cl.method, status)
		c.log.Debug("zoom call", "method", cl.method, "path", display, "status", status, "duration", c.clock.Now().Sub(start))
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
		apiErr := newAPIError(cl.method, display, resp, c.clock.Now(), append(redactor{tok.AccessToken}, c.tokens.secrets...))
		resp.Body.Close()

		if status == http.StatusUnauthorized && !refreshed {
			// The token may have been revoked or replaced: get a new one
			// and try once more. A 401 means the call was not applied.
			refreshed = true
			c.tokens.invalidate(tok)
			c.stats.retries.Add(1)
			continue
		}
		switch pacer.Classify(ctx, status, apiErr) {
		case pacer.Stop:
			return ctx.Err()
		case pacer.RateLimited:
			// A 429 was not applied, so any method is sent again.
			c.stats.rateLimited.Add(1)
			rl := apiErr.(*RateLimitError)
			if rl.RetryAfter > c.opts.MaxRetryAfter {
				rl.Daily = true
			}
			if rl.Daily {
				// The day's quota is spent: nothing this client sends
				// can succeed before it resets, so stop every caller.
				c.pacer.Stop(rl)
				c.log.Warn("zoom daily rate limit reached; no more calls are sent", "reset", rl.Reset)
				return rl
			}
			waits++
			wait := rl.RetryAfter
			if wait <= 0 {
				wait = c.backoff.Delay(waits)
			}
			wait += pacer.Jitter(wait / 10)
			c.stats.retries.Add(1)
			c.stats.rateLimitWaits.Add(1)
			c.log.Debug("zoom rate limited, waiting", "method", cl.method, "path", display, "wait", wait, "rate", c.pacer.Rate())
			c.onWait(wait, "rate limited (429)")
			c.pacer.Pause(wait)
			continue
		case pacer.Retry:
			if cl.method == http.MethodPost {
				// Zoom may have stored the page before failing.
				return &OutcomeUnknownError{Method: cl.method, Path: display, Err: apiErr}
			}
			ok, serr := retry(fmt.Sprintf("server error %d", status))
			if serr != nil {
				return serr
			}
			if ok {
				continue
			}
			if retries > 0 {
				return fmt.Errorf("zoom: giving up after %d tries: %w", retries+1, apiErr)
			}
		}
		return apiErr
	}
}

func (c *Client) onWait(d time.Duration, reason string) {
	if c.opts.OnWait != nil {
		c.opts.OnWait(d, reason)
	}
}

func (c *Client) onRequest(method string, status int) {
	if c.opts.OnRequest != nil {
		c.opts.OnRequest(method, status)
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

// maxBody bounds a success body: a page of 300 schedules is about a
// megabyte.
const maxBody = bodycap.SuccessBody

func decodeBody(resp *http.Response, out any) error {
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	}
	if n := resp.ContentLength; n > 0 && n <= maxBody {
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

// scrub drops the request URL from a transport error: it holds user ids
// (emails) but, more importantly, keeps messages short and stable.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}
