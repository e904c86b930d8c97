package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTokenSuccess(t *testing.T) {
	e := setup(t, nil)
	for _, tc := range []struct {
		name  string
		query string
		form  string
		basic bool
	}{
		{"form body and basic auth", "", "grant_type=account_credentials&account_id=emulator-account", true},
		{"query and basic auth", "?grant_type=account_credentials&account_id=emulator-account", "", true},
		{"client id in form", "", "grant_type=account_credentials&account_id=emulator-account&client_id=emulator-client&client_secret=emulator-secret", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.srv.URL+"/oauth/token"+tc.query, strings.NewReader(tc.form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.basic {
				req.SetBasicAuth("emulator-client", "emulator-secret")
			}
			r := e.send(req)
			if r.status != 200 {
				t.Fatalf("status %d %s", r.status, r.body)
			}
			var got struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				ExpiresIn   int    `json:"expires_in"`
				Scope       string `json:"scope"`
				APIURL      string `json:"api_url"`
			}
			r.decode(&got)
			if len(got.AccessToken) < 40 {
				t.Errorf("access_token %q shorter than 40", got.AccessToken)
			}
			if got.TokenType != "bearer" || got.ExpiresIn != 3600 || got.APIURL != e.srv.URL ||
				got.Scope != "scheduler:read:admin scheduler:write:admin user:read:admin" {
				t.Errorf("token response %+v", got)
			}
			// The new token works.
			req = e.newRequest("GET", "/v2/scheduler/schedules", "")
			req.Header.Set("Authorization", "Bearer "+got.AccessToken)
			if r := e.send(req); r.status != 200 {
				t.Errorf("API call with new token: %d %s", r.status, r.body)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	e := setup(t, nil)
	for _, tc := range []struct {
		name       string
		form       string
		user, pass string // basic auth when user != ""
		want       string
	}{
		{"missing grant type", "account_id=emulator-account", "emulator-client", "emulator-secret",
			`{"reason":"Missing grant type.","error":"invalid_request","code":4706}`},
		{"unsupported grant type", "grant_type=client_credentials&account_id=emulator-account", "emulator-client", "emulator-secret",
			`{"reason":"unsupported grant type","error":"unsupported_grant_type","code":4705}`},
		{"missing credentials", "grant_type=account_credentials&account_id=emulator-account", "", "",
			`{"reason":"Client ID or client secret is missing.","error":"invalid_request","code":4706}`},
		{"wrong secret", "grant_type=account_credentials&account_id=emulator-account", "emulator-client", "hunter2-secret",
			`{"reason":"Invalid client_id or client_secret","error":"invalid_client","code":4702}`},
		{"wrong client id", "grant_type=account_credentials&account_id=emulator-account", "someone-else", "emulator-secret",
			`{"reason":"Invalid client_id or client_secret","error":"invalid_client","code":4702}`},
		{"missing account id", "grant_type=account_credentials", "emulator-client", "emulator-secret",
			`{"reason":"Missing account_id.","error":"invalid_request","code":4706}`},
		{"wrong account id", "grant_type=account_credentials&account_id=other", "emulator-client", "emulator-secret",
			`{"reason":"Invalid account_id: no such account for this app.","error":"invalid_request","code":4700}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.srv.URL+"/oauth/token", strings.NewReader(tc.form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.user != "" {
				req.SetBasicAuth(tc.user, tc.pass)
			}
			r := e.send(req)
			if r.status != 400 {
				t.Errorf("status %d, want 400", r.status)
			}
			wantJSON(t, r.body, tc.want)
			if strings.Contains(string(r.body), "hunter2") || strings.Contains(string(r.body), "emulator-secret") {
				t.Errorf("body echoes the secret: %s", r.body)
			}
		})
	}
	if r := e.send(e.newRequest("GET", "/oauth/token", "")); r.status != 405 {
		t.Errorf("GET /oauth/token: %d, want 405", r.status)
	}
}

func TestUnauthorized(t *testing.T) {
	e := setup(t, func(o *Options) { o.TokenTTL = time.Minute })
	invalid := `{"code":124,"message":"Invalid access token."}`
	expired := `{"code":124,"message":"Access token is expired."}`

	req := e.newRequest("GET", "/v2/scheduler/schedules", "")
	req.Header.Del("Authorization")
	r := e.send(req)
	if r.status != 401 {
		t.Errorf("no token: %d", r.status)
	}
	wantJSON(t, r.body, invalid)

	req = e.newRequest("GET", "/v2/scheduler/schedules", "")
	req.Header.Set("Authorization", "Bearer not-a-token")
	r = e.send(req)
	if r.status != 401 {
		t.Errorf("unknown token: %d", r.status)
	}
	wantJSON(t, r.body, invalid)
	if r.header.Get("X-RateLimit-Category") != "Light" {
		t.Errorf("401 lacks rate headers: %v", r.header)
	}

	// TTL: valid just before, expired at the TTL.
	e.clock.Advance(time.Minute - time.Second)
	if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 {
		t.Errorf("before TTL: %d %s", r.status, r.body)
	}
	e.clock.Advance(time.Second)
	r = e.do("GET", "/v2/scheduler/schedules", "")
	if r.status != 401 {
		t.Errorf("after TTL: %d", r.status)
	}
	wantJSON(t, r.body, expired)

	// ExpireTokens: a fresh token stops working; one minted after works.
	e.token = e.mintToken()
	e.emu.ExpireTokens()
	r = e.do("GET", "/v2/scheduler/schedules", "")
	if r.status != 401 {
		t.Errorf("after ExpireTokens: %d", r.status)
	}
	wantJSON(t, r.body, expired)
	e.token = e.mintToken()
	if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 {
		t.Errorf("new token after ExpireTokens: %d", r.status)
	}
}
