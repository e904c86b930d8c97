package sheet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"cloud.google.com/go/auth"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/sheets/v4"
)

// SourceError is a problem reading or writing the roster that the admin
// can fix; Hint says how. It wraps the underlying error (often a
// *googleapi.Error) for errors.As. It never holds credentials.
type SourceError struct {
	Source  string // the source's String()
	Op      string // "read", "write back to", "open"
	Problem string // what went wrong
	Hint    string // what to do about it
	Err     error
}

func (e *SourceError) Error() string {
	s := fmt.Sprintf("cannot %s %s: %s", e.Op, e.Source, e.Problem)
	if e.Hint != "" {
		s += " — " + e.Hint
	}
	return s
}

func (e *SourceError) Unwrap() error { return e.Err }

// retriesExhausted marks the last error of a call that was retried until
// the retry budget ran out.
type retriesExhausted struct {
	tries int
	err   error
}

func (e *retriesExhausted) Error() string { return fmt.Sprintf("%v (after %d tries)", e.err, e.tries) }
func (e *retriesExhausted) Unwrap() error { return e.err }

const (
	scopeURLRead  = sheets.SpreadsheetsReadonlyScope
	scopeURLWrite = sheets.SpreadsheetsScope
	// gcloudADC is the command that gives Application Default Credentials
	// the Sheets scope (the default login lacks it).
	gcloudADC = "gcloud auth application-default login --scopes=%s,https://www.googleapis.com/auth/cloud-platform"
)

// explain turns an error from the Sheets API into a SourceError that says
// what the admin should do.
func (g *Google) explain(ctx context.Context, op string, err error) error {
	se := &SourceError{Source: g.String(), Op: op, Err: err}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// Not the sheet's fault: keep the context error visible to callers.
		return fmt.Errorf("%s %s: %w", op, g.String(), err)
	}
	var exhausted *retriesExhausted
	tries := 0
	if errors.As(err, &exhausted) {
		tries = exhausted.tries
	}
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		var aerr *auth.Error
		if errors.As(err, &aerr) {
			se.Problem = "Google did not accept " + g.account + " when asked for an access token: " + authErrorText(aerr)
			se.Hint = g.credentialHint()
			return se
		}
		se.Problem = "could not reach the Google Sheets API: " + err.Error()
		se.Hint = "check the network, any HTTPS proxy (HTTPS_PROXY), and source.endpoint if set"
		if tries > 0 {
			se.Problem = fmt.Sprintf("could not reach the Google Sheets API after %d tries: %v", tries, exhausted.err)
		}
		return se
	}
	msg := gerr.Message
	if msg == "" {
		msg = http.StatusText(gerr.Code)
	}
	role := "Viewer"
	scope := scopeURLRead
	if g.advise {
		role, scope = "Editor", scopeURLWrite
	}
	switch {
	case gerr.Code == http.StatusForbidden && hasReason(gerr, "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficient authentication scopes"):
		se.Problem = fmt.Sprintf("the credentials lack the Sheets scope %s (HTTP 403: %s)", scope, msg)
		se.Hint = "with Application Default Credentials, log in again with the scope: " + fmt.Sprintf(gcloudADC, scope) +
			"; on Compute Engine or GKE, give the VM or node pool that scope"
	case gerr.Code == http.StatusForbidden && hasReason(gerr, "SERVICE_DISABLED", "has not been used in project", "it is disabled"):
		se.Problem = "the Google Sheets API is not enabled in the credentials' Google Cloud project (HTTP 403)"
		se.Hint = "enable it: Google Cloud console → APIs & Services → Library → Google Sheets API → Enable, then wait a few minutes"
	case gerr.Code == http.StatusForbidden && g.credMode == credNone:
		se.Problem = fmt.Sprintf("the spreadsheet refused a request made without credentials (HTTP 403: %s)", msg)
		se.Hint = "set source.credentials to a service-account key file (or adc) and share the sheet with that account"
	case gerr.Code == http.StatusForbidden:
		se.Problem = fmt.Sprintf("the spreadsheet is not shared with %s (HTTP 403: %s)", g.account, msg)
		se.Hint = fmt.Sprintf("open the sheet, click Share and add %s as %s", g.account, role)
		if g.advise {
			se.Hint += " (write-back needs Editor)"
		}
	case gerr.Code == http.StatusNotFound:
		se.Problem = fmt.Sprintf("spreadsheet %q was not found (HTTP 404)", g.id)
		se.Hint = "check source.spreadsheet_id: it is the part of the sheet's URL between /d/ and /edit"
	case gerr.Code == http.StatusBadRequest && strings.Contains(msg, "Unable to parse range"):
		se.Problem = fmt.Sprintf("the tab or range %q does not exist in the spreadsheet (%s)", g.readRange(), msg)
		se.Hint = g.tabHint(ctx)
	case gerr.Code == http.StatusBadRequest && strings.Contains(msg, "This operation is not supported for this document"):
		se.Problem = "the file is an Excel file stored in Google Drive, not a Google Sheet (HTTP 400)"
		se.Hint = "open it in Google Sheets and use File → Save as Google Sheets, then use the new sheet's id"
	case gerr.Code == http.StatusUnauthorized:
		se.Problem = fmt.Sprintf("Google rejected the credentials of %s (HTTP 401: %s)", g.account, msg)
		se.Hint = g.credentialHint()
	case gerr.Code == http.StatusTooManyRequests:
		se.Problem = fmt.Sprintf("the Google Sheets quota was exhausted: still HTTP 429 after %d tries (Google allows 60 requests per minute per user, a service account being one user, and 300 per project)", max(tries, 1))
		se.Hint = "wait a minute and run again; run less often, or stop other tools using the same account"
	case gerr.Code >= 500:
		se.Problem = fmt.Sprintf("the Google Sheets API is failing: HTTP %d %s after %d tries", gerr.Code, msg, max(tries, 1))
		se.Hint = "this is on Google's side; try again later (https://www.google.com/appsstatus)"
	default:
		se.Problem = fmt.Sprintf("the Google Sheets API answered HTTP %d: %s", gerr.Code, msg)
	}
	return se
}

