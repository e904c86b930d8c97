package sync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"slices"
	"sort"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
)

// maxCreateSends bounds how often one row's create is sent when Zoom's
// answers keep getting lost. Each send after the first waits for a late
// commit and checks the owner's pages first, so a row never gets two pages.
const maxCreateSends = 6

// applyRun is the state of one Apply.
type applyRun struct {
	e       *Engine
	plan    *Plan
	results []*Result
	final   []bool
	mu      gosync.Mutex // guards final and serialises OnResult

	// stopCreates is set once Zoom is seen downgrading a create: no other
	// create is sent this run.
	stopCreates atomic.Bool
	verdict     *Verdict // learned this run
	verdictMu   gosync.Mutex

	analytics *analyticsWitness
}

// Apply makes the planned changes and reports every outcome. One row's
// failure never stops the others. A write is recorded as done when Zoom
// accepts it; reading the page back (and Zoom's analytics report) then
// confirms or corrects it. Prune runs last, and only when every row
// succeeded.
//
// Creates follow the account's verdict (Plan.Create): when it is unknown
// or stale the first create is sent alone and verified; if Zoom stored a
// One to One (or Any Host Available) page no other create is sent and the
// remaining rows become create-in-web-app.
func (e *Engine) Apply(ctx context.Context, plan *Plan) *Report {
	rep := &Report{Started: e.opts.Now(), Prune: plan.Prune, Warnings: append([]string(nil), plan.Warnings...)}
	run := &applyRun{e: e, plan: plan, results: make([]*Result, len(plan.Changes)), final: make([]bool, len(plan.Changes))}
	var creates, work, prunes []int
	for i, ch := range plan.Changes {
		r := &Result{Row: ch.Row, Key: ch.Key, Team: ch.Team, Owner: ch.Owner, Action: ch.Action, ScheduleID: ch.ScheduleID,
			Slug: ch.Slug, URL: ch.URL, Cause: ch.Cause, Adopt: ch.Adopt, Fields: ch.Fields, ToDo: ch.ToDo,
			Invalid: ch.Invalid, NeedsManual: ch.NeedsManual, Error: ch.Error, Notes: append([]string(nil), ch.Notes...)}
		run.results[i] = r
		switch {
		case ch.Error != "":
			r.Status = StatusFailed
			run.finish(i)
		case ch.knownRefusal && ch.Action == ActionUpdate && ch.Held == "":
			work = append(work, i) // the row's other fields
		case ch.Problem():
			r.Status = StatusSkipped
			run.finish(i)
		case ch.Held != "":
			r.Action, r.Status = ch.Held, StatusSkipped
			r.Notes = append(r.Notes, "not applied: the run refused to prune, so it changes nothing")
			run.finish(i)
		case ch.Action == ActionCreate:
			creates = append(creates, i)
		case ch.Action == ActionUpdate, ch.Cause == CauseDowngraded || ch.Cause == CauseDuplicate:
			if ch.Action.Writes() {
				work = append(work, i)
				continue
			}
			r.Status = StatusDone
			run.finish(i)
		case ch.Action == ActionDelete || ch.Action == ActionDeactivate:
			prunes = append(prunes, i)
		default: // none, create-in-web-app
			r.Status = StatusDone
			run.finish(i)
		}
	}

	total := len(creates) + len(work) + len(prunes)
	var done int
	var progressMu gosync.Mutex
	tick := func() {
		if e.opts.Progress == nil {
			return
		}
		progressMu.Lock()
		done++
		e.opts.Progress(done, total)
		progressMu.Unlock()
	}

	// Every create of the plan, the probe included: the probe and the
	// creates held back are taken off creates below, yet a failed or
	// unknown probe must still hold prune back.
	allCreates := slices.Clone(creates)
	if len(creates) > 0 {
		run.analytics = e.newWitness(ctx, plan, creates)
	}
	if plan.learned != nil {
		run.learn(*plan.learned)
		e.saveVerdict(run, rep)
	}
	// Probe: one create at a time until one tells how Zoom handles them.
	if plan.Create == CreateProbe {
		for len(creates) > 0 && ctx.Err() == nil && run.verdict == nil && !run.stopCreates.Load() {
			i := creates[0]
			creates = creates[1:]
			run.analytics.read(ctx, plan.Changes[i].Owner)
			v := run.createRow(ctx, i)
			tick()
			if v != nil {
				items := []verifyItem{*v}
				run.verify(ctx, items)
				run.checkType(ctx, items)
				v = &items[0]
			}
			run.finishVerified(v)
			if run.verdict == nil && !run.stopCreates.Load() {
				if r := run.results[i]; r.Status == StatusDone || r.Status == StatusFailed && v != nil {
					// Written but neither confirmed nor refuted (the read
					// back failed): do not send more on a guess.
					run.stopCreates.Store(true)
				}
			}
		}
		e.saveVerdict(run, rep)
	}
	if run.stopCreates.Load() {
		for _, i := range creates {
			run.notSent(i)
			tick()
		}
		creates = nil
	}
	if run.analytics != nil {
		owners := map[string]bool{}
		for _, i := range creates {
			owners[plan.Changes[i].Owner] = true
		}
		for _, o := range sortedKeys(owners) {
			run.analytics.read(ctx, o)
		}
	}

	// Writes run in parallel; each owner's written pages are read back in
	// batches (verifyBatch, or when the owner's last write is done) while
	// none of that owner's writes is in flight, so that the analytics
	// counts around a batch are its own, and each row's outcome is final
	// (and reported) soon after its write rather than at the end of the run.
	//
	// The writes go owner by owner (sheet order within an owner), so that
	// each owner's batch fills and is verified while the run goes on: in
	// sheet order an owner's last write, and so its rows' lines, would
	// often come only at the end of the run.
	items := slices.Concat(creates, work)
	sort.SliceStable(items, func(a, b int) bool { return plan.Changes[items[a]].Owner < plan.Changes[items[b]].Owner })
	owners := map[string]*ownerBatch{}
	for _, i := range items {
		o := plan.Changes[i].Owner
		if owners[o] == nil {
			owners[o] = &ownerBatch{}
		}
		owners[o].left++
	}
	anyCreated := atomic.Bool{}
	flush := func(ob *ownerBatch, batch []verifyItem) {
		ob.rw.Lock()
		defer ob.rw.Unlock()
		run.verify(ctx, batch)
		var created []verifyItem
		for _, v := range batch {
			if v.created {
				created = append(created, v)
			}
		}
		if len(created) > 0 {
			anyCreated.Store(true)
		}
		run.checkType(ctx, created)
		for i := range batch {
			run.finishVerified(&batch[i])
		}
	}
	e.parallel(ctx, items, func(i int) {
		ob := owners[plan.Changes[i].Owner]
		var v *verifyItem
		if plan.Changes[i].Action == ActionCreate && run.stopCreates.Load() {
			run.notSent(i)
		} else {
			ob.rw.RLock()
			v = run.applyRow(ctx, i)
			ob.rw.RUnlock()
		}
		if v == nil {
			run.finish(i)
		}
		if batch := ob.done(v); batch != nil {
			flush(ob, batch)
		}
		tick()
	})
	// A cancelled run leaves some owners' batches unflushed.
	for _, o := range sortedKeys(owners) {
		ob := owners[o]
		ob.mu.Lock()
		batch := ob.pending
		ob.pending = nil
		ob.mu.Unlock()
		if len(batch) > 0 {
			flush(ob, batch)
		}
	}
	for _, i := range work {
		run.finish(i)
	}
	if anyCreated.Load() {
		e.saveVerdict(run, rep)
	}
	e.saveHostRefusals(plan, rep)
	if rep.Verdict == nil && plan.verdict != nil && (len(creates) > 0 || plan.Count(ActionCreateInWebApp) > 0) {
		rep.Verdict = plan.verdict
	}

	e.saveOwners(plan, rep)
	if ctx.Err() != nil {
		rep.Cancelled = true
	}
	failed := 0
	for _, i := range slices.Concat(allCreates, work) {
		if s := run.results[i].Status; s == StatusFailed || s == StatusUnknown || s == "" {
			failed++
		}
	}
	switch {
	case len(prunes) == 0:
	case ctx.Err() != nil:
		rep.Prune.Disabled = "the run was cancelled before prune"
	case failed > 0:
		rep.Prune.Disabled = fmt.Sprintf("%d %s failed; prune waits for a clean run", failed, plural(failed, "row", "rows"))
	}
	if rep.Prune.Disabled != "" {
		for _, i := range prunes {
			r := run.results[i]
			r.Status = StatusSkipped
			r.Notes = append(r.Notes, "not pruned: "+rep.Prune.Disabled)
			run.finish(i)
		}
		prunes = nil
	}
	e.parallel(ctx, prunes, func(i int) {
		e.applyPrune(ctx, plan.Changes[i], run.results[i])
		run.finish(i)
		tick()
	})

	for i, r := range run.results {
		if r.Status == "" {
			r.Status = StatusSkipped
			r.Notes = append(r.Notes, "not applied: the run was cancelled")
		}
		run.finish(i)
		rep.Results = append(rep.Results, *r)
	}
	sort.SliceStable(rep.Results, func(i, j int) bool {
		a, b := rep.Results[i], rep.Results[j]
		if (a.Row == 0) != (b.Row == 0) {
			return b.Row == 0
		}
		return a.Row < b.Row
	})
	rep.Finished = e.opts.Now()
	return rep
}

