package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
)

// TestEmulatorCommand starts `zoomsync emulator`, reads the URLs and the
// credentials it prints, uses them with the real client, stops it and
// checks that its state file kept the page.
func TestEmulatorCommand(t *testing.T) {
	state := filepath.Join(t.TempDir(), "emulator.json")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--mode", "downgrade", "--state", state,
			"--client-secret", "rehearsal-secret", "--rate-limit", "0"}, &stdout, io.Discard)
	}()
	field := func(name string) string {
		m := regexp.MustCompile(name + `: (\S+)`).FindStringSubmatch(stdout.String())
		if m == nil {
			return ""
		}
		return m[1]
	}
	waitFor(t, "the emulator to print its URLs", func() bool { return field("client_secret") != "" })
	out := stdout.String()
	for _, want := range []string{"downgrade mode", "account_id: emulator-account", "client_id: emulator-client", "client_secret: rehearsal-secret", "kept in " + state} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	c, err := zoom.New(zoom.Options{APIURL: field("api_url"), TokenURL: field("oauth_url"),
		AccountID: field("account_id"), ClientID: field("client_id"), ClientSecret: field("client_secret")})
	if err != nil {
		t.Fatal(err)
	}
	hours := &zoom.WeeklyHours{Mon: []zoom.TimeRange{{Start: "09:00", End: "17:00"}}}
	created, err := c.CreateSchedule(context.Background(), "ann@example.com", &zoom.ScheduleCreate{
		Summary: "Rehearsal", Duration: 30, Capacity: 1, Slug: "rehearsal", ScheduleType: zoom.ScheduleTypeMultiple, AvailabilityOverride: true,
		AvailabilityRules: []zoom.AvailabilityRule{
			{Email: "ann@example.com", UseCustom: true, TimeZone: "UTC", SegmentsRecurrence: hours},
			{Email: "bob@example.com", UseCustom: true, TimeZone: "UTC", SegmentsRecurrence: hours}}})
	if err != nil {
		t.Fatal(err)
	}
	if created.ScheduleType != zoom.ScheduleTypeOne {
		t.Errorf("downgrade mode stored %q", created.ScheduleType)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("emulator: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the emulator did not stop")
	}
	data, err := os.ReadFile(state)
	if err != nil || !bytes.Contains(data, []byte(created.ScheduleID)) {
		t.Errorf("state file does not keep the page: %v", err)
	}
}

func TestEmulatorCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"emulator", "--mode", "chaos"},
		{"emulator", "--error-rate", "2"},
		{"emulator", "--rate-limit", "-1"},
		{"emulator", "extra"},
	} {
		if code := Main(args, io.Discard, io.Discard); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestEmulatorCommandSeed starts the standalone emulator with the README's
// demo seed: its web-app pages are there for the client, and the banner
// says how many. A seed an admin could not make is refused at start.
func TestEmulatorCommandSeed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--seed", "../../examples/demo-webapp.json",
			"--rate-limit", "0"}, &stdout, io.Discard)
	}()
	field := func(name string) string {
		m := regexp.MustCompile(name + `: (\S+)`).FindStringSubmatch(stdout.String())
		if m == nil {
			return ""
		}
		return m[1]
	}
	waitFor(t, "the emulator to print its URLs", func() bool { return field("client_secret") != "" })
	if out := stdout.String(); !strings.Contains(out, "Pages: in memory (use --state FILE to keep them); 9 at start") {
		t.Errorf("banner does not count the seeded pages:\n%s", out)
	}
	c, err := zoom.New(zoom.Options{APIURL: field("api_url"), TokenURL: field("oauth_url"),
		AccountID: field("account_id"), ClientID: field("client_id"), ClientSecret: field("client_secret")})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := c.ListSchedules(context.Background(), "hana.kim@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || pages[0].Slug != "demo-recruiting-panel-engineering" || pages[0].CreatedVia != "web" {
		t.Errorf("seeded pages of hana.kim: %+v", pages)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("emulator: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the emulator did not stop")
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"pages":[{"owner":"ann@example.com","summary":"T","slug":"Team-Caps","hosts":[]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := Main([]string{"emulator", "--addr", "127.0.0.1:0", "--seed", bad}, io.Discard, &stderr); code != exitFailed {
		t.Errorf("bad seed: exit %d, want %d", code, exitFailed)
	}
	for _, want := range []string{bad, `slug "Team-Caps"`, "at least 2 hosts"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("bad seed error lacks %q: %s", want, stderr.String())
		}
	}
}

// The emulator warns when it binds every interface, and stays quiet on
// loopback.
func TestEmulatorCommandWarnsOffLoopback(t *testing.T) {
	for _, c := range []struct {
		addr string
		warn bool
	}{{"127.0.0.1:0", false}, {"0.0.0.0:0", true}} {
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr syncBuffer
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"emulator", "--addr", c.addr}, &stdout, &stderr) }()
		waitFor(t, "the emulator to print its URLs", func() bool { return strings.Contains(stdout.String(), "client_secret:") })
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", c.addr, err)
		}
		warned := strings.Contains(stderr.String(), "is not a loopback address: the emulator's API is open to the network")
		if warned != c.warn {
			t.Errorf("--addr %s: warned %v, want %v; stderr:\n%s", c.addr, warned, c.warn, stderr.String())
		}
	}
}
