package sync

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

func analyticsReads(e *env) int { return e.emu.Stats().Requests["GET /v2/scheduler/analytics"] }

// A run killed after its create and before the analytics report left an
// Any Host Available page with the row's slug, and no verdict: the next
// run reads the owner's report, finds the page is Any Host Available and
// deletes it (or, with keep, asks for manual work), and sends no create.
func TestUnconfirmedAnyHostPageZoomsyncMadeIsCleanedUp(t *testing.T) {
	for _, policy := range []string{"delete", "keep"} {
		t.Run(policy, func(t *testing.T) {
			e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeAnyHost }, Options{OnDowngrade: policy})
			stray, err := e.client.CreateSchedule(context.Background(), "ann@example.com", createBody(&parse(t, roster, "").Pages[0]))
			if err != nil {
				t.Fatal(err)
			}
			e.emu.ResetStats()
			plan, rep := e.run(roster)
			if got := analyticsReads(e); got != 1 {
				t.Errorf("%d analytics reads, want 1 (the owner with the unconfirmed page)", got)
			}
			if got := creates(e); got != 0 {
				t.Errorf("%d creates: the stray shows Zoom does not make All Hosts Available pages", got)
			}
			if rep.Verdict == nil || rep.Verdict.Result != VerdictDowngraded || !strings.Contains(rep.Verdict.Detail, "Any Host Available") {
				t.Errorf("verdict %+v", rep.Verdict)
			}
			r := result(t, rep, "sales-emea")
			held := len(e.emu.Pages("", false))
			if policy == "keep" {
				if r.Outcome() != "needs-manual" || !strings.Contains(r.NeedsManual, "Any Host Available (round robin) page zoomsync created") || held != 1 || !rep.Failed() {
					t.Errorf("keep: %s: %s; %d pages", r.Outcome(), r.Detail(), held)
				}
				// And on every later run: the kept page is not forgotten.
				_, rep = e.run(roster)
				if r := result(t, rep, "sales-emea"); r.Outcome() != "needs-manual" {
					t.Errorf("keep, later run: %s: %s", r.Outcome(), r.Detail())
				}
				return
			}
			if got := outcomes(rep)["page:sales-emea"]; got != "deleted" {
				t.Errorf("stray %s: %s; %v", stray.ScheduleID, got, outcomes(rep))
			}
			if r.Action != ActionCreateInWebApp || r.ToDo == nil || strings.Count(r.Detail(), "create in") != 1 {
				t.Errorf("row: %s: %s", r.Outcome(), r.Detail())
			}
			if held != 0 || plan.Count(ActionCreate) != 0 {
				t.Errorf("%d pages left, %d creates planned", held, plan.Count(ActionCreate))
			}
		})
	}
}

// on_downgrade: keep in anyhost mode: the page the probe kept stays
// needs-manual on the runs after, as a kept One to One page does.
func TestKeptAnyHostPageStaysNeedsManual(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeAnyHost }, Options{OnDowngrade: "keep"})
	_, rep := e.run(roster)
	if r := result(t, rep, "sales-emea"); r.Status != StatusFailed || len(e.emu.Pages("", false)) != 1 {
		t.Fatalf("first run: %s: %s", r.Outcome(), r.Detail())
	}
	for run := 2; run <= 3; run++ {
		e.emu.ResetStats()
		_, rep = e.run(roster)
		r := result(t, rep, "sales-emea")
		if r.Outcome() != "needs-manual" || !rep.Failed() || e.emu.Stats().Writes() != 0 {
			t.Errorf("run %d: %s: %s; %d writes", run, r.Outcome(), r.Detail(), e.emu.Stats().Writes())
		}
	}
}

// An API-made page whose type the counts cannot pin down (the owner also
// has an Any Host Available page of their own) is kept and not claimed to
// be All Hosts Available: the row says to check it.
func TestAmbiguousCountsLeaveThePageAndSaySo(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeCollective }, Options{})
	if _, err := e.client.CreateSchedule(context.Background(), "ann@example.com", createBody(&parse(t, roster, "").Pages[0])); err != nil {
		t.Fatal(err)
	}
	if _, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "RR", Slug: "round-robin", Hosts: []string{"ann@example.com", "bob@example.com"}, Kind: emulator.KindAnyHost}); err != nil {
		t.Fatal(err)
	}
	e.opts.Verdicts.Save("", Verdict{Result: VerdictDowngraded, FoundAt: time.Now()})
	_, rep := e.run(roster)
	r := result(t, rep, "sales-emea")
	if r.Outcome() != "unchanged" || !strings.Contains(r.Detail(), "may be an Any Host Available (round robin) page") || strings.Contains(r.Detail(), "All Hosts Available,") {
		t.Errorf("%s: %s", r.Outcome(), r.Detail())
	}
	if n := len(e.emu.Pages("", false)); n != 2 {
		t.Errorf("%d pages left, want 2", n)
	}
}

// A web-app page adopted by its slug is type-checked once, on the adopting
// run: an Any Host Available page is named as such and kept.
func TestAdoptedAnyHostWebAppPageIsNamedOnce(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	own, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales-emea", Hosts: []string{"ann@example.com", "bob@example.com"}, Kind: emulator.KindAnyHost})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Recruiting", Slug: "recruiting", Hosts: []string{"ann@example.com", "fay@example.com"}}); err != nil {
		t.Fatal(err)
	}
	e.opts.Verdicts.Save("", Verdict{Result: VerdictDowngraded, FoundAt: time.Now()})
	_, rep := e.run(roster)
	if got := analyticsReads(e); got != 1 {
		t.Errorf("%d analytics reads, want 1 for the one owner with adoptions", got)
	}
	sales, rec := result(t, rep, "sales-emea"), result(t, rep, "recruiting")
	for _, r := range []Result{sales, rec} {
		if r.Outcome() != "adopted" || !strings.Contains(r.Detail(), "may be an Any Host Available (round robin) page") {
			t.Errorf("%s: %s: %s", r.Key, r.Outcome(), r.Detail())
		}
	}
	found := false
	for _, p := range e.emu.Pages("", false) {
		found = found || p.ScheduleID == own.ScheduleID
	}
	if !found {
		t.Error("a web-app page was deleted")
	}
	e.emu.ResetStats()
	_, rep = e.run(roster)
	if got := analyticsReads(e); got != 0 || rep.Tally().Unchanged != 2 {
		t.Errorf("later run: %d analytics reads; %s", got, rep.Summary())
	}

	// The only multi-host page of its owner, counted as Any Host
	// Available: the row says what it most likely is.
	e2 := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	if _, err := e2.emu.CreateWebAppPage("cat@example.com", emulator.WebAppPage{Summary: "Support", Slug: "support", Hosts: []string{"cat@example.com", "dan@example.com", "eve@example.com"}, Kind: emulator.KindAnyHost}); err != nil {
		t.Fatal(err)
	}
	_, rep = e2.run(roster)
	if r := result(t, rep, "support"); r.Outcome() != "adopted" || !strings.Contains(r.Detail(), "is most likely an Any Host Available (round robin) page") {
		t.Errorf("support: %s: %s", r.Outcome(), r.Detail())
	}
}