// verifyBatch is how many written pages of one owner are read back
// together: one listing verifies them, and their rows are reported then.
const verifyBatch = 20

// ownerBatch tracks one owner's writes during Apply. Writes hold rw for
// reading; a batch's read-back and analytics hold it for writing.
type ownerBatch struct {
	rw      gosync.RWMutex
	mu      gosync.Mutex
	left    int // writes not yet done
	pending []verifyItem
}

// done records a finished write (v nil when there is nothing to verify)
// and returns a batch to verify, if one is due.
func (ob *ownerBatch) done(v *verifyItem) []verifyItem {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	ob.left--
	if v != nil {
		ob.pending = append(ob.pending, *v)
	}
	if len(ob.pending) == 0 || len(ob.pending) < verifyBatch && ob.left > 0 {
		return nil
	}
	batch := ob.pending
	ob.pending = nil
	return batch
}

// finish marks result i final: it is logged and passed to OnResult, once.
func (run *applyRun) finish(i int) {
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.final[i] || run.results[i].Status == "" {
		return
	}
	run.final[i] = true
	r := run.results[i]
	run.e.logResult(r)
	if run.e.opts.OnResult != nil {
		run.e.opts.OnResult(*r)
	}
}

func (run *applyRun) finishVerified(v *verifyItem) {
	if v != nil {
		run.finish(v.i)
	}
}

