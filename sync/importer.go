package sync

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	gosync "sync"

	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

// ImportZoom is the part of the Zoom API an import uses; *zoom.Client has
// it.
type ImportZoom interface {
	AllUsers(ctx context.Context, status string) iter.Seq2[zoom.AccountUser, error]
	AllSchedules(ctx context.Context, userID string, opts *zoom.ListOptions) iter.Seq2[zoom.Schedule, error]
}

// ImportOptions say whose pages to import and how the roster will be read.
type ImportOptions struct {
	// Owners are the users whose pages are read, by email. Empty means
	// every active user of the account (GET /users).
	Owners []string
	// IncludeOneToOne adds One to One pages as rows marked in the
	// PageTypeColumn. They have a single host, so the sheet parser rejects
	// them until the admin lists 2 or more hosts, and the engine never turns
	// one into a multi-host page: such a row stays needs-manual.
	IncludeOneToOne bool
	// Concurrency bounds the owners listed at once (default
	// zoom.DefaultConcurrency).
	Concurrency int
	// Parse is how `plan` will read the roster (config columns, defaults,
	// slug prefix). Aliases name the header cells; the whole of it is used
	// to check the written rows the way plan will read them.
	Parse  sheet.ParseOptions
	Logger *slog.Logger
}

// PageTypeColumn marks each row's page type when One to One pages are
// imported. The sheet parser ignores the column (with one warning).
const PageTypeColumn = "page_type"

// Values of PageTypeColumn. "multi-host" is Zoom's schedule_type
// "multiple": the API cannot tell All Hosts from Any Host Available pages.
const (
	PageTypeMultiHost = "multi-host"
	PageTypeOneToOne  = "one-to-one"
)

// Imported is a roster made from existing pages.
type Imported struct {
	Header []string
	Rows   [][]string

	Owners    int // owners whose pages were listed
	Pages     int // pages seen in their listings
	MultiHost int // multi-host rows written
	OneToOne  int // One to One rows written (IncludeOneToOne)
	// SkippedOneToOne counts the One to One pages left out.
	SkippedOneToOne int
	// NoScheduler are active users without a Scheduler profile (Zoom
	// answers "User Not Found"): they own no pages and were skipped.
	NoScheduler []string
	// Notes say, row by row, where `plan` on this roster will not report
	// "unchanged": it will update the page, or find the row invalid. Each
	// is a complete sentence for the admin.
	Notes []string
	// OwnCalendars counts rows whose page uses its hosts' own calendars:
	// the row pins the hours Zoom shows, which the first sync makes custom.
	OwnCalendars int
}

// importRow is one page on its way to becoming a row.
type importRow struct {
	owner    string
	page     *zoom.Schedule
	oneToOne bool
	cells    map[string]string
}

// Import lists the owners' pages and turns the multi-host ones (and, when
// asked, the One to One ones) into roster rows, so that `plan` on the result
// finds every page unchanged. It makes ceil(users/300) user-list calls
// (none with Owners) plus one listing call per 300 pages of each owner, and
// writes nothing. A listing that fails fails the import: a roster missing
// an owner's rows would make that owner's pages look unclaimed.
func Import(ctx context.Context, z ImportZoom, opts ImportOptions) (*Imported, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = zoom.DefaultConcurrency
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	im := &Imported{}
	explicit := len(opts.Owners) > 0
	owners, err := importOwners(ctx, z, opts.Owners)
	if err != nil {
		return nil, err
	}
	im.Owners = len(owners)

	listings, err := listForImport(ctx, z, owners, opts.Concurrency, explicit)
	if err != nil {
		return nil, err
	}

	var rows []*importRow
	seen := map[string]bool{}
	for _, o := range owners {
		l := listings[o]
		opts.Logger.Debug("listed the pages of an owner", "owner", o, "pages", len(l.pages), "no_scheduler", l.noScheduler)
		if l.noScheduler {
			im.NoScheduler = append(im.NoScheduler, o)
			im.Owners--
			continue
		}
		for i := range l.pages {
			s := &l.pages[i]
			if s.Status == zoom.StatusCancelled || seen[s.ScheduleID] {
				continue
			}
			seen[s.ScheduleID] = true
			im.Pages++
			switch {
			case s.ScheduleType == zoom.ScheduleTypeMultiple:
				im.MultiHost++
				rows = append(rows, &importRow{owner: o, page: s})
			case opts.IncludeOneToOne:
				im.OneToOne++
				rows = append(rows, &importRow{owner: o, page: s, oneToOne: true})
			default:
				im.SkippedOneToOne++
			}
		}
	}
	slices.SortFunc(rows, func(a, b *importRow) int {
		return cmp.Or(cmp.Compare(a.owner, b.owner),
			cmp.Compare(strings.ToLower(a.page.Slug), strings.ToLower(b.page.Slug)),
			cmp.Compare(a.page.ScheduleID, b.page.ScheduleID))
	})
	for _, r := range rows {
		r.cells = rowCells(r)
	}
	assignKeys(rows)
	im.Header, im.Rows = layout(rows, opts)
	im.check(rows, opts.Parse)
	return im, nil
}

