package emulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestIsLoopbackAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8089":   true,
		"127.9.9.9:1":      true,
		"[::1]:0":          true,
		"localhost:8089":   true,
		"LOCALHOST":        true,
		"::1":              true,
		"0.0.0.0:8089":     false,
		":8089":            false,
		"[::]:8089":        false,
		"192.168.1.5:8089": false,
		"example.com:80":   false,
		"":                 false,
	} {
		if got := IsLoopbackAddr(addr); got != want {
			t.Errorf("IsLoopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}

// TestAdminAnswersLoopbackPeersOnly serves the emulator over real HTTP on
// loopback behind a handler that presents each request as coming from
// another peer, as a server bound to a public address would see it.
func TestAdminAnswersLoopbackPeersOnly(t *testing.T) {
	emu, err := New(testOptions(newClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	var peerAddr atomic.Value
	peerAddr.Store("")
	setPeer := func(p string) { peerAddr.Store(p) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := peerAddr.Load().(string); p != "" {
			r.RemoteAddr = p
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	get := func(path string, header ...string) int {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(`{"summary":"X","hosts":["a@example.com"]}`))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	for _, p := range []string{"203.0.113.7:4000", "[2001:db8::1]:4000", "10.0.0.2:1", "garbage"} {
		setPeer(p)
		for _, path := range []string{"/_emulator/webapp/schedules?user_id=a@example.com", "/_emulator/mode?mode=collective",
			"/_emulator/knobs", "/_emulator/seed"} {
			if got := get(path, "X-Forwarded-For", "127.0.0.1", "X-Real-IP", "127.0.0.1"); got != 403 {
				t.Errorf("peer %s %s: %d, want 403", p, path, got)
			}
		}
	}
	if n := len(emu.Pages("", true)); n != 0 {
		t.Errorf("a remote peer made %d pages", n)
	}
	for _, p := range []string{"", "127.0.0.2:5000", "[::1]:5000", "[::ffff:127.0.0.1]:5000"} {
		setPeer(p)
		if got := get("/_emulator/mode?mode=collective"); got != 204 {
			t.Errorf("peer %q: %d, want 204", p, got)
		}
	}
	// The API itself still answers any peer (it needs a token).
	setPeer("203.0.113.7:4000")
	if got := get("/v2/scheduler/schedules"); got != 401 {
		t.Errorf("API from a remote peer: %d, want 401", got)
	}
}

func TestListenLoopback(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	srv, err := ListenLoopback(Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if !IsLoopbackAddr(srv.Addr.String()) || !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("listening on %s (%s)", srv.Addr, srv.URL)
	}
	if srv.APIURL() != srv.URL+"/v2" || srv.TokenURL() != srv.URL+"/oauth/token" {
		t.Errorf("URLs %s %s", srv.APIURL(), srv.TokenURL())
	}
	if o := srv.Options; o.Mode != ModeDowngrade || o.ClientID != "emulator-client" || o.AccountID != "emulator-account" {
		t.Errorf("options %+v", o)
	}
	res, err := http.Post(srv.TokenURL()+"?grant_type=account_credentials&account_id=emulator-account", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 { // no credentials
		t.Errorf("token: %d", res.StatusCode)
	}
	if _, err := srv.CreateWebAppPage("ann@example.com", WebAppPage{Summary: "Kept", Hosts: []string{"bob@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := http.Get(srv.URL + "/v2/users"); err == nil {
		t.Error("still serving after Close")
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), `"Kept"`) {
		t.Errorf("state file after Close: %v %s", err, data)
	}
	if _, err := ListenLoopback(Options{Mode: "sideways"}); err == nil {
		t.Error("ListenLoopback accepted a bad mode")
	}
	if _, err := Listen("256.0.0.1:0", Options{}); err == nil {
		t.Error("Listen accepted a bad address")
	}
}

func TestSeedFileAndKinds(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	os.WriteFile(seed, []byte(`{
		"users": ["zed@example.com"],
		"pages": [
			{"owner":"ann@example.com","summary":"Sales","slug":"team-sales","hosts":["bob@example.com"],
			 "duration":45,"time_zone":"Europe/Paris","hours":{"tue":[{"start":"10:00","end":"12:00"}]}},
			{"owner":"ann@example.com","summary":"Robin","slug":"team-robin","hosts":["ann@example.com","cat@example.com"],"kind":"any_host_available"},
			{"owner":"bob@example.com","summary":"Left over","slug":"team-support","kind":"one_to_one","created_via":"api","hosts":["dan@example.com"]},
			{"owner":"bob@example.com","summary":"Twice","slug":"team-support","kind":"one_to_one","created_via":"api"}
		]}`), 0o600)
	state := filepath.Join(dir, "state.json")
	e := setup(t, func(o *Options) { o.SeedPath, o.StatePath = seed, state })
	pages := e.emu.Pages("", false)
	if len(pages) != 4 {
		t.Fatalf("%d pages", len(pages))
	}
	sales := pages[0]
	if sales.CreatedVia != "web" || sales.Kind != KindAllHosts || sales.ScheduleType != "multiple" || sales.Duration != 45 ||
		len(sales.AvailabilityRules) != 2 || sales.AvailabilityRules[0].Email != "ann@example.com" ||
		!sales.AvailabilityRules[1].UseCustom || sales.AvailabilityRules[1].SegmentsRecurrence.Tue[0].Start != "10:00" ||
		sales.AvailabilityRules[1].TimeZone != "Europe/Paris" {
		t.Errorf("sales %+v", sales)
	}
	if pages[1].Kind != KindAnyHost || pages[1].ScheduleType != "multiple" {
		t.Errorf("robin %+v", pages[1])
	}
	if left := pages[2]; left.Kind != KindOneToOne || left.ScheduleType != "one" || left.CreatedVia != "api" ||
		len(left.AvailabilityRules) != 1 || left.AvailabilityRules[0].Email != "bob@example.com" {
		t.Errorf("left over %+v", left)
	}
	// created_via shows in the list; the kind does not.
	l := e.do("GET", "/v2/scheduler/schedules?user_id=ann@example.com", "")
	if !strings.Contains(string(l.body), `"created_via":"web"`) || strings.Contains(string(l.body), "any_host") {
		t.Errorf("list %s", l.body)
	}
	if got := kinds(e.counts("ann@example.com")); got != [3]float64{1, 1, 0} {
		t.Errorf("ann counts %v", got)
	}
	var users usersPage
	e.do("GET", "/v2/users", "").decode(&users)
	var emails []string
	for _, u := range users.Users {
		emails = append(emails, u.Email)
	}
	if got := strings.Join(emails, " "); got != "admin@example.com zed@example.com ann@example.com bob@example.com cat@example.com" {
		t.Errorf("users %s", got)
	}
	// The admin pages listing names owner and kind.
	var listed struct {
		Items []struct {
			Owner string `json:"owner"`
			Kind  string `json:"kind"`
		} `json:"items"`
	}
	e.admin("GET", "/_emulator/pages", "").decode(&listed)
	if len(listed.Items) != 4 || listed.Items[1].Kind != "any_host_available" || listed.Items[2].Owner != "bob@example.com" {
		t.Errorf("admin pages %+v", listed)
	}

	// Kinds survive a restart through the state file, and the seed is not
	// applied twice.
	if err := e.emu.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := New(Options{SeedPath: seed, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	got := again.Pages("", false)
	if len(got) != 4 || got[1].Kind != KindAnyHost || got[0].CreatedVia != "web" || got[2].CreatedVia != "api" {
		t.Errorf("after restart: %d pages %+v", len(got), got)
	}
	// Users with no page, such as zed, are kept too.
	again.mu.Lock()
	_, zed := again.users["zed@example.com"]
	again.mu.Unlock()
	if !zed {
		t.Error("seeded user lost across a restart")
	}
}

func TestSeedErrors(t *testing.T) {
	e := setup(t, nil)
	for name, body := range map[string]string{
		"unknown key": `{"pages":[{"owner":"a@example.com","summary":"S","colour":"red"}]}`,
		"bad kind":    `{"pages":[{"owner":"a@example.com","summary":"S","kind":"round_robin"}]}`,
		"bad via":     `{"pages":[{"owner":"a@example.com","summary":"S","created_via":"fax"}]}`,
		"bad user":    `{"users":["nobody"]}`,
		"no summary":  `{"pages":[{"owner":"a@example.com"}]}`,
	} {
		if r := e.admin("POST", "/_emulator/seed", body); r.status != 400 {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	r := e.admin("POST", "/_emulator/seed", `{"pages":[{"owner":"a@example.com","summary":"S","hosts":["b@example.com"],"kind":"any_host_available"}]}`)
	if r.status != 204 {
		t.Fatalf("seed: %d %s", r.status, r.body)
	}
	if p := e.emu.Pages("a@example.com", false); len(p) != 1 || p[0].Kind != KindAnyHost {
		t.Errorf("pages %+v", p)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "seed.json")
	os.WriteFile(bad, []byte(`{"pages":[{"owner":"a@example.com"}]}`), 0o600)
	if _, err := New(Options{SeedPath: bad}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad seed file: %v", err)
	}
	if _, err := New(Options{SeedPath: filepath.Join(dir, "none.json")}); err == nil {
		t.Error("missing seed file accepted")
	}
}