// notSent reports a create that was held back: once Zoom is seen to
// downgrade creates the row becomes the admin's to do; when the first
// create could not be verified it is left for the next run.
func (run *applyRun) notSent(i int) {
	ch, r := run.plan.Changes[i], run.results[i]
	run.verdictMu.Lock()
	v := run.verdict
	run.verdictMu.Unlock()
	if v == nil || v.Result != VerdictDowngraded {
		r.Status = StatusSkipped
		r.Notes = append(r.Notes, "not sent: this run's first create could not be verified, so no other create is sent; the next run tries again")
		run.finish(i)
		return
	}
	r.Action, r.Status, r.ToDo, r.Fields = ActionCreateInWebApp, StatusDone, todoFor(ch.page), nil
	r.Notes = append(r.Notes, "not sent: Zoom stored a create of this run as "+v.Detail+", so no other create is sent")
	run.finish(i)
}

// parallel runs f for each item on at most Concurrency goroutines and
// stops taking new items once ctx is done.
func (e *Engine) parallel(ctx context.Context, items []int, f func(int)) {
	forEach(ctx, e.opts.Concurrency, items, f)
}

// forEach runs f for each item on at most limit goroutines, stops taking
// new items once ctx is done, and returns when every f it started has.
func forEach[T any](ctx context.Context, limit int, items []T, f func(T)) {
	sem := make(chan struct{}, max(limit, 1))
	var wg gosync.WaitGroup
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(it)
		}()
	}
	wg.Wait()
}

// verifyItem is a page whose stored hosts must be read back.
type verifyItem struct {
	i       int // index in the plan and results
	ch      *Change
	r       *Result
	id      string
	created bool
	stored  *zoom.Schedule // what the read-back found, when it passed
}

func (run *applyRun) createRow(ctx context.Context, i int) *verifyItem {
	e, ch, r := run.e, run.plan.Changes[i], run.results[i]
	// A cancellation that lands after the POST was written but before its
	// answer comes back reaches the engine as the context's error, just
	// like one that stopped the create before it was sent; Zoom may hold
	// the page all the same. Whether any request of this create began to
	// be written is watched here, so that such a create is settled as
	// "maybe sent", never as not sent.
	var wrote atomic.Bool
	tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }})
	s, err := e.create(tctx, ch)
	if err != nil && ctx.Err() != nil {
		s, err = e.interruptedCreate(ctx, ch, r, zoom.IsOutcomeUnknown(err) || wrote.Load())
		if s == nil && err == nil {
			run.finish(i)
			return nil
		}
	}
	if err != nil {
		var unknown *unknownOutcome
		if errors.As(err, &unknown) {
			r.Status, r.Error = StatusUnknown, "creating the page: "+err.Error()
		} else {
			r.Status, r.Error = StatusFailed, "creating the page: "+err.Error()
		}
		run.finish(i)
		return nil
	}
	// Done as soon as Zoom holds it; verification refines.
	r.Status, r.Wrote = StatusDone, true
	r.ScheduleID, r.URL, r.Slug = s.ScheduleID, s.SchedulingURL, s.Slug
	run.analytics.created(ch.Owner)
	return &verifyItem{i: i, ch: ch, r: r, id: s.ScheduleID, created: true}
}

