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
