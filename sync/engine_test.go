package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

const roster = `
team            | hosts                                   | duration | availability
Sales EMEA      | ann@example.com, bob@example.com         | 45       | Mon-Fri 09:00-17:00
Support         | cat@example.com, dan@example.com, eve@example.com |  | Mon-Thu 08:00-12:00, 13:00-16:00
Recruiting      | ann@example.com, fay@example.com         | 60       |
`

func TestFirstRunCreatesSecondRunWritesNothing(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "team-"})
	plan, rep := e.run(roster)
	if got := plan.Count(ActionCreate); got != 3 {
		t.Fatalf("planned %d creates, want 3", got)
	}
	want := map[string]string{"sales-emea": "created", "support": "created", "recruiting": "created"}
	if diff := cmp.Diff(want, outcomes(rep)); diff != "" {
		t.Fatalf("outcomes (-want +got):\n%s", diff)
	}
	for _, r := range rep.Results {
		if r.ScheduleID == "" || !strings.Contains(r.URL, "/team-") {
			t.Errorf("%s: id %q url %q", r.Key, r.ScheduleID, r.URL)
		}
	}
	pages := e.emu.Pages("", false)
	if len(pages) != 3 {
		t.Fatalf("emulator has %d pages", len(pages))
	}
	for _, p := range pages {
		if p.ScheduleType != "multiple" {
			t.Errorf("%s stored as %s", p.Slug, p.ScheduleType)
		}
	}

	// Second run: the minimum calls (one listing per owner), zero writes.
	e.emu.ResetStats()
	plan, rep = e.run(roster)
	if !plan.Empty() || plan.Count(ActionNone) != 3 {
		t.Fatalf("second plan not empty: %+v", plan.Changes)
	}
	st := e.emu.Stats()
	if st.Writes() != 0 {
		t.Errorf("second run wrote %d times", st.Writes())
	}
	if got := st.Requests["GET /v2/scheduler/schedules"]; got != 2 { // owners: ann, cat
		t.Errorf("second run listed %d times, want 2 (one per owner)", got)
	}
	if got := st.Requests["GET /v2/scheduler/schedules/{scheduleId}"]; got != 0 {
		t.Errorf("second run made %d per-page GETs, want 0", got)
	}
	if rep.Failed() {
		t.Errorf("second run report: %s", rep.Summary())
	}
}

func TestEditsBecomeMinimalPatches(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "team-"})
	e.run(roster)
	e.rec.reset()
	edited := strings.Replace(roster, "| 45       |", "| 50       |", 1)
	edited = strings.Replace(edited, "Mon-Thu 08:00-12:00, 13:00-16:00", "Mon-Thu 08:00-12:00, 13:00-17:00", 1)
	plan, rep := e.run(edited)
	if plan.Count(ActionUpdate) != 2 || plan.Count(ActionNone) != 1 {
		t.Fatalf("plan: %d updates, %d unchanged", plan.Count(ActionUpdate), plan.Count(ActionNone))
	}
	writes := e.rec.writes()
	if len(writes) != 2 {
		t.Fatalf("writes = %+v", writes)
	}
	bodies := map[string]string{}
	for _, w := range writes {
		if w.Method != "PATCH" {
			t.Errorf("unexpected %s %s", w.Method, w.Path)
		}
		bodies[keysOf(w.Body)] = w.Path
	}
	// Duration alone; hours without pool fields (the hosts did not change).
	for _, keys := range []string{"[duration]", "[availability_override availability_rules]"} {
		if _, ok := bodies[keys]; !ok {
			t.Errorf("no PATCH with exactly %s; got %v", keys, bodies)
		}
	}
	if got := result(t, rep, "sales-emea"); got.Outcome() != "updated" || got.Fields[0].Column != "duration" {
		t.Errorf("sales-emea: %+v", got)
	}
	// Each update is read back: one page of each of two owners, one GET
	// each (a listing would cost as much).
	if n := e.rec.count("GET", "/scheduler/schedules/"); n != 2 {
		t.Errorf("%d GETs to verify 2 updates; want 2", n)
	}
	// And the edit converged.
	e.rec.reset()
	if plan, _ := e.run(edited); !plan.Empty() {
		t.Errorf("third run not empty: %+v", plan.Changes)
	}
}

