package sheet

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/googleapi"

	"github.com/zoomsync/zoomsync/internal/pacer"
	"github.com/zoomsync/zoomsync/internal/pacer/pacertest"
	"github.com/zoomsync/zoomsync/sheet/sheettest"
)

const testSheetID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"

// virtualRetry is the real retry policy on a virtual clock: its back-offs
// and Retry-After waits cost no real time.
func virtualRetry() retryPolicy {
	p := defaultRetry
	p.pace = pacer.New(pacer.Options{Clock: pacertest.NewClock()})
	return p
}

func newFake(t *testing.T) *sheettest.Server {
	t.Helper()
	s := sheettest.NewServer()
	t.Cleanup(s.Close)
	return s
}

// newTestGoogle opens a Google source against the fake with no credentials.
func newTestGoogle(t *testing.T, srv *sheettest.Server, rng string, opts OpenOptions) *Google {
	t.Helper()
	src := SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Range: rng, Credentials: CredentialsNone, Endpoint: srv.URL()}
	g, err := newGoogle(context.Background(), src, opts)
	if err != nil {
		t.Fatal(err)
	}
	g.retry = virtualRetry()
	return g
}

func TestGoogleReadQuotedTabWithBlankRows(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Other", [][]string{{"x"}})
	srv.SetTab(testSheetID, "My Teams", [][]string{
		{"Team", "Hosts", "Owner"},
		{"Sales", "a@x.com, b@x.com"},
		{},
		{"", "", ""},
		{"Support", "c@x.com, d@x.com", "c@x.com", "", "extra"},
	})
	g := newTestGoogle(t, srv, "'My Teams'!A1:Z", OpenOptions{})
	tb, err := g.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{
		Header:    []string{"Team", "Hosts", "Owner"},
		Rows:      [][]string{{"Sales", "a@x.com, b@x.com", ""}, {"Support", "c@x.com, d@x.com", "c@x.com", "", "extra"}},
		RowNums:   []int{2, 5},
		HeaderRow: 1,
		Sheet:     "My Teams",
		FirstCol:  0,
	}
	if diff := cmp.Diff(want, tb); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v4/spreadsheets/"+testSheetID+"/values/'My Teams'!A1:Z" {
		t.Errorf("requests = %+v, want one values.get of the quoted range", reqs)
	}
	if got := g.String(); got != "Google Sheet "+testSheetID+"/'My Teams'!A1:Z" {
		t.Errorf("String() = %q", got)
	}
}

func TestGoogleReadRangeStartingAtB3(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", [][]string{
		{"Roster for Q3"},
		{},
		{"", "Team", "Hosts"},
		{"", "Sales", "a@x.com, b@x.com"},
		{"ignored", "", ""},
		{"", "Ops", "c@x.com, d@x.com"},
	})
	g := newTestGoogle(t, srv, "Teams!B3:F", OpenOptions{})
	tb, err := g.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{
		Header:    []string{"Team", "Hosts"},
		Rows:      [][]string{{"Sales", "a@x.com, b@x.com"}, {"Ops", "c@x.com, d@x.com"}},
		RowNums:   []int{4, 6},
		HeaderRow: 3,
		Sheet:     "Teams",
		FirstCol:  1,
	}
	if diff := cmp.Diff(want, tb); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestGoogleReadFirstTabByDefault(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Roster 2024", [][]string{{"Team", "Hosts"}, {"Sales", "a@x.com, b@x.com"}})
	srv.SetTab(testSheetID, "Archive", [][]string{{"Team", "Hosts"}})
	g := newTestGoogle(t, srv, "", OpenOptions{})
	tb, err := g.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tb.Sheet != "Roster 2024" || len(tb.Rows) != 1 {
		t.Errorf("table %+v", tb)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || !strings.HasSuffix(reqs[0].Path, "/values/A:AZ") {
		t.Errorf("requests %+v", reqs)
	}
}

func TestGoogleReadEmptyTab(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", nil)
	_, err := newTestGoogle(t, srv, "Teams", OpenOptions{}).Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the range Teams!A1:Z1000 is empty: the first row must be the header") {
		t.Errorf("err = %v", err)
	}
}

// writeKeyFile writes a syntactically valid service-account key with a
// throwaway RSA key and returns its path.
func writeKeyFile(t *testing.T, email, tokenURI string) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	data, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "zoomsync-test", "private_key_id": "0123456789abcdef",
		"private_key": string(pemKey), "client_email": email, "client_id": "123456789",
		"auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": tokenURI,
	})
	p := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const testEmail = "zoomsync-reader@zoomsync-test.iam.gserviceaccount.com"

