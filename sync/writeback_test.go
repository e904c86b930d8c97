package sync

import (
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

func TestWriteBackRows(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	web, _ := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales", Hosts: []string{"ann@example.com", "bob@example.com"}})
	const sheetText = "team | hosts | duration\nSales | ann@example.com, bob@example.com | 45\nSupport | cat@example.com, dan@example.com |\nBroken | only@example.com |\nSame | eve@example.com, fay@example.com |\n"
	_, rep := e.run(sheetText)

	table := &sheet.Table{HeaderRow: 1, Header: []string{"Team", "Hosts", "Duration", "Sync Status"},
		Rows: [][]string{{"Sales"}, {"Support"}, {"Broken"}, {"Same", "", "", "created"}}, RowNums: []int{2, 3, 4, 5}}
	hm, err := sheet.NewHeaderMap(table.Header, nil, config.Default().Writeback.Columns.Sheet())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	// Pretend the last row is already in step, as a later run sees it.
	for i := range rep.Results {
		if rep.Results[i].Key == "same" {
			rep.Results[i] = Result{Row: 5, Key: "same", Action: ActionNone, Status: StatusDone, ScheduleID: "x"}
		}
	}
	rows := WriteBackRows(rep, table, hm, now)
	got := map[int]sheet.RowResult{}
	for _, r := range rows {
		got[r.Row] = r
	}
	if r := got[2]; r.Status != "adopted" || r.ScheduleID != web.ScheduleID || !r.SyncedAt.Equal(now) {
		t.Errorf("adopted row: %+v", r)
	}
	if r := got[3]; !strings.HasPrefix(r.Status, "error: ") || !strings.Contains(r.Status, `link (slug) "support"`) {
		t.Errorf("row without a page: %+v", r)
	}
	if r := got[4]; !strings.HasPrefix(r.Status, "invalid: ") {
		t.Errorf("invalid row: %+v", r)
	}
	if r := got[5]; r.Status != "" || !r.SyncedAt.IsZero() {
		t.Errorf("an unchanged row in step keeps its cell: %+v", r)
	}

	// A row waiting for its web-app page carries the whole to do.
	r := &Result{Row: 3, Action: ActionCreateInWebApp, Status: StatusDone, ToDo: &ToDo{Owner: "cat@example.com", Title: "Support",
		Type: "All Hosts Available", Hosts: []string{"cat@example.com", "dan@example.com"}, Duration: 30, TimeZone: "UTC", WeeklyHours: "Mon-Fri 09:00-17:00", Slug: "support"}}
	want := `to do: create in the Zoom web app as cat@example.com: All Hosts Available page "Support", hosts cat@example.com, dan@example.com, 30 min, UTC, Mon-Fri 09:00-17:00, link (slug) "support"; the next run adopts it`
	if got := StatusText(r); got != want {
		t.Errorf("status:\n got %s\nwant %s", got, want)
	}
}