// importOwners returns the owners to list, normalised and sorted: the ones
// given, or every active user of the account.
func importOwners(ctx context.Context, z ImportZoom, given []string) ([]string, error) {
	set := map[string]bool{}
	if len(given) > 0 {
		for _, o := range given {
			if o = normEmail(o); o != "" {
				set[o] = true
			}
		}
	} else {
		for u, err := range z.AllUsers(ctx, zoom.UserStatusActive) {
			if err != nil {
				err = fmt.Errorf("listing the account's users (needs the scope user:read:admin; or name the owners with --owner): %w", err)
				if fatal(err) {
					return nil, &FatalError{Err: err}
				}
				return nil, err
			}
			if u.Status != "" && u.Status != zoom.UserStatusActive {
				continue
			}
			if e := normEmail(u.Email); e != "" {
				set[e] = true
			}
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for o := range set {
			if !yield(o) {
				return
			}
		}
	}), nil
}

type importListing struct {
	pages       []zoom.Schedule
	noScheduler bool
	err         error
}

// listForImport lists every owner's pages, at most conc at a time, and
// stops at the first failure.
func listForImport(ctx context.Context, z ImportZoom, owners []string, conc int, explicit bool) (map[string]*importListing, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make(map[string]*importListing, len(owners))
	var mu gosync.Mutex
	forEach(ctx, conc, owners, func(o string) {
		l := &importListing{}
		for s, err := range z.AllSchedules(ctx, o, nil) {
			if err != nil {
				l.pages, l.err = nil, err
				break
			}
			l.pages = append(l.pages, s)
		}
		// A user without Scheduler owns no pages; skip them unless
		// the admin named them.
		if l.err != nil && noScheduler(l.err) {
			if !explicit {
				l.err, l.noScheduler = nil, true
			} else {
				l.err = fmt.Errorf("%w — %s has no Zoom Scheduler profile; check the email given with --owner", l.err, o)
			}
		}
		if l.err != nil {
			cancel()
		}
		mu.Lock()
		out[o] = l
		mu.Unlock()
	})
	// Report the failure that caused the others (not a cancellation), in
	// owner order so the message is stable.
	var first error
	for _, o := range owners {
		l := out[o]
		if l == nil || l.err == nil {
			continue
		}
		if fatal(l.err) && !errors.Is(l.err, context.Canceled) {
			return nil, &FatalError{Err: l.err}
		}
		if first == nil || errors.Is(first, context.Canceled) {
			first = fmt.Errorf("listing the pages of %s: %w", o, l.err)
		}
	}
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil && len(out) < len(owners) {
		return nil, err
	}
	return out, nil
}

// noScheduler reports Zoom's answer for a user without a Scheduler profile.
func noScheduler(err error) bool {
	var ae *zoom.APIError
	return errors.As(err, &ae) && ae.Status == http.StatusForbidden && strings.Contains(strings.ToLower(ae.Message), "user not found")
}

// rowCells writes a page as sheet cells: the inverse of createBody and
// diff. Every cell the engine compares is written, so the config defaults
// never fill in for a page's values; optional numbers Zoom reports as 0 are
// left blank (not managed).
func rowCells(r *importRow) map[string]string {
	s := r.page
	c := map[string]string{
		sheet.ColTeam:       s.Summary,
		sheet.ColOwner:      r.owner,
		sheet.ColSlug:       strings.ToLower(s.Slug), // the sheet lowers slugs; Zoom matches them case-insensitively
		sheet.ColScheduleID: s.ScheduleID,
		sheet.ColActive:     strings.ToUpper(strconv.FormatBool(s.Active)),
	}
	if s.Duration > 0 {
		c[sheet.ColDuration] = strconv.Itoa(s.Duration)
	}
	rule := ownerRuleOf(s, r.owner)
	hosts := []string{r.owner}
	if !r.oneToOne {
		hosts = pageHosts(s, r.owner)
	}
	c[sheet.ColHosts] = strings.Join(hosts, ", ")
	tz := s.TimeZone
	if tz == "" && rule != nil {
		tz = rule.TimeZone
	}
	c[sheet.ColTimeZone] = tz
	if rule != nil {
		c[sheet.ColAvailability] = weeklyText(rule.SegmentsRecurrence)
	}
	if normText(s.Description) != "" {
		c[sheet.ColDescription] = s.Description
	}
	if normText(s.Location) != "" {
		c[sheet.ColLocation] = s.Location
	}
	num := func(col string, v int) {
		if v != 0 {
			c[col] = strconv.Itoa(v)
		}
	}
	num(sheet.ColBufferBefore, s.Buffer.Before)
	num(sheet.ColBufferAfter, s.Buffer.After)
	num(sheet.ColMinNotice, s.Cushion)
	num(sheet.ColIncrement, s.StartTimeIncrement)
	num(sheet.ColDailyLimit, s.BookingLimit)
	if r.oneToOne {
		c[PageTypeColumn] = PageTypeOneToOne
	} else {
		c[PageTypeColumn] = PageTypeMultiHost
	}
	return c
}

