package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	zsync "github.com/zoomsync/zoomsync/sync"
)

// planMark is the left column of a plan line; "" hides the change (a row
// that is already in step).
func planMark(c *zsync.Change) string {
	switch {
	case c.Error != "":
		return "! error"
	case len(c.Invalid) > 0:
		return "! invalid"
	case c.NeedsManual != "":
		return "? needs-manual"
	case c.Held != "":
		return "x held (" + string(c.Held) + ")"
	case c.Action == zsync.ActionUpdate && c.Adopt:
		return "~ adopt"
	case c.Action == zsync.ActionNone && c.Cause != "":
		return "· " + c.Cause
	case c.Action == zsync.ActionNone:
		if len(c.Notes) > 0 {
			return "· note"
		}
		return ""
	}
	return map[zsync.Action]string{
		zsync.ActionCreate:         "+ create",
		zsync.ActionUpdate:         "~ update",
		zsync.ActionCreateInWebApp: "> create in web app",
		zsync.ActionDelete:         "- delete",
		zsync.ActionDeactivate:     "- deactivate",
	}[c.Action]
}

// printPlan writes the human plan: one line per row that is not unchanged,
// the changed fields and reasons indented under it, then the plan's
// warnings (each once), the prune decision and a summary.
func printPlan(w io.Writer, source string, plan *zsync.Plan) {
	fmt.Fprintf(w, "Plan for %s: %s, %s, %s in Zoom\n\n", source, plural(plan.Rows, "row"), plural(plan.Owners, "owner"), plural(plan.Pages, "page"))
	type line struct {
		mark, where, name, detail string
		notes                     []string
	}
	var lines []line
	widths := [3]int{}
	for _, c := range plan.Changes {
		mark := planMark(c)
		if mark == "" {
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
		case zsync.ActionCreateInWebApp:
			l.detail = fmt.Sprintf("%q owner %s, slug %s", c.Team, c.Owner, c.Slug)
		}
		if c.Row == 0 {
			l.detail = fmt.Sprintf("%s %q owner %s", c.ScheduleID, c.Team, c.Owner)
		}
		for _, f := range c.DisplayFields() {
			l.notes = append(l.notes, fieldLines(c.Action, f)...)
		}
		if c.ToDo != nil {
			l.notes = append(l.notes, c.ToDo.String())
		}
		l.notes = append(l.notes, c.Reasons()...)
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
	if len(plan.Warnings) > 0 {
		fmt.Fprintln(w, "Warnings:")
		for _, s := range plan.Warnings {
			fmt.Fprintf(w, "  ! %s\n", s)
		}
		fmt.Fprintln(w)
	}
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
	}
	if n := plan.Count(zsync.ActionCreateInWebApp); n > 0 {
		parts = append(parts, fmt.Sprintf("%d to create in the web app", n))
	}
	for _, a := range []zsync.Action{zsync.ActionDelete, zsync.ActionDeactivate} {
		if n := plan.Count(a); n > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", n, a))
		}
	}
	unchanged := 0
	for _, c := range plan.Changes {
		if c.Row > 0 && c.Action == zsync.ActionNone && !c.Problem() && c.Held == "" {
			unchanged++
		}
	}
	parts = append(parts, fmt.Sprintf("%d unchanged", unchanged))
	invalid, manual, errs := plan.Problems()
	for _, p := range []struct {
		n    int
		what string
	}{{invalid, "invalid"}, {manual, "needs-manual"}, {errs, "error"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	if plan.Prune.Refused {
		parts = []string{"nothing will change (the prune was refused)"}
	}
	fmt.Fprintf(w, "Plan: %s.\n", strings.Join(parts, ", "))
}

// longValue is the length past which a change's two sides go on lines of
// their own rather than around an arrow.
const longValue = 50

// fieldLines shows one field of a change, by the sheet's column name. A
// create shows the value it sets. Hosts show as a set difference and weekly
// hours day by day; other values in full, never cut, so that the two sides
// of a change never read the same.
func fieldLines(a zsync.Action, f zsync.FieldChange) []string {
	if a == zsync.ActionCreate || a == zsync.ActionCreateInWebApp {
		return []string{fmt.Sprintf("%s: %s", f.Column, value(f.After))}
	}
	switch {
	case len(f.Added) > 0 || len(f.Removed) > 0:
		out := []string{f.Column + ":"}
		for _, h := range f.Added {
			out = append(out, "  + "+h)
		}
		for _, h := range f.Removed {
			out = append(out, "  - "+h)
		}
		return out
	case len(f.Days) > 0:
		out := []string{f.Column + ":"}
		for _, d := range f.Days {
			out = append(out, fmt.Sprintf("  %s: %s → %s", dayName(d.Day), orNone(d.Before), orNone(d.After)))
		}
		return out
	case len([]rune(f.Before)) > longValue || len([]rune(f.After)) > longValue || strings.Contains(f.Before+f.After, "\n"):
		return []string{f.Column + ":", "  - " + value(f.Before), "  + " + value(f.After)}
	}
	return []string{fmt.Sprintf("%s: %s → %s", f.Column, value(f.Before), value(f.After))}
}

// value shows a field value whole on one line: line breaks as \n, and
// quoted when empty or when spaces at its ends would not show.
func value(s string) string {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\n\r\t") {
		return strconv.Quote(s)
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// dayName is "Mon" for "mon", as the sheet writes days.
func dayName(d string) string {
	if d == "" {
		return d
	}
	return strings.ToUpper(d[:1]) + d[1:]
}