func TestGoogleErrors(t *testing.T) {
	keyPath := writeKeyFile(t, testEmail, "http://127.0.0.1:1/token")
	tests := []struct {
		name     string
		setup    func(*sheettest.Server)
		rng      string
		write    bool
		want     []string // substrings of the error
		requests int
	}{
		{
			name:     "not shared names the service account",
			setup:    func(s *sheettest.Server) { s.SetTab(testSheetID, "Teams", nil); s.Deny(testSheetID) },
			want:     []string{"the spreadsheet is not shared with " + testEmail, "HTTP 403: The caller does not have permission", "click Share and add " + testEmail + " as Viewer"},
			requests: 1,
		},
		{
			name:     "not shared for write-back asks for Editor",
			setup:    func(s *sheettest.Server) { s.SetTab(testSheetID, "Teams", nil); s.Deny(testSheetID) },
			write:    true,
			want:     []string{"add " + testEmail + " as Editor (write-back needs Editor)"},
			requests: 1,
		},
		{
			name: "insufficient scopes",
			setup: func(s *sheettest.Server) {
				s.SetTab(testSheetID, "Teams", nil)
				s.Fail(sheettest.Failure{Status: 403, Message: "Request had insufficient authentication scopes."})
			},
			want:     []string{"the credentials lack the Sheets scope https://www.googleapis.com/auth/spreadsheets.readonly", "gcloud auth application-default login --scopes=https://www.googleapis.com/auth/spreadsheets.readonly,"},
			requests: 1,
		},
		{
			name: "API not enabled",
			setup: func(s *sheettest.Server) {
				s.SetTab(testSheetID, "Teams", nil)
				s.Fail(sheettest.Failure{Status: 403, Message: "Google Sheets API has not been used in project 123 before or it is disabled."})
			},
			want:     []string{"the Google Sheets API is not enabled", "APIs & Services"},
			requests: 1,
		},
		{
			name:     "wrong spreadsheet id",
			setup:    func(s *sheettest.Server) { s.SetTab("another-id", "Teams", nil) },
			want:     []string{`spreadsheet "` + testSheetID + `" was not found (HTTP 404)`, "source.spreadsheet_id", "between /d/ and /edit"},
			requests: 1,
		},
		{
			name: "wrong tab lists the tabs",
			setup: func(s *sheettest.Server) {
				s.SetTab(testSheetID, "My Teams", nil)
				s.SetTab(testSheetID, "Archive", nil)
			},
			rng: "Team!A1:Z",
			want: []string{`the tab or range "Team!A1:Z" does not exist in the spreadsheet (Unable to parse range: Team!A1:Z)`,
				`the spreadsheet's tabs are "My Teams", "Archive"; set source.range to one of them, e.g. 'My Teams'!A1:Z`,
				"put a tab name with spaces or punctuation in single quotes"},
			requests: 2,
		},
		{
			name: "quota exhausted",
			setup: func(s *sheettest.Server) {
				s.SetTab(testSheetID, "Teams", nil)
				s.Fail(sheettest.Failure{Status: 429})
			},
			want:     []string{"the Google Sheets quota was exhausted: still HTTP 429 after 5 tries", "60 requests per minute per user"},
			requests: 5,
		},
		{
			name: "server errors exhausted",
			setup: func(s *sheettest.Server) {
				s.SetTab(testSheetID, "Teams", nil)
				s.Fail(sheettest.Failure{Status: 503})
			},
			want:     []string{"the Google Sheets API is failing: HTTP 503 The service is currently unavailable. after 5 tries"},
			requests: 5,
		},
		{
			name: "bad request is not retried",
			setup: func(s *sheettest.Server) {
				s.SetTab(testSheetID, "Teams", nil)
				s.Fail(sheettest.Failure{Status: 400, Message: "This operation is not supported for this document"})
			},
			want:     []string{"an Excel file stored in Google Drive"},
			requests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			tt.setup(srv)
			rng := tt.rng
			if rng == "" {
				rng = "Teams!A1:Z"
			}
			src := SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Range: rng, Credentials: keyPath, Endpoint: srv.URL()}
			// The HTTP client stands in for the key's token source: the key
			// file still supplies the email.
			g, err := newGoogle(context.Background(), src, OpenOptions{Write: tt.write, HTTPClient: http.DefaultClient})
			if err != nil {
				t.Fatal(err)
			}
			g.retry = virtualRetry()
			_, err = g.Read(context.Background())
			if err == nil {
				t.Fatal("Read succeeded")
			}
			var se *SourceError
			if !errors.As(err, &se) {
				t.Fatalf("err %T %v, want *SourceError", err, err)
			}
			var gerr *googleapi.Error
			if !errors.As(err, &gerr) {
				t.Errorf("err does not wrap *googleapi.Error: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n  %s\nlacks\n  %s", err, w)
				}
			}
			if strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), "0123456789abcdef") {
				t.Errorf("error leaks key material: %s", err)
			}
			if n := len(srv.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestGoogleRetriesThenSucceeds(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", [][]string{{"Team", "Hosts"}, {"Sales", "a@x.com, b@x.com"}})
	srv.Fail(sheettest.Failure{Method: "GET", PathContains: "/values/", Status: 429, Count: 2, RetryAfter: "0"})
	g := newTestGoogle(t, srv, "Teams", OpenOptions{})
	tb, err := g.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 1 {
		t.Errorf("rows %v", tb.Rows)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 (two 429s, then success)", n)
	}
}

func TestGoogleCancelDuringBackoff(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", nil)
	srv.Fail(sheettest.Failure{Status: 429})
	g := newTestGoogle(t, srv, "Teams", OpenOptions{})
	// The run is cancelled while the retry loop waits an hour: the wait
	// gives way at once.
	ctx, cancel := context.WithCancel(context.Background())
	var waited time.Duration
	g.retry = retryPolicy{tries: 5, base: time.Hour, max: time.Hour, pace: pacer.New(pacer.Options{Clock: pacer.FuncClock{
		SleepFunc: func(sctx context.Context, d time.Duration) error {
			waited = d
			cancel()
			<-sctx.Done()
			return sctx.Err()
		},
	}})}
	var requests atomic.Int32
	srv.OnRequest(func(*http.Request) { requests.Add(1) })
	_, err := g.Read(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if waited < time.Hour/2 {
		t.Errorf("the back-off was %v, want half to all of the policy's hour", waited)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestGoogleUnreachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	src := SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Credentials: CredentialsNone, Endpoint: url}
	g, err := newGoogle(context.Background(), src, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g.retry = virtualRetry()
	_, err = g.Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), "could not reach the Google Sheets API after 5 tries") {
		t.Errorf("err = %v", err)
	}
}

// TestGoogleTokenRefused uses the key file for real: the token endpoint
// refuses it, and the message says so without leaking the assertion.
func TestGoogleTokenRefused(t *testing.T) {
	token := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`))
	}))
	defer token.Close()
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", nil)
	keyPath := writeKeyFile(t, testEmail, token.URL+"/token")
	src := SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Range: "Teams", Credentials: keyPath, Endpoint: srv.URL()}
	g, err := newGoogle(context.Background(), src, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g.retry = virtualRetry()
	_, err = g.Read(context.Background())
	if err == nil {
		t.Fatal("Read succeeded")
	}
	t.Log(err)
	for _, w := range []string{testEmail, "invalid_grant", "create a new JSON key"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	if strings.Contains(err.Error(), "assertion") || strings.Contains(err.Error(), "PRIVATE") {
		t.Errorf("error leaks the request: %v", err)
	}
}

func TestKeyFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secret := "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.json"), "the file does not exist — check source.credentials"},
		{"not json", write("p12.json", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC "+secret), "it is not a JSON credentials file (at byte 1)"},
		{"user credentials", write("user.json", `{"type":"authorized_user","client_id":"x","refresh_token":"1//secret-refresh"}`), `it holds "authorized_user" credentials, not a service-account key`},
		{"no email", write("noemail.json", `{"type":"service_account","private_key":"`+strings.ReplaceAll(secret, "\n", `\n`)+`"}`), "it has no client_email or private_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Credentials: tt.path}
			_, err := newGoogle(context.Background(), src, OpenOptions{})
			if err == nil {
				t.Fatal("newGoogle succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, "key file "+tt.path) || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q should name the file and say %q", msg, tt.want)
			}
			if strings.Contains(msg, "MIIE") || strings.Contains(msg, "secret-refresh") {
				t.Errorf("error leaks key material: %s", msg)
			}
		})
	}
	// A relative path is resolved against BaseDir.
	rel := writeKeyFile(t, testEmail, "http://127.0.0.1:1/token")
	src := SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Credentials: filepath.Base(rel)}
	g, err := newGoogle(context.Background(), src, OpenOptions{BaseDir: filepath.Dir(rel), HTTPClient: http.DefaultClient})
	if err != nil || g.account != testEmail {
		t.Errorf("relative key path: %v, account %q", err, g.account)
	}
}

func TestADCMessages(t *testing.T) {
	g := &Google{id: testSheetID, credMode: credADC}
	err := g.explainSetup(errors.New("credentials: could not find default credentials. See https://cloud.google.com/docs/authentication/external/set-up-adc for more information"))
	want := "no Google credentials were found (source.credentials is adc) — set source.credentials to the path of a service-account key file, set GOOGLE_APPLICATION_CREDENTIALS to one, or run: " +
		"gcloud auth application-default login --scopes=https://www.googleapis.com/auth/spreadsheets.readonly,https://www.googleapis.com/auth/cloud-platform"
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("err = %v\nwant suffix %s", err, want)
	}

	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	if got := adcIdentity(); got != adcAccount {
		t.Errorf("adcIdentity() = %q", got)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", writeKeyFile(t, testEmail, "http://127.0.0.1:1/token"))
	if got := adcIdentity(); got != testEmail {
		t.Errorf("adcIdentity() = %q, want the key's client_email", got)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "teams.csv"), []byte("Team,Hosts\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := Open(context.Background(), SourceConfig{Type: TypeCSV, Path: "teams.csv"}, OpenOptions{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.(Writer); ok {
		t.Error("a CSV source must not offer write-back")
	}
	if _, err := src.Read(context.Background()); err != nil {
		t.Errorf("relative CSV path not resolved: %v", err)
	}
	if _, err := Open(context.Background(), SourceConfig{Type: "xlsx"}, OpenOptions{}); err == nil {
		t.Error("unknown type accepted")
	}
	srv := newFake(t)
	g, err := Open(context.Background(), SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Credentials: "none", Endpoint: srv.URL()}, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.(Writer); !ok {
		t.Error("a Google source must offer write-back")
	}
}
