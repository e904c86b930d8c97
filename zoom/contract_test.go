package zoom_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
	"github.com/zoomsync/zoomsync/zoom/internal/contract"
)

// specPath is Zoom's published Scheduler OpenAPI document, unchanged; see
// docs/zoom-api.md for its provenance and the patches applied to it.
const specPath = "testdata/zoom-scheduler-openapi.json"

// contractEnv is an emulator behind the contract checker on loopback, and a
// real client pointed at it.
type contractEnv struct {
	client  *zoom.Client
	emu     *emulator.Emulator
	checker *contract.Checker
	url     string
	opts    emulator.Options
}

func newContractEnv(t *testing.T, mode emulator.Mode, opts ...func(*emulator.Options)) *contractEnv {
	t.Helper()
	doc, err := contract.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	checker, err := contract.New(doc)
	if err != nil {
		t.Fatal(err)
	}
	eo := emulator.DefaultOptions()
	eo.RateLimit, eo.Seed, eo.Mode = 0, 1, mode
	for _, o := range opts {
		o(&eo)
	}
	emu, err := emulator.New(eo)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(checker.Handler(emu))
	t.Cleanup(func() {
		srv.Close()
		emu.Close()
	})
	c, err := zoom.New(zoom.Options{
		APIURL: srv.URL + "/v2", TokenURL: srv.URL + "/oauth/token",
		AccountID: eo.AccountID, ClientID: eo.ClientID, ClientSecret: eo.ClientSecret,
		RateLimit: 10000, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &contractEnv{client: c, emu: emu, checker: checker, url: srv.URL, opts: eo}
}

// noViolations fails the test with every violation the checker recorded.
func (e *contractEnv) noViolations(t *testing.T) {
	t.Helper()
	for _, v := range e.checker.Violations() {
		t.Error(v)
	}
}

// engineCreateBody is the body the sync engine sends for a row with every
// optional column set: the same fields, in the same shape, as createBody in
// sync/desired.go (hostRules and multiHostFields included).
func engineCreateBody(slug string, hosts ...string) *zoom.ScheduleCreate {
	hours := &zoom.WeeklyHours{
		Mon: []zoom.TimeRange{{Start: "09:00", End: "12:00"}, {Start: "13:00", End: "17:00"}},
		Fri: []zoom.TimeRange{{Start: "09:00", End: "15:00"}},
	}
	rules := make([]zoom.AvailabilityRule, len(hosts))
	att := make([]zoom.Attendee, len(hosts))
	for i, h := range hosts {
		rules[i] = zoom.AvailabilityRule{Email: h, UseCustom: true, TimeZone: "Europe/Berlin", SegmentsRecurrence: hours}
		att[i] = zoom.Attendee{Email: h, Host: true}
	}
	active := true
	return &zoom.ScheduleCreate{
		Summary:              "Team " + slug,
		Description:          "Talk to the team",
		Location:             "Zoom",
		Duration:             45,
		StartTimeIncrement:   15,
		Capacity:             1,
		BookingLimit:         new(4),
		Cushion:              new(120),
		Buffer:               &zoom.Buffer{Before: 5, After: 10},
		Slug:                 slug,
		ScheduleType:         zoom.ScheduleTypeMultiple,
		AddOnType:            "zoomMeeting",
		AvailabilityOverride: true,
		AvailabilityRules:    rules,
		TimeZone:             "Europe/Berlin",
		Active:               &active,
		PoolingType:          zoom.PoolingMulti,
		UserPools:            []zoom.UserPool{{PoolingType: zoom.PoolingCollective, SelectedUsers: slices.Clone(hosts)}},
		Attendees:            att,
	}
}

// enginePatch is the largest patch the sync engine sends (diff in
// sync/desired.go): every scalar it compares, and new hosts with the pool
// fields.
func enginePatch(hosts ...string) *zoom.SchedulePatch {
	body := engineCreateBody("unused", hosts...)
	return &zoom.SchedulePatch{
		Summary:              new("Team renamed"),
		Description:          new("New description"),
		Location:             new("Room 2"),
		Duration:             new(60),
		StartTimeIncrement:   new(30),
		BookingLimit:         new(2),
		Cushion:              new(60),
		Buffer:               &zoom.Buffer{Before: 0, After: 15},
		Slug:                 new("renamed-team"),
		Active:               new(false),
		TimeZone:             new("Europe/Berlin"),
		AvailabilityOverride: new(true),
		AvailabilityRules:    body.AvailabilityRules,
		PoolingType:          &body.PoolingType,
		UserPools:            body.UserPools,
		Attendees:            body.Attendees,
	}
}

// TestContractClientAndEmulator runs every operation the client offers,
// against the emulator, through the checker: each request the client sends
// and each response the emulator returns must match the patched document.
func TestContractClientAndEmulator(t *testing.T) {
	for _, mode := range []emulator.Mode{emulator.ModeCollective, emulator.ModeDowngrade} {
		t.Run(string(mode), func(t *testing.T) {
			e := newContractEnv(t, mode, func(o *emulator.Options) { o.PageSizeMax = 2 })
			c, ctx := e.client, context.Background()
			const a, b, d = "owner@example.com", "b@example.com", "d@example.com"

			created, err := c.CreateSchedule(ctx, a, engineCreateBody("team-one", a, b))
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			for _, slug := range []string{"team-two", "team-three"} {
				if _, err := c.CreateSchedule(ctx, a, engineCreateBody(slug, a, b)); err != nil {
					t.Fatalf("create %s: %v", slug, err)
				}
			}
			// A slug in use: 400 with Zoom's validation body.
			if _, err := c.CreateSchedule(ctx, a, engineCreateBody("team-one", a)); err == nil {
				t.Error("create with a used slug: no error")
			}

			if _, err := c.GetSchedule(ctx, a, created.ScheduleID); err != nil {
				t.Errorf("get by id: %v", err)
			}
			if _, err := c.GetSchedule(ctx, a, "team-two"); err != nil {
				t.Errorf("get by slug: %v", err)
			}
			if _, err := c.GetSchedule(ctx, a, "no-such-page"); !zoom.IsNotFound(err) {
				t.Errorf("get unknown: %v, want not found", err)
			}

			if err := c.PatchSchedule(ctx, a, created.ScheduleID, enginePatch(a, b, d)); err != nil {
				t.Errorf("patch: %v", err)
			}
			if err := c.PatchSchedule(ctx, a, created.ScheduleID, &zoom.SchedulePatch{Status: new(zoom.StatusConfirmed)}); err != nil {
				t.Errorf("patch status: %v", err)
			}
			if err := c.DeleteSchedule(ctx, a, "team-three"); err != nil {
				t.Errorf("delete: %v", err)
			}
			// The engine deletes pages that may be gone already and treats
			// a 404 as done.
			if err := c.DeleteSchedule(ctx, a, "team-three"); !zoom.IsNotFound(err) {
				t.Errorf("delete again: %v, want not found", err)
			}

			// A page an admin made in the web app, read back like the others.
			if _, err := e.emu.CreateWebAppPage(a, emulator.WebAppPage{Summary: "Web team", Slug: "web-team", Hosts: []string{a, b}}); err != nil {
				t.Fatal(err)
			}

			// Three pages of one item each, then the deleted page too.
			pages, err := c.ListSchedules(ctx, a, &zoom.ListOptions{PageSize: 1})
			if err != nil || len(pages) != 3 {
				t.Errorf("list: %d pages, %v", len(pages), err)
			}
			if all, err := c.ListSchedules(ctx, a, &zoom.ListOptions{ShowDeleted: true}); err != nil || len(all) != 4 {
				t.Errorf("list with deleted: %d pages, %v", len(all), err)
			}

			if _, err := c.ListAvailability(ctx, b); err != nil {
				t.Errorf("availability: %v", err)
			}
			if _, err := c.GetUser(ctx, b); err != nil {
				t.Errorf("user: %v", err)
			}
			// The account's users (Users API, patch 4): the admin and every
			// host seen so far, two to a page (PageSizeMax) so that
			// next_page_token is followed too.
			var users int
			for u, err := range c.AllUsers(ctx, zoom.UserStatusActive) {
				if err != nil {
					t.Errorf("all users: %v", err)
					break
				}
				if u.Email == "" || u.ID == "" {
					t.Errorf("all users: %+v", u)
				}
				users++
			}
			if users < 4 {
				t.Errorf("all users: %d users, want the admin and the 3 hosts", users)
			}
			if _, err := c.GetAnalytics(ctx, a, time.Time{}, time.Time{}); err != nil {
				t.Errorf("analytics: %v", err)
			}
			// A user without a Scheduler profile.
			if _, err := c.GetUser(ctx, "not-a-user"); err == nil {
				t.Error("user without Scheduler: no error")
			}

			// Error answers the client handles: a revoked token (401, then a
			// new token), a 429 and a 5xx, each followed by a retry.
			e.emu.ExpireTokens()
			e.emu.InjectFault(emulator.Fault{Method: http.MethodGet, Status: http.StatusTooManyRequests, RetryAfter: "0"})
			e.emu.InjectFault(emulator.Fault{Method: http.MethodGet, Status: http.StatusServiceUnavailable})
			if _, err := c.ListSchedules(ctx, a, nil); err != nil {
				t.Errorf("list after faults: %v", err)
			}

			e.noViolations(t)
			ops := e.checker.Operations()
			for _, op := range []string{"list_schedules", "get_schedule", "insert_schedule", "patch_schedule",
				"delete_schedules", "list_availability", "get_user", "users", "report_analytics"} {
				if ops[op] == 0 {
					t.Errorf("operation %s was not exercised", op)
				}
			}
		})
	}
}

// TestContractDailyLimit checks the emulator's daily-limit answer: status,
// rate-limit headers and body.
func TestContractDailyLimit(t *testing.T) {
	// Noon, two days ahead: the reset at midnight is far beyond the
	// client's longest wait, so it gives up at once.
	noon := time.Now().UTC().Truncate(24 * time.Hour).Add(60 * time.Hour)
	e := newContractEnv(t, emulator.ModeDowngrade, func(o *emulator.Options) {
		o.DailyLimit = 2
		o.Now = func() time.Time { return noon }
	})
	ctx := context.Background()
	for range 2 {
		if _, err := e.client.ListSchedules(ctx, "owner@example.com", nil); err != nil {
			t.Fatal(err)
		}
	}
	var rl *zoom.RateLimitError
	if _, err := e.client.ListSchedules(ctx, "owner@example.com", nil); !errors.As(err, &rl) {
		t.Fatalf("third call: %v, want a rate-limit error", err)
	}
	e.noViolations(t)
}

// TestContractCheckerCatches shows that the checker fails on the defects it
// exists to find: an unknown body field, an unknown query parameter, a
// wrong type, an undocumented status and an unknown response field.
func TestContractCheckerCatches(t *testing.T) {
	doc, err := contract.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	fake := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/teapot"):
			w.WriteHeader(http.StatusTeapot)
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/limited"):
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"code":429,"message":"slow down"}`))
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/odd-error"):
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"msg":"bad"}`))
		case r.Method == http.MethodGet:
			_, _ = w.Write([]byte(`{"schedule_id":"x","summary":"s","pooling_type":"multiPool"}`))
		default:
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"schedule_id":"x"}`))
		}
	})
	tests := []struct {
		name, method, target, body, want string
	}{
		{"unknown body field", "POST", "/v2/scheduler/schedules",
			`{"summary":"s","sumary":"s","capacity":1,"availability_override":true,"availability_rules":[]}`, `"sumary"`},
		{"unknown rule field", "POST", "/v2/scheduler/schedules",
			`{"capacity":1,"availability_override":true,"availability_rules":[{"emial":"a@b.c"}]}`, `"emial"`},
		{"allowed field, wrong shape", "POST", "/v2/scheduler/schedules",
			`{"capacity":1,"availability_override":true,"availability_rules":[],"attendees":[{"email":"a@b.c","hots":true}]}`, `"hots"`},
		{"required field missing", "POST", "/v2/scheduler/schedules",
			`{"availability_override":true,"availability_rules":[]}`, `"capacity"`},
		{"out of range", "PATCH", "/v2/scheduler/schedules/x", `{"duration":5}`, "duration"},
		{"wrong type", "PATCH", "/v2/scheduler/schedules/x", `{"active":"yes"}`, "active"},
		{"unknown query parameter", "GET", "/v2/scheduler/schedules/x?userid=a", "", `"userid"`},
		{"unknown path", "GET", "/v2/scheduler/pages", "", "no operation"},
		{"response field not in the document", "GET", "/v2/scheduler/schedules/x", "", `"pooling_type"`},
		{"status not in the document", "GET", "/v2/scheduler/users/teapot", "", "418"},
		{"429 without rate-limit headers", "GET", "/v2/scheduler/users/limited", "", "X-RateLimit-Category"},
		{"error body in neither shape", "GET", "/v2/scheduler/users/odd-error", "", "response 400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checker, err := contract.New(doc)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(checker.Handler(fake))
			defer srv.Close()
			req, _ := http.NewRequest(tt.method, srv.URL+tt.target, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer token")
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := strings.Join(checker.Violations(), "\n")
			if !strings.Contains(got, tt.want) {
				t.Errorf("violations %q do not mention %s", got, tt.want)
			}
		})
	}
}

// TestContractPatchesStillNeeded fails when Zoom fixes the document, so that
// a patch that no longer applies is removed rather than kept by habit.
func TestContractPatchesStillNeeded(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	create := doc.Components.Schemas["SchedulerSchedulesBody"].Value
	for _, r := range []string{"start", "end", "type"} {
		if !slices.Contains(create.Required, r) {
			t.Errorf("create body no longer requires %q: drop that part of the patch", r)
		}
		if _, ok := create.Properties[r]; ok {
			t.Errorf("create body now has a property %q: review the patch", r)
		}
	}
	if _, ok := doc.Components.Schemas["InlineResponse2005Items"].Value.Properties["created_via"]; ok {
		t.Error("list items now document created_via: drop that patch")
	}
	if doc.Paths.Find("/users") != nil {
		t.Error("the document now has /users: drop that patch")
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://api.zoom.us/v2/scheduler" {
		t.Errorf("servers = %v: review the base-path patch", doc.Servers)
	}
	for _, a := range contract.AllowList {
		if _, ok := doc.Components.Schemas[a.Schema].Value.Properties[a.Field]; ok {
			t.Errorf("%s.%s is documented now: drop it from the allow-list", a.Schema, a.Field)
		}
	}
}

// TestContractTypes compares the JSON shape of the client's and the
// emulator's types with the document, field by field, so that a field no
// other test sets is checked too.
func TestContractTypes(t *testing.T) {
	doc, err := contract.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	req := func(op string) *openapi3.Schema {
		s, err := contract.RequestSchema(doc, op)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	resp := func(op string) *openapi3.Schema {
		s, err := contract.ResponseSchema(doc, op, 200)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	listedAs := func(s *openapi3.Schema, name string) *openapi3.Schema { // the items of a list answer
		p := contract.Property(s, name)
		if p == nil || p.Items == nil {
			t.Fatalf("no %s in %v", name, s.Properties)
		}
		return p.Items.Value
	}
	listed := func(op string) *openapi3.Schema { return listedAs(resp(op), "items") }
	const (
		list  = "GET /scheduler/schedules"
		get   = "GET /scheduler/schedules/{scheduleId}"
		avail = "GET /scheduler/availability"
	)
	tests := []struct {
		name   string
		schema *openapi3.Schema
		value  any
	}{
		{"create body", req("POST /scheduler/schedules"), zoom.ScheduleCreate{}},
		{"patch body", req("PATCH /scheduler/schedules/{scheduleId}"), zoom.SchedulePatch{}},
		{"client page from get", resp(get), zoom.Schedule{}},
		{"client page from list", listed(list), zoom.Schedule{}},
		{"client list", resp(list), zoom.SchedulePage{}},
		{"client availability", resp(avail), zoom.AvailabilityPage{}},
		{"client user", resp("GET /scheduler/users/{userId}"), zoom.User{}},
		{"client account user", listedAs(resp("GET /users"), "users"), zoom.AccountUser{}},
		{"client analytics", resp("GET /scheduler/analytics"), zoom.Analytics{}},
		{"emulator page from get", resp(get), emulator.Page{}},
		{"emulator page from list", listed(list), emulator.Page{}},
	}
	for _, tt := range tests {
		for _, v := range contract.CheckType(tt.schema, tt.value) {
			t.Errorf("%s: %s", tt.name, v)
		}
	}

	// The check itself can fail: a misspelt field and a wrong type.
	type wrong struct {
		Sumary   string `json:"sumary"`
		Duration string `json:"duration"`
	}
	if got := contract.CheckType(req("POST /scheduler/schedules"), wrong{}); len(got) != 2 {
		t.Errorf("CheckType(wrong) = %q, want 2 findings", got)
	}
}

// get sends a GET for target (a path with its query, under the server) with
// a bearer token from the emulator, the way a client would, and returns the
// status and body. It is for operations the client has no method for yet.
func (e *contractEnv) get(t *testing.T, target string) (int, []byte) {
	t.Helper()
	o := e.opts
	req, _ := http.NewRequest(http.MethodPost, e.url+"/oauth/token?grant_type=account_credentials&account_id="+o.AccountID, nil)
	req.SetBasicAuth(o.ClientID, o.ClientSecret)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status, body := send(t, req); status != http.StatusOK || json.Unmarshal(body, &tok) != nil {
		t.Fatalf("token: %d %s", status, body)
	}
	req, _ = http.NewRequest(http.MethodGet, e.url+target, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return send(t, req)
}

func send(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// TestContractAnalytics checks the emulator's analytics answers (report,
// validation error, missing scope, not found, 500) against the document,
// with plain requests, and the client's analytics call.
func TestContractAnalytics(t *testing.T) {
	e := newContractEnv(t, emulator.ModeCollective)
	ctx := context.Background()
	const a, b = "owner@example.com", "b@example.com"
	if _, err := e.client.CreateSchedule(ctx, a, engineCreateBody("team-one", a, b)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.emu.CreateWebAppPage(a, emulator.WebAppPage{Summary: "Robin", Slug: "robin", Hosts: []string{a, b},
		Kind: emulator.KindAnyHost}); err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)

	status, body := e.get(t, "/v2/scheduler/analytics?user_id="+a+"&from="+from.Format(time.RFC3339)+"&to="+to.Format(time.RFC3339))
	var report struct {
		LastNDays map[string]int `json:"last_n_days"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &report) != nil {
		t.Fatalf("analytics: %d %s", status, body)
	}
	if report.LastNDays["all_host_available"] != 1 || report.LastNDays["any_host_available"] != 1 {
		t.Errorf("analytics counts %v, want one page of each multi-host kind", report.LastNDays)
	}
	if status, _ := e.get(t, "/v2/scheduler/analytics?user_id=all&time_zone=UTC"); status != http.StatusOK {
		t.Errorf("analytics for all: %d", status)
	}
	if status, _ := e.get(t, "/v2/scheduler/analytics?from=yesterday"); status != http.StatusBadRequest {
		t.Errorf("analytics with a bad from: %d", status)
	}
	for _, st := range []int{http.StatusForbidden, http.StatusNotFound, http.StatusInternalServerError} {
		if err := e.emu.SetKnobs(emulator.Knobs{AnalyticsStatus: new(st)}); err != nil {
			t.Fatal(err)
		}
		if status, _ := e.get(t, "/v2/scheduler/analytics?user_id="+a); status != st {
			t.Errorf("analytics with AnalyticsStatus %d: %d", st, status)
		}
	}
	if err := e.emu.SetKnobs(emulator.Knobs{AnalyticsStatus: new(0)}); err != nil {
		t.Fatal(err)
	}

	// The client's call: its request checked, the answer decoded.
	got, err := e.client.GetAnalytics(ctx, a, from, to)
	if err != nil {
		t.Errorf("GetAnalytics: %v", err)
	} else if got.LastNDays.AllHostAvailable != 1 || got.LastNDays.AnyHostAvailable != 1 {
		t.Errorf("GetAnalytics: %+v, want one page of each multi-host kind", got.LastNDays)
	}
	if _, err := e.client.GetAnalytics(ctx, "all", time.Time{}, time.Time{}); err != nil {
		t.Errorf("GetAnalytics for all: %v", err)
	}
	e.noViolations(t)
	if n := e.checker.Operations()["report_analytics"]; n == 0 {
		t.Error("report_analytics was not exercised")
	}
}
