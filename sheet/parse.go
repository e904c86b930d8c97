package sheet

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Zoom's limits on the fields a row sets.
const (
	maxTeam        = 256
	maxDescription = 8192
	maxLocation    = 1024
	minHosts       = 2
	maxHosts       = 30
	minDuration    = 15
	maxDuration    = 1440
	minSlug        = 3
)

// ParseOptions are the config settings that shape parsing.
type ParseOptions struct {
	Aliases    map[string]string // config columns: column name → header text
	Defaults   Defaults          // fill blank duration, timezone and availability cells
	SlugPrefix string            // sync.slug_prefix, prepended to derived slugs
	Writeback  WritebackColumns  // write-back headers, recognised and not reported as unknown
}

// Result is what Parse made of a table.
type Result struct {
	Pages    []Page       // valid rows, in sheet order
	Invalid  []InvalidRow // invalid rows, in sheet order
	Warnings []string     // problems that did not invalidate a row
	Rows     int          // non-blank data rows (len(Pages)+len(Invalid))
	// UnreadableKeys counts invalid rows whose key could not be determined
	// at all. When it is not zero the engine must not prune: one of those
	// rows may be the row of a page that looks orphaned.
	UnreadableKeys int
}

// Page is the booking page one valid row asks for.
type Page struct {
	Row              int    // sheet row number
	Key              string // stable identity: the key cell or the team, slugified
	Team             string // page title
	Hosts            []string
	Owner            string // the host whose account owns the page; one of Hosts
	Duration         int    // minutes
	TimeZone         string // IANA name
	Availability     Weekly
	AvailabilityText string  // Availability in canonical form
	Description      *string // nil: blank cell, not managed
	Location         *string // nil: blank cell, not managed
	Slug             string
	SlugSet          bool // the slug cell was filled in (not derived from the key)
	Active           bool
	// Optional numbers; nil means the cell is blank and the field is not
	// managed (whatever Zoom has stays).
	BufferBefore, BufferAfter, MinNotice, Increment, DailyLimit *int
	Ref                                                         ScheduleRef // from the schedule_id cell
}

// InvalidRow is a row that cannot become a page. Key, Slug, Ref and Owner
// are filled in whenever they could be read, so the engine can still
// protect the row's page from pruning and write its status back.
type InvalidRow struct {
	Row      int
	Key      string
	Slug     string
	Ref      ScheduleRef
	Owner    string
	Problems []Problem
}

// Problem is one thing wrong with one cell.
type Problem struct {
	Column  string // the column's header as the sheet shows it
	Message string // what is wrong
	Hint    string // how to fix it
}

func (p Problem) String() string {
	s := fmt.Sprintf("column %q: %s", p.Column, p.Message)
	if p.Hint != "" {
		s += " — " + p.Hint
	}
	return s
}

// String is a one-line report: `row 7: column "hosts": only 1 host
// (a@x.com); an All Hosts Available page needs 2 to 30 — add hosts
// separated by commas`. Several problems are joined with "; ".
func (r InvalidRow) String() string {
	parts := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("row %d: %s", r.Row, strings.Join(parts, "; "))
}

