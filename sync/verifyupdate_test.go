package sync

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
)

// staleDuration is a Zoom that answers 204 to every PATCH but keeps the
// page's duration at keep.
type staleDuration struct {
	Zoom
	keep int
}

func (z staleDuration) PatchSchedule(ctx context.Context, userID, id string, p *zoom.SchedulePatch) error {
	q := *p
	if q.Duration != nil {
		q.Duration = &z.keep
	}
	return z.Zoom.PatchSchedule(ctx, userID, id, &q)
}

func TestUpdateZoomDidNotStoreFailsTheRow(t *testing.T) {
	e := newEnv(t, nil, Options{})
	e.run(roster)
	edited := strings.Replace(roster, "| 45       |", "| 50       |", 1)
	edited = strings.Replace(edited, "| 60       |\n", "| 60       | Mon-Fri 10:00-16:00\n", 1)
	e.rec.reset()
	eng := New(staleDuration{Zoom: e.client, keep: 45}, e.opts)
	plan, err := eng.Plan(context.Background(), parse(t, edited, ""))
	if err != nil {
		t.Fatal(err)
	}
	rep := eng.Apply(context.Background(), plan)
	r := result(t, rep, "sales-emea")
	if r.Outcome() != "failed" || !strings.Contains(r.Error, `column "duration": Zoom holds "45", the row asks for "50"`) {
		t.Errorf("sales-emea: %s %q", r.Outcome(), r.Error)
	}
	// Zoom stored the other update: it is reported as done.
	if r := result(t, rep, "recruiting"); r.Outcome() != "updated" || r.Error != "" {
		t.Errorf("recruiting: %s %q", r.Outcome(), r.Error)
	}
	// Two PATCHes of one owner's two pages: one listing reads both back
	// (plus the plan's listings of the two owners).
	p, g := e.rec.count("PATCH", "/scheduler/schedules/"), e.rec.count("GET", "/scheduler/schedules/")
	if l := e.rec.count("GET", "/scheduler/schedules") - g; p != 2 || g != 0 || l != 3 {
		t.Errorf("%d PATCHes, %d GETs, %d listings; want 2, 0, 3", p, g, l)
	}
	// The next run sends it again.
	e.rec.reset()
	if plan, _ := e.run(edited); plan.Count(ActionUpdate) != 1 {
		t.Errorf("rerun: %d updates", plan.Count(ActionUpdate))
	}
}

func TestVerifyingUpdatesCosts(t *testing.T) {
	e := newEnv(t, nil, Options{})
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
	sheetText := func(duration int) string {
		var sb strings.Builder
		sb.WriteString("team | hosts | duration\n")
		for i := range 12 {
			fmt.Fprintf(&sb, "Team %02d | ann@example.com, h%d@example.com | %d\n", i, i, duration)
		}
		return sb.String()
	}
	e.run(sheetText(30))

	// A run that writes nothing reads nothing back: one listing per owner.
	e.rec.reset()
	e.run(sheetText(30))
	if n := len(e.rec.reqs); n != 1 {
		t.Errorf("no-op run: %d requests, want 1 listing: %+v", n, e.rec.reqs)
	}

	// 12 updates of one owner: one listing verifies them all (12 GETs
	// would cost more).
	e.rec.reset()
	_, rep := e.run(sheetText(45))
	if rep.Tally().Updated != 12 {
		t.Fatalf("report: %s", rep.Summary())
	}
	patches, gets := e.rec.count("PATCH", "/scheduler/schedules/"), e.rec.count("GET", "/scheduler/schedules/")
	listings := e.rec.count("GET", "/scheduler/schedules") - gets
	if patches != 12 || gets != 0 || listings != 2 {
		t.Errorf("%d PATCHes, %d GETs, %d listings; want 12, 0, 2 (plan + verify)", patches, gets, listings)
	}
}
