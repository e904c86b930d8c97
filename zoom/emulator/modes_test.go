package emulator

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultModeIsDowngrade(t *testing.T) {
	if m := DefaultOptions().Mode; m != ModeDowngrade {
		t.Errorf("DefaultOptions().Mode = %q, want downgrade", m)
	}
	o, err := Options{}.withDefaults()
	if err != nil || o.Mode != ModeDowngrade {
		t.Errorf("zero Options: mode %q, %v", o.Mode, err)
	}
}

// counts reads the analytics report for user_id owner.
func (e *env) counts(owner string) map[string]any {
	e.t.Helper()
	r := e.do("GET", "/v2/scheduler/analytics?user_id="+url.QueryEscape(owner), "")
	if r.status != 200 {
		e.t.Fatalf("analytics: %d %s", r.status, r.body)
	}
	return r.json()["last_n_days"].(map[string]any)
}

// kinds picks the three page-type counts out of last_n_days.
func kinds(m map[string]any) [3]float64 {
	return [3]float64{m["all_host_available"].(float64), m["any_host_available"].(float64), m["one_to_one"].(float64)}
}

func TestModesReadBackAndAnalytics(t *testing.T) {
	var bodies = map[Mode][]byte{}
	for _, tc := range []struct {
		mode       Mode
		wantType   string
		wantRules  int
		wantCounts [3]float64 // all hosts, any host, one to one
	}{
		{ModeDowngrade, "one", 1, [3]float64{0, 0, 1}},
		{ModeCollective, "multiple", 2, [3]float64{1, 0, 0}},
		{ModeAnyHost, "multiple", 2, [3]float64{0, 1, 0}},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			e := setup(t, func(o *Options) { o.Mode = tc.mode })
			created := e.create("owner@example.com", multiHostBody)
			id := created["schedule_id"].(string)
			if created["schedule_type"] != tc.wantType || len(created["availability_rules"].([]any)) != tc.wantRules {
				t.Errorf("created %v with %d rules", created["schedule_type"], len(created["availability_rules"].([]any)))
			}
			if created["created_via"] != "api" {
				t.Errorf("created_via %v, want api", created["created_via"])
			}
			g := e.do("GET", "/v2/scheduler/schedules/"+id+"?user_id=owner@example.com", "")
			l := e.do("GET", "/v2/scheduler/schedules?user_id=owner@example.com", "")
			item := l.json()["items"].([]any)[0]
			if diff := cmp.Diff(g.json(), item); diff != "" {
				t.Errorf("list item and GET differ (-get +list):\n%s", diff)
			}
			// Normalise the id so that bodies compare across modes.
			bodies[tc.mode] = []byte(strings.ReplaceAll(string(g.body), id, "ID"))
			if got := kinds(e.counts("owner@example.com")); got != tc.wantCounts {
				t.Errorf("counts %v, want %v", got, tc.wantCounts)
			}
			if got := e.emu.Pages("owner@example.com", false)[0].Kind; got != PageKind(map[Mode]string{
				ModeDowngrade: "one_to_one", ModeCollective: "all_host_available", ModeAnyHost: "any_host_available"}[tc.mode]) {
				t.Errorf("Kind %q", got)
			}
		})
	}
	// An Any Host page reads back byte for byte like a collective one.
	if string(bodies[ModeAnyHost]) != string(bodies[ModeCollective]) {
		t.Errorf("anyhost GET differs from collective:\n%s\n%s", bodies[ModeAnyHost], bodies[ModeCollective])
	}
}

func TestAnyHostPatchAddsHosts(t *testing.T) {
	e := setup(t, func(o *Options) { o.Mode = ModeAnyHost })
	p := e.create("ann@example.com", pageBody("T", []string{"ann@example.com"}, ""))
	r := e.do("PATCH", "/v2/scheduler/schedules/"+p["schedule_id"].(string)+"?user_id=ann@example.com",
		`{"availability_rules":[{"email":"ann@example.com","segments_recurrence":{}},{"email":"bob@example.com","segments_recurrence":{}}]}`)
	if r.status != 204 {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	pages := e.emu.Pages("ann@example.com", false)
	if len(pages[0].AvailabilityRules) != 2 || pages[0].Kind != KindAnyHost {
		t.Errorf("after PATCH: %+v", pages[0])
	}
}

func TestSetModeAnyHostAtRuntime(t *testing.T) {
	e := setup(t, func(o *Options) { o.Mode = ModeDowngrade })
	if r := e.admin("POST", "/_emulator/mode?mode=anyhost", ""); r.status != 204 {
		t.Fatalf("mode: %d %s", r.status, r.body)
	}
	e.create("owner@example.com", multiHostBody)
	if got := kinds(e.counts("owner@example.com")); got != [3]float64{0, 1, 0} {
		t.Errorf("counts %v", got)
	}
	if r := e.admin("POST", "/_emulator/mode?mode=roundrobin", ""); r.status != 400 ||
		!strings.Contains(string(r.body), "downgrade, collective, anyhost") {
		t.Errorf("bad mode: %d %s", r.status, r.body)
	}
}