func (run *applyRun) applyRow(ctx context.Context, i int) *verifyItem {
	e, ch, r := run.e, run.plan.Changes[i], run.results[i]
	switch {
	case ch.Action == ActionCreate:
		return run.createRow(ctx, i)
	case ch.Action == ActionUpdate:
		if err := e.zoom.PatchSchedule(ctx, ch.Owner, ch.ScheduleID, ch.patch); err != nil {
			if ctx.Err() != nil && !zoom.IsOutcomeUnknown(err) {
				r.Status = StatusSkipped
				r.Notes = append(r.Notes, "not applied: the run was cancelled")
				return nil
			}
			r.Status, r.Error = StatusFailed, "updating the page: "+err.Error()
			return nil
		}
		r.Status, r.Wrote = StatusDone, true
		// Zoom's 204 says it took the request, not what it stored: every
		// update is read back (see verify for what that costs).
		return &verifyItem{i: i, ch: ch, r: r, id: ch.ScheduleID}
	case ch.Action == ActionDelete:
		err := e.zoom.DeleteSchedule(ctx, ch.Owner, ch.ScheduleID)
		if err != nil && !zoom.IsNotFound(err) {
			r.Status, r.Error = StatusFailed, fmt.Sprintf("deleting page %s: %v", ch.ScheduleID, err)
			return nil
		}
		r.Status, r.Wrote = StatusDone, err == nil
	}
	return nil
}

// interruptCheck bounds the listing that settles a create cut short by
// cancellation.
const interruptCheck = 10 * time.Second

// interruptedCreate settles a create the run's cancellation cut short: Zoom
// may have stored it although its answer never arrived. One listing of the
// owner's pages, outside the cancelled context, tells; without it the
// report could miss a page Zoom holds. sent is whether the create may have
// been written (any doubt counts as sent). It returns the page when the
// create may have been sent and findCreated takes a page for it; nil and
// nil when the create was surely never sent (the row is marked not
// applied, and a page with its slug that appeared is only noted); or an
// unknownOutcome when it may have been sent and is not there yet, another
// page holds the slug, or the listing fails.
func (e *Engine) interruptedCreate(ctx context.Context, ch *Change, r *Result, sent bool) (*zoom.Schedule, error) {
	check, cancel := context.WithTimeout(context.WithoutCancel(ctx), interruptCheck)
	defer cancel()
	found, other, err := e.findCreated(check, ch)
	if !sent {
		// The create was never written: no page is this run's.
		r.Status = StatusSkipped
		if s := cmp.Or(found, other); err == nil && s != nil {
			r.Notes = append(r.Notes, fmt.Sprintf("not applied: the run was cancelled before the create was sent; page %s with the row's slug appeared in Zoom since the plan and is not this run's: nothing was deleted, the next run finds it", s.ScheduleID))
		} else {
			r.Notes = append(r.Notes, "not applied: the run was cancelled")
		}
		return nil, nil
	}
	switch {
	case err != nil:
		return nil, &unknownOutcome{fmt.Errorf("the run was interrupted while the create was in flight, and listing the owner's pages to check failed (%w): outcome unknown; the next run checks", err)}
	case found == nil && other != nil:
		return nil, &unknownOutcome{fmt.Errorf("the run was interrupted while the create was in flight; %s: outcome unknown; the next run checks", notOursText(other))}
	case found == nil:
		// Zoom may still be storing it.
		return nil, &unknownOutcome{errors.New("the run was interrupted while the create was in flight and the page was not among the owner's pages right after: outcome unknown; the next run checks")}
	}
	r.Notes = append(r.Notes, "the run was interrupted before Zoom's answer arrived; the page was found by its slug")
	return found, nil
}

// unknownOutcome is a create whose answer was lost and whose result could
// not be checked: the next run checks.
type unknownOutcome struct{ err error }

func (u *unknownOutcome) Error() string { return u.err.Error() }
func (u *unknownOutcome) Unwrap() error { return u.err }