// Parse turns a table into desired pages. Every problem of a row is
// collected; valid rows are kept whatever happens to other rows. The error
// is a *HeaderError when the header cannot be used (nothing is parsed
// then), or a *DefaultsError when the defaults are bad.
func Parse(t *Table, opts ParseOptions) (*Result, error) {
	defAvail, err := checkDefaults(opts.Defaults)
	if err != nil {
		return nil, err
	}
	hm, err := newHeaderMap(t.Header, opts.Aliases, opts.Writeback, t.FirstCol)
	if err != nil {
		var he *HeaderError
		if errors.As(err, &he) {
			he.Row = t.HeaderRow
		}
		return nil, err
	}
	p := &rowParser{hm: hm, opts: opts, defAvail: defAvail, defAvailText: defAvail.String()}
	p.skipForBlank = make([]bool, len(t.Header))
	for _, kind := range []string{WBBookingURL, WBStatus, WBSyncedAt} {
		if i, ok := hm.Writeback(kind); ok && !hm.isInput(i) {
			p.skipForBlank[i] = true
		}
	}

	res := &Result{Warnings: slices.Clone(hm.Warnings)}
	rows := make([]*parsedRow, 0, len(t.Rows))
	var orphanRows []int // rows with values under no header
	for i, cells := range t.Rows {
		rowNum := t.RowNums[i]
		if p.blank(cells) {
			continue
		}
		res.Rows++
		if p.orphanValues(cells) {
			orphanRows = append(orphanRows, rowNum)
		}
		rows = append(rows, p.row(rowNum, cells))
	}
	markDuplicates(rows)

	res.Pages = make([]Page, 0, len(rows))
	for _, r := range rows {
		if len(r.problems) == 0 {
			res.Pages = append(res.Pages, r.page)
			continue
		}
		pg := r.page
		res.Invalid = append(res.Invalid, InvalidRow{Row: pg.Row, Key: pg.Key, Slug: pg.Slug, Ref: pg.Ref, Owner: pg.Owner, Problems: r.problems})
		if pg.Key == "" {
			res.UnreadableKeys++
		}
	}
	if len(orphanRows) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: values in columns without a header are ignored — give those columns a header or clear the cells", rowList(orphanRows)))
	}
	res.Warnings = append(res.Warnings, p.warnings...)
	return res, nil
}

