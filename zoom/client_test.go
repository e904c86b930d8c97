package zoom

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomsync/zoomsync/internal/pacer/pacertest"
)

const testSecret = "s3cr3t-client-secret-value"

// setup returns a client pointed at a test server whose mux the test fills
// in; /oauth/token answers with a fresh token per call. The client runs on
// a virtual clock: its back-offs and pacing cost no real time.
func setup(t *testing.T, mod ...func(*Options)) (*Client, *http.ServeMux, *atomic.Int32) {
	t.Helper()
	mux := http.NewServeMux()
	var tokens atomic.Int32
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != "cid" || secret != testSecret {
			// Echo the request's credentials back, as a broken proxy
			// might: the client must not pass them on.
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"reason":"Invalid client_id or client_secret (got %s, secret %s)","error":"invalid_client","code":4702}`,
				r.Header.Get("Authorization"), secret)
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "account_credentials" || r.PostForm.Get("account_id") != "acc" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"reason":"unsupported grant type","error":"unsupported_grant_type","code":4705}`)
			return
		}
		n := tokens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"bearer","expires_in":3600}`, n)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts := Options{
		APIURL: srv.URL + "/v2", TokenURL: srv.URL + "/oauth/token",
		AccountID: "acc", ClientID: "cid", ClientSecret: testSecret,
		RateLimit: 1000, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
	}
	clk := pacertest.NewClock()
	opts.Now, opts.Sleep = clk.Now, clk.Sleep
	for _, m := range mod {
		m(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, mux, &tokens
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func TestRequestShapes(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer tok-1" {
			t.Errorf("Authorization = %q", got)
		}
		switch r.Method {
		case http.MethodGet:
			if diff := cmp.Diff("page_size=300&show_deleted=true&user_id=owner%40example.com", r.URL.RawQuery); diff != "" {
				t.Errorf("list query (-want +got):\n%s", diff)
			}
			writeJSON(w, 200, `{"next_page_token":"","items":[{"schedule_id":"a1","slug":"x"}]}`)
		case http.MethodPost:
			if r.URL.Query().Get("user_id") != "owner@example.com" || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("create request: %s %v", r.URL, r.Header)
			}
			body, _ := io.ReadAll(r.Body)
			want := `{"summary":"Sales","duration":30,"capacity":1,"booking_limit":0,"slug":"team-sales","schedule_type":"multiple","availability_override":true,` +
				`"availability_rules":[{"email":"a@x.com","use_custom":true,"time_zone":"UTC","segments_recurrence":{"mon":[{"start":"09:00","end":"17:00"}]}}],` +
				`"pooling_type":"multiPool","user_pools":[{"pooling_type":"collective","selected_users":["a@x.com"]}],"attendees":[{"email":"a@x.com","host":true}]}`
			if diff := cmp.Diff(want, string(body)); diff != "" {
				t.Errorf("create body (-want +got):\n%s", diff)
			}
			writeJSON(w, 201, `{"schedule_id":"new1","slug":"team-sales","schedule_type":"multiple"}`)
		}
	})
	mux.HandleFunc("/v2/scheduler/schedules/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "abc123" || r.URL.Query().Get("user_id") != "owner@example.com" {
			t.Errorf("%s %s", r.Method, r.URL)
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, `{"schedule_id":"abc123","duration":45,"availability_rules":[{"email":"a@x.com"}]}`)
		case http.MethodPatch:
			body, _ := io.ReadAll(r.Body)
			if diff := cmp.Diff(`{"summary":"","duration":45,"active":false}`, string(body)); diff != "" {
				t.Errorf("patch body (-want +got):\n%s", diff)
			}
			w.WriteHeader(http.StatusNoContent)
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	ctx := context.Background()
	list, err := c.ListSchedules(ctx, "owner@example.com", &ListOptions{ShowDeleted: true})
	if err != nil || len(list) != 1 || list[0].ScheduleID != "a1" {
		t.Fatalf("ListSchedules = %+v, %v", list, err)
	}
	zero := 0
	created, err := c.CreateSchedule(ctx, "owner@example.com", &ScheduleCreate{
		Summary: "Sales", Duration: 30, Capacity: 1, BookingLimit: &zero, Slug: "team-sales", ScheduleType: ScheduleTypeMultiple,
		AvailabilityOverride: true,
		AvailabilityRules: []AvailabilityRule{{Email: "a@x.com", UseCustom: true, TimeZone: "UTC",
			SegmentsRecurrence: &WeeklyHours{Mon: []TimeRange{{"09:00", "17:00"}}}}},
		PoolingType: PoolingMulti, UserPools: []UserPool{{PoolingType: PoolingCollective, SelectedUsers: []string{"a@x.com"}}},
		Attendees: []Attendee{{Email: "a@x.com", Host: true}},
	})
	if err != nil || created.ScheduleID != "new1" {
		t.Fatalf("CreateSchedule = %+v, %v", created, err)
	}
	got, err := c.GetSchedule(ctx, "owner@example.com", "abc123")
	if err != nil || got.Duration != 45 || got.AvailabilityRules[0].Email != "a@x.com" {
		t.Fatalf("GetSchedule = %+v, %v", got, err)
	}
	empty, dur, off := "", 45, false
	if err := c.PatchSchedule(ctx, "owner@example.com", "abc123", &SchedulePatch{Summary: &empty, Duration: &dur, Active: &off}); err != nil {
		t.Fatalf("PatchSchedule: %v", err)
	}
	if err := c.DeleteSchedule(ctx, "owner@example.com", "abc123"); err != nil {
		t.Fatalf("DeleteSchedule: %v", err)
	}
	st := c.Stats()
	if st.Gets != 2 || st.Posts != 1 || st.Patches != 1 || st.Deletes != 1 || st.TokenFetches != 1 || st.Retries != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestErrorShapes(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   *APIError
	}{
		{"code shape with fields", 400, `{"code":300,"message":"Validation Failed.","errors":[{"field":"duration","message":"must be 15 to 1440"}]}`,
			&APIError{Status: 400, Code: 300, Message: "Validation Failed.", Fields: []FieldError{{"duration", "must be 15 to 1440"}}}},
		{"scheduler shape", 400, `{"error":{"message":"Failed json validation!","errors":[{"field":"availability_rules","message":"required"}]}}`,
			&APIError{Status: 400, Message: "Failed json validation!", Fields: []FieldError{{"availability_rules", "required"}}}},
		{"scheduler shape with code", 404, `{"error":{"code":"3001","message":"Schedule not found."}}`,
			&APIError{Status: 404, Code: 3001, Message: "Schedule not found."}},
		{"forbidden", 403, `{"code":403,"message":"User Not Found"}`, &APIError{Status: 403, Code: 403, Message: "User Not Found"}},
		{"plain text body", 409, `conflict`, &APIError{Status: 409, Message: "conflict"}},
		{"html body dropped", 404, `<html><body>nope</body></html>`, &APIError{Status: 404}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux, _ := setup(t)
			mux.HandleFunc("GET /v2/scheduler/schedules/{id}", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, tt.status, tt.body)
			})
			_, err := c.GetSchedule(context.Background(), "u", "x")
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("want *APIError, got %T %v", err, err)
			}
			tt.want.Method, tt.want.Path = "GET", "/scheduler/schedules/x"
			if diff := cmp.Diff(tt.want, ae); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if IsNotFound(err) != (tt.status == 404) {
				t.Errorf("IsNotFound = %v", IsNotFound(err))
			}
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	e := &APIError{Method: "POST", Path: "/scheduler/schedules", Status: 400, Code: 300, Message: "Validation Failed.",
		Fields: []FieldError{{"duration", "too long"}, {"slug", "taken"}}}
	want := "zoom: POST /scheduler/schedules: 400 Validation Failed. (code 300): duration: too long; slug: taken"
	if e.Error() != want {
		t.Errorf("got  %q\nwant %q", e.Error(), want)
	}
}

func TestRateLimitErrorFromHeaders(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		retryAfter, typ string
		wait            time.Duration
		daily           bool
	}{
		{"3", "QPS", 3 * time.Second, false},
		{"Mon, 23 Nov 2026 12:00:30 GMT", "QPS", 30 * time.Second, false},
		{"2026-11-24T00:00:00Z", "Daily-limit", 12 * time.Hour, true},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		resp := &http.Response{StatusCode: 429, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"code":429,"message":"x"}`))}
		resp.Header.Set("Retry-After", tt.retryAfter)
		resp.Header.Set("X-RateLimit-Type", tt.typ)
		rl, ok := newAPIError("GET", "/p", resp, now, nil).(*RateLimitError)
		if !ok || rl.RetryAfter != tt.wait || rl.Daily != tt.daily {
			t.Errorf("%q %q: %+v", tt.retryAfter, tt.typ, rl)
			continue
		}
		if tt.wait > 0 && !rl.Reset.Equal(now.Add(tt.wait)) {
			t.Errorf("%q: Reset = %v", tt.retryAfter, rl.Reset)
		}
	}
}

