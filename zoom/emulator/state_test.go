package emulator

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.json")
	c := newClock()
	o := testOptions(c)
	o.StatePath = path

	first, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(first)
	e := &env{t: t, emu: first, srv: srv, clock: c}
	e.token = e.mintToken()
	kept := e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com",
		pageBody("Kept", []string{"alice@example.com", "bob@example.com"}, `,"slug":"kept"`))
	gone := e.create("alice@example.com", pageBody("Gone", []string{"alice@example.com"}, ""))
	c.Advance(time.Minute)
	e.do("DELETE", "/v2/scheduler/schedules/"+gone["schedule_id"].(string)+"?user_id=alice@example.com", "")
	if _, err := first.CreateWebAppPage("bob@example.com", WebAppPage{Summary: "Web", Hosts: []string{"alice@example.com"}}); err != nil {
		t.Fatal(err)
	}
	// The debounced save writes without Flush.
	deadline := time.Now().Add(time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil && strings.Count(string(data), `"schedule_id"`) == 3 && strings.Contains(string(data), `"cancelled"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state file not saved in time: %v %s", err, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
	want := first.Pages("", true)
	srv.Close()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("state dir holds %d files, want only the state file", len(entries))
	}

	second := setup(t, func(o2 *Options) { o2.StatePath = path })
	if diff := cmp.Diff(want, second.emu.Pages("", true)); diff != "" {
		t.Errorf("pages after reload (-want +got):\n%s", diff)
	}
	g := second.do("GET", "/v2/scheduler/schedules/kept?user_id=alice@example.com", "")
	if string(g.body) != string(kept.body) {
		t.Errorf("GET after reload:\n%s\nwant\n%s", g.body, kept.body)
	}
	// Slugs stay taken, or free when cancelled; new pages follow the old.
	r := second.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com", pageBody("K", []string{"alice@example.com"}, `,"slug":"kept"`))
	wantFields(t, r, "slug")
	second.create("alice@example.com", pageBody("Gone", []string{"alice@example.com"}, `,"slug":"gone"`))
	if err := second.emu.Flush(); err != nil {
		t.Fatal(err)
	}
	third, err := New(Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	if n := len(third.Pages("alice@example.com", true)); n != 3 {
		t.Errorf("third emulator sees %d of alice's pages, want 3", n)
	}
}

func TestCorruptStateFile(t *testing.T) {
	for name, content := range map[string]string{
		"not json":      `{"version":1,"pages":[`,
		"wrong version": `{"version":7,"pages":[]}`,
		"duplicate id": `{"version":1,"pages":[{"owner":"a@example.com","page":{"schedule_id":"x","slug":"one"}},
			{"owner":"a@example.com","page":{"schedule_id":"x","slug":"two"}}]}`,
		"bad owner": `{"version":1,"pages":[{"owner":"nobody","page":{"schedule_id":"x","slug":"one"}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := New(Options{StatePath: path})
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("New: %v, want an error naming %s", err, path)
			}
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, o := range map[string]Options{
		"mode":       {Mode: "round-robin"},
		"error rate": {ErrorRate: 2},
		"user":       {Users: []string{"not an email"}},
		"negative":   {RateLimit: -1},
		"late":       {LateCommit: -1},
		"delay":      {CommitDelay: -1},
		"after rate": {ErrorAfterCommitRate: 1.5},
		"analytics":  {AnalyticsStatus: 302},
		"other app":  {OtherApps: []App{{ClientID: "x"}}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: New accepted %+v", name, o)
		}
	}
}
