package sync

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// Tests of the loop that works with the Zoom admins have today: creates
// are downgraded, pages are made in the web app and adopted by slug.

func creates(e *env) int { return e.emu.Stats().Requests["POST /v2/scheduler/schedules"] }

func TestCreateVerdictPerMode(t *testing.T) {
	tests := []struct {
		mode       emulator.Mode
		verdict    string
		created    int // rows created in the first run
		toDo       int // rows left to create in the web app
		posts      int
		bookable   int // pages left in Zoom
		wantDetail string
	}{
		{emulator.ModeCollective, VerdictHonoured, 3, 0, 3, 3, "page type confirmed by Zoom's analytics report: All Hosts Available"},
		{emulator.ModeDowngrade, VerdictDowngraded, 0, 2, 1, 0, "schedule_type=one"},
		{emulator.ModeAnyHost, VerdictDowngraded, 0, 2, 1, 0, "Any Host Available (round robin)"},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			e := newEnv(t, func(o *emulator.Options) { o.Mode = tt.mode }, Options{})
			_, rep := e.run(roster)
			tl := rep.Tally()
			if tl.Created != tt.created || tl.WebApp != tt.toDo || creates(e) != tt.posts {
				t.Errorf("%s; %d POSTs", rep.Summary(), creates(e))
			}
			if rep.Verdict == nil || rep.Verdict.Result != tt.verdict {
				t.Errorf("verdict %+v, want %s", rep.Verdict, tt.verdict)
			}
			if n := len(e.emu.Pages("", false)); n != tt.bookable {
				t.Errorf("%d pages in Zoom, want %d", n, tt.bookable)
			}
			if first := result(t, rep, "sales-emea"); !strings.Contains(first.Detail(), tt.wantDetail) {
				t.Errorf("first row: %s", first.Detail())
			}
			for _, r := range rep.Results {
				// "All Hosts Available" only where the analytics report
				// confirmed it, or where it says what was asked for.
				if d := r.Detail(); strings.Contains(d, "is an All Hosts Available page") {
					t.Errorf("%s claims the type: %s", r.Key, d)
				}
			}
			// The rerun writes nothing in every mode.
			e.emu.ResetStats()
			if plan, _ := e.run(roster); !plan.Empty() || e.emu.Stats().Writes() != 0 {
				t.Errorf("rerun: %d writes, plan %+v", e.emu.Stats().Writes(), plan.Changes)
			}
		})
	}
}

func TestUnreadableAnalyticsLeavesTheTypeUnconfirmed(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.AnalyticsStatus = 403 }, Options{})
	// Creates are known to be honoured, so all are sent; the unreadable
	// report leaves each page's type unconfirmed (and renews nothing).
	found := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: found})
	_, rep := e.run(roster)
	if v, _ := e.opts.Verdicts.Load(""); v == nil || !v.FoundAt.Equal(found) {
		t.Errorf("saved verdict %+v: an unconfirmed type must not renew it", v)
	}
	if rep.Tally().Created != 3 {
		t.Fatalf("report: %s", rep.Summary())
	}
	for _, r := range rep.Results {
		d := r.Detail()
		if !strings.Contains(d, "does not show whether page") || !strings.Contains(d, "check it once in the Zoom web app") || strings.Contains(d, "confirmed") {
			t.Errorf("%s: %s", r.Key, d)
		}
	}
	// One failed read is enough: the report is not asked again this run.
	if n := e.emu.Stats().Requests["GET /v2/scheduler/analytics"]; n != 1 {
		t.Errorf("%d analytics reads, want 1", n)
	}
}

