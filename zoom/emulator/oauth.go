package emulator

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenStore holds issued access tokens and their expiry.
type tokenStore struct {
	mu     sync.Mutex
	tokens map[string]time.Time
}

const tokenScope = "scheduler:read:admin scheduler:write:admin user:read:admin"

// oauthError is the token endpoint's error body.
type oauthError struct {
	Reason string `json:"reason"`
	Error  string `json:"error"`
	Code   int    `json:"code"`
}

func writeOAuthError(w http.ResponseWriter, code int, reason, kind string) {
	writeJSON(w, http.StatusBadRequest, oauthError{Reason: reason, Error: kind, Code: code})
}

// serveToken is POST /oauth/token (account_credentials grant).
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request, _ string) {
	_ = r.ParseForm() // form body and query; a malformed body reads as missing fields
	grant := r.Form.Get("grant_type")
	switch {
	case grant == "":
		writeOAuthError(w, 4706, "Missing grant type.", "invalid_request")
		return
	case grant != "account_credentials":
		writeOAuthError(w, 4705, "unsupported grant type", "unsupported_grant_type")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id == "" || secret == "" {
		writeOAuthError(w, 4706, "Client ID or client secret is missing.", "invalid_request")
		return
	}
	if !e.knownApp(id, secret) {
		writeOAuthError(w, 4702, "Invalid client_id or client_secret", "invalid_client")
		return
	}
	// Inferred (docs/zoom-api.md#auth): Zoom's table has no code for a bad
	// account_id; these answer 400 invalid_request with a reason that says
	// what is wrong.
	switch acct := r.Form.Get("account_id"); {
	case acct == "":
		writeOAuthError(w, 4706, "Missing account_id.", "invalid_request")
		return
	case acct != e.opts.AccountID:
		writeOAuthError(w, 4700, "Invalid account_id: no such account for this app.", "invalid_request")
		return
	}

	token := rand.Text() + rand.Text() // 52 opaque characters
	e.tokens.mu.Lock()
	now := e.now()
	for t, exp := range e.tokens.tokens { // forget tokens long expired
		if now.Sub(exp) > 24*time.Hour {
			delete(e.tokens.tokens, t)
		}
	}
	e.tokens.tokens[token] = now.Add(e.opts.TokenTTL)
	e.tokens.mu.Unlock()

	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Scope       string `json:"scope"`
		APIURL      string `json:"api_url"`
	}{token, "bearer", int(e.opts.TokenTTL / time.Second), tokenScope, scheme + "://" + r.Host})
}

// knownApp reports whether id and secret are the credentials of one of the
// account's apps.
func (e *Emulator) knownApp(id, secret string) bool {
	ok := credentialOK(id, e.opts.ClientID) && credentialOK(secret, e.opts.ClientSecret)
	for _, a := range e.opts.OtherApps {
		ok = ok || credentialOK(id, a.ClientID) && credentialOK(secret, a.ClientSecret)
	}
	return ok
}

// credentialOK compares a client credential in constant time. RFC 6749
// form-encodes credentials before HTTP Basic (golang.org/x/oauth2 does), so
// the decoded form also counts.
func credentialOK(got, want string) bool {
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
		return true
	}
	dec, err := url.QueryUnescape(got)
	return err == nil && subtle.ConstantTimeCompare([]byte(dec), []byte(want)) == 1
}

// authorize checks the bearer token and answers 401 when it is not good.
func (e *Emulator) authorize(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	token := ""
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		token = strings.TrimSpace(h[7:])
	}
	e.tokens.mu.Lock()
	exp, found := e.tokens.tokens[token]
	e.tokens.mu.Unlock()
	msg := ""
	switch {
	case token == "" || !found:
		msg = "Invalid access token."
	case !e.now().Before(exp):
		msg = "Access token is expired."
	default:
		return true
	}
	e.limiter.peek(w.Header(), e.now())
	writeCode(w, http.StatusUnauthorized, 124, msg)
	return false
}

// ExpireTokens makes every token issued so far expired: the next API call
// with one gets 401 code 124 "Access token is expired.".
func (e *Emulator) ExpireTokens() {
	now := e.now()
	e.tokens.mu.Lock()
	defer e.tokens.mu.Unlock()
	for t, exp := range e.tokens.tokens {
		if exp.After(now) {
			e.tokens.tokens[t] = now
		}
	}
}