func TestTokenErrorsAreActionableAndSecretFree(t *testing.T) {
	var logs bytes.Buffer
	const wrong = "wrong-" + testSecret
	c, _, _ := setup(t, func(o *Options) {
		o.ClientSecret = wrong
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, err := c.ListSchedules(context.Background(), "u", nil)
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("want *AuthError, got %T %v", err, err)
	}
	if ae.Status != 400 || ae.Code != 4702 || ae.Kind != "invalid_client" {
		t.Errorf("AuthError = %+v", ae)
	}
	// The token endpoint echoed the Basic credentials and the secret; the
	// error shows where they were, not what they were.
	for _, want := range []string{"invalid_client", "Invalid client_id or client_secret", "ZOOM_CLIENT_SECRET", "got Basic [redacted], secret [redacted]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	basic := base64.StdEncoding.EncodeToString([]byte("cid:" + wrong))
	for _, secret := range []string{wrong, basic} {
		if strings.Contains(err.Error()+logs.String(), secret) {
			t.Errorf("%q leaked: %v\n%s", secret, err, logs.String())
		}
	}
}

// TestSecretsNeverInErrorsOrLogs: a server (or a proxy in front of it) that
// echoes the request's Authorization header in its error bodies does not
// get the access token into the client's errors or logs.
func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	c, mux, tokens := setup(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o.MaxRetries = 1
	})
	echo := func(r *http.Request) string { return "you sent " + r.Header.Get("Authorization") }
	mux.HandleFunc("/v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			writeJSON(w, 400, fmt.Sprintf(`{"code":300,"message":"Validation Failed.","errors":[{"field":%q,"message":%q}]}`, r.Header.Get("Authorization"), echo(r)))
			return
		}
		writeJSON(w, 503, fmt.Sprintf(`{"code":503,"message":%q}`, echo(r)))
	})
	mux.HandleFunc("/v2/scheduler/schedules/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		io.WriteString(w, echo(r)) // a plain-text body
	})
	_, err1 := c.ListSchedules(context.Background(), "u", nil)
	_, err2 := c.GetSchedule(context.Background(), "u", "id1")
	_, err3 := c.CreateSchedule(context.Background(), "u", &ScheduleCreate{Summary: "x"})
	if err1 == nil || err2 == nil || err3 == nil {
		t.Fatalf("want three errors, got %v / %v / %v", err1, err2, err3)
	}
	out := fmt.Sprint(err1, err2, err3) + logs.String()
	if n := strings.Count(out, "you sent Bearer [redacted]"); n < 3 {
		t.Errorf("the echoed headers should show as redacted in each error, found %d:\n%s", n, out)
	}
	secrets := []string{testSecret, base64.StdEncoding.EncodeToString([]byte("cid:" + testSecret))}
	for i := range tokens.Load() {
		secrets = append(secrets, fmt.Sprintf("tok-%d", i+1))
	}
	if len(secrets) < 4 {
		t.Fatalf("only %d tokens were minted; the 401 should have fetched a second", len(secrets)-2)
	}
	for _, secret := range secrets {
		if strings.Contains(out, secret) {
			t.Errorf("output contains %q:\n%s", secret, out)
		}
	}
}