func TestNormalisationMakesNoSpuriousUpdates(t *testing.T) {
	e := newEnv(t, nil, Options{})
	e.run(roster)
	// The same sheet written differently: case, spaces, 12-hour times,
	// shuffled ranges and hosts.
	messy := `
TEAM            | Hosts                                   | Duration | Availability
Sales EMEA      |  BOB@example.com ; Ann@Example.com       | 45 min   | monday-friday 9am-5pm
Support         | cat@example.com, eve@example.com, dan@example.com, CAT@example.com | 30 | Mon-Thu 1pm-4pm, 8:00-12:00
Recruiting      | ann@example.com, fay@example.com         | 1h       | weekdays 09:00-17:00
`
	messy = strings.Replace(messy, "BOB@example.com ; Ann@Example.com", "Ann@Example.com ; BOB@example.com", 1)
	e.rec.reset()
	plan, _ := e.run(messy)
	if !plan.Empty() {
		for _, c := range plan.Changes {
			t.Errorf("%s %s: %+v", c.Action, c.Key, c.Fields)
		}
	}
	if n := len(e.rec.writes()); n != 0 {
		t.Errorf("%d writes", n)
	}
}

func TestReorderedHostsDoNotDuplicateAPage(t *testing.T) {
	e := newEnv(t, nil, Options{})
	e.run(roster)
	// bob first makes bob the default owner; ann is still listed as the
	// owner of Recruiting, so the existing page is found.
	e.rec.reset()
	plan, _ := e.run(strings.Replace(roster, "ann@example.com, bob@example.com ", "bob@example.com, ann@example.com ", 1))
	c := plan.Changes[0]
	if c.NeedsManual == "" || !strings.Contains(c.Reasons()[0], "set the row's owner to ann@example.com") {
		t.Fatalf("plan: %s %v", c.Action, c.Reasons())
	}
	if n := len(e.rec.writes()); n != 0 {
		t.Errorf("%d writes", n)
	}
}

func TestHostChangeIsVerified(t *testing.T) {
	e := newEnv(t, nil, Options{})
	e.run(roster)
	e.rec.reset()
	_, rep := e.run(strings.Replace(roster, "ann@example.com, bob@example.com ", "ann@example.com, bob@example.com, gus@example.com", 1))
	r := result(t, rep, "sales-emea")
	if r.Outcome() != "updated" || r.Fields[0].Column != "hosts" {
		t.Fatalf("sales-emea: %+v", r)
	}
	w := e.rec.writes()
	if len(w) != 1 || keysOf(w[0].Body) != "[attendees availability_override availability_rules pooling_type user_pools]" {
		t.Errorf("host change PATCH: %+v", w)
	}
	if e.rec.count("GET", "/scheduler/schedules/") != 1 {
		t.Errorf("host change should be read back once")
	}
}

func TestHostChangeRefusedByZoomNeedsManual(t *testing.T) {
	e := newEnv(t, nil, Options{})
	// A page made in the web app, adopted by its id, then the API is in
	// downgrade mode: adding a host cannot work.
	p, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales EMEA", Slug: "sales-web", Hosts: []string{"ann@example.com", "bob@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	e.emu.SetMode(emulator.ModeDowngrade)
	sheetText := fmt.Sprintf("team | hosts | schedule_id\nSales EMEA | ann@example.com, bob@example.com, gus@example.com | %s\n", p.ScheduleID)
	_, rep := e.run(sheetText)
	r := result(t, rep, "sales-emea")
	if r.Outcome() != "needs-manual" || !strings.Contains(r.Detail(), "missing: gus@example.com") || !strings.Contains(r.Detail(), "web app") {
		t.Fatalf("result: %+v", r)
	}
	if pages := e.emu.Pages("ann@example.com", false); len(pages) != 1 {
		t.Errorf("the adopted page must be kept, have %d pages", len(pages))
	}
}

