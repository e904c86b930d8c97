package sync

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

func TestHostChangeZoomDidNotStoreIsNotSentAgain(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	e := newEnv(t, nil, Options{HostRefusals: NewFileHostRefusals(dir), RecheckCreate: 168 * time.Hour,
		Now: func() time.Time { return now }})
	// A page made in the web app, adopted by its id; Zoom's API cannot add
	// hosts to it.
	p, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales EMEA", Slug: "sales-web", Hosts: []string{"ann@example.com", "bob@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	e.emu.SetMode(emulator.ModeDowngrade)
	row := func(hosts string, duration int) string {
		return fmt.Sprintf("team | hosts | duration | schedule_id\nSales EMEA | %s | %d | %s\n", hosts, duration, p.ScheduleID)
	}
	three := "ann@example.com, bob@example.com, gus@example.com"

	_, rep := e.run(row(three, 30))
	if r := result(t, rep, "sales-emea"); r.Outcome() != "needs-manual" || !strings.Contains(r.Detail(), "missing: gus@example.com") {
		t.Fatalf("first run: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, HostRefusalFile)); err != nil {
		t.Fatalf("the refusal was not saved: %v", err)
	}

	// The rerun sends nothing and still says what the admin must do.
	e.rec.reset()
	plan, rep := e.run(row(three, 30))
	c := plan.Changes[0]
	if !plan.Empty() || !plan.HasProblems() || c.Action != ActionNone || !strings.Contains(c.NeedsManual, "missing: gus@example.com") ||
		!strings.Contains(c.NeedsManual, "not sent again") || !strings.Contains(c.NeedsManual, "2026-03-09") {
		t.Fatalf("rerun plan: %s %q empty=%v", c.Action, c.NeedsManual, plan.Empty())
	}
	if w := e.rec.writes(); len(w) != 0 {
		t.Errorf("rerun wrote %d times: %+v", len(w), w)
	}
	if r := result(t, rep, "sales-emea"); r.Outcome() != "needs-manual" {
		t.Errorf("rerun: %+v", r)
	}

	// Another field of the row still applies, without the host change.
	e.rec.reset()
	plan, rep = e.run(row(three, 45))
	if c := plan.Changes[0]; c.Action != ActionUpdate || len(c.Fields) != 1 || c.Fields[0].Column != "duration" || c.NeedsManual == "" {
		t.Fatalf("duration change: %s %+v %q", c.Action, c.Fields, c.NeedsManual)
	}
	if w := e.rec.writes(); len(w) != 1 || keysOf(w[0].Body) != "[duration]" {
		t.Errorf("duration change sent %+v", w)
	}
	if got := e.emu.Pages("ann@example.com", false)[0].Duration; got != 45 {
		t.Errorf("duration in Zoom: %d", got)
	}
	if r := result(t, rep, "sales-emea"); r.Outcome() != "needs-manual" || r.Status != StatusDone {
		t.Errorf("duration change: %+v", r)
	}
	e.rec.reset()
	if plan, _ := e.run(row(three, 45)); !plan.Empty() || len(e.rec.writes()) != 0 {
		t.Errorf("after the duration change: %d writes", len(e.rec.writes()))
	}

	// Other hosts in the sheet: the change is sent again.
	e.rec.reset()
	e.run(row("ann@example.com, bob@example.com, hal@example.com", 45))
	if n := len(e.rec.writes()); n != 1 {
		t.Errorf("new host set: %d writes, want 1", n)
	}
	e.rec.reset()
	if plan, _ := e.run(row("ann@example.com, bob@example.com, hal@example.com", 45)); !plan.Empty() || len(e.rec.writes()) != 0 {
		t.Errorf("new host set rerun: %d writes", len(e.rec.writes()))
	}

	// After sync.recheck_create the change is tried once more.
	now = now.Add(169 * time.Hour)
	e.rec.reset()
	plan, _ = e.run(row("ann@example.com, bob@example.com, hal@example.com", 45))
	if c := plan.Changes[0]; c.Action != ActionUpdate || len(e.rec.writes()) != 1 {
		t.Errorf("after recheck_create: %s, %d writes", c.Action, len(e.rec.writes()))
	}
}

func TestHostChangeRefusalForgottenWhenThePageChanges(t *testing.T) {
	e := newEnv(t, nil, Options{})
	p, _ := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales EMEA", Slug: "sales-web", Hosts: []string{"ann@example.com", "bob@example.com"}})
	e.emu.SetMode(emulator.ModeDowngrade)
	sheetText := fmt.Sprintf("team | hosts | schedule_id\nSales EMEA | ann@example.com, bob@example.com, gus@example.com | %s\n", p.ScheduleID)
	e.run(sheetText)
	// The admin adds gus in the web app: the page now has every host.
	e.emu.SetMode(emulator.ModeCollective)
	pg := &parse(t, sheetText, "").Pages[0]
	pooling, pools, attendees := multiHostFields(pg.Hosts)
	fix := &zoom.SchedulePatch{AvailabilityOverride: ptr(true), AvailabilityRules: hostRules(pg), PoolingType: &pooling, UserPools: pools, Attendees: attendees}
	if err := e.client.PatchSchedule(t.Context(), "ann@example.com", p.ScheduleID, fix); err != nil {
		t.Fatal(err)
	}
	e.rec.reset()
	plan, rep := e.run(sheetText)
	if c := plan.Changes[0]; c.NeedsManual != "" || !plan.Empty() {
		t.Errorf("after the admin's fix: %s %q", c.Action, c.NeedsManual)
	}
	if r := result(t, rep, "sales-emea"); r.Outcome() != "unchanged" {
		t.Errorf("after the admin's fix: %+v", r)
	}
}
