package sync

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

const six = `
team | hosts
A1 | ann@example.com, bob@example.com
A2 | ann@example.com, bob@example.com
A3 | ann@example.com, bob@example.com
A4 | ann@example.com, bob@example.com
A5 | ann@example.com, bob@example.com
A6 | ann@example.com, bob@example.com
`

func dropRows(sheetText string, teams ...string) string {
	var out []string
	for _, l := range strings.Split(sheetText, "\n") {
		keep := true
		for _, t := range teams {
			if strings.HasPrefix(l, t+" ") {
				keep = false
			}
		}
		if keep {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestPruneDeletesPagesWhoseRowIsGone(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "t-", Prune: "delete", MaxPrune: 5, MaxPrunePercent: 50})
	e.run(six)
	// A page without the prefix is never a candidate.
	e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Hand made", Slug: "hand-made", Hosts: []string{"ann@example.com", "bob@example.com"}})
	plan, rep := e.run(dropRows(six, "A2", "A5"))
	if plan.Prune.Candidates != 2 || plan.Prune.Managed != 6 || plan.Prune.Refused {
		t.Fatalf("prune decision: %+v", plan.Prune)
	}
	if got := outcomes(rep); got["page:t-a2"] != "deleted" || got["page:t-a5"] != "deleted" {
		t.Errorf("outcomes: %v", got)
	}
	var slugs []string
	for _, p := range e.emu.Pages("", false) {
		slugs = append(slugs, p.Slug)
	}
	slices.Sort(slugs) // creates run concurrently: creation order varies
	if strings.Join(slugs, " ") != "hand-made t-a1 t-a3 t-a4 t-a6" {
		t.Errorf("pages left: %v", slugs)
	}
	if plan, _ := e.run(dropRows(six, "A2", "A5")); !plan.Empty() {
		t.Errorf("prune is not idempotent: %+v", plan.Prune)
	}
}

func TestPruneThresholdRefusesAndChangesNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"over both limits", Options{MaxPrune: 2, MaxPrunePercent: 40}},
		{"more than half", Options{MaxPrune: 100, MaxPrunePercent: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.SlugPrefix, tc.opts.Prune = "t-", "delete"
			e := newEnv(t, nil, tc.opts)
			e.run(six)
			e.rec.reset()
			// A truncated sheet: three rows gone, and one new row that
			// would be created on a normal run.
			truncated := dropRows(six, "A4", "A5", "A6") + "\nNew | ann@example.com, bob@example.com\n"
			if tc.name == "more than half" {
				truncated = dropRows(six, "A3", "A4", "A5", "A6") + "\nNew | ann@example.com, bob@example.com\n"
			}
			plan, rep := e.run(truncated)
			if !plan.Prune.Refused || !strings.Contains(plan.Prune.Reason, "--force-prune") {
				t.Fatalf("prune decision: %+v", plan.Prune)
			}
			if n := len(e.rec.writes()); n != 0 {
				t.Errorf("a refused prune must change nothing; %d writes", n)
			}
			if got := result(t, rep, "new"); got.Outcome() != "skipped" {
				t.Errorf("new row: %+v", got)
			}
			if n := len(e.emu.Pages("", false)); n != 6 {
				t.Errorf("%d pages, want 6 untouched", n)
			}
			// --force-prune goes ahead.
			e.opts.ForcePrune = true
			_, rep = e.run(truncated)
			if rep.Tally().Deleted < 3 || rep.Tally().Created != 1 {
				t.Errorf("forced: %s", rep.Summary())
			}
		})
	}
}

func TestPruneGuards(t *testing.T) {
	tests := []struct {
		name     string
		sheet    string
		disabled string
	}{
		{"invalid row protects its page", dropRows(six, "A3") + "\nA3 | ann@example.com\n", ""},
		{"unreadable key stops prune", dropRows(six, "A2") + "\n | ann@example.com, bob@example.com\n", "no readable key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, Options{SlugPrefix: "t-", Prune: "delete", MaxPrune: 10, MaxPrunePercent: 100})
			e.run(six)
			e.rec.reset()
			plan, _ := e.run(tt.sheet)
			if tt.disabled != "" && !strings.Contains(plan.Prune.Disabled, tt.disabled) {
				t.Errorf("prune not disabled: %+v", plan.Prune)
			}
			if plan.Count(ActionDelete) != 0 {
				t.Errorf("prune planned: %+v", plan.Prune)
			}
			if n := e.rec.count("DELETE", "/"); n != 0 {
				t.Errorf("%d deletes", n)
			}
			if n := len(e.emu.Pages("", false)); n != 6 {
				t.Errorf("%d pages, want 6", n)
			}
		})
	}
}

func TestEmptySheetNeverPrunes(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "t-", Prune: "delete", MaxPrune: 100, MaxPrunePercent: 100, ForcePrune: true})
	e.run(six)
	res := parse(t, "team | hosts\n", "t-")
	eng := New(e.client, e.opts)
	plan, err := eng.Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.Prune.Disabled, "empty sheet never prunes") || plan.Count(ActionDelete) != 0 {
		t.Errorf("plan: %+v", plan.Prune)
	}
	eng.Apply(context.Background(), plan)
	if n := len(e.emu.Pages("", false)); n != 6 {
		t.Errorf("%d pages, want 6", n)
	}
}

