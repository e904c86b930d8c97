package sheet

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/api/sheets/v4"
)

const (
	// maxStatus keeps an error message readable in a cell.
	maxStatus = 500
	// maxCell is Google's limit on the text of one cell.
	maxCell = 50000
)

// pendingRow is a row with write-back cells to change.
type pendingRow struct {
	res     RowResult
	idx     int            // index into Table.Rows
	changes map[int]string // header index → new text
}

// WriteBack writes results into the write-back columns of t with one
// values.batchUpdate (valueInputOption RAW, so a status starting with "="
// stays text), touching only cells whose text changes; when nothing
// changes it makes no call at all. A write-back column the sheet lacks is
// listed in MissingColumns and skipped: zoomsync never inserts columns. An
// empty value in a result never clears a cell.
//
// Just before writing it re-reads the identity column (key, or team when
// the sheet has no key column, with one request) and skips every row that
// no longer holds the row it had when read — someone sorted or inserted
// rows meanwhile — listing it in Skipped. The Sheets API has no conditional
// write, so a sort in the instant between that re-read and the write cannot
// be prevented; the re-read is done last to keep that window short, and the
// rows written are checked once more afterwards so that such a sort is at
// least reported in Warnings.
func (g *Google) WriteBack(ctx context.Context, t *Table, cols WritebackColumns, results []RowResult) (*WriteReport, error) {
	rep := &WriteReport{}
	if t.Sheet == "" {
		return nil, &SourceError{Source: g.String(), Op: "write back to", Problem: "the table does not say which tab it came from", Hint: "pass the table Read returned"}
	}
	hm, err := newHeaderMap(t.Header, g.aliases, cols, t.FirstCol)
	if err != nil {
		return nil, &SourceError{Source: g.String(), Op: "write back to", Problem: err.Error(), Err: err}
	}
	wbCol := map[string]int{}
	for _, kind := range []string{WBScheduleID, WBBookingURL, WBStatus, WBSyncedAt} {
		if i, ok := hm.Writeback(kind); ok {
			wbCol[kind] = i
		} else {
			rep.MissingColumns = append(rep.MissingColumns, cols.byKind()[kind])
		}
	}

	rowIdx := make(map[int]int, len(t.RowNums))
	for i, n := range t.RowNums {
		rowIdx[n] = i
	}
	var pending []*pendingRow
	for _, res := range results {
		i, ok := rowIdx[res.Row]
		if !ok {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("row %d: not in the table that was read; not written", res.Row))
			continue
		}
		p := &pendingRow{res: res, idx: i, changes: map[int]string{}}
		p.set(wbCol, WBScheduleID, res.ScheduleID, t.Rows[i])
		p.set(wbCol, WBBookingURL, res.BookingURL, t.Rows[i])
		p.set(wbCol, WBStatus, truncate(res.Status, maxStatus), t.Rows[i])
		if len(p.changes) > 0 && !res.SyncedAt.IsZero() {
			// The time only moves with a real change, so an unchanged run
			// writes nothing at all.
			p.set(wbCol, WBSyncedAt, res.SyncedAt.UTC().Format(time.RFC3339), t.Rows[i])
		}
		if len(p.changes) > 0 {
			pending = append(pending, p)
		}
	}
	if len(pending) == 0 {
		return rep, nil
	}

	moved, err := g.movedRows(ctx, t, hm, pending)
	if err != nil {
		return nil, err
	}
	var data []*sheets.ValueRange
	for _, p := range pending {
		if why, ok := moved[p.res.Row]; ok {
			rep.Skipped = append(rep.Skipped, why)
			continue
		}
		data = append(data, p.ranges(t)...)
		rep.Updated++
	}
	if len(data) == 0 {
		return rep, nil
	}
	req := &sheets.BatchUpdateValuesRequest{ValueInputOption: "RAW", Data: data}
	err = retry(ctx, g.retry, g.log, "values.batchUpdate", func(ctx context.Context) error {
		_, err := g.svc.Spreadsheets.Values.BatchUpdate(g.id, req).Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, g.explain(ctx, "write back to", err)
	}

	// The values API has no conditional write: a sort in the moment
	// between the check above and the write would put values on the wrong
	// rows. Look once more so that it is at least reported: a schedule ID
	// on the wrong row would make the next run manage the wrong page.
	written := make([]*pendingRow, 0, rep.Updated)
	for _, p := range pending {
		if _, ok := moved[p.res.Row]; !ok {
			written = append(written, p)
		}
	}
	after, err := g.movedRows(ctx, t, hm, written)
	if err != nil {
		rep.Warnings = append(rep.Warnings, "could not check the rows after writing: "+err.Error())
		return rep, nil
	}
	for _, p := range written {
		if _, ok := after[p.res.Row]; ok {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf(
				"row %d: the sheet was re-sorted while results were written, so the values written to row %d (%s) may belong to another row — check the write-back cells of row %d and clear a wrong schedule ID",
				p.res.Row, p.res.Row, p.describe(hm), p.res.Row))
		}
	}
	return rep, nil
}

// describe lists what was written, for a warning.
func (p *pendingRow) describe(hm *HeaderMap) string {
	cols := make([]int, 0, len(p.changes))
	for c := range p.changes {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s %q", strings.TrimSpace(hm.Header[c]), truncate(p.changes[c], 60))
	}
	return strings.Join(parts, ", ")
}