// create makes the row's page. When Zoom's answer is lost, the owner's
// pages are listed at once; if the page is not there, nothing is sent again
// until, after Options.LateCommitWait, a second listing shows the slug is
// still not among them, and only when Zoom answered 503 Service
// Unavailable or 429, which say the request was not processed. A 500, a
// gateway's 502 or 504, or no answer at all do not prove nothing was
// written: the outcome stays unknown and no second request is sent; the
// next run checks. A page is taken as this create's only when it is new
// since the plan and, where Zoom's listing gives created_via, made
// through the API (findCreated).
func (e *Engine) create(ctx context.Context, ch *Change) (*zoom.Schedule, error) {
	// Built here, not in the plan: 10,000 planned creates would otherwise
	// hold 10,000 request bodies in memory for the whole run.
	body := createBody(ch.page)
	for send := 1; ; send++ {
		s, err := e.zoom.CreateSchedule(ctx, ch.Owner, body)
		if err == nil {
			return s, nil
		}
		if !zoom.IsOutcomeUnknown(err) {
			if send > 1 && slugTaken(err) {
				// An earlier send landed after all (or another page took
				// the slug): the listing tells which.
				return e.afterSlugTaken(ctx, ch, err)
			}
			return nil, err
		}
		// Most lost answers follow a commit: look at once, and wait only
		// when the page is not there yet.
		found, other, lerr := e.findCreated(ctx, ch)
		if lerr == nil && found != nil {
			e.log.Info("create answer was lost; the page exists", "row", ch.Row, "key", ch.Key, "schedule_id", found.ScheduleID)
			return found, nil
		}
		if lerr == nil && other != nil {
			return nil, &unknownOutcome{fmt.Errorf("%w; %s, so no second create is sent: outcome unknown; the next run checks", err, notOursText(other))}
		}
		if werr := e.opts.Sleep(ctx, e.opts.LateCommitWait); werr != nil {
			return nil, &unknownOutcome{fmt.Errorf("%w; the run ended before the owner's pages could be checked: outcome unknown; the next run checks", err)}
		}
		found, other, lerr = e.findCreated(ctx, ch)
		if lerr != nil {
			return nil, &unknownOutcome{fmt.Errorf("%w; then listing the owner's pages to check failed (%w): outcome unknown; the next run checks", err, lerr)}
		}
		if found != nil {
			e.log.Info("create answer was lost; the page exists", "row", ch.Row, "key", ch.Key, "schedule_id", found.ScheduleID)
			return found, nil
		}
		if other != nil {
			return nil, &unknownOutcome{fmt.Errorf("%w; %s, so no second create is sent: outcome unknown; the next run checks", err, notOursText(other))}
		}
		// Only 503 and 429 say Zoom did not process the request; the page
		// is still not there after the wait, so one more send is safe.
		// With any other answer (a 500, a gateway's 502 or 504) or none at
		// all (dropped connection, timeout) the write may still land
		// later; a second send could make a second page, so this run stops
		// here and the next run's listing decides.
		var answered *zoom.APIError
		if !errors.As(err, &answered) {
			return nil, &unknownOutcome{fmt.Errorf("%w; no answer came and the page was not among the owner's pages after waiting %s, so no second create is sent: outcome unknown; the next run checks", err, e.opts.LateCommitWait)}
		}
		if answered.Status != http.StatusServiceUnavailable && answered.Status != http.StatusTooManyRequests {
			return nil, &unknownOutcome{fmt.Errorf("%w; a %d does not say the page was not stored, and it was not among the owner's pages after waiting %s, so no second create is sent: outcome unknown; the next run checks", err, answered.Status, e.opts.LateCommitWait)}
		}
		if send >= maxCreateSends {
			return nil, fmt.Errorf("zoom answered %d creates with %d and the page was not there after each wait: %w", send, answered.Status, err)
		}
		e.log.Info("create answered as not processed; the page is not there after waiting, sending again", "row", ch.Row, "key", ch.Key, "status", answered.Status, "send", send+1)
	}
}

// slugTaken reports whether Zoom refused a create because the owner
// already has a page with its slug.
func slugTaken(err error) bool {
	var ae *zoom.APIError
	if !errors.As(err, &ae) || ae.Status < 400 || ae.Status >= 500 {
		return false
	}
	for _, f := range ae.Fields {
		if strings.EqualFold(f.Field, "slug") {
			return true
		}
	}
	return false
}

// afterSlugTaken settles a re-sent create that Zoom refused because the
// slug is in use: an earlier send of this run may have landed late. The
// page is this create's only when findCreated says so; otherwise the row
// is reported, and nothing is sent or deleted.
func (e *Engine) afterSlugTaken(ctx context.Context, ch *Change, err error) (*zoom.Schedule, error) {
	found, other, lerr := e.findCreated(ctx, ch)
	switch {
	case lerr != nil:
		return nil, &unknownOutcome{fmt.Errorf("%w; an earlier send of this create may have landed, and listing the owner's pages to check failed (%w): outcome unknown; the next run checks", err, lerr)}
	case found != nil:
		e.log.Info("a re-sent create found its slug taken; the earlier send landed", "row", ch.Row, "key", ch.Key, "schedule_id", found.ScheduleID)
		return found, nil
	case other != nil:
		return nil, &unknownOutcome{fmt.Errorf("%w; %s: outcome unknown; the next run checks", err, notOursText(other))}
	}
	return nil, &unknownOutcome{fmt.Errorf("%w; an earlier send of this create may have landed, but no page with the slug is among the owner's pages: outcome unknown; the next run checks", err)}
}

// findCreated looks through the owner's listing for the page a create of
// the row made: a page with the row's slug that was not in the plan's
// listing (a create is planned only when the owner held no page with the
// slug; Change.slugHeld keeps any that did) and that Zoom's listing marks
// created_via "api" — or gives no created_via for. other is a page with the
// slug, new since the plan, that Zoom marks as made some other way: never
// this create's.
func (e *Engine) findCreated(ctx context.Context, ch *Change) (found, other *zoom.Schedule, err error) {
	for s, err := range e.zoom.AllSchedules(ctx, ch.Owner, nil) {
		if err != nil {
			return nil, nil, err
		}
		if !strings.EqualFold(s.Slug, ch.page.Slug) || slices.ContainsFunc(ch.slugHeld, func(id string) bool { return strings.EqualFold(id, s.ScheduleID) }) {
			continue
		}
		if s.CreatedVia != "" && !madeByAPI(&s) {
			if other == nil {
				other = &s
			}
			continue
		}
		return &s, nil, nil
	}
	return nil, other, nil
}

