package sync

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zoomsync/zoomsync/sheet"
)

// planPrune finds managed pages whose row is gone and decides whether they
// may be pruned. Every guard that says no leaves Zoom untouched:
//   - prune is off, or the slug prefix is empty;
//   - the sheet had no rows, or some row's identity could not be read;
//   - some owner's listing failed (the picture is incomplete);
//   - the candidates exceed max_prune or max_prune_percent of the managed
//     pages, unless --force-prune.
//
// Pages of invalid rows are protected by their key, slug and schedule_id.
func (e *Engine) planPrune(plan *Plan, res *sheet.Result, idx *index, listings map[string]*listing, claimed map[string]*Change) {
	d := &plan.Prune
	prefix := strings.ToLower(e.opts.SlugPrefix)
	switch {
	case e.opts.Prune == "off":
		d.Disabled = "prune is off"
		return
	case prefix == "":
		d.Disabled = "sync.slug_prefix is empty, so no page is known to be managed"
		return
	case res.Rows == 0:
		d.Disabled = "the sheet has no rows; an empty sheet never prunes"
		return
	case res.UnreadableKeys > 0:
		d.Disabled = fmt.Sprintf("%d rows have no readable key; prune needs every row's identity", res.UnreadableKeys)
		return
	}
	for _, l := range listings {
		if l.err != nil {
			d.Disabled = fmt.Sprintf("the pages of %s could not be listed", l.owner)
			return
		}
	}
	for _, c := range plan.Changes {
		if c.Action == ActionError {
			d.Disabled = "some rows could not be planned; prune waits for a clean run"
			return
		}
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
	var candidates []*Change
	for _, o := range owners {
		for i := range listings[o].pages {
			s := &listings[o].pages[i]
			slug := strings.ToLower(s.Slug)
			if !strings.HasPrefix(slug, prefix) {
				continue
			}
			d.Managed++
			id := strings.ToLower(s.ScheduleID)
			if claimed[s.ScheduleID] != nil || protectedID[id] || protectedSlug[slug] {
				continue
			}
			if e.opts.Prune == "deactivate" && !s.Active {
				continue // already done
			}
			candidates = append(candidates, &Change{
				Action: ActionPrune, Owner: o, ScheduleID: s.ScheduleID, Slug: s.Slug,
				Team: s.Summary, URL: s.SchedulingURL, PruneMode: e.opts.Prune, current: s,
			})
		}
	}
	d.Candidates = len(candidates)
	if len(candidates) == 0 {
		return
	}
	pct := 100 * float64(len(candidates)) / float64(d.Managed)
	var over []string
	if len(candidates) > e.opts.MaxPrune {
		over = append(over, fmt.Sprintf("%d pages is more than sync.max_prune (%d)", len(candidates), e.opts.MaxPrune))
	}
	if pct > e.opts.MaxPrunePercent {
		over = append(over, fmt.Sprintf("%.0f%% of the %d managed pages is more than sync.max_prune_percent (%g%%)", pct, d.Managed, e.opts.MaxPrunePercent))
	}
	if len(over) > 0 && !e.opts.ForcePrune {
		d.Refused = true
		d.Reason = "refusing to prune: " + strings.Join(over, " and ") +
			"; nothing was changed. Check the sheet (was it truncated or filtered?), or run with --force-prune if these pages really should go"
		for _, c := range candidates {
			c.Action = ActionPruneSkip
		}
	} else if len(over) > 0 {
		d.Reason = "--force-prune: " + strings.Join(over, " and ")
	}
	plan.Changes = append(plan.Changes, candidates...)
}