func TestDowngradeTriesOnceThenListsWhatToCreateInTheWebApp(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{Account: "acct"})
	plan, rep := e.run(roster)
	if plan.Count(ActionCreate) != 3 || plan.Create != CreateProbe {
		t.Fatalf("want 3 creates planned, the first a probe: %s", plan.Create)
	}
	// Only the first create is sent; Zoom downgrades it, so it is deleted
	// and the other rows become the admin's to do.
	st := e.emu.Stats()
	if got := st.Requests["POST /v2/scheduler/schedules"]; got != 1 {
		t.Errorf("%d creates sent, want 1", got)
	}
	if got := st.Requests["DELETE /v2/scheduler/schedules/{scheduleId}"]; got != 1 {
		t.Errorf("%d deletes, want 1", got)
	}
	first := result(t, rep, "sales-emea")
	if first.Outcome() != "failed" || first.ScheduleID != "" || first.ToDo == nil {
		t.Errorf("sales-emea: %+v", first)
	}
	for _, want := range []string{"schedule_type=one", "Deleted it", "Zoom web app", `link (slug) "sales-emea"`} {
		if !strings.Contains(first.Detail(), want) {
			t.Errorf("sales-emea message lacks %q: %s", want, first.Detail())
		}
	}
	for _, key := range []string{"support", "recruiting"} {
		r := result(t, rep, key)
		if r.Action != ActionCreateInWebApp || r.Status != StatusDone || r.ToDo == nil || r.ToDo.Slug != key || r.Wrote {
			t.Errorf("%s: %+v", key, r)
		}
	}
	if rep.Verdict == nil || rep.Verdict.Result != VerdictDowngraded {
		t.Errorf("verdict: %+v", rep.Verdict)
	}
	if pages := e.emu.Pages("", false); len(pages) != 0 {
		t.Errorf("stray one-to-one pages left bookable: %d", len(pages))
	}

	// Reruns write nothing: every row waits for its web-app page.
	for range 2 {
		e.emu.ResetStats()
		plan, rep = e.run(roster)
		if n := e.emu.Stats().Writes(); n != 0 {
			t.Errorf("rerun wrote %d times", n)
		}
		if plan.Count(ActionCreateInWebApp) != 3 || !plan.Empty() || plan.Create != CreateWebApp {
			t.Errorf("rerun plan: %d to create in the web app (%s)", plan.Count(ActionCreateInWebApp), plan.Create)
		}
		if rep.Failed() {
			t.Errorf("rerun: %s", rep.Summary())
		}
	}
	c := plan.Changes[1]
	if c.ToDo == nil || c.ToDo.Slug != "support" || c.ToDo.Owner != "cat@example.com" || len(c.ToDo.Hosts) != 3 ||
		c.ToDo.Duration != 30 || c.ToDo.TimeZone != "UTC" || !strings.Contains(c.ToDo.WeeklyHours, "08:00-12:00") {
		t.Errorf("to do: %+v", c.ToDo)
	}

	// --recheck-create (or a stale verdict) tries exactly one create again.
	e.opts.ForceRecheck = true
	e.emu.ResetStats()
	e.run(roster)
	if got := e.emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 1 {
		t.Errorf("recheck sent %d creates, want 1", got)
	}
	e.opts.ForceRecheck = false
	e.opts.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	e.emu.ResetStats()
	if plan, _ := e.run(roster); plan.Create != CreateProbe {
		t.Errorf("a verdict older than recheck_create must be tried again: %s", plan.Create)
	}
	if got := e.emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 1 {
		t.Errorf("stale verdict: %d creates, want 1", got)
	}
}

func TestDowngradeKeepMarksAndNextRunNeedsManual(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{OnDowngrade: "keep"})
	_, rep := e.run(roster)
	r := result(t, rep, "sales-emea")
	if r.Outcome() != "failed" || !strings.Contains(r.Detail(), "Kept it") {
		t.Fatalf("sales-emea: %+v", r)
	}
	if n := len(e.emu.Pages("", false)); n != 1 {
		t.Errorf("kept %d pages, want 1", n)
	}
	e.rec.reset()
	plan, _ := e.run(roster)
	if _, manual, _ := plan.Problems(); manual != 1 || plan.Count(ActionCreateInWebApp) != 2 || len(e.rec.writes()) != 0 {
		t.Errorf("next run: %d needs-manual, %d writes", manual, len(e.rec.writes()))
	}
	if c := plan.Changes[0]; !strings.Contains(c.NeedsManual, "sync.on_downgrade: keep") || c.ToDo == nil {
		t.Errorf("kept page: %+v", c)
	}
}

