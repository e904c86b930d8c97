package sheet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// cellRef is one end of an A1 range. Col is 0-based (-1 when the reference
// names only rows, as in "3:10"); Row is 1-based (0 when it names only
// columns, as in "A:Z").
type cellRef struct{ Col, Row int }

// a1Range is a parsed A1 range such as 'My Teams'!A1:Z1000.
type a1Range struct {
	Sheet      string // "" when the range names no tab
	HasSheet   bool
	Start, End cellRef
	HasEnd     bool
	WholeSheet bool // only a tab name was given
}

var reCell = regexp.MustCompile(`^\$?([A-Za-z]{0,3})\$?([0-9]{0,7})$`)

// parseA1 parses A1 notation: Sheet1!A1:Z, 'My Teams'!B3:F, A:Z, Teams
// (a whole tab: any text that is not a cell reference) and quoted names, in
// which a quote is written twice.
func parseA1(s string) (a1Range, error) {
	var r a1Range
	cells := s
	if strings.HasPrefix(s, "'") {
		name, rest, err := unquoteSheet(s)
		if err != nil {
			return r, err
		}
		r.Sheet, r.HasSheet = name, true
		switch {
		case rest == "":
			r.WholeSheet = true
			return r, nil
		case strings.HasPrefix(rest, "!"):
			cells = rest[1:]
		default:
			return r, fmt.Errorf("unexpected %q after the quoted tab name", rest)
		}
	} else if i := strings.LastIndex(s, "!"); i >= 0 {
		r.Sheet, r.HasSheet = s[:i], true
		cells = s[i+1:]
	} else if !looksLikeCells(s) {
		r.Sheet, r.HasSheet, r.WholeSheet = s, true, true
		return r, nil
	}
	from, to, hasTo := strings.Cut(cells, ":")
	start, err := parseCell(from)
	if err != nil {
		return r, err
	}
	r.Start = start
	if hasTo {
		end, err := parseCell(to)
		if err != nil {
			return r, err
		}
		r.End, r.HasEnd = end, true
	}
	return r, nil
}

// looksLikeCells reports whether s (with no "!") is a cell range rather than
// a tab name.
func looksLikeCells(s string) bool {
	from, to, hasTo := strings.Cut(s, ":")
	if _, err := parseCell(from); err != nil {
		return false
	}
	if hasTo {
		if _, err := parseCell(to); err != nil {
			return false
		}
	}
	return true
}

func parseCell(s string) (cellRef, error) {
	m := reCell.FindStringSubmatch(s)
	if m == nil || (m[1] == "" && m[2] == "") {
		return cellRef{}, fmt.Errorf("%q is not a cell reference like A1", s)
	}
	c := cellRef{Col: -1}
	if m[1] != "" {
		c.Col = columnIndex(m[1])
	}
	if m[2] != "" {
		n, _ := strconv.Atoi(m[2])
		if n < 1 {
			return cellRef{}, fmt.Errorf("%q: rows start at 1", s)
		}
		c.Row = n
	}
	return c, nil
}

// unquoteSheet reads a quoted tab name at the start of s and returns it with
// the rest of s.
func unquoteSheet(s string) (name, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), s[i+1:], nil
	}
	return "", "", fmt.Errorf("the tab name in %q has no closing quote", s)
}

var (
	rePlainSheet = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reCellLike   = regexp.MustCompile(`^(?i:[a-z]{1,3}[0-9]+|r[0-9]*c[0-9]*)$`)
)

// quoteSheet writes a tab name for use in a range, quoting it when it holds
// anything but letters, digits and '_' or could be read as a cell.
func quoteSheet(title string) string {
	if rePlainSheet.MatchString(title) && !reCellLike.MatchString(title) {
		return title
	}
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// columnLetters turns a 0-based column index into letters: 0 → A, 26 → AA.
func columnLetters(i int) string {
	var b []byte
	for i >= 0 {
		b = append([]byte{byte('A' + i%26)}, b...)
		i = i/26 - 1
	}
	return string(b)
}

// columnIndex turns column letters into a 0-based index: A → 0, AA → 26.
func columnIndex(letters string) int {
	n := 0
	for _, c := range strings.ToUpper(letters) {
		n = n*26 + int(c-'A'+1)
	}
	return n - 1
}

// cellName is the A1 name of a cell, e.g. "F7".
func cellName(col, row int) string { return columnLetters(col) + strconv.Itoa(row) }
