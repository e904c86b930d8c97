// Package sheet reads the team roster — a Google Sheet or a CSV file — and
// turns its rows into the booking pages zoomsync should make, with a
// message naming the row, column and fix for every cell it cannot use. The
// Google source can also write each row's result back into the sheet.
package sheet

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"
)

// Table is what a source read: the header and the data rows as strings.
type Table struct {
	Header []string // header cells as in the sheet (trailing empty cells dropped)
	// Rows are the data rows, each padded to len(Header). Cells beyond the
	// header are kept only when a row has a value there (Parse warns), so a
	// row can be longer than Header. Rows with no value at all are left out;
	// RowNums keeps the numbering exact.
	Rows      [][]string
	RowNums   []int  // sheet row number of each Rows[i] (1-based, as the admin sees it)
	HeaderRow int    // sheet row number of the header
	Sheet     string // tab title ("" for CSV)
	FirstCol  int    // 0-based column index of Header[0] in the sheet (A = 0), for write-back addressing
}

// Source is where rows come from.
type Source interface {
	// Read reads the whole roster in one go.
	Read(ctx context.Context) (*Table, error)
	// String describes the source for logs, e.g. `Google Sheet 1AbC…/Teams!A1:Z`
	// or `CSV examples/teams.csv`. It never holds credentials.
	String() string
}

// Writer is implemented by sources that support write-back (Google only).
type Writer interface {
	// WriteBack writes each row's result into the write-back columns of t,
	// the table Read returned.
	WriteBack(ctx context.Context, t *Table, cols WritebackColumns, results []RowResult) (*WriteReport, error)
}

// RowResult is what happened to one row, for write-back.
type RowResult struct {
	Row        int    // sheet row number, from Page.Row or InvalidRow.Row
	Key        string // the row's key as parsed; "" when it could not be read
	ScheduleID string // "" leaves the cell as it is
	BookingURL string // "" leaves the cell as it is
	Status     string // e.g. "created", "unchanged", "error: …"; "" leaves the cell
	SyncedAt   time.Time
}

// WriteReport says what write-back did.
type WriteReport struct {
	Updated        int      // rows with at least one cell written
	Skipped        []string // one line per row not written, with the reason
	MissingColumns []string // write-back header texts the sheet lacks (their values were not written)
	Warnings       []string // e.g. rows found re-sorted after the write
}

// OpenOptions tune Open.
type OpenOptions struct {
	// Write asks for the read-write Sheets scope, needed for write-back.
	Write bool
	// WriteLater says the configured features write to the sheet although
	// this run only reads it (plan, validate with write-back on): the run
	// asks for the read-only scope, but set-up hints name the write scope
	// and the Editor role, so that one fix serves every command.
	WriteLater bool
	// BaseDir resolves relative CSV and key file paths (the config file's
	// directory).
	BaseDir string
	// HTTPClient, when set, carries every request and overrides the
	// credentials (tests).
	HTTPClient *http.Client
	// Logger receives retries and other notes; nil discards them.
	Logger *slog.Logger
	// Aliases are the config's `columns:` header aliases. Write-back uses
	// them to find the key and team columns it re-reads before writing.
	Aliases map[string]string
}

// Open returns the source src describes.
func Open(ctx context.Context, src SourceConfig, opts OpenOptions) (Source, error) {
	switch src.Type {
	case TypeCSV:
		c := newCSV(resolvePath(opts.BaseDir, src.Path))
		c.log = logger(opts.Logger)
		return c, nil
	case TypeGSheet:
		g, err := newGoogle(ctx, src, opts)
		if err != nil {
			return nil, err // not a typed nil inside a non-nil Source
		}
		return g, nil
	}
	return nil, fmt.Errorf("source.type %q is not a source zoomsync can read; use %s or %s", src.Type, TypeGSheet, TypeCSV)
}

func resolvePath(base, p string) string {
	if p == "" || filepath.IsAbs(p) || base == "" {
		return p
	}
	return filepath.Join(base, p)
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// rawRow is one row as a source read it, before it is fitted to the header.
type rawRow struct {
	num   int
	cells []string
}

// newTable fits raw rows to a header: the first row with a value is the
// header (leading empty rows are skipped, so a roster may start lower down),
// empty rows are dropped and the rest padded to the header's width. It
// returns nil when no row has a value.
func newTable(rows []rawRow, firstCol int, sheet string) *Table {
	t := &Table{Sheet: sheet, FirstCol: firstCol}
	i := 0
	for i < len(rows) && emptyCells(rows[i].cells) {
		i++
	}
	if i == len(rows) {
		return nil
	}
	header := rows[i].cells
	for len(header) > 0 && header[len(header)-1] == "" {
		header = header[:len(header)-1]
	}
	t.Header, t.HeaderRow = header, rows[i].num
	width := len(header)
	for _, r := range rows[i+1:] {
		if emptyCells(r.cells) {
			continue
		}
		cells := r.cells
		// Drop empty trailing cells beyond the header; keep them up to the
		// last value so Parse can warn about it.
		last := len(cells)
		for last > width && cells[last-1] == "" {
			last--
		}
		cells = cells[:last]
		if len(cells) < width {
			padded := make([]string, width)
			copy(padded, cells)
			cells = padded
		}
		t.Rows = append(t.Rows, cells)
		t.RowNums = append(t.RowNums, r.num)
	}
	return t
}

func emptyCells(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}
