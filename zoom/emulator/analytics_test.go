package emulator

import (
	"testing"
)

func TestAnalyticsShapeAndCounts(t *testing.T) {
	e := setup(t, nil)
	e.create("ann@example.com", multiHostBody) // collective: all hosts
	e.create("ann@example.com", pageBody("Solo", []string{"ann@example.com"}, `,"schedule_type":"one"`))
	e.emu.SetMode(ModeAnyHost)
	e.create("ann@example.com", pageBody("Robin", []string{"ann@example.com", "bob@example.com"}, ""))
	if _, err := e.emu.CreateWebAppPage("ann@example.com", WebAppPage{Summary: "Web", Hosts: []string{"cat@example.com"}}); err != nil {
		t.Fatal(err)
	}
	gone := e.create("ann@example.com", pageBody("Gone", []string{"ann@example.com"}, ""))
	if r := e.do("DELETE", "/v2/scheduler/schedules/"+gone["schedule_id"].(string)+"?user_id=ann@example.com", ""); r.status != 204 {
		t.Fatalf("DELETE: %d", r.status)
	}
	e.create("bob@example.com", pageBody("Bob's", []string{"bob@example.com", "ann@example.com"}, ""))

	r := e.do("GET", "/v2/scheduler/analytics?user_id=ann@example.com&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z", "")
	if r.status != 200 {
		t.Fatalf("analytics: %d %s", r.status, r.body)
	}
	zeros := `{"all_host_available":0,"any_host_available":0,"one_to_one":0,"one_to_many":0,"one_off_meeting":0,
		"meeting_poll":0,"schedules_created":0,"schedules_canceled":0,"scheduled_events_created":0,
		"scheduled_events_completed":0,"scheduled_events_canceled":0,"scheduled_events_rescheduled":0}`
	wantJSON(t, r.body, `{
		"last_n_days":{"all_host_available":2,"any_host_available":1,"one_to_one":1,"one_to_many":0,"one_off_meeting":0,
			"meeting_poll":0,"schedules_created":5,"schedules_canceled":1,"scheduled_events_created":0,
			"scheduled_events_completed":0,"scheduled_events_canceled":0,"scheduled_events_rescheduled":0},
		"previous_period":`+zeros+`,
		"popular_schedules":[],"popular_time_of_day":[],"popular_time_of_week":[],
		"event_distribution_by_duration":[],"users_with_least_events":[],"users_with_most_events":[]}`)

	// Owners are counted apart; "all" sums them; no user_id is the admin.
	if got := kinds(e.counts("bob@example.com")); got != [3]float64{0, 1, 0} {
		t.Errorf("bob: %v", got)
	}
	if got := kinds(e.counts("all")); got != [3]float64{2, 2, 1} {
		t.Errorf("all: %v", got)
	}
	if got := kinds(e.counts("")); got != [3]float64{0, 0, 0} {
		t.Errorf("admin: %v", got)
	}
	if r.header.Get("X-RateLimit-Category") != "Light" {
		t.Errorf("category %q", r.header.Get("X-RateLimit-Category"))
	}
}

func TestAnalyticsValidation(t *testing.T) {
	e := setup(t, nil)
	wantFields(t, e.do("GET", "/v2/scheduler/analytics?from=yesterday&to=2026-01-01", ""), "from", "to")
	wantFields(t, e.do("GET", "/v2/scheduler/analytics?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", ""), "to")
	if r := e.do("POST", "/v2/scheduler/analytics", "{}"); r.status != 405 {
		t.Errorf("POST: %d", r.status)
	}
}

func TestAnalyticsUnavailable(t *testing.T) {
	e := setup(t, func(o *Options) { o.AnalyticsStatus = 403 })
	r := e.do("GET", "/v2/scheduler/analytics?user_id=ann@example.com", "")
	if r.status != 403 {
		t.Fatalf("status %d", r.status)
	}
	wantJSON(t, r.body, `{"code":4711,"message":"Invalid access token, does not contain scopes:[scheduler:read:analytics:admin]."}`)

	// The knob changes at run time; the schedules stay readable.
	if r := e.admin("POST", "/_emulator/knobs", `{"analytics_status":404}`); r.status != 204 {
		t.Fatalf("knobs: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v2/scheduler/analytics", ""); r.status != 404 {
		t.Errorf("after knob 404: %d", r.status)
	}
	if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 {
		t.Errorf("list: %d", r.status)
	}
	if err := e.emu.SetKnobs(Knobs{AnalyticsStatus: new(0)}); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/v2/scheduler/analytics", ""); r.status != 200 {
		t.Errorf("after knob 0: %d", r.status)
	}
	if _, err := New(Options{AnalyticsStatus: 200}); err == nil {
		t.Error("New accepted analytics status 200")
	}
}