func TestNoSavedStateSendsAtMostOneCreate(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	var sb strings.Builder
	sb.WriteString("team | hosts\n")
	for i := range 20 {
		fmt.Fprintf(&sb, "Team %02d | o%d@example.com, h%d@example.com\n", i, i%3, i)
	}
	// A fresh container each time: a new engine and an empty state_dir
	// sends one create; with the state kept, none.
	for run := range 3 {
		e.opts.Verdicts = NewFileVerdicts(filepath.Join(dir, fmt.Sprint(run)))
		e.emu.ResetStats()
		e.run(sb.String())
		if got := creates(e); got != 1 {
			t.Errorf("fresh run %d sent %d creates, want 1", run, got)
		}
		e.emu.ResetStats()
		e.run(sb.String())
		if got := e.emu.Stats().Writes(); got != 0 {
			t.Errorf("rerun %d with state wrote %d times", run, got)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "0", VerdictFile))
	if err != nil || !strings.Contains(string(data), `"result": "downgraded"`) || !strings.Contains(string(data), "found_at") {
		t.Errorf("verdict file: %s %v", data, err)
	}
}

func TestWebAppPageIsAdoptedBySlugWithOnePatch(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{SlugPrefix: "team-"})
	_, rep := e.run(roster)
	// The admin follows the to do list in the web app.
	for _, c := range rep.Results {
		if c.ToDo == nil {
			continue
		}
		if _, err := e.emu.CreateWebAppPage(c.ToDo.Owner, emulator.WebAppPage{Summary: c.ToDo.Title, Slug: c.ToDo.Slug, Hosts: c.ToDo.Hosts}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.emu.Pages("", false)); n != 3 {
		t.Fatalf("%d web-app pages", n)
	}
	e.emu.ResetStats()
	plan, rep := e.run(roster)
	for _, c := range plan.Changes {
		if c.Action != ActionUpdate || !c.Adopt || c.Match != "slug" {
			t.Errorf("row %s: %s adopt=%v", c.Key, c.Action, c.Adopt)
		}
	}
	if got := rep.Tally().Adopted; got != 3 {
		t.Errorf("report: %s", rep.Summary())
	}
	st := e.emu.Stats()
	if st.Requests["PATCH /v2/scheduler/schedules/{scheduleId}"] != 3 || st.Writes() != 3 {
		t.Errorf("adoption wrote %v, want one PATCH per page", st.Requests)
	}
	for _, p := range e.emu.Pages("", false) {
		if p.ScheduleType != "multiple" || len(p.AvailabilityRules) < 2 {
			t.Errorf("adopted page changed type: %+v", p)
		}
	}
	e.emu.ResetStats()
	plan, rep = e.run(roster)
	if !plan.Empty() || rep.Tally().Unchanged != 3 || e.emu.Stats().Writes() != 0 {
		t.Errorf("after adoption: %s, %d writes", rep.Summary(), e.emu.Stats().Writes())
	}
}

func TestStrayOneToOnePageIsCleanedUpByTheNextRun(t *testing.T) {
	for _, policy := range []string{"delete", "keep"} {
		t.Run(policy, func(t *testing.T) {
			e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{OnDowngrade: policy})
			// A run killed between its create and the clean-up left a One to
			// One page with the row's slug; the admin has one of their own.
			ctx := context.Background()
			stray, err := e.client.CreateSchedule(ctx, "ann@example.com", createBody(&parse(t, roster, "").Pages[0]))
			if err != nil {
				t.Fatal(err)
			}
			own, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Ann 1:1", Slug: "ann-one", Hosts: []string{"ann@example.com"}, Kind: emulator.KindOneToOne})
			if err != nil {
				t.Fatal(err)
			}
			e.emu.ResetStats()
			plan, rep := e.run(roster)
			if policy == "keep" {
				if c := plan.Changes[0]; !strings.Contains(c.NeedsManual, "zoomsync created for this row") || e.emu.Stats().Requests["DELETE /v2/scheduler/schedules/{scheduleId}"] != 0 {
					t.Errorf("keep: %+v", c)
				}
				return
			}
			if got := outcomes(rep)["page:sales-emea"]; got != "deleted" {
				t.Errorf("stray: %s; %v", got, outcomes(rep))
			}
			if r := result(t, rep, "sales-emea"); r.Action != ActionCreateInWebApp || r.ToDo == nil {
				t.Errorf("row: %+v", r)
			} else if d := r.Detail(); strings.Count(d, "create") != 1 {
				t.Errorf("the row's detail says what to create more than once: %s", d)
			}
			// Nothing zoomsync made stays bookable; the admin's page stays.
			pages := e.emu.Pages("", false)
			if len(pages) != 1 || pages[0].ScheduleID != own.ScheduleID {
				t.Errorf("pages left: %+v (stray %s)", pages, stray.ScheduleID)
			}
			if got := creates(e); got != 0 {
				t.Errorf("the clean-up run sent %d creates: the stray shows Zoom downgrades", got)
			}
		})
	}
}