// notOursText says why a page with the row's slug is not taken as the
// row's create.
func notOursText(s *zoom.Schedule) string {
	return fmt.Sprintf("page %s with the row's slug appeared since the plan, but Zoom's listing says it was made as created_via %q, not through the API: it is not taken as this create's, and nothing is deleted", s.ScheduleID, s.CreatedVia)
}

// verify reads back every created page and every update: a create or host
// change must be a multi-host page with every host, and an update must hold
// every field it set. Per owner it reads the cheaper way: one GET per page,
// or one listing (one call per 300 pages) when that takes fewer calls. A
// run that writes nothing reads nothing back.
func (run *applyRun) verify(ctx context.Context, items []verifyItem) {
	byOwner := map[string][]*verifyItem{}
	for i := range items {
		it := &items[i]
		byOwner[it.ch.Owner] = append(byOwner[it.ch.Owner], it)
	}
	ownerNames := make([]string, 0, len(byOwner))
	for o := range byOwner {
		ownerNames = append(ownerNames, o)
	}
	sort.Strings(ownerNames)
	owners := make([]int, len(ownerNames))
	for i := range owners {
		owners[i] = i
	}
	e := run.e
	e.parallel(ctx, owners, func(i int) {
		o := ownerNames[i]
		its := byOwner[o]
		stored := e.readBack(ctx, o, run.plan.ownerPages[o], its)
		for _, it := range its {
			s, err := stored(it.id)
			run.judge(ctx, it, s, err)
		}
	})
	for _, it := range items {
		if it.created && it.stored == nil && it.r.Status == StatusDone && ctx.Err() != nil {
			it.r.Notes = append(it.r.Notes, "not verified: the run was interrupted before the page was read back; the next run checks it")
		}
	}
}

// readBack returns a lookup of the owner's stored pages by id.
func (e *Engine) readBack(ctx context.Context, owner string, listed int, its []*verifyItem) func(string) (*zoom.Schedule, error) {
	pagesToList := (listed+len(its))/zoom.MaxPageSize + 1
	if len(its) > pagesToList {
		// Keep only the pages being verified: the plan still holds the
		// whole listing, and a second full copy would double the memory.
		byID := make(map[string]*zoom.Schedule, len(its))
		for _, it := range its {
			byID[it.id] = nil
		}
		var err error
		for s, lerr := range e.zoom.AllSchedules(ctx, owner, nil) {
			if lerr != nil {
				err = lerr
				break
			}
			if _, want := byID[s.ScheduleID]; want {
				byID[s.ScheduleID] = &s
			}
		}
		if err == nil {
			return func(id string) (*zoom.Schedule, error) {
				if s := byID[id]; s != nil {
					return s, nil
				}
				return e.zoom.GetSchedule(ctx, owner, id)
			}
		}
	}
	return func(id string) (*zoom.Schedule, error) { return e.zoom.GetSchedule(ctx, owner, id) }
}

// judge decides a verified row's outcome from the read-back.
func (run *applyRun) judge(ctx context.Context, it *verifyItem, s *zoom.Schedule, err error) {
	r, hosts := it.r, it.ch.page.Hosts
	if err != nil {
		if ctx.Err() != nil {
			return // interrupted: the write stands, unverified (see verify)
		}
		r.Status = StatusFailed
		r.Error = fmt.Sprintf("page %s was written but reading it back to verify it failed: %v; the next run checks it again", it.id, err)
		return
	}
	r.URL = s.SchedulingURL
	if !it.created && !it.ch.hostsChanged {
		judgeUpdate(it, s)
		return
	}
	ok, missing := isAllHosts(s, hosts)
	if ok {
		it.stored = s
		if !it.created {
			run.plan.refusals.clear(it.id)
			judgeUpdate(it, s)
		}
		return
	}
	stored := strings.Join(ruleHosts(s), ", ")
	if !it.created {
		run.plan.refusals.set(it.id, HostRefusal{Owner: it.ch.Owner, Want: hostSet(it.ch.page), Have: ruleHosts(s), Type: s.ScheduleType, At: run.e.opts.Now()})
		r.Status = StatusFailed
		r.NeedsManual = fmt.Sprintf("Zoom did not store the host change on page %s (schedule_type=%s, hosts now: %s; missing: %s); its API cannot add hosts to this page. Add them in the Zoom web app, then run again",
			it.id, s.ScheduleType, stored, strings.Join(missing, ", "))
		return
	}
	what := fmt.Sprintf("Zoom accepted the request but stored page %s as schedule_type=%s with hosts %s instead of an All Hosts Available page for %s — its API ignored the multi-host fields.",
		it.id, s.ScheduleType, stored, strings.Join(hosts, ", "))
	run.downgraded(ctx, it, what, "a One to One page (schedule_type="+s.ScheduleType+")")
}

