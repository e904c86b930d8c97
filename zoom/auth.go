package zoom

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource holds one Server-to-Server OAuth token per process. Zoom can
// invalidate earlier tokens when many are minted, so the token is shared by
// every goroutine and fetched again only when it expires or a call is
// answered 401.
type tokenSource struct {
	conf   clientcredentials.Config
	client *http.Client

	// secrets are the client secret in the forms a token request carries
	// it: raw, query-escaped (form and Basic credentials) and as the
	// base64 Basic credentials.
	secrets redactor

	mu      sync.Mutex
	current *oauth2.Token
	fetches int64
}

func newTokenSource(o *Options, client *http.Client) *tokenSource {
	// oauth2 escapes both parts before it builds the Basic credentials.
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(o.ClientID) + ":" + url.QueryEscape(o.ClientSecret)))
	return &tokenSource{
		secrets: redactor{o.ClientSecret, url.QueryEscape(o.ClientSecret), basic},
		conf: clientcredentials.Config{
			ClientID:     o.ClientID,
			ClientSecret: o.ClientSecret,
			TokenURL:     o.TokenURL,
			AuthStyle:    oauth2.AuthStyleInHeader,
			EndpointParams: url.Values{
				// clientcredentials allows grant_type to be replaced.
				"grant_type": {"account_credentials"},
				"account_id": {o.AccountID},
			},
		},
		client: client,
	}
}

// token returns the cached token, fetching one if there is none or it has
// expired. Holding the lock while fetching makes concurrent callers wait for
// one fetch instead of minting several tokens.
func (ts *tokenSource) token(ctx context.Context) (*oauth2.Token, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.current.Valid() {
		return ts.current, nil
	}
	tok, err := ts.conf.Token(context.WithValue(ctx, oauth2.HTTPClient, ts.client))
	ts.fetches++
	if err != nil {
		return nil, authError(err, ts.secrets)
	}
	ts.current = tok
	return tok, nil
}

// invalidate drops tok if it is still the cached token, so the next call
// fetches a new one. A token another goroutine already replaced is kept.
func (ts *tokenSource) invalidate(tok *oauth2.Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.current == tok {
		ts.current = nil
	}
}

func (ts *tokenSource) fetchCount() int64 {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.fetches
}

// authError turns an oauth2 failure into an *AuthError built from the parsed
// response only: the oauth2 error text includes the raw body, and nothing
// from the request (which carries the client secret) is ever copied. Text
// from the body goes through red, in case the endpoint echoed the request.
func authError(err error, red redactor) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		ae := &AuthError{Kind: re.ErrorCode, Reason: re.ErrorDescription}
		if re.Response != nil {
			ae.Status = re.Response.StatusCode
		}
		var body struct {
			Code   int    `json:"code"`
			Reason string `json:"reason"`
			Error  string `json:"error"`
		}
		if json.Unmarshal(re.Body, &body) == nil {
			ae.Code = body.Code
			if ae.Kind == "" {
				ae.Kind = body.Error
			}
			if body.Reason != "" {
				ae.Reason = body.Reason
			}
		}
		ae.Kind, ae.Reason = red.apply(ae.Kind), red.apply(ae.Reason)
		return ae
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// url.Error names the token URL, which holds no secret.
		return &AuthError{Err: ue}
	}
	return &AuthError{Err: errors.New("token request failed")}
}
