package zoom

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/zoomsync/zoomsync/internal/pacer"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// APIError is a non-2xx answer from the Zoom API.
type APIError struct {
	Method  string // request method
	Path    string // request path below the API base, without the query
	Status  int    // HTTP status
	Code    int    // Zoom's error code, 0 when the body had none
	Message string
	Fields  []FieldError
}

// FieldError is one field Zoom rejected.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "zoom: %s %s: %d", e.Method, e.Path, e.Status)
	if e.Message != "" {
		b.WriteString(" ")
		b.WriteString(e.Message)
	} else {
		b.WriteString(" ")
		b.WriteString(http.StatusText(e.Status))
	}
	if e.Code != 0 && e.Code != e.Status {
		fmt.Fprintf(&b, " (code %d)", e.Code)
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(":")
		} else {
			b.WriteString(";")
		}
		if f.Field != "" {
			fmt.Fprintf(&b, " %s: %s", f.Field, f.Message)
		} else {
			fmt.Fprintf(&b, " %s", f.Message)
		}
	}
	return b.String()
}

// RateLimitError is a 429 answer. The client waits out per-second limits
// itself; callers see one when the account's daily quota is spent (Daily),
// after which the client sends nothing more and every later call returns
// the same error.
type RateLimitError struct {
	APIError
	RetryAfter time.Duration // 0 when Zoom did not say
	Type       string        // X-RateLimit-Type: "QPS" or "Daily-limit"
	// Daily is set for a daily limit: X-RateLimit-Type Daily-limit, or a
	// Retry-After longer than the client waits.
	Daily bool
	// Reset is when Zoom said the quota resets; zero when it did not.
	Reset time.Time
}

func (e *RateLimitError) Error() string {
	if e.Daily {
		msg := fmt.Sprintf("zoom: %s %s: the account's daily Zoom API quota is used up (429)", e.Method, e.Path)
		if !e.Reset.IsZero() {
			msg += "; it resets at " + e.Reset.UTC().Format("2006-01-02 15:04 MST")
			if e.RetryAfter > 0 {
				msg += fmt.Sprintf(" (in %s)", e.RetryAfter.Round(time.Minute))
			}
		} else {
			msg += "; Zoom did not say when it resets"
		}
		return msg + "; nothing more is sent to Zoom in this run"
	}
	msg := e.APIError.Error()
	if e.Type != "" {
		msg += " [" + e.Type + "]"
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf("; retry after %s", e.RetryAfter.Round(time.Second))
	}
	return msg
}

// Unwrap lets errors.As find the embedded *APIError as well.
func (e *RateLimitError) Unwrap() error { return &e.APIError }

// OutcomeUnknownError reports a write that may or may not have been applied
// (the connection failed after the request was sent, or Zoom answered 5xx).
// The client never retries such a POST: the caller must look for the result
// (by slug) before trying again, or it could create the page twice.
type OutcomeUnknownError struct {
	Method, Path string
	Err          error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("zoom: %s %s: outcome unknown, the request may have been applied (not retried; look for the result before trying again): %v", e.Method, e.Path, e.Err)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// AuthError is a failure to get an access token.
type AuthError struct {
	Status int    // HTTP status of the token endpoint, 0 for a network error
	Code   int    // Zoom's numeric code when given (4702 invalid client, ...)
	Kind   string // OAuth error, e.g. "invalid_client"
	Reason string
	Err    error // the transport error, if any
}

func (e *AuthError) Error() string {
	if e.Err != nil {
		return "zoom: getting an access token: " + e.Err.Error()
	}
	msg := fmt.Sprintf("zoom: getting an access token: %d", e.Status)
	if e.Kind != "" {
		msg += " " + e.Kind
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	if e.Code != 0 {
		msg += fmt.Sprintf(" (code %d)", e.Code)
	}
	switch e.Kind {
	case "invalid_client":
		msg += " — check zoom.client_id and zoom.client_secret in the config, or ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, which override them, against Zoom Marketplace → your Server-to-Server OAuth app → App Credentials"
	case "invalid_request":
		msg += " — check zoom.account_id in the config, or ZOOM_ACCOUNT_ID, which overrides it, and that the app is a Server-to-Server OAuth app"
	case "unsupported_grant_type":
		msg += " — the app must be a Server-to-Server OAuth app (grant account_credentials)"
	}
	return msg
}

func (e *AuthError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is a 404 from Zoom.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// IsOutcomeUnknown reports whether err says a write may have been applied.
func IsOutcomeUnknown(err error) bool {
	var ou *OutcomeUnknownError
	return errors.As(err, &ou)
}

// errorBody covers both shapes Zoom uses:
//
//	{"code":300,"message":"Validation Failed.","errors":[{"field":..,"message":..}]}
//	{"error":{"code":..,"message":"Failed json validation!","errors":[...]}}
type errorBody struct {
	Code    json.Number  `json:"code"`
	Message string       `json:"message"`
	Errors  []FieldError `json:"errors"`
	Error   *struct {
		Code    json.Number  `json:"code"`
		Message string       `json:"message"`
		Errors  []FieldError `json:"errors"`
	} `json:"error"`
}

// redactor blots the client's own secrets out of text a server sent back.
// Zoom does not echo requests, but a proxy or a broken endpoint can put the
// Authorization header or the token request's credentials into an error
// body, and that text reaches errors and logs.
type redactor []string

const redacted = "[redacted]"

func (r redactor) apply(s string) string {
	for _, secret := range r {
		// A secret of a few characters would blot out ordinary words; no
		// real credential or token is that short.
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return s
}

// newAPIError reads a non-2xx response into an *APIError, or a
// *RateLimitError for a 429. Text from the body goes through red.
func newAPIError(method, path string, resp *http.Response, now time.Time, red redactor) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	ae := APIError{Method: method, Path: path, Status: resp.StatusCode}
	var body errorBody
	if json.Unmarshal(data, &body) == nil {
		code, msg, fields := body.Code, body.Message, body.Errors
		if body.Error != nil {
			code, msg, fields = body.Error.Code, body.Error.Message, body.Error.Errors
		}
		if n, err := code.Int64(); err == nil {
			ae.Code = int(n)
		}
		ae.Message, ae.Fields = msg, fields
	} else if s := strings.TrimSpace(string(data)); s != "" && len(s) < 200 && !strings.ContainsAny(s, "<>") {
		ae.Message = s // a short plain-text body; HTML error pages are dropped
	}
	ae.Message = red.apply(ae.Message)
	for i := range ae.Fields {
		ae.Fields[i].Field, ae.Fields[i].Message = red.apply(ae.Fields[i].Field), red.apply(ae.Fields[i].Message)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		rl := &RateLimitError{APIError: ae, Type: resp.Header.Get("X-RateLimit-Type")}
		if d, ok := pacer.ParseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			rl.RetryAfter, rl.Reset = d, now.Add(d)
		}
		rl.Daily = strings.Contains(strings.ToLower(rl.Type), "daily")
		return rl
	}
	return &ae
}
