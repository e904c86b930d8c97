package sync

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// lateCommit answers the first POST of a create with status and lets its
// write land only later, when the next POST comes.
type lateCommit struct {
	base    http.RoundTripper
	status  int
	pending *http.Request
	body    []byte
	n       int
}

func (l *lateCommit) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.Contains(req.URL.Path, "/schedules") {
		data, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(data))
		l.n++
		if l.n == 1 {
			l.pending, l.body = req.Clone(context.Background()), data
			return &http.Response{StatusCode: l.status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(fmt.Sprintf(`{"code":%d,"message":"%s"}`, l.status, http.StatusText(l.status)))), Request: req}, nil
		}
		if p := l.pending; p != nil { // the first write lands now, late
			l.pending = nil
			p.Body = io.NopCloser(bytes.NewReader(l.body))
			if r, err := l.base.RoundTrip(p); err == nil {
				r.Body.Close()
			}
		}
	}
	return l.base.RoundTrip(req)
}

// A 502 from a gateway does not prove Zoom stored nothing: the create is
// not sent again, so a write that lands late makes no second page.
func TestGatewayErrorThenLateCommitMakesOnePage(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeCollective }, Options{})
	lc := &lateCommit{base: e.rec.base, status: http.StatusBadGateway}
	e.rec.base = lc
	for run := 1; run <= 2; run++ {
		_, rep := e.run(roster)
		n := map[string]int{}
		for _, p := range e.emu.Pages("", false) {
			n[p.Owner+"/"+p.Slug]++
		}
		for k, c := range n {
			if c > 1 {
				t.Errorf("run %d: %s: %d pages", run, k, c)
			}
		}
		if run == 2 && (len(n) != 3 || rep.Failed()) {
			t.Errorf("run 2: %d pages for 3 rows; %s", len(n), rep.Summary())
		}
	}
}

// A 503 says Zoom did not process the create, so it is sent again; when
// the first write lands late after all, the re-send finds the slug taken,
// and the page, new since the plan and made through the API, is the row's.
func TestResentCreateFindsItsSlugTakenByTheLateWrite(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeCollective }, Options{})
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
	e.rec.base = &lateCommit{base: e.rec.base, status: http.StatusServiceUnavailable}
	_, rep := e.run("team | hosts\nSales | ann@example.com, bob@example.com\n")
	pages := e.emu.Pages("", false)
	r := rep.Results[0]
	if len(pages) != 1 || r.Status != StatusDone || r.ScheduleID != pages[0].ScheduleID {
		t.Fatalf("%d pages; row: %+v", len(pages), r)
	}
	if got := e.emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 2 {
		t.Errorf("POSTs reaching Zoom = %d, want 2 (the late write and the re-send)", got)
	}
}

// A create the run's cancellation stopped before it was written never
// takes a page that appeared with the row's slug for its own: the row is
// not applied, and nothing is deleted, even when that page is One to One.
func TestCancelledCreateNeverSentTakesNoPage(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	const sheetText = "team | hosts\nSales | ann@example.com, bob@example.com\n"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.rec.base = cancelBeforePost{e.rec.base, func() {
		// Another process makes a page with the slug, then the run is
		// cancelled before its POST is written.
		if err := e.emu.Seed(emulator.Seed{Pages: []emulator.SeedPage{{Owner: "ann@example.com", CreatedVia: "api",
			WebAppPage: emulator.WebAppPage{Summary: "Sales", Slug: "sales", Hosts: []string{"ann@example.com"}, Kind: emulator.KindOneToOne}}}}); err != nil {
			t.Error(err)
		}
		cancel()
	}}
	eng := New(e.client, e.opts)
	plan, err := eng.Plan(context.Background(), parse(t, sheetText, ""))
	if err != nil {
		t.Fatal(err)
	}
	e.emu.ResetStats()
	rep := eng.Apply(ctx, plan)
	r := rep.Results[0]
	if r.Status != StatusSkipped || r.ScheduleID != "" || !strings.Contains(strings.Join(r.Notes, " "), "appeared") {
		t.Errorf("row: %+v; want not applied, with a note that a page with its slug appeared", r)
	}
	if n := e.emu.Stats().Requests["DELETE /v2/scheduler/schedules/{scheduleId}"]; n != 0 || len(e.emu.Pages("", false)) != 1 {
		t.Errorf("%d deletes, %d pages: the page another process made must stay", n, len(e.emu.Pages("", false)))
	}
}

// cancelBeforePost runs before on the first POST and fails it unsent.
type cancelBeforePost struct {
	base   http.RoundTripper
	before func()
}

func (c cancelBeforePost) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.Contains(req.URL.Path, "/schedules") {
		c.before()
		return nil, context.Canceled
	}
	return c.base.RoundTrip(req)
}

// A probe whose type Zoom's analytics report cannot confirm (the report
// cannot be read) saves no verdict: the next run probes with one create
// alone again, and the page made earlier is still type-checked.
func TestUnconfirmedProbeSavesNoVerdict(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.AnalyticsStatus = http.StatusForbidden }, Options{})
	_, rep := e.run(roster)
	if tl := rep.Tally(); tl.Created != 1 || tl.Skipped != 2 {
		t.Fatalf("run 1: %s; want the probe alone: %+v", rep.Summary(), rep.Results)
	}
	if v, err := e.opts.Verdicts.Load(""); err != nil || v != nil {
		t.Fatalf("saved verdict %+v (%v); an unconfirmed type proves nothing", v, err)
	}
	e.emu.ResetStats()
	plan, rep := e.run(roster)
	if got := e.emu.Stats().Requests["POST /v2/scheduler/schedules"]; got != 1 {
		t.Errorf("run 2: %d POSTs, want the probe alone", got)
	}
	checked := false
	for _, c := range plan.Changes {
		if c.Action == ActionNone && strings.Contains(strings.Join(c.Notes, " "), "analytics report could not be read") {
			checked = true
		}
	}
	if !checked {
		t.Errorf("run 2: the page made by run 1 was not type-checked: %+v", rep.Results)
	}
}