// lateCommitSleep is a Sleep that returns once the emulator has stored the
// create whose answer it dropped: a wait long enough for a late commit.
func lateCommitSleep(t *testing.T, e *env, waits *int) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		*waits++
		deadline := time.Now().Add(5 * time.Second)
		for e.emu.Stats().LateCommits == 0 {
			if time.Now().After(deadline) {
				t.Error("the late commit never landed")
				break
			}
			time.Sleep(time.Millisecond)
		}
		return ctx.Err()
	}
}

func TestLateCommitMakesNoDuplicate(t *testing.T) {
	e := newEnv(t, nil, Options{})
	var waits int
	e.opts.Sleep = lateCommitSleep(t, e, &waits)
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
	e.emu.InjectFault(emulator.Fault{Method: "POST", Path: "/v2/scheduler/schedules", Drop: true, CommitAfterMS: 30})
	_, rep := e.run("team | hosts\nSales | ann@example.com, bob@example.com\n")
	if r := result(t, rep, "sales"); r.Outcome() != "created" || r.ScheduleID == "" {
		t.Errorf("row: %+v", r)
	}
	if n := len(e.emu.Pages("", false)); n != 1 || creates(e) != 1 || waits != 1 {
		t.Errorf("%d pages, %d POSTs, %d waits; want 1 each", n, creates(e), waits)
	}
}

func TestUnknownOutcomeSendsNoSecondCreate(t *testing.T) {
	e := newEnv(t, nil, Options{LateCommitWait: 42 * time.Second})
	var waited []time.Duration
	e.opts.Sleep = func(ctx context.Context, d time.Duration) error {
		waited = append(waited, d)
		// The listing that would tell fails too.
		e.emu.InjectFault(emulator.Fault{Method: "GET", Path: "/v2/scheduler/schedules", Status: 400, Count: 1})
		return nil
	}
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
	// The answer is lost and the page lands long after.
	e.emu.InjectFault(emulator.Fault{Method: "POST", Path: "/v2/scheduler/schedules", Drop: true, CommitAfterMS: 60_000})
	_, rep := e.run("team | hosts\nSales | ann@example.com, bob@example.com\n")
	r := result(t, rep, "sales")
	if r.Status != StatusUnknown || !strings.Contains(r.Detail(), "outcome unknown; the next run checks") || !rep.Failed() {
		t.Errorf("row: %+v", r)
	}
	if creates(e) != 1 || len(waited) != 1 || waited[0] != 42*time.Second {
		t.Errorf("%d POSTs, waits %v", creates(e), waited)
	}
}

