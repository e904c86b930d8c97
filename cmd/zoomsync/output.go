package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	zsync "github.com/zoomsync/zoomsync/sync"
)

var actionMarks = map[zsync.Action]string{
	zsync.ActionCreate:    "+ create",
	zsync.ActionUpdate:    "~ update",
	zsync.ActionInvalid:   "! invalid",
	zsync.ActionManual:    "? needs-manual",
	zsync.ActionError:     "! error",
	zsync.ActionPrune:     "- prune",
	zsync.ActionPruneSkip: "x prune refused",
}

// printPlan writes the human plan: one line per row that is not unchanged,
// the changed fields under updates, then the prune decision and a summary.
func printPlan(w io.Writer, source string, plan *zsync.Plan) {
	fmt.Fprintf(w, "Plan for %s: %d rows, %d owners, %d pages in Zoom\n\n", source, plan.Rows, plan.Owners, plan.Pages)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	shown := 0
	for _, c := range plan.Changes {
		mark, ok := actionMarks[c.Action]
		if !ok {
			continue
		}
		shown++
		where := fmt.Sprintf("row %d", c.Row)
		if c.Row == 0 {
			where = "page"
		}
		name := c.Key
		if name == "" {
			name = c.Slug
		}
		detail := c.Team
		switch c.Action {
		case zsync.ActionCreate:
			detail = fmt.Sprintf("%q owner %s, slug %s", c.Team, c.Owner, c.Slug)
		case zsync.ActionUpdate:
			detail = fmt.Sprintf("%s (%s)", c.ScheduleID, c.Match)
		case zsync.ActionPrune, zsync.ActionPruneSkip:
			detail = fmt.Sprintf("%s %q owner %s (%s)", c.ScheduleID, c.Team, c.Owner, c.PruneMode)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", mark, where, name, detail)
		for _, f := range c.Fields {
			fmt.Fprintf(tw, "  \t\t\t    %s: %s → %s\n", f.Name, short(f.Before), short(f.After))
		}
		for _, r := range c.Reasons {
			fmt.Fprintf(tw, "  \t\t\t    %s\n", r)
		}
	}
	tw.Flush()
	if shown == 0 {
		fmt.Fprintln(w, "  No changes: Zoom matches the sheet.")
	}
	fmt.Fprintln(w)
	switch p := plan.Prune; {
	case p.Refused:
		fmt.Fprintf(w, "Prune: %s\n", p.Reason)
	case p.Disabled != "" && p.Mode != "off":
		fmt.Fprintf(w, "Prune (%s): not this run — %s\n", p.Mode, p.Disabled)
	case p.Mode != "off":
		fmt.Fprintf(w, "Prune (%s): %d of %d managed pages\n", p.Mode, p.Candidates, p.Managed)
	}
	parts := []string{
		fmt.Sprintf("%d to create", plan.Count(zsync.ActionCreate)),
		fmt.Sprintf("%d to update", plan.Count(zsync.ActionUpdate)),
		fmt.Sprintf("%d unchanged", plan.Count(zsync.ActionNoop)),
	}
	for _, a := range []zsync.Action{zsync.ActionInvalid, zsync.ActionManual, zsync.ActionError, zsync.ActionPrune} {
		if n := plan.Count(a); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a))
		}
	}
	fmt.Fprintf(w, "Plan: %s.\n", strings.Join(parts, ", "))
}

// short keeps long field values (descriptions) to one readable line.
func short(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if s == "" {
		return `""`
	}
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}
