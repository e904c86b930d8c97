package sheet

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/zoomsync/zoomsync/internal/suggest"
)

// HeaderError is a header row zoomsync cannot work with: a required column
// missing, or two cells naming the same column. It is found before any row
// is read, and lists every problem.
type HeaderError struct {
	Row      int      // sheet row of the header
	Problems []string // each a complete sentence with its fix
}

func (e *HeaderError) Error() string {
	where := "the header row"
	if e.Row > 0 {
		where = fmt.Sprintf("the header row (row %d)", e.Row)
	}
	if len(e.Problems) == 1 {
		return where + ": " + e.Problems[0]
	}
	return fmt.Sprintf("%s has %d problems: %s", where, len(e.Problems), strings.Join(e.Problems, "; "))
}

// HeaderMap says which cell of the header row holds which column.
type HeaderMap struct {
	Header   []string // the header cells as read
	Warnings []string // e.g. one line listing the columns zoomsync ignores

	cols     map[string]int // column name → header index
	wb       map[string]int // write-back kind → header index
	firstCol int
}

// NewHeaderMap matches header cells to columns with NormalizeHeader
// (so "Time zone", "time_zone" and "TimeZone" are all timezone). aliases maps
// a column name to another header text for it (config `columns:`); an alias
// takes precedence over a column's own name. The write-back headers in wb are
// recognised too, and wb.ScheduleID also reads as the schedule_id column.
// Missing required columns (team, hosts) and duplicates are a *HeaderError
// listing every problem; unknown columns give one warning; empty header
// cells are ignored.
func NewHeaderMap(header []string, aliases map[string]string, wb WritebackColumns) (*HeaderMap, error) {
	return newHeaderMap(header, aliases, wb, 0)
}

func newHeaderMap(header []string, aliases map[string]string, wb WritebackColumns, firstCol int) (*HeaderMap, error) {
	h := &HeaderMap{Header: header, cols: map[string]int{}, wb: map[string]int{}, firstCol: firstCol}

	colByNorm := map[string]string{}
	for _, c := range columns {
		colByNorm[NormalizeHeader(c)] = c
	}
	// wb.ScheduleID names the column write-back fills, and the column a row
	// reads its schedule id from: the same cell.
	if n := NormalizeHeader(wb.ScheduleID); n != "" {
		if _, taken := colByNorm[n]; !taken {
			colByNorm[n] = ColScheduleID
		}
	}
	aliasNames := make([]string, 0, len(aliases))
	for name := range aliases {
		aliasNames = append(aliasNames, name)
	}
	sort.Strings(aliasNames)
	for _, name := range aliasNames {
		if !IsColumn(name) {
			continue // config validation reports it
		}
		if n := NormalizeHeader(aliases[name]); n != "" {
			colByNorm[n] = name
		}
	}
	wbByNorm := map[string]string{}
	for kind, text := range wb.byKind() {
		if n := NormalizeHeader(text); n != "" {
			wbByNorm[n] = kind
		}
	}

	var problems []string
	colCells := map[string][]int{}
	wbCells := map[string][]int{}
	var unknown []int
	for i, cell := range header {
		n := NormalizeHeader(cell)
		if n == "" {
			continue
		}
		col, isCol := colByNorm[n]
		kind, isWB := wbByNorm[n]
		if isCol {
			colCells[col] = append(colCells[col], i)
		}
		if isWB {
			if isCol && !(kind == WBScheduleID && col == ColScheduleID) {
				// Writing status or a URL into an input column would destroy
				// the admin's data: refuse the mapping outright.
				problems = append(problems, fmt.Sprintf(
					"%s is both the %s column and the write-back %s column; give writeback.columns.%s a header text of its own",
					h.cellLabel(i), col, kind, kind))
				continue
			}
			wbCells[kind] = append(wbCells[kind], i)
		}
		if !isCol && !isWB {
			unknown = append(unknown, i)
		}
	}
	for _, c := range columns {
		if cells := colCells[c]; len(cells) > 0 {
			h.cols[c] = cells[0]
			if len(cells) > 1 {
				problems = append(problems, fmt.Sprintf("%s all name the %s column: delete or rename all but one", h.cellList(cells), c))
			}
		}
	}
	for _, kind := range []string{WBScheduleID, WBBookingURL, WBStatus, WBSyncedAt} {
		if cells := wbCells[kind]; len(cells) > 0 {
			h.wb[kind] = cells[0]
			if len(cells) > 1 && !sameCells(cells, colCells[ColScheduleID]) {
				problems = append(problems, fmt.Sprintf("%s all name the write-back %s column: delete or rename all but one", h.cellList(cells), kind))
			}
		}
	}
	for _, req := range []string{ColTeam, ColHosts} {
		if _, ok := h.cols[req]; ok {
			continue
		}
		msg := fmt.Sprintf("there is no %s column: add a header cell %q", req, req)
		if alias := aliases[req]; alias != "" {
			msg = fmt.Sprintf("there is no %s column: config columns.%s says its header is %q, and no header cell matches", req, req, alias)
		}
		for _, i := range unknown {
			if suggest.Closest(NormalizeHeader(header[i]), []string{NormalizeHeader(req)}) != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", h.cellLabel(i))
				break
			}
		}
		if aliases[req] == "" {
			msg += fmt.Sprintf(", or map your own header to it in the config (columns: {%s: \"Your header\"})", req)
		}
		problems = append(problems, msg)
	}
	if len(problems) > 0 {
		return nil, &HeaderError{Problems: problems}
	}
	if len(unknown) > 0 {
		names := make([]string, len(unknown))
		for i, idx := range unknown {
			names[i] = h.cellLabel(idx)
			if s := suggest.Closest(NormalizeHeader(header[idx]), normalizedColumns()); s != "" {
				names[i] += fmt.Sprintf(" (did you mean %s?)", columnByNorm(s))
			}
		}
		h.Warnings = append(h.Warnings, fmt.Sprintf("ignoring %d column(s) zoomsync does not use: %s", len(unknown), strings.Join(names, ", ")))
	}
	return h, nil
}