func TestDuplicatesAreFoundAndTheExtraCopyDeleted(t *testing.T) {
	for _, dedupe := range []string{"delete", "report"} {
		t.Run(dedupe, func(t *testing.T) {
			e := newEnv(t, nil, Options{Dedupe: dedupe})
			e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
			// The row's page, then a second copy made through the API
			// with the same slug, as a create that landed twice leaves.
			const sheetText = "team | hosts\nSales | ann@example.com, bob@example.com\n"
			e.run(sheetText)
			if err := e.emu.Seed(emulator.Seed{Pages: []emulator.SeedPage{{Owner: "ann@example.com", CreatedVia: "api",
				WebAppPage: emulator.WebAppPage{Summary: "Sales", Slug: "sales", Hosts: []string{"ann@example.com", "bob@example.com"}}}}}); err != nil {
				t.Fatal(err)
			}
			if n := len(e.emu.Pages("", false)); n != 2 {
				t.Fatalf("setup: %d pages, want a duplicate", n)
			}
			// Every plan finds it.
			e.emu.ResetStats()
			plan, rep := e.run(sheetText)
			if c := plan.Changes[0]; len(c.Notes) == 0 || !strings.Contains(c.Notes[0], "2 pages of ann@example.com have the slug sales") {
				t.Errorf("row: %+v", c)
			}
			wantPages, wantDeletes := 1, 1
			if dedupe == "report" {
				wantPages, wantDeletes = 2, 0
			}
			if n := e.emu.Stats().Requests["DELETE /v2/scheduler/schedules/{scheduleId}"]; n != wantDeletes {
				t.Errorf("%d deletes, want %d; %s", n, wantDeletes, rep.Summary())
			}
			if n := len(e.emu.Pages("", false)); n != wantPages {
				t.Errorf("%d pages, want %d", n, wantPages)
			}
		})
	}
}

