package sync

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	gosync "sync"

	"github.com/zoomsync/zoomsync/zoom"
)

// maxCreateTries bounds how often one row's page is created when Zoom's
// answers keep getting lost; each try first checks that the page is not
// already there.
const maxCreateTries = 3

// Apply makes the planned changes and reports every outcome. One row's
// failure never stops the others. Creates and host changes are verified by
// reading the pages back. Prune runs last, and only when every row succeeded.
func (e *Engine) Apply(ctx context.Context, plan *Plan) *Report {
	rep := &Report{Started: e.opts.Now(), Prune: plan.Prune, Warnings: append([]string(nil), plan.Warnings...)}
	results := make([]*Result, len(plan.Changes))
	var work, prunes []int
	for i, ch := range plan.Changes {
		r := &Result{Row: ch.Row, Key: ch.Key, Team: ch.Team, Owner: ch.Owner, ScheduleID: ch.ScheduleID,
			Slug: ch.Slug, URL: ch.URL, Fields: ch.Fields}
		results[i] = r
		switch ch.Action {
		case ActionNoop:
			r.Outcome = OutcomeUnchanged
		case ActionInvalid:
			r.Outcome, r.Message = OutcomeInvalid, strings.Join(ch.Reasons, "; ")
		case ActionManual:
			r.Outcome, r.Message = OutcomeManual, strings.Join(ch.Reasons, "; ")
		case ActionError:
			r.Outcome, r.Message = OutcomeFailed, strings.Join(ch.Reasons, "; ")
		case ActionPruneSkip:
			r.Outcome, r.Message = OutcomeSkipped, "not pruned: "+plan.Prune.Reason
		case ActionCreate, ActionUpdate:
			if plan.Prune.Refused {
				r.Outcome, r.Message = OutcomeSkipped, "not applied: the run refused to prune, so it changes nothing"
				continue
			}
			work = append(work, i)
		case ActionPrune:
			prunes = append(prunes, i)
		}
	}

	total := len(work) + len(prunes)
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

	var verify []verifyItem
	var verifyMu gosync.Mutex
	e.parallel(ctx, work, func(i int) {
		ch, r := plan.Changes[i], results[i]
		v := e.applyRow(ctx, ch, r)
		if v != nil {
			verifyMu.Lock()
			verify = append(verify, *v)
			verifyMu.Unlock()
		}
		tick()
	})
	e.verify(ctx, plan, verify)

	if ctx.Err() != nil {
		rep.Cancelled = true
	}
	failed := 0
	for _, i := range work {
		if results[i].Outcome == OutcomeFailed || results[i].Outcome == "" {
			failed++
		}
	}
	switch {
	case len(prunes) == 0:
	case ctx.Err() != nil:
		rep.Prune.Disabled = "the run was cancelled before prune"
	case failed > 0:
		rep.Prune.Disabled = fmt.Sprintf("%d rows failed; prune waits for a clean run", failed)
	}
	if rep.Prune.Disabled != "" {
		for _, i := range prunes {
			results[i].Outcome, results[i].Message = OutcomeSkipped, "not pruned: "+rep.Prune.Disabled
		}
		prunes = nil
	}
	e.parallel(ctx, prunes, func(i int) {
		e.applyPrune(ctx, plan.Changes[i], results[i])
		tick()
	})

	for _, r := range results {
		if r.Outcome == "" {
			r.Outcome, r.Message = OutcomeSkipped, "not applied: the run was cancelled"
		}
		rep.Results = append(rep.Results, *r)
		e.logResult(ctx, r)
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

// parallel runs f for each item on at most Concurrency goroutines and
// stops taking new items once ctx is done.
func (e *Engine) parallel(ctx context.Context, items []int, f func(int)) {
	sem := make(chan struct{}, e.opts.Concurrency)
	var wg gosync.WaitGroup
	for _, i := range items {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(i)
		}()
	}
	wg.Wait()
}

// verifyItem is a page whose stored hosts must be read back.
type verifyItem struct {
	ch      *Change
	r       *Result
	id      string
	created bool
}

func (e *Engine) applyRow(ctx context.Context, ch *Change, r *Result) *verifyItem {
	switch ch.Action {
	case ActionCreate:
		s, err := e.create(ctx, ch)
		if err != nil {
			r.Outcome, r.Message = OutcomeFailed, "creating the page: "+err.Error()
			return nil
		}
		r.Wrote = true
		r.ScheduleID, r.URL, r.Slug = s.ScheduleID, s.SchedulingURL, s.Slug
		return &verifyItem{ch: ch, r: r, id: s.ScheduleID, created: true}
	case ActionUpdate:
		if err := e.zoom.PatchSchedule(ctx, ch.Owner, ch.ScheduleID, ch.patch); err != nil {
			r.Outcome, r.Message = OutcomeFailed, "updating the page: "+err.Error()
			return nil
		}
		r.Wrote = true
		if ch.hostsChanged {
			return &verifyItem{ch: ch, r: r, id: ch.ScheduleID}
		}
		r.Outcome = OutcomeUpdated
	}
	return nil
}

// create makes the row's page. When Zoom's answer is lost, the owner's
// pages are listed and searched for the slug before anything is sent
// again, so a row never gets two pages.
func (e *Engine) create(ctx context.Context, ch *Change) (*zoom.Schedule, error) {
	// Built here, not in the plan: 10,000 planned creates would otherwise
	// hold 10,000 request bodies in memory for the whole run.
	body := createBody(ch.page)
	var lastErr error
	for try := 1; try <= maxCreateTries; try++ {
		s, err := e.zoom.CreateSchedule(ctx, ch.Owner, body)
		if err == nil {
			return s, nil
		}
		if !zoom.IsOutcomeUnknown(err) {
			return nil, err
		}
		lastErr = err
		found, lerr := e.findBySlug(ctx, ch.Owner, body.Slug)
		if lerr != nil {
			return nil, fmt.Errorf("%v; then listing the owner's pages to check failed: %v (the next run will find the page if it was made)", err, lerr)
		}
		if found != nil {
			e.log.Info("create answer was lost; the page exists", "row", ch.Row, "key", ch.Key, "schedule_id", found.ScheduleID)
			return found, nil
		}
		e.log.Info("create answer was lost; the page does not exist, creating again", "row", ch.Row, "key", ch.Key, "try", try)
	}
	return nil, fmt.Errorf("gave up after %d tries: %v", maxCreateTries, lastErr)
}

// findBySlug looks through the owner's listing, stopping at the page.
func (e *Engine) findBySlug(ctx context.Context, owner, slug string) (*zoom.Schedule, error) {
	for s, err := range e.zoom.AllSchedules(ctx, owner, nil) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(s.Slug, slug) {
			return &s, nil
		}
	}
	return nil, nil
}