// downgraded fails a created row whose page is not an All Hosts Available
// page, deletes the page or keeps it per on_downgrade, and stops creates.
func (run *applyRun) downgraded(ctx context.Context, it *verifyItem, what, detail string) {
	e, r := run.e, it.r
	run.learn(Verdict{Result: VerdictDowngraded, FoundAt: e.opts.Now(), Detail: detail})
	r.Status = StatusFailed
	r.ToDo = todoFor(it.ch.page)
	todo := "To do: " + r.ToDo.String() + "."
	if e.opts.OnDowngrade == "keep" {
		r.Error = what + " Kept it (sync.on_downgrade: keep): it is bookable until fixed; delete it, then " + r.ToDo.String() + "."
		return
	}
	if derr := e.zoom.DeleteSchedule(ctx, it.ch.Owner, it.id); derr != nil && !zoom.IsNotFound(derr) {
		r.Error = what + fmt.Sprintf(" Deleting it failed (%v): delete it by hand so nobody books it (the next run tries again). ", derr) + todo
		return
	}
	r.ScheduleID, r.URL = "", ""
	r.Error = what + " Deleted it so that no wrong page stays bookable. " + todo
}

// learn records what a verified create showed; a downgrade stops creates.
func (run *applyRun) learn(v Verdict) {
	run.verdictMu.Lock()
	defer run.verdictMu.Unlock()
	if v.Result == VerdictDowngraded {
		run.stopCreates.Store(true)
		if run.verdict == nil || run.verdict.Result != VerdictDowngraded {
			run.verdict = &v
		}
		return
	}
	if run.verdict == nil {
		run.verdict = &v
	}
}

// saveVerdict keeps what this run learned for the next runs.
func (e *Engine) saveVerdict(run *applyRun, rep *Report) {
	run.verdictMu.Lock()
	v := run.verdict
	run.verdictMu.Unlock()
	if v == nil {
		return
	}
	rep.Verdict = v
	if err := e.opts.Verdicts.Save(e.opts.Account, *v); err != nil {
		msg := fmt.Sprintf("could not save how Zoom handles multi-host creates (%v); the next run tries one create again", err)
		rep.Warnings = append(rep.Warnings, msg)
		e.log.Warn(msg)
	}
}

func (e *Engine) applyPrune(ctx context.Context, ch *Change, r *Result) {
	var err error
	if ch.Action == ActionDeactivate {
		err = e.zoom.PatchSchedule(ctx, ch.Owner, ch.ScheduleID, &zoom.SchedulePatch{Active: ptr(false)})
	} else {
		err = e.zoom.DeleteSchedule(ctx, ch.Owner, ch.ScheduleID)
		if zoom.IsNotFound(err) {
			err = nil // already gone
		}
	}
	if err != nil {
		r.Status, r.Error = StatusFailed, fmt.Sprintf("pruning page %s: %v", ch.ScheduleID, err)
		return
	}
	r.Status, r.Wrote = StatusDone, true
}

func (e *Engine) logResult(r *Result) {
	level := slog.LevelInfo
	switch {
	case r.Attention():
		level = slog.LevelWarn
	case r.Action == ActionNone && r.Status == StatusDone && len(r.Notes) == 0:
		level = slog.LevelDebug
	}
	ctx := context.Background()
	if !e.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{slog.String("outcome", r.Outcome())}
	if r.Row > 0 {
		attrs = append(attrs, slog.Int("row", r.Row), slog.String("key", r.Key))
	}
	if r.ScheduleID != "" {
		attrs = append(attrs, slog.String("schedule_id", r.ScheduleID))
	}
	if r.URL != "" {
		attrs = append(attrs, slog.String("url", r.URL))
	}
	if len(r.Fields) > 0 && r.Action != ActionCreate {
		names := make([]string, len(r.Fields))
		for i, f := range r.Fields {
			names[i] = f.Column
		}
		attrs = append(attrs, slog.String("fields", strings.Join(names, ",")))
	}
	if d := r.Detail(); d != "" {
		attrs = append(attrs, slog.String("detail", d))
	}
	e.log.LogAttrs(ctx, level, resultTitle(r), attrs...)
}

func resultTitle(r *Result) string {
	if r.Row > 0 {
		return fmt.Sprintf("row %d %s: %s", r.Row, r.Key, r.Outcome())
	}
	return fmt.Sprintf("page %s: %s", r.Slug, r.Outcome())
}

// analyticsWitness reads Zoom's analytics report before and after the
// creates, per owner: the only evidence the API gives of whether a page is
// All Hosts Available or Any Host Available.
type analyticsWitness struct {
	e      *Engine
	mu     gosync.Mutex
	before map[string]*zoom.AnalyticsCounts // nil entry: unreadable
	sent   map[string]int                   // creates Zoom accepted since before was read
	off    bool                             // the report cannot be read (e.g. missing scope)
}