func TestAdoptionKeepsHandMadePageInStep(t *testing.T) {
	for _, mode := range []emulator.Mode{emulator.ModeCollective, emulator.ModeDowngrade} {
		t.Run(string(mode), func(t *testing.T) {
			e := newEnv(t, func(o *emulator.Options) { o.Mode = mode }, Options{SlugPrefix: "team-"})
			byID, _ := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales-from-web", Hosts: []string{"ann@example.com", "bob@example.com"}})
			byLink, _ := e.emu.CreateWebAppPage("cat@example.com", emulator.WebAppPage{Summary: "Support", Slug: "support-web", Hosts: []string{"cat@example.com", "dan@example.com"}})
			sheetText := fmt.Sprintf(`team | hosts | duration | schedule_id
Sales EMEA | ann@example.com, bob@example.com | 45 | %s
Support | cat@example.com, dan@example.com | 30 | %s`, strings.ToUpper(byID.ScheduleID), byLink.SchedulingURL)
			plan, rep := e.run(sheetText)
			if plan.Count(ActionUpdate) != 2 {
				t.Fatalf("plan: %+v", plan.Changes)
			}
			for _, r := range rep.Results {
				if r.Outcome() != "updated" {
					t.Errorf("%s: %s %s", r.Key, r.Outcome(), r.Detail())
				}
			}
			got := e.emu.Pages("ann@example.com", false)
			if len(got) != 1 || got[0].Summary != "Sales EMEA" || got[0].Duration != 45 || got[0].Slug != "sales-from-web" {
				t.Errorf("adopted page: %+v", got)
			}
			if len(got[0].AvailabilityRules) != 2 || got[0].ScheduleType != "multiple" {
				t.Errorf("adopted page lost its hosts: %+v", got[0].AvailabilityRules)
			}
			if n := len(e.emu.Pages("", false)); n != 2 {
				t.Errorf("%d pages; adoption must not create", n)
			}
			e.rec.reset()
			if plan, _ := e.run(sheetText); !plan.Empty() {
				t.Errorf("second run: %+v", plan.Changes)
			}
		})
	}
}

func TestDroppedCreateResponsesNeverDuplicate(t *testing.T) {
	e := newEnv(t, nil, Options{})
	waits := 0
	e.opts.Sleep = func(ctx context.Context, d time.Duration) error { waits++; return nil }
	e.emu.InjectFault(emulator.Fault{Method: "POST", Path: "/v2/scheduler/schedules", Drop: true, Count: 3})
	_, rep := e.run(roster)
	if waits != 0 {
		t.Errorf("%d waits: a page stored before its answer was lost is found at once", waits)
	}
	if rep.Failed() {
		t.Fatalf("report: %s %+v", rep.Summary(), rep.Results)
	}
	if n := len(e.emu.Pages("", false)); n != 3 {
		t.Fatalf("%d pages for 3 rows", n)
	}
	if got := e.emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 3 {
		t.Errorf("POSTs = %d, want 3: a lost answer is found by listing, not by creating again", got)
	}
}

func TestLostCreateThatWasNotStoredIsCreatedOnce(t *testing.T) {
	e := newEnv(t, nil, Options{})
	// A 503 on POST: Zoom did not process it; after the wait and a listing
	// that shows no page, it is sent once more.
	e.emu.InjectFault(emulator.Fault{Method: "POST", Path: "/v2/scheduler/schedules", Status: 503, Count: 1})
	_, rep := e.run(roster)
	if rep.Failed() {
		t.Fatalf("report: %+v", rep.Results)
	}
	if n := len(e.emu.Pages("", false)); n != 3 {
		t.Fatalf("%d pages for 3 rows", n)
	}
	if got := e.emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 4 {
		t.Errorf("POSTs = %d, want 4 (one re-sent after checking)", got)
	}
}