func TestWebAppDuplicatesAreOnlyReported(t *testing.T) {
	e := newEnv(t, nil, Options{})
	z := &dupZoom{client: e.client}
	a, _ := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales", Hosts: []string{"ann@example.com", "bob@example.com"}})
	b, _ := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales-copy", Hosts: []string{"ann@example.com", "bob@example.com"}})
	z.rename = map[string]string{b.ScheduleID: "sales"} // Zoom holds two pages with one slug
	plan, err := New(z, e.opts).Plan(context.Background(), parse(t, "team | hosts\nSales | ann@example.com, bob@example.com\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	var dup *Change
	for _, c := range plan.Changes {
		if c.Cause == CauseDuplicate {
			dup = c
		}
	}
	if dup == nil || dup.Action != ActionNone || dup.ScheduleID != b.ScheduleID || !strings.Contains(dup.Notes[0], "only reported") {
		t.Fatalf("duplicate: %+v", dup)
	}
	if plan.Changes[0].ScheduleID != a.ScheduleID {
		t.Errorf("the row must keep the first page: %+v", plan.Changes[0])
	}
}

// dupZoom renames pages in listings, to show Zoom holding pages the
// emulator will not make.
type dupZoom struct {
	client *zoom.Client
	rename map[string]string
}

func (d *dupZoom) ListSchedules(ctx context.Context, u string, o *zoom.ListOptions) ([]zoom.Schedule, error) {
	ss, err := d.client.ListSchedules(ctx, u, o)
	for i := range ss {
		if s, ok := d.rename[ss[i].ScheduleID]; ok {
			ss[i].Slug = s
		}
	}
	return ss, err
}
func (d *dupZoom) AllSchedules(ctx context.Context, u string, o *zoom.ListOptions) iter.Seq2[zoom.Schedule, error] {
	return d.client.AllSchedules(ctx, u, o)
}
func (d *dupZoom) GetSchedule(ctx context.Context, u, id string) (*zoom.Schedule, error) {
	return d.client.GetSchedule(ctx, u, id)
}
func (d *dupZoom) CreateSchedule(ctx context.Context, u string, b *zoom.ScheduleCreate) (*zoom.Schedule, error) {
	return d.client.CreateSchedule(ctx, u, b)
}
func (d *dupZoom) PatchSchedule(ctx context.Context, u, id string, p *zoom.SchedulePatch) error {
	return d.client.PatchSchedule(ctx, u, id, p)
}
func (d *dupZoom) DeleteSchedule(ctx context.Context, u, id string) error {
	return d.client.DeleteSchedule(ctx, u, id)
}
func (d *dupZoom) GetAnalytics(ctx context.Context, u string, from, to time.Time) (*zoom.Analytics, error) {
	return d.client.GetAnalytics(ctx, u, from, to)
}

func TestInterruptedRunReportsWhatZoomHolds(t *testing.T) {
	e := newEnv(t, nil, Options{Concurrency: 2})
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
	var sb strings.Builder
	sb.WriteString("team | hosts\n")
	for i := range 12 {
		fmt.Fprintf(&sb, "Team %02d | ann@example.com, h%d@example.com\n", i, i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu gosync.Mutex
	var live []Result
	e.opts.Progress = func(done, total int) {
		if done == 4 {
			cancel() // SIGINT after a few creates
		}
	}
	e.opts.OnResult = func(r Result) { mu.Lock(); live = append(live, r); mu.Unlock() }
	eng := New(e.client, e.opts)
	plan, err := eng.Plan(context.Background(), parse(t, sb.String(), ""))
	if err != nil {
		t.Fatal(err)
	}
	rep := eng.Apply(ctx, plan)
	if !rep.Cancelled {
		t.Fatal("not cancelled")
	}
	held := len(e.emu.Pages("", false))
	tl := rep.Tally()
	// Every page Zoom holds is reported as created, except one whose
	// create was cut short and is not listed yet: that row says so.
	if held < 4 || tl.Created > held || held > tl.Created+tl.Unknown {
		t.Errorf("report says %s; Zoom holds %d pages", rep.Summary(), held)
	}
	for _, r := range rep.Results {
		if r.Outcome() == "created" && r.ScheduleID == "" {
			t.Errorf("%s created without id", r.Key)
		}
	}
	if tl.Created+tl.Skipped+tl.Unknown != 12 || len(live) != 12 {
		t.Errorf("%s; %d live results", rep.Summary(), len(live))
	}
}

func TestUnclaimedPagesAreListedWithPruneOff(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "t-"})
	e.run(six)
	e.emu.ResetStats()
	plan, rep := e.run(dropRows(six, "A2"))
	var unclaimed []string
	for _, c := range plan.Changes {
		if c.Cause == CauseUnclaimed {
			unclaimed = append(unclaimed, c.Slug)
			if c.Action != ActionNone || c.ScheduleID == "" || c.Notes[0] != "no row claims this page" {
				t.Errorf("unclaimed: %+v", c)
			}
		}
	}
	if strings.Join(unclaimed, ",") != "t-a2" || !plan.Empty() || rep.Tally().Unclaimed != 1 || e.emu.Stats().Writes() != 0 {
		t.Errorf("unclaimed %v, %s", unclaimed, rep.Summary())
	}
}

func TestPruneFitsSmallRosters(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("team | hosts\n")
	for i := range 14 {
		fmt.Fprintf(&sb, "R%02d | ann@example.com, bob@example.com\n", i)
	}
	fourteen := sb.String()
	tests := []struct {
		name    string
		drop    int
		refused bool
	}{
		{"2 of 14", 2, false},
		{"5 of 14", 5, false},
		{"6 of 14", 6, true}, // over max_prune (5) and 10%
		{"90% lost", 13, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, Options{SlugPrefix: "t-", Prune: "delete"}) // defaults: 5 and 10%
			e.run(fourteen)
			var teams []string
			for i := range tt.drop {
				teams = append(teams, fmt.Sprintf("R%02d", i))
			}
			// One row also changes: a refused prune must hold it back too.
			sheetText := strings.Replace(dropRows(fourteen, teams...), "R13 | ann@example.com, bob@example.com", "R13 | ann@example.com, bob@example.com, cat@example.com", 1)
			e.emu.ResetStats()
			plan, rep := e.run(sheetText)
			if plan.Prune.Refused != tt.refused {
				t.Fatalf("prune: %+v", plan.Prune)
			}
			if tt.refused {
				if !plan.Empty() || plan.Count(ActionUpdate) != 0 || plan.Count(ActionDelete) != 0 || e.emu.Stats().Writes() != 0 {
					t.Errorf("a refused prune's plan must change nothing: %d updates, %d writes", plan.Count(ActionUpdate), e.emu.Stats().Writes())
				}
				return
			}
			if rep.Tally().Deleted != tt.drop || len(e.emu.Pages("", false)) != 14-tt.drop {
				t.Errorf("report: %s", rep.Summary())
			}
		})
	}
}