// hasReason reports whether the error's status, reasons or message mention
// any of the given markers.
func hasReason(e *googleapi.Error, markers ...string) bool {
	texts := []string{e.Message, e.Body}
	for _, it := range e.Errors {
		texts = append(texts, it.Reason, it.Message)
	}
	for _, t := range texts {
		for _, m := range markers {
			if strings.Contains(strings.ToLower(t), strings.ToLower(m)) {
				return true
			}
		}
	}
	return false
}

// tabHint lists the spreadsheet's tabs, with one more call, so a wrong
// range comes with the names that would work.
func (g *Google) tabHint(ctx context.Context) string {
	const quote = "put a tab name with spaces or punctuation in single quotes, e.g. 'My Teams'!A1:Z"
	ss, err := g.svc.Spreadsheets.Get(g.id).Fields("sheets.properties.title").Context(ctx).Do()
	if err != nil || ss == nil || len(ss.Sheets) == 0 {
		return "check source.range; " + quote
	}
	names := make([]string, 0, len(ss.Sheets))
	for _, sh := range ss.Sheets {
		if sh.Properties != nil {
			names = append(names, fmt.Sprintf("%q", sh.Properties.Title))
		}
	}
	example := "Teams!A1:Z"
	if len(ss.Sheets) > 0 && ss.Sheets[0].Properties != nil {
		example = quoteSheet(ss.Sheets[0].Properties.Title) + "!A1:Z"
	}
	return fmt.Sprintf("the spreadsheet's tabs are %s; set source.range to one of them, e.g. %s (%s), or leave it empty for the first tab",
		strings.Join(names, ", "), example, quote)
}

// credentialHint says how to fix credentials Google refused.
func (g *Google) credentialHint() string {
	switch g.credMode {
	case credFile:
		return "the key may have been deleted or disabled: create a new JSON key for the service account (Cloud console → IAM & Admin → Service accounts → Keys) and point source.credentials at it"
	case credADC:
		return "renew Application Default Credentials: " + fmt.Sprintf(gcloudADC, g.hintScope()) + ", or set source.credentials to a service-account key file"
	}
	return "check source.credentials"
}

// authErrorText is the token endpoint's error code and description, never
// the request (which holds a signed assertion).
func authErrorText(e *auth.Error) string {
	if e.Response != nil {
		return fmt.Sprintf("HTTP %d %s", e.Response.StatusCode, truncate(strings.TrimSpace(string(e.Body)), 300))
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return "no details"
}