// verify reads back every created page and every host change and checks
// that Zoom stored an All Hosts Available page with every host. Per owner
// it reads the cheaper way: one GET per page, or one listing when that
// takes fewer calls.
func (e *Engine) verify(ctx context.Context, plan *Plan, items []verifyItem) {
	byOwner := map[string][]verifyItem{}
	for _, it := range items {
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
	e.parallel(ctx, owners, func(i int) {
		o := ownerNames[i]
		its := byOwner[o]
		stored := e.readBack(ctx, o, plan.ownerPages[o], its)
		for _, it := range its {
			s, err := stored(it.id)
			e.judge(ctx, it, s, err)
		}
	})
}

// readBack returns a lookup of the owner's stored pages by id.
func (e *Engine) readBack(ctx context.Context, owner string, listed int, its []verifyItem) func(string) (*zoom.Schedule, error) {
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

// judge decides a verified row's outcome.
func (e *Engine) judge(ctx context.Context, it verifyItem, s *zoom.Schedule, err error) {
	r, hosts := it.r, it.ch.page.Hosts
	if err != nil {
		r.Outcome = OutcomeFailed
		r.Message = fmt.Sprintf("page %s was written but reading it back to verify the hosts failed: %v; the next run checks it again", it.id, err)
		return
	}
	r.URL = s.SchedulingURL
	ok, missing := isAllHosts(s, hosts)
	if ok {
		if it.created {
			r.Outcome = OutcomeCreated
		} else {
			r.Outcome = OutcomeUpdated
		}
		return
	}
	stored := strings.Join(ruleHosts(s), ", ")
	if !it.created {
		r.Outcome = OutcomeManual
		r.Message = fmt.Sprintf("Zoom did not store the host change on page %s (schedule_type=%s, hosts now: %s; missing: %s); its API cannot add hosts to this page. Add them in the Zoom web app, then run again",
			it.id, s.ScheduleType, stored, strings.Join(missing, ", "))
		return
	}
	what := fmt.Sprintf("Zoom accepted the request but stored page %s as schedule_type=%s with hosts %s instead of an All Hosts Available page for %s — its API ignored the multi-host fields.",
		it.id, s.ScheduleType, stored, strings.Join(hosts, ", "))
	r.Outcome = OutcomeFailed
	if e.opts.OnDowngrade == "keep" {
		r.Message = what + " Kept it (sync.on_downgrade: keep): it is bookable as a One to One page until fixed. " + adoptHint
		return
	}
	if derr := e.zoom.DeleteSchedule(ctx, it.ch.Owner, it.id); derr != nil && !zoom.IsNotFound(derr) {
		r.Message = what + fmt.Sprintf(" Deleting it failed (%v): delete it by hand so nobody books it. ", derr) + adoptHint
		return
	}
	r.ScheduleID, r.URL = "", ""
	r.Message = what + " Deleted it so that no wrong page stays bookable. " + adoptHint
}

func (e *Engine) applyPrune(ctx context.Context, ch *Change, r *Result) {
	var err error
	if ch.PruneMode == "deactivate" {
		err = e.zoom.PatchSchedule(ctx, ch.Owner, ch.ScheduleID, &zoom.SchedulePatch{Active: ptr(false)})
		r.Outcome = OutcomeDeactivated
	} else {
		err = e.zoom.DeleteSchedule(ctx, ch.Owner, ch.ScheduleID)
		if zoom.IsNotFound(err) {
			err = nil // already gone
		}
		r.Outcome = OutcomeDeleted
	}
	if err != nil {
		r.Outcome, r.Message = OutcomeFailed, fmt.Sprintf("pruning page %s: %v", ch.ScheduleID, err)
		return
	}
	r.Wrote = true
	r.Message = "its row is gone from the sheet"
}

func (e *Engine) logResult(ctx context.Context, r *Result) {
	level := slog.LevelInfo
	switch r.Outcome {
	case OutcomeUnchanged:
		level = slog.LevelDebug
	case OutcomeFailed, OutcomeInvalid, OutcomeManual:
		level = slog.LevelWarn
	}
	if !e.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{slog.String("outcome", string(r.Outcome))}
	if r.Row > 0 {
		attrs = append(attrs, slog.Int("row", r.Row), slog.String("key", r.Key))
	}
	if r.ScheduleID != "" {
		attrs = append(attrs, slog.String("schedule_id", r.ScheduleID))
	}
	if r.URL != "" {
		attrs = append(attrs, slog.String("url", r.URL))
	}
	if len(r.Fields) > 0 {
		names := make([]string, len(r.Fields))
		for i, f := range r.Fields {
			names[i] = f.Name
		}
		attrs = append(attrs, slog.String("fields", strings.Join(names, ",")))
	}
	if r.Message != "" {
		attrs = append(attrs, slog.String("detail", r.Message))
	}
	e.log.LogAttrs(ctx, level, resultTitle(r), attrs...)
}

func resultTitle(r *Result) string {
	if r.Row > 0 {
		return fmt.Sprintf("row %d %s: %s", r.Row, r.Key, r.Outcome)
	}
	return fmt.Sprintf("page %s: %s", r.Slug, r.Outcome)
}