// set records a new value for a write-back column when it differs from the
// cell as read.
func (p *pendingRow) set(wbCol map[string]int, kind, val string, cells []string) {
	col, ok := wbCol[kind]
	if !ok || val == "" {
		return
	}
	val = truncate(val, maxCell)
	cur := ""
	if col < len(cells) {
		cur = cells[col]
	}
	if cur != val {
		p.changes[col] = val
	}
}

// ranges are the row's changes as one value range per run of adjacent
// cells, addressed on the sheet ('My Teams'!F7:H7).
func (p *pendingRow) ranges(t *Table) []*sheets.ValueRange {
	cols := make([]int, 0, len(p.changes))
	for c := range p.changes {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	var out []*sheets.ValueRange
	for i := 0; i < len(cols); {
		j := i + 1
		for j < len(cols) && cols[j] == cols[j-1]+1 {
			j++
		}
		vals := make([]any, 0, j-i)
		for _, c := range cols[i:j] {
			vals = append(vals, p.changes[c])
		}
		rng := quoteSheet(t.Sheet) + "!" + cellName(t.FirstCol+cols[i], p.res.Row)
		if j-i > 1 {
			rng += ":" + cellName(t.FirstCol+cols[j-1], p.res.Row)
		}
		out = append(out, &sheets.ValueRange{Range: rng, MajorDimension: "ROWS", Values: [][]any{vals}})
		i = j
	}
	return out
}

// movedRows re-reads the identity cells of the pending rows and returns,
// by row number, a reason for each row that no longer holds what it held
// when read.
func (g *Google) movedRows(ctx context.Context, t *Table, hm *HeaderMap, pending []*pendingRow) (map[int]string, error) {
	keyIdx, hasKey := hm.column(ColKey)
	teamIdx, hasTeam := hm.column(ColTeam)
	needTeam := !hasKey
	maxRow := t.HeaderRow
	for _, p := range pending {
		maxRow = max(maxRow, p.res.Row)
		if hasKey && strings.TrimSpace(cellAt(t.Rows[p.idx], keyIdx)) == "" {
			needTeam = true // this row's key comes from its team
		}
	}
	var idCols []int
	if hasKey {
		idCols = append(idCols, keyIdx)
	}
	if needTeam && hasTeam {
		idCols = append(idCols, teamIdx)
	}
	ranges := make([]string, len(idCols))
	for i, c := range idCols {
		col := t.FirstCol + c
		ranges[i] = quoteSheet(t.Sheet) + "!" + cellName(col, t.HeaderRow) + ":" + cellName(col, maxRow)
	}

	var vrs []*sheets.ValueRange
	err := retry(ctx, g.retry, g.log, "identity re-read", func(ctx context.Context) error {
		if len(ranges) == 1 {
			vr, err := g.svc.Spreadsheets.Values.Get(g.id, ranges[0]).ValueRenderOption("FORMATTED_VALUE").Context(ctx).Do()
			if err == nil {
				vrs = []*sheets.ValueRange{vr}
			}
			return err
		}
		resp, err := g.svc.Spreadsheets.Values.BatchGet(g.id).Ranges(ranges...).ValueRenderOption("FORMATTED_VALUE").Context(ctx).Do()
		if err == nil {
			vrs = resp.ValueRanges
		}
		return err
	})
	if err != nil {
		return nil, g.explain(ctx, "write back to", err)
	}
	fresh := make([]map[int]string, len(idCols)) // per identity column: row → text
	for i := range idCols {
		fresh[i] = map[int]string{}
		if i >= len(vrs) || vrs[i] == nil {
			continue
		}
		start := t.HeaderRow
		if ar, err := parseA1(vrs[i].Range); err == nil && ar.Start.Row > 0 {
			start = ar.Start.Row
		}
		for j, vals := range vrs[i].Values {
			if len(vals) > 0 {
				fresh[i][start+j] = cellText(vals[0])
			}
		}
	}

	moved := map[int]string{}
	for _, p := range pending {
		var keyNow, teamNow, keyThen, teamThen string
		for i, c := range idCols {
			now, then := strings.TrimSpace(fresh[i][p.res.Row]), strings.TrimSpace(cellAt(t.Rows[p.idx], c))
			if hasKey && c == keyIdx {
				keyNow, keyThen = now, then
			} else {
				teamNow, teamThen = now, then
			}
		}
		identity := Slugify(keyNow)
		if identity == "" {
			identity = Slugify(teamNow)
		}
		same := keyNow == keyThen && (teamNow == teamThen || !needTeam)
		if (p.res.Key != "" && identity == p.res.Key) || (p.res.Key == "" && same) || (identity == "" && same) {
			continue
		}
		now := keyNow
		if now == "" {
			now = teamNow
		}
		was := p.res.Key
		if was == "" {
			was = keyThen
			if was == "" {
				was = teamThen
			}
		}
		moved[p.res.Row] = fmt.Sprintf("row %d: the sheet changed since it was read (the row now holds %q, not %q); its results were not written — the next run will write them",
			p.res.Row, truncate(now, 80), truncate(was, 80))
	}
	return moved, nil
}

func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}
