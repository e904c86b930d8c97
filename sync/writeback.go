package sync

import (
	"strings"
	"time"

	"github.com/zoomsync/zoomsync/sheet"
)

// WriteBackRows turns a report into the cells write-back puts in each row:
// schedule_id, booking_url, status and synced_at. hm locates the status
// column in t (nil when unknown), so that a row whose status cell already
// says it is in step keeps its text ("created 10 minutes ago" stays until
// something changes) and a run that changes nothing writes nothing. Pages
// no row drives and rows a run never reached (skipped) are left alone.
func WriteBackRows(rep *Report, t *sheet.Table, hm *sheet.HeaderMap, now time.Time) []sheet.RowResult {
	current := statusCells(t, hm)
	var rows []sheet.RowResult
	for i := range rep.Results {
		r := &rep.Results[i]
		if r.Row == 0 || (r.Status == StatusSkipped && len(r.Invalid) == 0 && r.NeedsManual == "") {
			continue
		}
		rr := sheet.RowResult{Row: r.Row, Key: r.Key, ScheduleID: r.ScheduleID, BookingURL: r.URL, Status: StatusText(r)}
		if r.Outcome() == "unchanged" && inStep[current[r.Row]] {
			rr.Status = ""
		}
		if r.Wrote {
			rr.SyncedAt = now.UTC()
		}
		rows = append(rows, rr)
	}
	return rows
}

// inStep are the status texts of a row whose page matches it.
var inStep = map[string]bool{"created": true, "updated": true, "adopted": true, "unchanged": true}

// StatusText is the status cell for a row: "created", "updated",
// "adopted" or "unchanged" when its page is in step; the web-app to do for
// a row waiting for its page; "error: …" for a failure; otherwise the
// outcome and what to do.
func StatusText(r *Result) string {
	o := r.Outcome()
	switch {
	case inStep[o]:
		return o
	case o == "to create in the web app":
		return "to do: " + r.ToDo.String()
	case r.Status == StatusFailed && r.NeedsManual == "":
		return "error: " + r.Detail()
	}
	if d := r.Detail(); d != "" {
		return o + ": " + d
	}
	return o
}

// statusCells maps sheet row number to the text of its status cell.
func statusCells(t *sheet.Table, hm *sheet.HeaderMap) map[int]string {
	out := map[int]string{}
	if t == nil || hm == nil {
		return out
	}
	col, ok := hm.Writeback(sheet.WBStatus)
	if !ok {
		return out
	}
	for i, row := range t.Rows {
		if col < len(row) {
			out[t.RowNums[i]] = strings.TrimSpace(row[col])
		}
	}
	return out
}