// ownerRuleOf is the rule whose hours the row takes: the owner's, else the
// first.
func ownerRuleOf(s *zoom.Schedule, owner string) *zoom.AvailabilityRule {
	for i := range s.AvailabilityRules {
		if normEmail(s.AvailabilityRules[i].Email) == owner {
			return &s.AvailabilityRules[i]
		}
	}
	if len(s.AvailabilityRules) > 0 {
		return &s.AvailabilityRules[0]
	}
	return nil
}

// pageHosts lists a multi-host page's hosts, owner first (the sheet's
// default owner), then in Zoom's order. An owner who is not a host is left
// out: the row then says so rather than adding a host.
func pageHosts(s *zoom.Schedule, owner string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range s.AvailabilityRules {
		if e := normEmail(r.Email); e != "" && !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	if i := slices.Index(out, owner); i > 0 {
		out = slices.Concat([]string{owner}, out[:i], out[i+1:])
	}
	return out
}

// weeklyText writes Zoom's weekly hours in the sheet's syntax, through the
// sheet's own parser so the text is its canonical form. It returns the raw
// ranges when they cannot be read (the check then reports the row).
func weeklyText(w *zoom.WeeklyHours) string {
	if w == nil {
		return ""
	}
	names := [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	var groups []string
	for d, day := range w.Days() {
		if len(*day) == 0 {
			continue
		}
		spans := make([]string, len(*day))
		for i, r := range *day {
			spans[i] = r.Start + "-" + r.End
		}
		groups = append(groups, names[d]+" "+strings.Join(spans, ", "))
	}
	text := strings.Join(groups, "; ")
	if parsed, err := sheet.ParseWeekly(text); err == nil {
		return parsed.String()
	}
	return text
}

// assignKeys gives an explicit key to rows whose team names slugify alike
// (two owners' "Support" pages): the sheet rejects rows sharing a key. The
// key is the slug, then the slug and the owner's name, then numbered.
func assignKeys(rows []*importRow) {
	derived := func(r *importRow) string {
		if k := sheet.Slugify(r.cells[sheet.ColTeam]); k != "" {
			return k
		}
		return strings.ToLower(r.cells[sheet.ColSlug])
	}
	groups := map[string][]*importRow{}
	for _, r := range rows {
		k := derived(r)
		groups[k] = append(groups[k], r)
	}
	used := map[string]bool{}
	for k, g := range groups {
		if len(g) == 1 {
			used[k] = true
		}
	}
	for _, r := range rows {
		if len(groups[derived(r)]) < 2 {
			continue
		}
		local, _, _ := strings.Cut(r.owner, "@")
		cands := []string{sheet.Slugify(r.page.Slug), sheet.Slugify(r.page.Slug + "-" + local)}
		key := ""
		for _, c := range cands {
			if c != "" && !used[c] {
				key = c
				break
			}
		}
		for n := 2; key == ""; n++ {
			if c := sheet.Slugify(fmt.Sprintf("%s-%s-%d", r.page.Slug, local, n)); !used[c] {
				key = c
			}
		}
		used[key] = true
		r.cells[sheet.ColKey] = key
	}
}

// importColumns is the roster's column order, as the README's sheet section lists them.
var importColumns = []string{
	sheet.ColTeam, sheet.ColHosts, sheet.ColKey, sheet.ColOwner, sheet.ColDuration, sheet.ColTimeZone,
	sheet.ColAvailability, sheet.ColDescription, sheet.ColLocation, sheet.ColSlug, sheet.ColActive,
	sheet.ColBufferBefore, sheet.ColBufferAfter, sheet.ColMinNotice, sheet.ColIncrement, sheet.ColDailyLimit,
	sheet.ColScheduleID, PageTypeColumn,
}

// alwaysColumns are written even when every cell is blank.
var alwaysColumns = map[string]bool{
	sheet.ColTeam: true, sheet.ColHosts: true, sheet.ColOwner: true, sheet.ColDuration: true,
	sheet.ColTimeZone: true, sheet.ColAvailability: true, sheet.ColSlug: true, sheet.ColActive: true,
	sheet.ColScheduleID: true,
}

// layout picks the columns (optional ones only when a row sets them; the
// page type only with IncludeOneToOne) and writes the cells.
func layout(rows []*importRow, opts ImportOptions) ([]string, [][]string) {
	var cols []string
	for _, c := range importColumns {
		use := alwaysColumns[c]
		if c == PageTypeColumn {
			use = opts.IncludeOneToOne
		} else if !use {
			use = slices.ContainsFunc(rows, func(r *importRow) bool { return r.cells[c] != "" })
		}
		if use {
			cols = append(cols, c)
		}
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c
		if a := opts.Parse.Aliases[c]; a != "" {
			header[i] = a
		}
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(cols))
		for j, c := range cols {
			out[i][j] = r.cells[c]
		}
	}
	return header, out
}

// check reads the rows back the way `plan` will and notes every row that
// plan will not find unchanged, with the reason.
func (im *Imported) check(rows []*importRow, po sheet.ParseOptions) {
	t := &sheet.Table{Header: im.Header, Rows: im.Rows, HeaderRow: 1}
	for i := range im.Rows {
		t.RowNums = append(t.RowNums, i+2)
	}
	res, err := sheet.Parse(t, po)
	if err != nil {
		im.Notes = append(im.Notes, fmt.Sprintf("the roster cannot be read back with this config: %v", err))
		return
	}
	for _, w := range res.Warnings {
		if strings.HasPrefix(w, "ignoring 1 column") && strings.Contains(w, `"`+PageTypeColumn+`"`) {
			continue // the marker column, ignored on purpose
		}
		im.Notes = append(im.Notes, w)
	}
	byRow := func(n int) *importRow { return rows[n-2] }
	for _, inv := range res.Invalid {
		r := byRow(inv.Row)
		if r.oneToOne {
			continue // expected: one host, marked as one-to-one
		}
		probs := make([]string, len(inv.Problems))
		for i, p := range inv.Problems {
			probs[i] = problemText(p)
		}
		im.Notes = append(im.Notes, fmt.Sprintf("row %d (page %s of %s): plan will report the row invalid: %s",
			inv.Row, r.page.Slug, r.owner, strings.Join(probs, "; ")))
	}
	for i, r := range rows {
		for _, col := range []string{sheet.ColTeam, sheet.ColDescription, sheet.ColLocation} {
			if strings.HasPrefix(strings.TrimSpace(r.cells[col]), "=") {
				im.Notes = append(im.Notes, fmt.Sprintf("row %d (page %s of %s): the %s cell starts with \"=\"; a spreadsheet app that opens this CSV may take it for a formula, so check the cell after pasting it into a sheet",
					i+2, r.page.Slug, r.owner, col))
			}
		}
	}
	for i := range res.Pages {
		p := &res.Pages[i]
		r := byRow(p.Row)
		if r.oneToOne {
			continue
		}
		_, fields, _ := diff(p, r.page, true)
		if len(fields) == 0 {
			continue
		}
		parts := make([]string, len(fields))
		for i, f := range fields {
			parts[i] = fmt.Sprintf("%s (%s → %s)", f.Column, f.Before, f.After)
		}
		msg := fmt.Sprintf("row %d (page %s of %s): plan will update %s", p.Row, r.page.Slug, r.owner, strings.Join(parts, ", "))
		if slices.ContainsFunc(r.page.AvailabilityRules, func(ar zoom.AvailabilityRule) bool { return !ar.UseCustom }) {
			im.OwnCalendars++
		}
		im.Notes = append(im.Notes, msg)
	}
}

// WriteCSV writes the roster as CSV, header first.
func (im *Imported) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(im.Header); err != nil {
		return err
	}
	if err := cw.WriteAll(im.Rows); err != nil {
		return err
	}
	return cw.Error()
}

// Summary is one line: "12 multi-host pages of 5 owners imported; 3 One to
// One pages left out".
func (im *Imported) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d multi-host %s of %d %s imported", im.MultiHost, plural(im.MultiHost, "page", "pages"), im.Owners, plural(im.Owners, "owner", "owners"))
	if im.OneToOne > 0 {
		fmt.Fprintf(&b, ", with %d One to One %s marked %s=%s", im.OneToOne, plural(im.OneToOne, "page", "pages"), PageTypeColumn, PageTypeOneToOne)
	}
	if im.SkippedOneToOne > 0 {
		fmt.Fprintf(&b, "; %d One to One %s left out (--include-one-to-one adds them)", im.SkippedOneToOne, plural(im.SkippedOneToOne, "page", "pages"))
	}
	if n := len(im.NoScheduler); n > 0 {
		fmt.Fprintf(&b, "; %d %s without Scheduler skipped", n, plural(n, "user", "users"))
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
