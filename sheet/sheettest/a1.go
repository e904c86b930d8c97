package sheettest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// This file is a second, independent A1 parser: the fake must not share
// code (and so bugs) with the client it tests.

// ref is a parsed A1 range. Col values are 0-based, rows 1-based; -1 / 0
// mean "open" (A:Z has no rows, 3:10 no columns, A2:C no end row).
type ref struct {
	sheet      string
	hasSheet   bool
	c1, r1     int
	c2, r2     int
	hasCells   bool
	hasEnd     bool
	wholeSheet bool
}

var cellRE = regexp.MustCompile(`^\$?([A-Za-z]{0,3})\$?([0-9]{0,7})$`)

func parseRef(s string) (ref, error) {
	var r ref
	cells := ""
	switch {
	case strings.HasPrefix(s, "'"):
		var b strings.Builder
		i := 1
		closed := false
		for ; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					b.WriteByte('\'')
					i++
					continue
				}
				closed = true
				break
			}
			b.WriteByte(s[i])
		}
		if !closed {
			return r, fmt.Errorf("unterminated quote")
		}
		r.sheet, r.hasSheet = b.String(), true
		rest := s[i+1:]
		if rest == "" {
			r.wholeSheet = true
			return r, nil
		}
		if !strings.HasPrefix(rest, "!") {
			return r, fmt.Errorf("junk after quoted name")
		}
		cells = rest[1:]
	case strings.Contains(s, "!"):
		i := strings.LastIndex(s, "!")
		r.sheet, r.hasSheet = s[:i], true
		cells = s[i+1:]
	default:
		cells = s
	}
	if cells == "" {
		if r.hasSheet {
			return r, fmt.Errorf("empty cell part")
		}
		return r, fmt.Errorf("empty range")
	}
	a, b, hasB := strings.Cut(cells, ":")
	c1, r1, err := parseCellRef(a)
	if err != nil {
		if !r.hasSheet && !hasB {
			// Not a cell: a bare tab name.
			r.sheet, r.hasSheet, r.wholeSheet = s, true, true
			return r, nil
		}
		return r, err
	}
	r.c1, r.r1, r.hasCells = c1, r1, true
	r.c2, r.r2 = c1, r1
	if hasB {
		c2, r2, err := parseCellRef(b)
		if err != nil {
			if !r.hasSheet {
				r.sheet, r.hasSheet, r.wholeSheet, r.hasCells = s, true, true, false
				return r, nil
			}
			return r, err
		}
		r.c2, r.r2, r.hasEnd = c2, r2, true
	}
	// Shapes Google accepts: A1, A1:B2, A:B, 1:2, A1:B (open end row),
	// A:B2 is not meaningful but we keep it simple and reject mixed starts.
	if (r.c1 < 0) != (r.c2 < 0) {
		return r, fmt.Errorf("mixed column/row range")
	}
	return r, nil
}

func parseCellRef(s string) (col, row int, err error) {
	m := cellRE.FindStringSubmatch(s)
	if m == nil || (m[1] == "" && m[2] == "") {
		return 0, 0, fmt.Errorf("bad cell %q", s)
	}
	col = -1
	if m[1] != "" {
		col = 0
		for _, c := range strings.ToUpper(m[1]) {
			col = col*26 + int(c-'A'+1)
		}
		col--
	}
	if m[2] != "" {
		row, _ = strconv.Atoi(m[2])
		if row < 1 {
			return 0, 0, fmt.Errorf("row 0")
		}
	}
	return col, row, nil
}

func colName(i int) string {
	s := ""
	for i >= 0 {
		s = string(rune('A'+i%26)) + s
		i = i/26 - 1
	}
	return s
}

var plainTitle = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var cellishTitle = regexp.MustCompile(`^(?i:[a-z]{1,3}[0-9]+|r[0-9]*c[0-9]*)$`)

// quote writes a tab title the way Google does in returned ranges.
func quote(title string) string {
	if plainTitle.MatchString(title) && !cellishTitle.MatchString(title) {
		return title
	}
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}
