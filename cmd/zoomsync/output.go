package main

import (
	"fmt"
	"io"
	"strings"

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
// the changed fields and reasons indented under it, then the prune decision
// and a summary.
func printPlan(w io.Writer, source string, plan *zsync.Plan) {
	fmt.Fprintf(w, "Plan for %s: %d rows, %d owners, %d pages in Zoom\n\n", source, plan.Rows, plan.Owners, plan.Pages)
	type line struct {
		mark, where, name, detail string
		notes                     []string
	}
	var lines []line
	widths := [3]int{}
	for _, c := range plan.Changes {
		mark, ok := actionMarks[c.Action]
		if !ok {
			continue
		}
		l := line{mark: mark, where: fmt.Sprintf("row %d", c.Row), name: c.Key}
		if c.Row == 0 {
			l.where = "page"
		}
		if l.name == "" {
			l.name = c.Slug
		}
		switch c.Action {
		case zsync.ActionCreate:
			l.detail = fmt.Sprintf("%q owner %s, slug %s", c.Team, c.Owner, c.Slug)
		case zsync.ActionUpdate:
			l.detail = fmt.Sprintf("%s (matched by %s)", c.ScheduleID, c.Match)
		case zsync.ActionPrune, zsync.ActionPruneSkip:
			l.detail = fmt.Sprintf("%s %q owner %s (%s)", c.ScheduleID, c.Team, c.Owner, c.PruneMode)
		}
		for _, f := range c.Fields {
			l.notes = append(l.notes, fmt.Sprintf("%s: %s → %s", f.Name, short(f.Before), short(f.After)))
		}
		l.notes = append(l.notes, c.Reasons...)
		for i, v := range []string{l.mark, l.where, l.name} {
			widths[i] = max(widths[i], len([]rune(v)))
		}
		lines = append(lines, l)
	}
	for _, l := range lines {
		row := fmt.Sprintf("  %-*s  %-*s  %-*s  %s", widths[0], l.mark, widths[1], l.where, widths[2], l.name, l.detail)
		fmt.Fprintln(w, strings.TrimRight(row, " "))
		for _, n := range l.notes {
			fmt.Fprintf(w, "      %s\n", n)
		}
	}
	if len(lines) == 0 {
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
