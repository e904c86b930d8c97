package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// admin sends an unauthenticated request to an admin endpoint.
func (e *env) admin(method, path, body string) resp {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	return e.send(req)
}

func TestAdminEndpoints(t *testing.T) {
	e := setup(t, func(o *Options) { o.RateLimit = 1 })
	e.create("alice@example.com", pageBody("T", []string{"alice@example.com"}, ""))

	r := e.admin("GET", "/_emulator/stats", "")
	wantJSON(t, r.body, `{"requests":{"POST /oauth/token":1,"POST /v2/scheduler/schedules":1},
		"rate_limited":0,"injected_errors":0,"dropped_responses":0,"late_commits":0,"writes":1}`)
	if r := e.admin("POST", "/_emulator/reset-stats", ""); r.status != 204 {
		t.Errorf("reset-stats: %d", r.status)
	}
	if s := e.emu.Stats(); len(s.Requests) != 0 {
		t.Errorf("after reset: %+v", s)
	}

	// Faults.
	if r := e.admin("POST", "/_emulator/faults", `{"method":"GET","path":"/v2/scheduler/availability","status":502}`); r.status != 204 {
		t.Fatalf("faults: %d %s", r.status, r.body)
	}
	e.clock.Advance(1e9)
	r = e.do("GET", "/v2/scheduler/availability", "")
	if r.status != 502 {
		t.Errorf("after fault: %d", r.status)
	}
	wantJSON(t, r.body, `{"code":502,"message":"Bad Gateway."}`)
	if r := e.admin("POST", "/_emulator/faults", `{"stauts":502}`); r.status != 400 {
		t.Errorf("misspelt fault: %d", r.status)
	}

	// Tokens.
	e.admin("POST", "/_emulator/expire-tokens", "")
	e.clock.Advance(1e9)
	if r := e.do("GET", "/v2/scheduler/availability", ""); r.status != 401 || !strings.Contains(string(r.body), "expired") {
		t.Errorf("after expire-tokens: %d %s", r.status, r.body)
	}
	e.token = e.mintToken()

	// Mode and web app pages.
	if r := e.admin("POST", "/_emulator/mode?mode=sideways", ""); r.status != 400 {
		t.Errorf("bad mode: %d", r.status)
	}
	if r := e.admin("POST", "/_emulator/mode?mode=downgrade", ""); r.status != 204 {
		t.Errorf("mode: %d", r.status)
	}
	r = e.admin("POST", "/_emulator/webapp/schedules?user_id=alice@example.com",
		`{"summary":"Web team","hosts":["alice@example.com","bob@example.com"],"duration":45,"time_zone":"Europe/Paris"}`)
	if r.status != 201 {
		t.Fatalf("webapp: %d %s", r.status, r.body)
	}
	web := r.json()
	if web["schedule_type"] != "multiple" || len(web["availability_rules"].([]any)) != 2 || web["slug"] != "web-team" {
		t.Errorf("webapp page %s", r.body)
	}
	wantFields(t, e.admin("POST", "/_emulator/webapp/schedules?user_id=alice@example.com",
		`{"summary":"","hosts":["bob@example.com"],"duration":5}`), "summary", "duration")

	e.clock.Advance(1e9)
	r = e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com", multiHostBody)
	if r.status != 201 || r.json()["schedule_type"] != "one" {
		t.Errorf("create after mode=downgrade: %d %s", r.status, r.body)
	}

	// Pages.
	r = e.admin("GET", "/_emulator/pages?user_id=alice@example.com", "")
	var pages struct {
		Items []struct {
			Owner        string `json:"owner"`
			Summary      string `json:"summary"`
			ScheduleType string `json:"schedule_type"`
		} `json:"items"`
	}
	r.decode(&pages)
	if len(pages.Items) != 3 || pages.Items[1].Owner != "alice@example.com" || pages.Items[1].Summary != "Web team" {
		t.Errorf("pages: %s", r.body)
	}
	if r := e.admin("GET", "/_emulator/pages?show_deleted=true", ""); !strings.Contains(string(r.body), `"owner":"alice@example.com"`) {
		t.Errorf("all pages: %s", r.body)
	}

	// Admin calls are not counted; unknown admin paths 404, wrong methods 405.
	if r := e.admin("GET", "/_emulator/nothing", ""); r.status != 404 {
		t.Errorf("unknown admin path: %d", r.status)
	}
	if r := e.admin("GET", "/_emulator/faults", ""); r.status != 405 {
		t.Errorf("GET faults: %d", r.status)
	}
	for k := range e.emu.Stats().Requests {
		if strings.Contains(k, "_emulator") {
			t.Errorf("admin request counted: %s", k)
		}
	}
}