// analyticsSpan is the report period asked for: it covers every page
// created this run.
const analyticsSpan = 30 * 24 * time.Hour

func (e *Engine) newWitness(ctx context.Context, plan *Plan, creates []int) *analyticsWitness {
	w := &analyticsWitness{e: e, before: map[string]*zoom.AnalyticsCounts{}, sent: map[string]int{}}
	owners := map[string]bool{}
	for _, i := range creates {
		owners[plan.Changes[i].Owner] = true
	}
	if plan.Create == CreateProbe {
		// Only the probe's owner is read now; others when a create of
		// theirs is first sent after the probe.
		owners = map[string]bool{plan.Changes[creates[0]].Owner: true}
	}
	for _, o := range sortedKeys(owners) {
		w.read(ctx, o)
	}
	return w
}

// read takes the owner's "before" counts.
func (w *analyticsWitness) read(ctx context.Context, owner string) {
	w.mu.Lock()
	_, have := w.before[owner]
	off := w.off
	w.mu.Unlock()
	if have {
		return
	}
	var c *zoom.AnalyticsCounts
	if !off {
		c = w.fetch(ctx, owner)
	}
	w.mu.Lock()
	w.before[owner] = c
	w.sent[owner] = 0
	w.mu.Unlock()
}

func (w *analyticsWitness) fetch(ctx context.Context, owner string) *zoom.AnalyticsCounts {
	now := w.e.opts.Now()
	a, err := w.e.zoom.GetAnalytics(ctx, owner, now.Add(-analyticsSpan), now.Add(24*time.Hour))
	if err != nil {
		w.e.log.Debug("Zoom's analytics report could not be read", "owner", owner, "error", err)
		var ae *zoom.APIError
		if errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 {
			w.mu.Lock()
			w.off = true
			w.mu.Unlock()
		}
		return nil
	}
	return &a.LastNDays
}

func (w *analyticsWitness) created(owner string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.sent[owner]++
	w.mu.Unlock()
}

// checkType compares each owner's counts after the creates with those
// before them. all_host_available up by the owner's creates confirms the
// type; any_host_available up is a wrong page (treated as a downgrade);
// anything else leaves the type unconfirmed, and the row says so.
func (run *applyRun) checkType(ctx context.Context, items []verifyItem) {
	w := run.analytics
	byOwner := map[string][]*verifyItem{}
	for i := range items {
		if items[i].stored != nil {
			byOwner[items[i].ch.Owner] = append(byOwner[items[i].ch.Owner], &items[i])
		}
	}
	for _, o := range sortedKeys(byOwner) {
		its := byOwner[o]
		var before, after *zoom.AnalyticsCounts
		sent := 0
		if w != nil {
			w.mu.Lock()
			before, sent = w.before[o], w.sent[o]
			off := w.off
			w.mu.Unlock()
			if before != nil && !off && ctx.Err() == nil {
				after = w.fetch(ctx, o)
			}
		}
		switch {
		case before == nil || after == nil:
			run.unconfirmed(its, "Zoom's analytics report could not be read")
		case after.AnyHostAvailable > before.AnyHostAvailable:
			for _, it := range its {
				run.downgraded(ctx, it, fmt.Sprintf("Zoom accepted the request and page %s reads back with every host, but Zoom's analytics report shows %d more Any Host Available (round robin) page(s) for %s and %d more All Hosts Available: Zoom made a page that offers a slot when any one host is free, not when all are.",
					it.id, after.AnyHostAvailable-before.AnyHostAvailable, o, after.AllHostAvailable-before.AllHostAvailable), "an Any Host Available page (analytics report)")
			}
		case after.AllHostAvailable-before.AllHostAvailable >= sent && sent > 0:
			run.learn(Verdict{Result: VerdictHonoured, FoundAt: run.e.opts.Now(), Detail: "All Hosts Available (read back and confirmed by the analytics report)"})
			for _, it := range its {
				it.r.Notes = append(it.r.Notes, "page type confirmed by Zoom's analytics report: All Hosts Available")
			}
		default:
			run.unconfirmed(its, "Zoom's analytics report shows no change")
		}
		if w != nil && after != nil {
			w.mu.Lock()
			w.before[o], w.sent[o] = after, 0
			w.mu.Unlock()
		}
	}
}

// unconfirmed notes on each row that its page's type is not known. It
// learns nothing: a multi-host page with every host may still be Any Host
// Available, so no verdict is saved (nor an old one renewed) and the next
// run probes with one create alone and keeps checking the type.
func (run *applyRun) unconfirmed(its []*verifyItem, why string) {
	for _, it := range its {
		it.r.Notes = append(it.r.Notes, fmt.Sprintf("created with every host, but Zoom's API does not show whether page %s is an All Hosts Available or an Any Host Available page (%s); check it once in the Zoom web app", it.id, why))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