func TestDailyLimitWhileListingStopsTheRun(t *testing.T) {
	e := newEnv(t, nil, Options{})
	e.emu.InjectFault(emulator.Fault{Method: "GET", Path: "/v2/scheduler/schedules", Status: 429, RetryAfter: "2026-12-04T00:00:00Z", Count: 10})
	_, err := New(e.client, e.opts).Plan(context.Background(), parse(t, roster, ""))
	var fe *FatalError
	if !errorsAs(err, &fe) {
		t.Fatalf("want one FatalError, got %v", err)
	}
	var rl *zoom.RateLimitError
	if !errorsAs(err, &rl) {
		t.Errorf("the rate-limit error must stay reachable: %v", err)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestResultsArriveDuringTheRun(t *testing.T) {
	e := newEnv(t, nil, Options{Concurrency: 4})
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
	var sb strings.Builder
	sb.WriteString("team | hosts\n")
	for i := range 50 {
		fmt.Fprintf(&sb, "Team %02d | ann@example.com, h%d@example.com\n", i, i)
	}
	var mu gosync.Mutex
	postsAtFirst := -1
	e.opts.OnResult = func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		if postsAtFirst < 0 {
			postsAtFirst = creates(e)
		}
	}
	_, rep := e.run(sb.String())
	if rep.Tally().Created != 50 {
		t.Fatalf("report: %s", rep.Summary())
	}
	// The first rows are verified and reported while later creates are
	// still to be sent.
	if postsAtFirst < 1 || postsAtFirst > verifyBatch+4 {
		t.Errorf("first result after %d of 50 creates", postsAtFirst)
	}
	// Each batch is read back by one listing (plan: 1, batches: 3).
	if n := e.rec.count("GET", "/scheduler/schedules"); n != 4 {
		t.Errorf("%d listings, want 4", n)
	}
	for _, r := range rep.Results {
		if !strings.Contains(r.Detail(), "confirmed by Zoom's analytics report") {
			t.Errorf("%s: %s", r.Key, r.Detail())
		}
	}
}

func TestOneToOneWebAppPageWithTheRowsSlugIsNeverDeleted(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	own, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales-emea", Hosts: []string{"ann@example.com"}, Kind: emulator.KindOneToOne})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := e.run(roster)
	if c := plan.Changes[0]; c.NeedsManual == "" || c.ToDo == nil {
		t.Errorf("row: %+v", c)
	}
	// The page holds the row's slug: the advice frees the slug first
	// instead of asking for a second page with a slug that is taken.
	if c := plan.Changes[0]; !strings.Contains(c.NeedsManual, "first change the link (slug) of page "+own.ScheduleID+" to another one, or delete it; then create") ||
		strings.Contains(c.NeedsManual, "with the row's slug") {
		t.Errorf("advice: %s", c.NeedsManual)
	}
	for _, c := range plan.Changes {
		if c.ScheduleID == own.ScheduleID && c.Action == ActionDelete {
			t.Errorf("a web-app page is planned for deletion: %+v", c)
		}
	}
	if n := e.emu.Stats().Requests["DELETE /v2/scheduler/schedules/{scheduleId}"]; n > 1 {
		t.Errorf("%d deletes", n)
	}
	found := false
	for _, p := range e.emu.Pages("", false) {
		found = found || p.ScheduleID == own.ScheduleID
	}
	if !found {
		t.Error("the admin's One to One page was deleted")
	}
}