func TestPostNotRetriedAfterDroppedResponse(t *testing.T) {
	c, mux, _ := setup(t)
	var posts atomic.Int32
	mux.HandleFunc("POST /v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close() // stored, but the answer never arrives
	})
	_, err := c.CreateSchedule(context.Background(), "u", &ScheduleCreate{Summary: "x"})
	if !IsOutcomeUnknown(err) {
		t.Fatalf("want OutcomeUnknownError, got %T %v", err, err)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("POST sent %d times, want exactly 1", n)
	}
	if !strings.Contains(err.Error(), "not retried") {
		t.Errorf("error should say it was not retried: %v", err)
	}
}

// A POST whose context ends while it is in flight may still be stored:
// the caller must learn that it was sent, not just that it was cancelled.
func TestPostCancelledInFlightIsOutcomeUnknown(t *testing.T) {
	c, mux, _ := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mux.HandleFunc("POST /v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		cancel() // SIGINT once Zoom has the request
		<-r.Context().Done()
	})
	_, err := c.CreateSchedule(ctx, "u", &ScheduleCreate{Summary: "x"})
	if !IsOutcomeUnknown(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want OutcomeUnknownError wrapping context.Canceled, got %T %v", err, err)
	}
}

func TestPost5xxIsOutcomeUnknown(t *testing.T) {
	c, mux, _ := setup(t)
	var posts atomic.Int32
	mux.HandleFunc("POST /v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		writeJSON(w, 502, `{"code":502,"message":"Bad Gateway"}`)
	})
	_, err := c.CreateSchedule(context.Background(), "u", &ScheduleCreate{Summary: "x"})
	var ae *APIError
	if !IsOutcomeUnknown(err) || !errors.As(err, &ae) || ae.Status != 502 {
		t.Fatalf("want OutcomeUnknownError wrapping the 502, got %T %v", err, err)
	}
	if posts.Load() != 1 {
		t.Errorf("POST sent %d times", posts.Load())
	}
}