// A 500, or a gateway's 502 or 504, does not prove that nothing was
// written: the create is not sent again in the run; the next run checks.
func TestCreateAnsweredWithAServerErrorIsNotSentAgain(t *testing.T) {
	for _, status := range []int{500, 502, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			e := newEnv(t, nil, Options{})
			e.emu.InjectFault(emulator.Fault{Method: "POST", Path: "/v2/scheduler/schedules", Status: status, Count: 1})
			_, rep := e.run(roster)
			if got := e.emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 3 {
				t.Errorf("POSTs = %d, want 3: no second create after a %d", got, status)
			}
			unknown := 0
			for _, r := range rep.Results {
				if r.Status == StatusUnknown {
					unknown++
				}
			}
			if unknown != 1 || !strings.Contains(rep.Results[0].Error, "the next run checks") {
				t.Fatalf("want one row with an unknown outcome: %+v", rep.Results)
			}
			// The next run finds the page missing and creates it.
			_, rep = e.run(roster)
			if rep.Failed() || len(e.emu.Pages("", false)) != 3 {
				t.Fatalf("second run: %s, %d pages", rep.Summary(), len(e.emu.Pages("", false)))
			}
		})
	}
}

func TestFaultyZoomConverges(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) {
		o.RateLimit = 15
		o.ErrorRate = 0.2
		o.DropPostRate = 0.3
	}, Options{Concurrency: 8})
	var sb strings.Builder
	sb.WriteString("team | hosts\n")
	for i := range 30 {
		fmt.Fprintf(&sb, "Team %02d | o%d@example.com, h%d@example.com\n", i, i%4, i)
	}
	// A create answered 500, 502 or 504 is not sent again in the run (it
	// may have been stored): the next run settles it, so it takes more
	// runs than with re-sends.
	var rep *Report
	const runs = 6
	for run := 1; run <= runs; run++ {
		_, rep = e.run(sb.String())
		if !rep.Failed() {
			break
		}
	}
	if rep.Failed() {
		t.Fatalf("did not converge in %d runs: %s", runs, rep.Summary())
	}
	if n := len(e.emu.Pages("", false)); n != 30 {
		t.Errorf("%d pages for 30 rows", n)
	}
	st := e.emu.Stats()
	if st.RateLimited == 0 || st.InjectedErrors == 0 || st.DroppedResponses == 0 {
		t.Errorf("faults not exercised: %+v", st)
	}
}

func TestInvalidRowsAreReportedAndOthersSync(t *testing.T) {
	e := newEnv(t, nil, Options{})
	_, rep := e.run(roster + "Broken | only@example.com | 5 |\n")
	r := result(t, rep, "broken")
	if r.Outcome() != "invalid" || !strings.Contains(r.Detail(), `"hosts"`) || !strings.Contains(r.Detail(), `"duration"`) {
		t.Errorf("broken: %+v", r)
	}
	if rep.Tally().Created != 3 {
		t.Errorf("valid rows: %s", rep.Summary())
	}
}

func TestUnknownScheduleIDIsAnErrorNotACreate(t *testing.T) {
	e := newEnv(t, nil, Options{})
	plan, rep := e.run("team | hosts | schedule_id\nSales | ann@example.com, bob@example.com | abcdefghijklmnopqrstuvwxyz\n")
	if _, _, errs := plan.Problems(); errs != 1 {
		t.Fatalf("plan: %+v", plan.Changes[0])
	}
	r := result(t, rep, "sales")
	if r.Outcome() != "failed" || !strings.Contains(r.Detail(), "does not exist") {
		t.Errorf("result: %+v", r)
	}
	if len(e.emu.Pages("", false)) != 0 {
		t.Error("a missing schedule_id must not create a page")
	}
}