// rowList names rows for a message: "row 7", "rows 7, 9 and 12", "rows 7, 9, … (14 rows)".
func rowList(rows []int) string {
	if len(rows) == 1 {
		return fmt.Sprintf("row %d", rows[0])
	}
	const show = 10
	parts := make([]string, 0, show)
	for i, r := range rows {
		if i == show {
			return fmt.Sprintf("rows %s, … (%d rows)", strings.Join(parts, ", "), len(rows))
		}
		parts = append(parts, strconv.Itoa(r))
	}
	return "rows " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

type rowParser struct {
	hm           *HeaderMap
	opts         ParseOptions
	defAvail     Weekly
	defAvailText string
	skipForBlank []bool // write-back-only columns, which do not make a row non-blank
	warnings     []string
	weeklyCache  map[string]weeklyResult
	positions    map[string]int // display name → header index
}

// parsedRow is a row between the per-row checks and the duplicate checks.
type parsedRow struct {
	page         Page
	problems     []Problem
	keyFromTeam  bool // the key was derived from the team name
	slugExplicit bool
	display      func(col string) string // the header text of a column
}

func (p *rowParser) blank(cells []string) bool {
	for i, c := range cells {
		if i < len(p.skipForBlank) && p.skipForBlank[i] {
			continue
		}
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// orphanValues reports non-blank cells under an empty header cell or beyond
// the last header cell.
func (p *rowParser) orphanValues(cells []string) bool {
	for i, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if i >= len(p.hm.Header) || strings.TrimSpace(p.hm.Header[i]) == "" {
			return true
		}
	}
	return false
}

func (p *rowParser) row(rowNum int, cells []string) *parsedRow {
	r := &parsedRow{page: Page{Row: rowNum, Active: true}, display: p.hm.display}
	pg := &r.page
	cells, unreadable := p.unreadableCells(rowNum, cells)
	cell := func(col string) string {
		if i, ok := p.hm.column(col); ok && i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	add := func(col, hint, format string, args ...any) {
		r.problems = append(r.problems, Problem{Column: p.hm.display(col), Message: fmt.Sprintf(format, args...), Hint: hint})
	}
	addCell := func(col string, e *cellError) {
		r.problems = append(r.problems, Problem{Column: p.hm.display(col), Message: e.msg, Hint: e.hint})
	}

	// team
	pg.Team = cell(ColTeam)
	switch n := utf8.RuneCountInString(pg.Team); {
	case n == 0:
		add(ColTeam, "enter the team name; it becomes the page title", "the team name is missing")
	case n > maxTeam:
		add(ColTeam, fmt.Sprintf("shorten it to %d characters", maxTeam), "the team name is %d characters long; Zoom allows at most %d", n, maxTeam)
	}

	// hosts
	p.hosts(r, cell(ColHosts), add)

	// schedule_id: read even when other cells are wrong, so the invalid
	// row still protects the page it names.
	if s := cell(ColScheduleID); s != "" {
		ref, e := parseScheduleRef(s)
		if e != nil {
			addCell(ColScheduleID, e)
		}
		pg.Ref = ref
	}

	// slug (explicit) before key: a team name with no Latin letters needs
	// one of the two. Capitals are the one thing lowered (with a warning);
	// any other character outside a-z, 0-9 and - makes the row invalid.
	slugCell := cell(ColSlug)
	if lower := strings.ToLower(slugCell); lower != slugCell && isSlug(lower) {
		p.warnings = append(p.warnings, fmt.Sprintf("row %d, column %q: slug %q has capital letters; using %q — write it in lower case to silence this warning",
			rowNum, p.hm.display(ColSlug), truncate(slugCell, 80), truncate(lower, 80)))
		slugCell = lower
	}
	slugOK := false
	if slugCell != "" {
		r.slugExplicit = true
		switch n := len(slugCell); {
		case !isSlug(slugCell):
			hint := "use only a-z, 0-9 and -"
			if s := Slugify(slugCell); len(s) >= minSlug {
				hint += fmt.Sprintf(", for example %q", s)
			}
			add(ColSlug, hint, "%q is not a valid slug", truncate(slugCell, 80))
		case n < minSlug || n > maxSlug:
			add(ColSlug, fmt.Sprintf("use %d to %d characters", minSlug, maxSlug), "the slug %q is %d characters long", truncate(slugCell, 80), n)
		default:
			slugOK = true
			pg.Slug, pg.SlugSet = slugCell, true
			if pre := p.opts.SlugPrefix; pre != "" && !strings.HasPrefix(slugCell, pre) {
				p.warnings = append(p.warnings, fmt.Sprintf("row %d: slug %q does not start with slug_prefix %q, so prune will never touch its page", rowNum, slugCell, pre))
			}
		}
	}

	// key
	if k := cell(ColKey); k != "" {
		pg.Key = Slugify(k)
		if pg.Key == "" {
			add(ColKey, `use letters a-z and digits, for example "sales-emea"`, "the key %q has no letters a-z or digits", truncate(k, 80))
		}
	} else if pg.Team != "" {
		r.keyFromTeam = true
		pg.Key = Slugify(pg.Team)
		if pg.Key == "" {
			if slugOK {
				pg.Key = pg.Slug
			} else if slugCell == "" {
				add(ColTeam, fmt.Sprintf("set the %s or %s column, for example \"japan-sales\"", p.hm.display(ColKey), p.hm.display(ColSlug)),
					"cannot make a key or slug from %q: it has no letters a-z or digits", truncate(pg.Team, 80))
			}
		}
	}

	// slug (derived)
	if slugCell == "" && pg.Key != "" {
		slug := p.opts.SlugPrefix + pg.Key
		if len(slug) > maxSlug {
			slug = strings.TrimRight(slug[:maxSlug], "-")
		}
		pg.Slug = slug
		if len(slug) < minSlug {
			from := "key"
			if r.keyFromTeam {
				from = "team name"
			}
			add(ColSlug, fmt.Sprintf("set the %s column (or the key) to at least %d characters", p.hm.display(ColSlug), minSlug),
				"the page slug %q made from the %s is shorter than %d characters", slug, from, minSlug)
		}
	}

	// owner
	if o := cell(ColOwner); o != "" {
		owner, ok := parseEmail(o)
		switch {
		case !ok:
			add(ColOwner, "write the email of one of the hosts", "%q is not an email address", truncate(o, 80))
		case len(pg.Hosts) > 0 && !slices.Contains(pg.Hosts, owner):
			add(ColOwner, "the owner must be one of the hosts: "+hostList(pg.Hosts)+" (or add them to the hosts)", "%s is not one of the hosts", owner)
			pg.Owner = owner
		default:
			pg.Owner = owner
		}
	} else if len(pg.Hosts) > 0 {
		pg.Owner = pg.Hosts[0]
	}

	// duration
	pg.Duration = p.opts.Defaults.Duration
	if s := cell(ColDuration); s != "" {
		if m, ok := parseMinutes(s); !ok {
			add(ColDuration, "write minutes such as 30, 45 min or 1h30m", "%q is not a number of minutes", truncate(s, 80))
		} else if m < minDuration || m > maxDuration {
			add(ColDuration, fmt.Sprintf("Zoom allows %d to %d minutes (24 hours)", minDuration, maxDuration), "%d minutes is out of range", m)
		} else {
			pg.Duration = m
		}
	}

	// timezone
	pg.TimeZone = p.opts.Defaults.TimeZone
	if s := cell(ColTimeZone); s != "" {
		if tz, e := parseTimeZone(s); e != nil {
			addCell(ColTimeZone, e)
		} else {
			pg.TimeZone = tz
		}
	}

	// availability
	if s := cell(ColAvailability); s == "" {
		pg.Availability, pg.AvailabilityText = p.defAvail.clone(), p.defAvailText
	} else {
		w, text, err := p.weekly(s)
		if err != nil {
			var we *WeeklyError
			if errors.As(err, &we) {
				addCell(ColAvailability, &cellError{msg: we.Message, hint: we.Hint})
			} else {
				add(ColAvailability, "", "%v", err)
			}
		} else {
			pg.Availability, pg.AvailabilityText = w, text
		}
	}

	// description, location
	pg.Description = p.text(cell(ColDescription), ColDescription, maxDescription, add)
	pg.Location = p.text(cell(ColLocation), ColLocation, maxLocation, add)

	// active
	if s := cell(ColActive); s != "" {
		if b, ok := parseBool(s); ok {
			pg.Active = b
		} else {
			add(ColActive, "write TRUE or FALSE (also yes/no, 1/0, on/off); blank means TRUE", "%q is not TRUE or FALSE", truncate(s, 80))
		}
	}

	// optional numbers
	pg.BufferBefore = p.number(cell(ColBufferBefore), ColBufferBefore, 0, 240, true, add)
	pg.BufferAfter = p.number(cell(ColBufferAfter), ColBufferAfter, 0, 240, true, add)
	pg.MinNotice = p.number(cell(ColMinNotice), ColMinNotice, 0, 14340, true, add)
	pg.Increment = p.number(cell(ColIncrement), ColIncrement, 5, 720, true, add)
	pg.DailyLimit = p.number(cell(ColDailyLimit), ColDailyLimit, 0, 96, false, add)

	if len(unreadable) > 0 {
		// One problem per unreadable cell, not the follow-on ones its
		// blank stand-in caused.
		kept := r.problems[:0]
		for _, pr := range r.problems {
			if _, bad := unreadable[pr.Column]; !bad {
				kept = append(kept, pr)
			}
		}
		r.problems = kept
		for _, pr := range unreadable {
			r.problems = append(r.problems, pr)
		}
		// The row's identity cannot be trusted: a key made from what is
		// left could name another page. An empty key keeps prune off.
		for _, col := range []string{ColKey, ColTeam, ColSlug, ColScheduleID} {
			if _, bad := unreadable[p.hm.display(col)]; bad {
				pg.Key, pg.Slug, pg.SlugSet = "", "", false
				break
			}
		}
	}

	// Report problems left to right, as the admin reads the row.
	slices.SortStableFunc(r.problems, func(a, b Problem) int { return p.position(a.Column) - p.position(b.Column) })
	return r
}

// maxCellChars caps a cell zoomsync reads; it is Google Sheets' own limit,
// so only a CSV file can exceed it.
const maxCellChars = maxCell

// unreadableCells finds the input cells of a row that cannot be used at
// all: bytes that are not UTF-8, control characters such as NUL, or more
// than maxCellChars characters. Each gets one problem, keyed by the
// column's display name, and a blank stand-in in the returned copy of
// cells. A bad byte in a column zoomsync does not read is only a warning.
func (p *rowParser) unreadableCells(rowNum int, cells []string) ([]string, map[string]Problem) {
	var out map[string]Problem
	for i, c := range cells {
		input := p.hm.isInput(i)
		msg, hint := cellUnreadable(c, input)
		if msg == "" {
			continue
		}
		if !input {
			p.warnings = append(p.warnings, fmt.Sprintf("row %d, column %s: %s; zoomsync does not use this column, so the row is still read",
				rowNum, p.hm.cellName(i), msg))
			continue
		}
		if out == nil {
			out = map[string]Problem{}
			cells = slices.Clone(cells)
		}
		cells[i] = ""
		for _, col := range columns {
			if j, ok := p.hm.column(col); ok && j == i {
				out[p.hm.display(col)] = Problem{Column: p.hm.display(col), Message: msg, Hint: hint}
				break
			}
		}
	}
	return cells, out
}

// cellUnreadable says what makes a cell unusable, or "". Only the UTF-8
// check applies to cells that are not read (full is false).
func cellUnreadable(c string, full bool) (msg, hint string) {
	if full && len(c) > maxCellChars {
		if n := utf8.RuneCountInString(c); n > maxCellChars {
			return fmt.Sprintf("the cell holds %d characters; a cell may hold at most %d", n, maxCellChars),
				"shorten it (Google Sheets allows no more either)"
		}
	}
	if !utf8.ValidString(c) {
		at := 0
		for at < len(c) {
			r, n := utf8.DecodeRuneInString(c[at:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			at += n
		}
		return fmt.Sprintf("not valid UTF-8: byte 0x%02X at position %d of %q", c[at], at+1, truncate(strings.ToValidUTF8(c, "\uFFFD"), 40)),
			"save the file as UTF-8 (in Excel: Save As → CSV UTF-8), or retype the character"
	}
	if !full {
		return "", ""
	}
	for _, r := range c {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return fmt.Sprintf("the cell holds the control character U+%04X", r),
				"delete it: control characters are often left behind by copying from another program"
		}
	}
	return "", ""
}

// position is where a column (by its display name) sits in the header;
// columns the sheet lacks sort last.
func (p *rowParser) position(display string) int {
	if p.positions == nil {
		p.positions = map[string]int{}
		for _, c := range columns {
			if i, ok := p.hm.column(c); ok {
				p.positions[p.hm.display(c)] = i
			}
		}
	}
	if i, ok := p.positions[display]; ok {
		return i
	}
	return len(p.hm.Header)
}

type addFunc func(col, hint, format string, args ...any)

type weeklyResult struct {
	w    Weekly
	text string
	err  error
}

// weekly parses availability text, remembering results: a big roster
// repeats a handful of schedules. Each page gets its own copy.
func (p *rowParser) weekly(s string) (Weekly, string, error) {
	r, ok := p.weeklyCache[s]
	if !ok {
		r.w, r.err = ParseWeekly(s)
		if r.err == nil {
			r.text = r.w.String()
		}
		if p.weeklyCache == nil {
			p.weeklyCache = map[string]weeklyResult{}
		}
		p.weeklyCache[s] = r
	}
	if r.err != nil {
		return Weekly{}, "", r.err
	}
	return r.w.clone(), r.text, nil
}

func (p *rowParser) hosts(r *parsedRow, s string, add addFunc) {
	const sepHint = "list 2 to 30 host emails separated by commas"
	if s == "" {
		add(ColHosts, sepHint, "no hosts are listed")
		return
	}
	var invalid []string
	seen := map[string]bool{}
	for _, part := range splitHosts(s) {
		addr, ok := parseEmail(part)
		if !ok {
			invalid = append(invalid, fmt.Sprintf("%q", truncate(part, 80)))
			continue
		}
		if !seen[addr] {
			seen[addr] = true
			r.page.Hosts = append(r.page.Hosts, addr)
		}
	}
	n := len(r.page.Hosts) + len(invalid)
	switch {
	case len(invalid) == 1:
		add(ColHosts, "write each host as name@example.com, separated by commas", "%s is not an email address", invalid[0])
	case len(invalid) > 1:
		add(ColHosts, "write each host as name@example.com, separated by commas", "%s are not email addresses", strings.Join(invalid, ", "))
	}
	switch {
	case n == 0:
		add(ColHosts, sepHint, "no hosts are listed")
	case n < minHosts:
		add(ColHosts, "add hosts separated by commas", "only 1 host (%s); an All Hosts Available page needs %d to %d", hostList(r.page.Hosts), minHosts, maxHosts)
	case n > maxHosts:
		add(ColHosts, "split the team across two rows", "%d hosts; an All Hosts Available page allows at most %d", n, maxHosts)
	}
}

func hostList(hosts []string) string {
	if len(hosts) == 0 {
		return "none"
	}
	return strings.Join(hosts, ", ")
}

func (p *rowParser) text(s, col string, max int, add addFunc) *string {
	if s == "" {
		return nil
	}
	if n := utf8.RuneCountInString(s); n > max {
		add(col, fmt.Sprintf("shorten it to %d characters", max), "the text is %d characters long; Zoom allows at most %d", n, max)
		return nil
	}
	return &s
}

// number reads an optional bounded number: minutes (with the duration
// syntax) or a plain count.
func (p *rowParser) number(s, col string, lo, hi int, minutes bool, add addFunc) *int {
	if s == "" {
		return nil
	}
	var n int
	var ok bool
	unit := ""
	if minutes {
		n, ok = parseMinutes(s)
		unit = " minutes"
	} else {
		n, ok = parseCount(s)
	}
	if !ok {
		if minutes {
			add(col, fmt.Sprintf("write a number of minutes from %d to %d, or leave it blank", lo, hi), "%q is not a number of minutes", truncate(s, 80))
		} else {
			add(col, fmt.Sprintf("write a whole number from %d to %d, or leave it blank", lo, hi), "%q is not a whole number", truncate(s, 80))
		}
		return nil
	}
	if n < lo || n > hi {
		add(col, fmt.Sprintf("Zoom allows %d to %d%s", lo, hi, unit), "%d is out of range", n)
		return nil
	}
	return &n
}

// markDuplicates makes every row that shares a key, an owner's slug or a
// schedule reference with another row invalid: zoomsync cannot tell which
// of them should own the page.
func markDuplicates(rows []*parsedRow) {
	byKey := map[string][]*parsedRow{}
	bySlug := map[string][]*parsedRow{}
	byRef := map[string][]*parsedRow{}
	for _, r := range rows {
		if r.page.Key != "" {
			byKey[r.page.Key] = append(byKey[r.page.Key], r)
		}
		if r.page.Slug != "" && r.page.Owner != "" {
			k := r.page.Owner + "\x00" + r.page.Slug
			bySlug[k] = append(bySlug[k], r)
		}
		if !r.page.Ref.IsZero() {
			byRef[r.page.Ref.String()] = append(byRef[r.page.Ref.String()], r)
		}
	}
	for _, r := range rows {
		pg := r.page
		keyDup := false
		if others := otherRows(byKey[pg.Key], r); len(others) > 0 {
			keyDup = true
			if r.keyFromTeam {
				r.problems = append(r.problems, Problem{Column: displayOf(r, ColTeam), Message: fmt.Sprintf("the team name gives the key %q, which %s also has", pg.Key, others),
					Hint: "each row needs its own key: make the team names differ or fill in the key column"})
			} else {
				r.problems = append(r.problems, Problem{Column: displayOf(r, ColKey), Message: fmt.Sprintf("key %q is also used by %s", pg.Key, others),
					Hint: "give each row its own key"})
			}
		}
		// A slug made from a duplicate key is a duplicate too; saying so
		// twice would only send the admin to the wrong column.
		if others := otherRows(bySlug[pg.Owner+"\x00"+pg.Slug], r); len(others) > 0 && pg.Slug != "" && !(keyDup && !r.slugExplicit) {
			r.problems = append(r.problems, Problem{Column: displayOf(r, ColSlug), Message: fmt.Sprintf("slug %q is also used by %s for owner %s", pg.Slug, others, pg.Owner),
				Hint: "one owner's pages need different slugs: set the slug column"})
		}
		if others := otherRows(byRef[pg.Ref.String()], r); len(others) > 0 && !pg.Ref.IsZero() {
			r.problems = append(r.problems, Problem{Column: displayOf(r, ColScheduleID), Message: fmt.Sprintf("%s is also used by %s", pg.Ref, others),
				Hint: "a Zoom page can belong to one row only: clear the cell in all but one row"})
		}
	}
}

// displayOf names a column of r's sheet for a message.
func displayOf(r *parsedRow, col string) string {
	if r.display != nil {
		return r.display(col)
	}
	return col
}

// otherRows names the rows of group other than r: "row 9", "rows 9 and 12".
func otherRows(group []*parsedRow, r *parsedRow) string {
	if len(group) < 2 {
		return ""
	}
	var nums []int
	for _, o := range group {
		if o != r {
			nums = append(nums, o.page.Row)
		}
	}
	return rowList(nums)
}