// failingTransport fails the first n round trips before anything is
// written, like a refused connection.
type failingTransport struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/v2/") && f.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return f.base.RoundTrip(r)
}

func TestPostRetriedWhenNeverSent(t *testing.T) {
	ft := &failingTransport{base: http.DefaultTransport}
	ft.n.Store(2)
	var seen []string
	var waits []string
	c, mux, _ := setup(t, func(o *Options) {
		o.HTTPClient = &http.Client{Transport: ft}
		o.OnRequest = func(method string, status int) { seen = append(seen, fmt.Sprint(method, " ", status)) }
		o.OnWait = func(d time.Duration, reason string) { waits = append(waits, reason) }
	})
	var posts atomic.Int32
	mux.HandleFunc("POST /v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		writeJSON(w, 201, `{"schedule_id":"s1"}`)
	})
	s, err := c.CreateSchedule(context.Background(), "u", &ScheduleCreate{Summary: "x"})
	if err != nil || s.ScheduleID != "s1" {
		t.Fatalf("CreateSchedule = %v, %v", s, err)
	}
	if posts.Load() != 1 || c.Stats().Retries != 2 {
		t.Errorf("posts=%d retries=%d, want 1 and 2", posts.Load(), c.Stats().Retries)
	}
	if got := strings.Join(seen, ", "); got != "POST 0, POST 0, POST 201" {
		t.Errorf("OnRequest saw %s", got)
	}
	if got := strings.Join(waits, ", "); got != "network error, network error" {
		t.Errorf("OnWait saw %s", got)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var slept []time.Duration
	c, mux, _ := setup(t, func(o *Options) {
		o.MinBackoff, o.MaxBackoff = time.Minute, time.Minute
		// The back-off sleep sees the context end while it waits.
		o.Sleep = func(sctx context.Context, d time.Duration) error {
			slept = append(slept, d)
			cancel()
			<-sctx.Done()
			return sctx.Err()
		}
	})
	var calls atomic.Int32
	mux.HandleFunc("GET /v2/scheduler/schedules/{id}", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 503, `{"code":503,"message":"Service Unavailable"}`)
	})
	_, err := c.GetSchedule(ctx, "u", "x")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if len(slept) != 1 || slept[0] < 30*time.Second || calls.Load() != 1 {
		t.Errorf("slept %v after %d calls; want one back-off of about a minute after one call", slept, calls.Load())
	}
}