func TestAdoptedPageOfAnotherOwnerNeedsOwnerColumn(t *testing.T) {
	e := newEnv(t, nil, Options{})
	p, _ := e.emu.CreateWebAppPage("bob@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales-web", Hosts: []string{"ann@example.com", "bob@example.com"}})
	plan, _ := e.run("team | hosts | schedule_id\nSales | ann@example.com, bob@example.com | " + p.ScheduleID + "\n")
	c := plan.Changes[0]
	if c.NeedsManual == "" || !strings.Contains(c.Reasons()[0], "set the row's owner to bob@example.com") {
		t.Fatalf("plan: %+v", c)
	}
	// With the owner set, it is managed.
	plan, _ = e.run("team | hosts | owner | schedule_id\nSales | ann@example.com, bob@example.com | bob@example.com | " + p.ScheduleID + "\n")
	if c := plan.Changes[0]; c.Action != ActionNone && c.Action != ActionUpdate {
		t.Fatalf("plan with owner: %+v", c)
	}
}

func TestOneToOnePageOfTheAdminNeedsManual(t *testing.T) {
	e := newEnv(t, nil, Options{})
	ctx := context.Background()
	p, err := e.client.CreateSchedule(ctx, "ann@example.com", &zoom.ScheduleCreate{Summary: "Sales", Slug: "sales-1on1", Duration: 30, Capacity: 1,
		ScheduleType: "one", AvailabilityOverride: true, AvailabilityRules: []zoom.AvailabilityRule{{Email: "ann@example.com", UseCustom: true, TimeZone: "UTC",
			SegmentsRecurrence: &zoom.WeeklyHours{Mon: []zoom.TimeRange{{Start: "09:00", End: "10:00"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := e.run("team | hosts | schedule_id\nSales | ann@example.com, bob@example.com | " + p.ScheduleID + "\n")
	if c := plan.Changes[0]; c.NeedsManual == "" || !strings.Contains(c.Reasons()[0], "One to One") || !plan.Empty() {
		t.Fatalf("plan: %+v", c)
	}
}

func TestTwoRowsForOnePageAreBothErrors(t *testing.T) {
	e := newEnv(t, nil, Options{})
	_, rep := e.run("team | hosts\nSales | ann@example.com, bob@example.com\n")
	id := rep.Results[0].ScheduleID
	plan, _ := e.run(fmt.Sprintf("team | hosts | schedule_id\nSales | ann@example.com, bob@example.com |\nSales 2 | ann@example.com, bob@example.com | %s\n", id))
	for _, c := range plan.Changes {
		if c.Error == "" || !strings.Contains(c.Reasons()[0], "both match page") {
			t.Errorf("%s: %s %v", c.Key, c.Action, c.Reasons())
		}
	}
}

func TestVerificationListsWhenCheaperThanGets(t *testing.T) {
	e := newEnv(t, nil, Options{})
	// Zoom is known to honour creates: no probe, all creates at once.
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
	var sb strings.Builder
	sb.WriteString("team | hosts\n")
	for i := range 12 {
		fmt.Fprintf(&sb, "Team %02d | ann@example.com, h%d@example.com\n", i, i)
	}
	_, rep := e.run(sb.String())
	if rep.Tally().Created != 12 {
		t.Fatalf("report: %s", rep.Summary())
	}
	if n := e.rec.count("GET", "/scheduler/schedules/"); n != 0 {
		t.Errorf("%d per-page GETs; 12 creates of one owner should be verified by one listing", n)
	}
	if n := e.rec.count("GET", "/scheduler/schedules"); n != 2 {
		t.Errorf("%d listings, want 2 (plan + verify)", n)
	}
}

func TestFatalAuthErrorStopsThePlan(t *testing.T) {
	e := newEnv(t, nil, Options{})
	bad, _ := zoom.New(zoom.Options{APIURL: "http://127.0.0.1:1/v2", TokenURL: "http://127.0.0.1:1/oauth/token", AccountID: "a", ClientID: "b", ClientSecret: "c", MaxRetries: -1})
	_, err := New(bad, e.opts).Plan(context.Background(), parse(t, roster, ""))
	var fe *FatalError
	if !errors.As(err, &fe) {
		t.Fatalf("want FatalError, got %v", err)
	}
}