func TestPruneDeactivate(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "t-", Prune: "deactivate", MaxPrune: 5, MaxPrunePercent: 50})
	e.run(six)
	_, rep := e.run(dropRows(six, "A6"))
	if got := outcomes(rep)["page:t-a6"]; got != "deactivated" {
		t.Fatalf("outcome %s", got)
	}
	for _, p := range e.emu.Pages("", false) {
		if p.Active != (p.Slug != "t-a6") {
			t.Errorf("%s active=%v", p.Slug, p.Active)
		}
	}
	e.rec.reset()
	if plan, _ := e.run(dropRows(six, "A6")); plan.Count(ActionDeactivate) != 0 || len(e.rec.writes()) != 0 {
		t.Errorf("an inactive page is not pruned again: %+v", plan.Prune)
	}
}

func TestPruneWaitsWhenARowFailed(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "t-", Prune: "delete", MaxPrune: 5, MaxPrunePercent: 50})
	e.run(six)
	// A1 changes and its PATCH keeps failing; A6's page would be pruned.
	e.emu.InjectFault(emulator.Fault{Method: "PATCH", Status: 500, Count: 100})
	edited := strings.Replace(dropRows(six, "A6"), "A1 | ann@example.com, bob@example.com", "A1 | ann@example.com, bob@example.com, cat@example.com", 1)
	_, rep := e.run(edited)
	if got := outcomes(rep); got["a1"] != "failed" || got["page:t-a6"] != "skipped" {
		t.Fatalf("outcomes: %v", got)
	}
	if !strings.Contains(rep.Prune.Disabled, "1 row failed") {
		t.Errorf("prune: %+v", rep.Prune)
	}
	if n := len(e.emu.Pages("", false)); n != 6 {
		t.Errorf("%d pages, want 6", n)
	}
}

func TestPruneNeedsPrefix(t *testing.T) {
	e := newEnv(t, nil, Options{Prune: "delete", MaxPrune: 100, MaxPrunePercent: 100})
	e.run(six)
	plan, _ := e.run(dropRows(six, "A1"))
	if !strings.Contains(plan.Prune.Disabled, "slug_prefix is empty") {
		t.Errorf("prune: %+v", plan.Prune)
	}

}

func TestPrunePrefixMatchesExactly(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "t-", Prune: "delete", MaxPrune: 5, MaxPrunePercent: 50})
	e.run(six)
	// Made by hand: only the case of its slug resembles the prefix.
	caps, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Caps", Slug: "T-Caps", Hosts: []string{"ann@example.com", "bob@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	plan, rep := e.run(dropRows(six, "A2"))
	if plan.Prune.Candidates != 1 || plan.Prune.Managed != 6 {
		t.Errorf("prune decision: %+v", plan.Prune)
	}
	for _, c := range plan.Changes {
		if c.ScheduleID == caps.ScheduleID {
			t.Errorf("hand-made page %s is in the plan: %s %v", caps.Slug, c.Action, c.Reasons())
		}
		if c.Cause == CausePrune && (c.Slug != "t-a2" || strings.Join(c.Notes, "; ") != "no row claims this page (sync.prune: delete)") {
			t.Errorf("prune: %s %v", c.Slug, c.Notes)
		}
	}
	if got := outcomes(rep); got["page:t-a2"] != "deleted" || got["page:T-Caps"] != "" {
		t.Errorf("outcomes: %v", got)
	}
	if pages := e.emu.Pages("ann@example.com", false); !slices.ContainsFunc(pages, func(p emulator.Page) bool { return p.ScheduleID == caps.ScheduleID }) {
		t.Errorf("the hand-made page was deleted")
	}

	// With prune off the unclaimed listing follows the same rule.
	e.opts.Prune = "off"
	plan, _ = e.run(dropRows(six, "A2", "A3"))
	var unclaimed []string
	for _, c := range plan.Changes {
		if c.Cause == CauseUnclaimed {
			unclaimed = append(unclaimed, c.Slug)
		}
	}
	if strings.Join(unclaimed, ",") != "t-a3" {
		t.Errorf("unclaimed: %v", unclaimed)
	}
}

// A probe create (the first create, sent alone) that fails or whose
// outcome is unknown holds prune back like any other failed row.
func TestFailedProbeHoldsPruneBack(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "t-", Prune: "delete", MaxPrune: 5, MaxPrunePercent: 50})
	e.run(six)
	// --recheck-create: the next run's one create is a probe.
	e.opts.ForceRecheck = true
	e.emu.InjectFault(emulator.Fault{Method: "POST", Path: "/v2/scheduler/schedules", Status: 500, Count: 1})
	plan, rep := e.run(dropRows(six, "A2") + "B1 | ann@example.com, bob@example.com\n")
	if plan.Create != CreateProbe || plan.Prune.Candidates != 1 {
		t.Fatalf("setup: create %q, prune %+v", plan.Create, plan.Prune)
	}
	if r := result(t, rep, "b1"); r.Status != StatusUnknown {
		t.Fatalf("probe: %+v", r)
	}
	if rep.Prune.Disabled == "" || outcomes(rep)["page:t-a2"] == "deleted" {
		t.Errorf("prune went ahead after a probe with an unknown outcome: %+v, %v", rep.Prune, outcomes(rep))
	}
}