// column returns the header index of a column (a columns name).
func (h *HeaderMap) column(name string) (int, bool) {
	i, ok := h.cols[name]
	return i, ok
}

// Writeback returns the header index of a write-back column (WBStatus, ...).
func (h *HeaderMap) Writeback(kind string) (int, bool) {
	i, ok := h.wb[kind]
	return i, ok
}

// display is the name a message uses for a column: its header text as the
// sheet shows it, or the column's own name when the sheet lacks it.
func (h *HeaderMap) display(name string) string {
	if i, ok := h.cols[name]; ok {
		if t := strings.TrimSpace(h.Header[i]); t != "" {
			return t
		}
	}
	return name
}

// isInput reports whether header index i is a column rows are read from.
func (h *HeaderMap) isInput(i int) bool {
	for _, idx := range h.cols {
		if idx == i {
			return true
		}
	}
	return false
}

// cellLabel names header cell i for messages: "Region" (F).
func (h *HeaderMap) cellLabel(i int) string {
	return fmt.Sprintf("%q (%s)", strings.TrimSpace(h.Header[i]), columnLetters(h.firstCol+i))
}

// cellName names header cell i for a message about a data cell: "Notes"
// (E), or just the letter when the header cell is empty.
func (h *HeaderMap) cellName(i int) string {
	if i < len(h.Header) && strings.TrimSpace(h.Header[i]) != "" {
		return h.cellLabel(i)
	}
	return columnLetters(h.firstCol + i)
}

func (h *HeaderMap) cellList(idx []int) string {
	parts := make([]string, len(idx))
	for i, x := range idx {
		parts[i] = h.cellLabel(x)
	}
	return strings.Join(parts, " and ")
}

func sameCells(a, b []int) bool { return slices.Equal(a, b) }

func normalizedColumns() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = NormalizeHeader(c)
	}
	return out
}

func columnByNorm(n string) string {
	for _, c := range columns {
		if NormalizeHeader(c) == n {
			return c
		}
	}
	return n
}
