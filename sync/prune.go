package sync

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zoomsync/zoomsync/sheet"
)

// planPrune lists every page whose slug starts with the prefix, exactly
// (case matters: slugs zoomsync makes and sheet slugs are lower case, so a
// hand-made "Team-Caps" is not a "team-" page), and that no row claims, whether prune is on or not, and decides whether prune may remove
// them. Every guard that says no leaves Zoom untouched (the pages are
// listed with Action none and Cause unclaimed):
//   - prune is off, or the slug prefix is empty (then nothing is listed:
//     no page is known to be managed);
//   - the sheet had no rows, or some row's identity could not be read;
//   - some owner's listing failed (the picture is incomplete);
//   - some row could not be planned;
//   - the candidates are too many (see pruneLimit), unless --force-prune.
//
// Pages of invalid rows are protected by their key, slug and schedule_id.
func (e *Engine) planPrune(plan *Plan, res *sheet.Result, listings map[string]*listing, claimed map[string]*Change) {
	d := &plan.Prune
	prefix := e.opts.SlugPrefix
	if prefix == "" {
		if e.opts.Prune != "off" {
			d.Disabled = "sync.slug_prefix is empty, so no page is known to be managed"
		}
		return
	}

	protectedSlug := map[string]bool{}
	protectedID := map[string]bool{}
	for _, inv := range res.Invalid {
		for _, s := range []string{inv.Slug, inv.Ref.Slug, e.opts.SlugPrefix + inv.Key} {
			if s != "" {
				protectedSlug[strings.ToLower(s)] = true
			}
		}
		if inv.Ref.ID != "" {
			protectedID[strings.ToLower(inv.Ref.ID)] = true
		}
	}
	for _, p := range res.Pages {
		protectedSlug[strings.ToLower(p.Slug)] = true
	}

	owners := make([]string, 0, len(listings))
	for o := range listings {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	var candidates, formerPages []*Change
	for _, o := range owners {
		for i := range listings[o].pages {
			s := &listings[o].pages[i]
			if !managedSlug(s.Slug, prefix) {
				continue
			}
			slug := strings.ToLower(s.Slug)
			if plan.former[o] {
				// The owner has no row now: the page is listed, and prune,
				// whose limits count the sheet owners' pages, leaves it.
				if claimed[s.ScheduleID] == nil && !protectedSlug[slug] && !protectedID[strings.ToLower(s.ScheduleID)] {
					formerPages = append(formerPages, &Change{
						Action: ActionNone, Cause: CauseUnclaimed, Owner: o, ScheduleID: s.ScheduleID, Slug: s.Slug,
						Team: s.Summary, URL: s.SchedulingURL, current: s,
						Notes: []string{"no row claims this page, and its owner has no row in the sheet now (an owner of earlier runs); prune leaves it alone: delete it in Zoom if it should go"},
					})
				}
				continue
			}
			d.Managed++
			id := strings.ToLower(s.ScheduleID)
			if claimed[s.ScheduleID] != nil || protectedID[id] || protectedSlug[slug] {
				continue
			}
			candidates = append(candidates, &Change{
				Action: ActionNone, Cause: CauseUnclaimed, Owner: o, ScheduleID: s.ScheduleID, Slug: s.Slug,
				Team: s.Summary, URL: s.SchedulingURL, current: s,
			})
		}
	}
	d.Candidates = len(candidates)
	plan.Changes = append(plan.Changes, candidates...)
	plan.Changes = append(plan.Changes, formerPages...)

	switch {
	case e.opts.Prune == "off":
		d.Disabled = "prune is off"
	case res.Rows == 0:
		d.Disabled = "the sheet has no rows; an empty sheet never prunes"
	case res.UnreadableKeys > 0:
		d.Disabled = fmt.Sprintf("%d %s no readable key; prune needs every row's identity", res.UnreadableKeys, plural(res.UnreadableKeys, "row has", "rows have"))
	}
	if d.Disabled == "" {
		for _, o := range owners {
			if listings[o].err != nil && !plan.former[o] {
				d.Disabled = fmt.Sprintf("the pages of %s could not be listed", o)
				break
			}
		}
	}
	if d.Disabled == "" {
		for _, c := range plan.Changes {
			if c.Error != "" {
				d.Disabled = "some rows could not be planned; prune waits for a clean run"
				break
			}
		}
	}
	for _, c := range candidates {
		note := "no row claims this page"
		if d.Disabled != "" && e.opts.Prune != "off" {
			note += " (not pruned: " + d.Disabled + ")"
		}
		c.Notes = []string{note}
	}
	if d.Disabled != "" || len(candidates) == 0 {
		return
	}

	over := pruneLimit(len(candidates), d.Managed, e.opts.MaxPrune, e.opts.MaxPrunePercent)
	if over != "" && !e.opts.ForcePrune {
		d.Refused = true
		d.Reason = "refusing to prune: " + over +
			"; nothing will be changed. Check the sheet (was it truncated or filtered?), or run with --force-prune if these pages really should go"
		return
	}
	if over != "" {
		d.Reason = "--force-prune: " + over
	}
	action := ActionDelete
	if e.opts.Prune == "deactivate" {
		action = ActionDeactivate
	}
	for _, c := range candidates {
		if action == ActionDeactivate && !c.current.Active {
			c.Notes = []string{"no row claims this page; already deactivated"}
			continue
		}
		c.Action, c.Cause = action, CausePrune
		c.Notes = []string{fmt.Sprintf("no row claims this page (sync.prune: %s)", e.opts.Prune)}
	}
}

// managedSlug reports whether a page's slug marks it as one zoomsync
// manages: it starts with the prefix exactly. The prefix is lower case
// (config allows only a-z, 0-9 and -) and so is every slug zoomsync makes;
// a page whose slug differs only in case was made by hand.
func managedSlug(slug, prefix string) bool {
	return prefix != "" && strings.HasPrefix(slug, prefix)
}

// pruneLimit says why n candidates out of managed pages are too many to
// prune without --force-prune, or "" when they may go. Prune is refused
// when the candidates exceed both sync.max_prune and
// sync.max_prune_percent of the managed pages, and always when they are
// more than half of the managed pages.
//
// Either limit alone misfires: on a small roster any removal is a large
// share (2 of 14 pages is 14%, over a 10% limit), and on a large one a
// small share is many pages. Requiring both lets ordinary edits through
// while a sheet that was truncated or filtered (most of its rows gone)
// still stops the run.
func pruneLimit(n, managed, maxPrune int, maxPercent float64) string {
	if managed <= 0 {
		return ""
	}
	pct := 100 * float64(n) / float64(managed)
	if 2*n > managed {
		return fmt.Sprintf("%d of the %d managed pages (%.0f%%) is more than half of them", n, managed, pct)
	}
	if n > maxPrune && pct > maxPercent {
		return fmt.Sprintf("%d pages is more than sync.max_prune (%d) and %.0f%% of the %d managed pages is more than sync.max_prune_percent (%g%%)",
			n, maxPrune, pct, managed, maxPercent)
	}
	return ""
}