// The web-app endpoints refuse what an admin could not make in the web app,
// with a message that says what to change, and make no page.
func TestAdminWebAppRefusesBadInput(t *testing.T) {
	e := setup(t, nil)
	two := `"hosts":["alice@example.com","bob@example.com"]`
	for _, tc := range []struct{ name, path, body, want string }{
		{"no owner", "/_emulator/webapp/schedules", `{"summary":"T",` + two + `}`, "?user_id=OWNER_EMAIL"},
		{"two owners", "/_emulator/webapp/schedules?user_id=alice@example.com", `{"owner":"bob@example.com","summary":"T",` + two + `}`, "Two owners"},
		{"capitals", "/_emulator/webapp/schedules?user_id=alice@example.com", `{"summary":"T","slug":"Team-Caps",` + two + `}`,
			`slug \"Team-Caps\": a page link is 3 to 256 lower-case letters, digits and hyphens (e.g. \"team-caps\")`},
		{"short slug", "/_emulator/webapp/schedules?user_id=alice@example.com", `{"summary":"T","slug":"ab",` + two + `}`, `slug \"ab\"`},
		{"no hosts", "/_emulator/webapp/schedules?user_id=alice@example.com", `{"summary":"T","hosts":[]}`,
			`a all_host_available page needs at least 2 hosts, the owner included; it has 1 (alice@example.com)`},
		{"owner only", "/_emulator/webapp/schedules?user_id=alice@example.com", `{"summary":"T","kind":"any_host_available","hosts":["Alice@example.com"]}`,
			"any_host_available page needs at least 2 hosts"},
		{"seed without owner", "/_emulator/seed", `{"pages":[{"summary":"T","slug":"team-t",` + two + `}]}`, `\"owner\" is missing`},
		{"seed capitals", "/_emulator/seed", `{"pages":[{"owner":"alice@example.com","summary":"T","slug":"Team-T",` + two + `}]}`, `slug \"Team-T\"`},
		{"seed one host", "/_emulator/seed", `{"pages":[{"owner":"alice@example.com","summary":"T","slug":"team-t","hosts":["alice@example.com"]}]}`, "at least 2 hosts"},
	} {
		r := e.admin("POST", tc.path, tc.body)
		if r.status != 400 || !strings.Contains(string(r.body), tc.want) {
			t.Errorf("%s: %d %s, want 400 with %s", tc.name, r.status, r.body, tc.want)
		}
	}
	if n := len(e.emu.Pages("", true)); n != 0 {
		t.Errorf("%d pages made from bad input", n)
	}

	// What is right still works: the owner in the body, one host besides
	// the owner, a One to One page with no hosts.
	for _, tc := range []struct{ path, body string }{
		{"/_emulator/webapp/schedules", `{"owner":"alice@example.com","summary":"A","slug":"team-a","hosts":["bob@example.com"]}`},
		{"/_emulator/webapp/schedules?user_id=alice@example.com", `{"owner":"ALICE@example.com","summary":"B","slug":"team-b",` + two + `}`},
		{"/_emulator/webapp/schedules?user_id=alice@example.com", `{"summary":"C","kind":"one_to_one"}`},
	} {
		if r := e.admin("POST", tc.path, tc.body); r.status != 201 {
			t.Errorf("%s %s: %d %s", tc.path, tc.body, r.status, r.body)
		}
	}
	if r := e.admin("POST", "/_emulator/seed", `{"pages":[{"owner":"bob@example.com","summary":"D","slug":"team-d",`+two+`},
		{"owner":"bob@example.com","summary":"E","slug":"team-e","kind":"one_to_one","created_via":"api"}]}`); r.status != 204 {
		t.Errorf("good seed: %d %s", r.status, r.body)
	}
	if n := len(e.emu.Pages("", true)); n != 5 {
		t.Errorf("%d pages, want 5", n)
	}
}
