package sync

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
)

// Checking the type of pages the plan keeps.
//
// Zoom's API reads an All Hosts Available page and an Any Host Available
// (round robin) page back alike: schedule_type "multiple" with every host
// in availability_rules. Apply tells them apart around its own creates by
// reading the owner's analytics report before and after. Two kinds of page
// reach a plan without that check:
//
//   - a multi-host page zoomsync made through the API (created_via api, or
//     no web-app availability, and the row's own slug) whose type no run
//     confirmed: a run killed between its create and the report, or a page
//     kept with on_downgrade: keep. Such a page is checked on every run
//     while the account's saved verdict is not "honoured" (unknown, stale,
//     or downgraded): once the verdict is honoured, Zoom was seen making
//     All Hosts Available pages and the check is not repeated.
//   - a web-app page adopted by its slug: checked once, on the run that
//     adopts it (the run whose update first brings it in step).
//
// The check costs one analytics read per owner with such pages. Its
// reasoning is inferred, not documented: the report's last_n_days counts
// all_host_available (A) and any_host_available (N) are taken to count the
// pages the owner holds by type (the emulator's model; see
// docs/zoom-api.md#analytics), so the owner's multi-host pages in the
// listing (T, cancelled ones left out) are A + N. Then:
//
//   - N == 0 or A >= T: every multi-host page of the owner is All Hosts
//     Available.
//   - N >= T: every one is Any Host Available; a page zoomsync made is
//     handled like a downgrade (deleted, or kept as needs-manual, per
//     on_downgrade); a web-app page is never deleted, the row says what it
//     most likely is.
//   - otherwise some are and some are not, and the counts cannot say which:
//     the row says the page may be Any Host Available and asks the admin to
//     check it once in the web app. So it does when the report cannot be
//     read.
//
// Where Zoom's counts cover only pages made within the report's period
// (analyticsSpan) rather than every page held, T overstates what the counts
// cover: then the check errs towards "may be", never towards a claim the
// counts do not carry.

// typeCheck is one page whose type the plan asks the report about.
type typeCheck struct {
	ch    *Change
	cur   *zoom.Schedule
	adopt bool // a web-app page adopted this run; otherwise a page zoomsync made
}

// checkPageTypes reads the analytics report of every owner with pages to
// check (see above) and applies what it shows to their rows. It returns the
// page-level changes it adds (an Any Host Available page zoomsync made, to
// delete), already claimed by their rows.
func (e *Engine) checkPageTypes(ctx context.Context, plan *Plan, idx *index, verdict *Verdict, mode string, claimed map[string]*Change) []*Change {
	byOwner := map[string][]typeCheck{}
	for _, ch := range plan.Changes {
		cur, p := ch.current, ch.page
		if cur == nil || p == nil || ch.Problem() || len(p.Hosts) < 2 || cur.ScheduleType != zoom.ScheduleTypeMultiple {
			continue
		}
		switch {
		case ch.Adopt:
			byOwner[ch.Owner] = append(byOwner[ch.Owner], typeCheck{ch: ch, cur: cur, adopt: true})
		case ch.Match == "slug" && madeByAPI(cur) && strings.EqualFold(cur.Slug, p.Slug) &&
			(verdict == nil || verdict.Result != VerdictHonoured):
			byOwner[ch.Owner] = append(byOwner[ch.Owner], typeCheck{ch: ch, cur: cur})
		}
	}
	var extra []*Change
	for _, o := range sortedKeys(byOwner) {
		checks := byOwner[o]
		total := 0
		if l := idx.listings[o]; l != nil {
			for _, s := range l.pages {
				if s.ScheduleType == zoom.ScheduleTypeMultiple && s.Status != zoom.StatusCancelled {
					total++
				}
			}
		}
		now := e.opts.Now()
		a, err := e.zoom.GetAnalytics(ctx, o, now.Add(-analyticsSpan), now.Add(24*time.Hour))
		if err != nil {
			e.log.Debug("Zoom's analytics report could not be read", "owner", o, "error", err)
		}
		for _, tc := range checks {
			if x := e.applyTypeCheck(plan, tc, a, err, total, mode); x != nil {
				claimed[x.ScheduleID] = tc.ch
				extra = append(extra, x)
			}
		}
	}
	return extra
}