func TestDailyLimitIsReturnedNotWaited(t *testing.T) {
	c, mux, _ := setup(t)
	var calls atomic.Int32
	reset := time.Now().Add(10 * time.Hour).UTC().Truncate(time.Second)
	mux.HandleFunc("GET /v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("X-RateLimit-Type", "Daily-limit")
		w.Header().Set("Retry-After", reset.Format(time.RFC3339))
		writeJSON(w, 429, `{"code":429,"message":"You have reached the maximum daily rate limit for this API. Try again later."}`)
	})
	_, err := c.ListSchedules(context.Background(), "u", nil)
	var rl *RateLimitError
	if !errors.As(err, &rl) || !rl.Daily || rl.Type != "Daily-limit" || rl.RetryAfter < 9*time.Hour || !rl.Reset.Equal(reset) {
		t.Fatalf("want daily RateLimitError, got %T %v", err, err)
	}
	if want := "resets at " + reset.Format("2006-01-02 15:04 UTC"); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 {
		t.Errorf("errors.As(*APIError) through RateLimitError failed")
	}
	// Nothing more is sent: later calls fail at once with the same error.
	_, err2 := c.GetSchedule(context.Background(), "u", "x")
	if err2 != err {
		t.Errorf("later call: %v, want the same daily-limit error", err2)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d, want 1", calls.Load())
	}
}

func TestLongRetryAfterIsADailyLimit(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, 429, `{"code":429,"message":"Too many requests"}`)
	})
	_, err := c.ListSchedules(context.Background(), "u", nil)
	var rl *RateLimitError
	if !errors.As(err, &rl) || !rl.Daily || rl.RetryAfter != time.Hour {
		t.Fatalf("want a daily RateLimitError, got %T %v", err, err)
	}
}

func TestPaginationLoopDetected(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /v2/scheduler/schedules", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"next_page_token":"same","items":[{"schedule_id":"a"}]}`)
	})
	_, err := c.ListSchedules(context.Background(), "u", nil)
	if err == nil || !strings.Contains(err.Error(), "same next_page_token") {
		t.Fatalf("want loop error, got %v", err)
	}
}

func TestScheduleJSONRoundTrip(t *testing.T) {
	// The read model keeps every documented field.
	in := `{"schedule_id":"abc","summary":"S","description":"D","location":"L","duration":30,"start_time_increment":15,"capacity":1,` +
		`"booking_limit":2,"cushion":60,"buffer":{"before":5,"after":10},"slug":"s","schedule_type":"multiple","add_on_type":"zoomMeeting",` +
		`"interval_type":"fixed","start_date":"2026-01-01","end_date":"2026-02-01","availability_override":true,` +
		`"availability_rules":[{"availability_id":"av","email":"a@x.com","use_custom":true,"time_zone":"UTC","segments_recurrence":{"mon":[{"start":"09:00","end":"17:00"}]}}],` +
		`"time_zone":"UTC","active":true,"secret":false,"color":"#fff200","status":"confirmed",` +
		`"scheduling_url":"https://scheduler.zoom.us/a/s","creator":{"self":true,"display_name":"A","email":"a@x.com"},` +
		`"organizer":{"self":false,"email":"a@x.com"},"updated":"2023-12-21T06:18:32.087Z"}`
	var s Schedule
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if s.Buffer.After != 10 || s.Cushion != 60 || s.AvailabilityRules[0].SegmentsRecurrence.Mon[0].End != "17:00" || s.Creator.DisplayName != "A" {
		t.Errorf("decoded %+v", s)
	}
	if s.Updated != "2023-12-21T06:18:32.087Z" {
		t.Errorf("Updated = %q", s.Updated)
	}
	out, _ := json.Marshal(s)
	var a, b map[string]any
	json.Unmarshal([]byte(in), &a)
	json.Unmarshal(out, &b)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("round trip lost fields (-in +out):\n%s", diff)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Options{APIURL: "ftp://x", AccountID: "a", ClientID: "b", ClientSecret: "c"}); err == nil {
		t.Error("ftp URL accepted")
	}
	_, err := New(Options{AccountID: "a", ClientID: "b"})
	if err == nil || strings.Contains(err.Error(), "c") && strings.Contains(err.Error(), testSecret) {
		t.Errorf("missing secret: %v", err)
	}
}