// applyTypeCheck records on the row what the owner's report shows about
// its page; a page zoomsync made that is Any Host Available is handled like
// a downgrade, and the returned change deletes it (on_downgrade: delete).
func (e *Engine) applyTypeCheck(plan *Plan, tc typeCheck, a *zoom.Analytics, err error, total int, mode string) *Change {
	ch, cur := tc.ch, tc.cur
	if err != nil {
		ch.Notes = append(ch.Notes, fmt.Sprintf("Zoom's API does not show whether page %s is an All Hosts Available or an Any Host Available (round robin) page, and Zoom's analytics report could not be read to tell: check it once in the Zoom web app", cur.ScheduleID))
		return nil
	}
	all, anyHost := a.LastNDays.AllHostAvailable, a.LastNDays.AnyHostAvailable
	counts := fmt.Sprintf("Zoom's analytics report counts %d All Hosts Available and %d Any Host Available pages for %s, which holds %d multi-host %s", all, anyHost, ch.Owner, total, plural(total, "page", "pages"))
	switch {
	case anyHost == 0 || all >= total:
		if tc.adopt {
			ch.Notes = append(ch.Notes, fmt.Sprintf("page type: All Hosts Available, inferred from the analytics report (%s)", counts))
		}
		if !tc.adopt && plan.verdict == nil && !e.opts.ForceRecheck && plan.learned == nil {
			plan.learned = &Verdict{Result: VerdictHonoured, FoundAt: e.opts.Now(),
				Detail: fmt.Sprintf("All Hosts Available (page %s that an earlier run created, by the analytics report)", cur.ScheduleID)}
		}
		return nil
	case anyHost < total:
		ch.Notes = append(ch.Notes, fmt.Sprintf("page %s may be an Any Host Available (round robin) page, which offers a slot when any one host is free: %s, and cannot say which; check it once in the Zoom web app", cur.ScheduleID, counts))
		return nil
	case tc.adopt:
		ch.Notes = append(ch.Notes, fmt.Sprintf("page %s, made in the Zoom web app, is most likely an Any Host Available (round robin) page, which offers a slot when any one host is free (inferred: %s, all of them Any Host Available); check it once in the Zoom web app, and if so make an All Hosts Available page in its place with the same link (slug). zoomsync never deletes pages made in the web app", cur.ScheduleID, counts))
		return nil
	}
	// A page zoomsync made, Any Host Available by the counts.
	if mode == CreateProbe && (plan.learned == nil || plan.learned.Result != VerdictDowngraded) {
		plan.learned = &Verdict{Result: VerdictDowngraded, FoundAt: e.opts.Now(),
			Detail: fmt.Sprintf("an Any Host Available page (page %s that an earlier run created, by the analytics report)", cur.ScheduleID)}
	}
	what := fmt.Sprintf("page %s (%s) is an Any Host Available (round robin) page zoomsync created for this row, which offers a slot when any one host is free (inferred: %s, all of them Any Host Available)", cur.ScheduleID, cur.Slug, counts)
	todo := todoFor(ch.page)
	ch.Fields, ch.patch, ch.hostsChanged, ch.Adopt = nil, nil, false, false
	if e.opts.OnDowngrade == "keep" {
		ch.Action, ch.ToDo = ActionNone, todo
		ch.NeedsManual = what + ". It is kept (sync.on_downgrade: keep) and bookable; delete it in Zoom, then " + todo.String()
		return nil
	}
	del := &Change{Action: ActionDelete, Cause: CauseDowngraded, Key: ch.Key, Team: cur.Summary, Owner: ch.Owner,
		ScheduleID: cur.ScheduleID, Slug: cur.Slug, URL: cur.SchedulingURL, current: cur,
		Notes: []string{fmt.Sprintf("an Any Host Available page zoomsync created for row %d (%s); deleted so that nobody books it (sync.on_downgrade: delete)", ch.Row, ch.Key)}}
	ch.Action, ch.ToDo, ch.ScheduleID, ch.URL, ch.current = ActionCreateInWebApp, todo, "", "", nil
	ch.Notes = append(ch.Notes, what+"; it is deleted")
	return del
}
