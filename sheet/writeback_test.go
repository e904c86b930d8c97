package sheet

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomsync/zoomsync/sheet/sheettest"
)

var (
	wbCols = DefaultWritebackColumns()
	syncT  = time.Date(2026, 3, 1, 10, 30, 0, 0, time.FixedZone("CET", 3600))
	syncS  = "2026-03-01T09:30:00Z"
)

const (
	id1 = "aaaaaaaaaabbbbbbbbbbcccccc"
	id2 = "dddddddddddeeeeeeeeeeffff1"
	id3 = "ggggggggggghhhhhhhhhhiiii2"
)

// wbSheet is a tab whose table starts at B2, so addresses are offset.
func wbSheet() [][]string {
	return [][]string{
		{"notes"},
		{"", "Team", "Hosts", "Schedule ID", "Booking URL", "Sync status", "Synced at"},
		{"", "Sales", "a@x.com, b@x.com"},
		{"", "Support", "a@x.com, b@x.com", id2, "https://scheduler.zoom.us/a/support", "created", "2026-02-01T00:00:00Z"},
		{"", "Ops", "a@x.com, b@x.com", id3, "https://scheduler.zoom.us/a/ops", "unchanged", "2026-02-01T00:00:00Z"},
	}
}

// readForWrite reads the fake's tab and returns the source and table.
func readForWrite(t *testing.T, srv *sheettest.Server, rng string) (*Google, *Table) {
	t.Helper()
	g := newTestGoogle(t, srv, rng, OpenOptions{Write: true})
	tb, err := g.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	return g, tb
}

type batchBody struct {
	ValueInputOption string `json:"valueInputOption"`
	Data             []struct {
		Range  string     `json:"range"`
		Values [][]string `json:"values"`
	} `json:"data"`
}

func writeRequests(srv *sheettest.Server) []sheettest.Request {
	var out []sheettest.Request
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

func TestWriteBackOnlyChangedCells(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "My Teams", wbSheet())
	g, tb := readForWrite(t, srv, "'My Teams'!B2:H")
	results := []RowResult{
		{Row: 3, Key: "sales", ScheduleID: id1, BookingURL: "https://scheduler.zoom.us/a/sales", Status: "created", SyncedAt: syncT},
		{Row: 4, Key: "support", ScheduleID: id2, BookingURL: "https://scheduler.zoom.us/a/support", Status: "unchanged", SyncedAt: syncT},
		{Row: 5, Key: "ops", ScheduleID: id3, BookingURL: "https://scheduler.zoom.us/a/ops", Status: "unchanged", SyncedAt: syncT},
	}
	rep, err := g.WriteBack(context.Background(), tb, wbCols, results)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&WriteReport{Updated: 2}, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	writes := writeRequests(srv)
	if len(writes) != 1 || writes[0].Method != http.MethodPost || !strings.HasSuffix(writes[0].Path, "/values:batchUpdate") {
		t.Fatalf("writes = %+v, want one values.batchUpdate", writes)
	}
	var body batchBody
	if err := json.Unmarshal([]byte(writes[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	if body.ValueInputOption != "RAW" {
		t.Errorf("valueInputOption = %q, want RAW", body.ValueInputOption)
	}
	type entry struct {
		Range  string
		Values [][]string
	}
	var got []entry
	for _, d := range body.Data {
		got = append(got, entry{d.Range, d.Values})
	}
	want := []entry{
		{"'My Teams'!D3:G3", [][]string{{id1, "https://scheduler.zoom.us/a/sales", "created", syncS}}},
		{"'My Teams'!F4:G4", [][]string{{"unchanged", syncS}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batchUpdate data (-want +got):\n%s", diff)
	}
	tab := srv.Tab(testSheetID, "My Teams")
	if diff := cmp.Diff([]string{"", "Sales", "a@x.com, b@x.com", id1, "https://scheduler.zoom.us/a/sales", "created", syncS}, tab[2]); diff != "" {
		t.Errorf("row 3 (-want +got):\n%s", diff)
	}
	// Requests: the identity re-read (team column: there is no key column),
	// the write, and the check afterwards.
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Method+" "+strings.TrimPrefix(r.Path, "/v4/spreadsheets/"+testSheetID))
	}
	wantPaths := []string{"GET /values/'My Teams'!B2:B4", "POST /values:batchUpdate", "GET /values/'My Teams'!B2:B4"}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}

	// Run 2 with the same results: nothing changes, nothing is sent.
	g, tb = readForWrite(t, srv, "'My Teams'!B2:H")
	later := syncT.Add(time.Hour)
	for i := range results {
		results[i].SyncedAt = later
	}
	results[0].Status = "created"
	rep, err = g.WriteBack(context.Background(), tb, wbCols, results)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 0 || len(srv.Requests()) != 0 {
		t.Errorf("unchanged run: report %+v, requests %+v; want no request at all", rep, srv.Requests())
	}
}

func TestWriteBackKeepsFormulaAsText(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", [][]string{{"Team", "Hosts", "sync_status"}, {"Sales", "a@x.com, b@x.com"}})
	g, tb := readForWrite(t, srv, "Teams")
	status := `=HYPERLINK("http://evil.example","click") error: ` + strings.Repeat("x", 2000)
	rep, err := g.WriteBack(context.Background(), tb, wbCols, []RowResult{{Row: 2, Key: "sales", Status: status}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 {
		t.Errorf("report %+v", rep)
	}
	got := srv.Tab(testSheetID, "Teams")[1][2]
	if !strings.HasPrefix(got, `=HYPERLINK(`) || len([]rune(got)) != 500 || !strings.HasSuffix(got, "…") {
		t.Errorf("cell = %.60q… (%d runes), want the text truncated to 500", got, len([]rune(got)))
	}
	if srv.IsFormula(testSheetID, "Teams", "C2") {
		t.Error("the status was stored as a formula: write-back must use RAW")
	}
}

func TestWriteBackMissingColumns(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", [][]string{{"Team", "Hosts", "Key", "Sync Status"}, {"Sales", "a@x.com, b@x.com", "s1"}})
	g, tb := readForWrite(t, srv, "Teams")
	rep, err := g.WriteBack(context.Background(), tb, wbCols, []RowResult{{Row: 2, Key: "s1", ScheduleID: id1, BookingURL: "https://scheduler.zoom.us/a/s", Status: "created", SyncedAt: syncT}})
	if err != nil {
		t.Fatal(err)
	}
	want := &WriteReport{Updated: 1, MissingColumns: []string{"schedule_id", "booking_url", "synced_at"}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Sales", "a@x.com, b@x.com", "s1", "created"}, srv.Tab(testSheetID, "Teams")[1]); diff != "" {
		t.Errorf("row (-want +got):\n%s", diff)
	}
	// The identity re-read used the key column (C).
	if r := srv.Requests()[0]; !strings.HasSuffix(r.Path, "/values/Teams!C1:C2") {
		t.Errorf("identity re-read %s", r.Path)
	}
}

func TestWriteBackNoColumnsNoCalls(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", [][]string{{"Team", "Hosts"}, {"Sales", "a@x.com, b@x.com"}})
	g, tb := readForWrite(t, srv, "Teams")
	rep, err := g.WriteBack(context.Background(), tb, wbCols, []RowResult{{Row: 2, Key: "sales", Status: "created", SyncedAt: syncT}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.MissingColumns) != 4 || rep.Updated != 0 || len(srv.Requests()) != 0 {
		t.Errorf("report %+v, requests %v", rep, srv.Requests())
	}
}

// TestWriteBackSkipsMovedRows re-orders the tab after the read, when the
// identity re-read arrives: the rows that moved are skipped, the rest
// written.
func TestWriteBackSkipsMovedRows(t *testing.T) {
	srv := newFake(t)
	rows := [][]string{
		{"Team", "Hosts", "Key", "schedule_id", "sync_status"},
		{"Sales", "a@x.com, b@x.com", "k-sales"},
		{"Support", "a@x.com, b@x.com", ""},
		{"Ops", "a@x.com, b@x.com", "k-ops"},
	}
	srv.SetTab(testSheetID, "Teams", rows)
	g, tb := readForWrite(t, srv, "Teams")
	var sorted atomic.Bool
	srv.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodGet && !sorted.Swap(true) {
			// Someone sorts Sales and Support the other way round.
			srv.SetTab(testSheetID, "Teams", [][]string{rows[0], rows[2], rows[1], rows[3]})
		}
	})
	results := []RowResult{
		{Row: 2, Key: "k-sales", ScheduleID: id1, Status: "created"},
		{Row: 3, Key: "support", ScheduleID: id2, Status: "created"},
		{Row: 4, Key: "k-ops", ScheduleID: id3, Status: "created"},
	}
	rep, err := g.WriteBack(context.Background(), tb, wbCols, results)
	if err != nil {
		t.Fatal(err)
	}
	want := &WriteReport{
		Updated: 1,
		Skipped: []string{
			`row 2: the sheet changed since it was read (the row now holds "Support", not "k-sales"); its results were not written — the next run will write them`,
			`row 3: the sheet changed since it was read (the row now holds "k-sales", not "support"); its results were not written — the next run will write them`,
		},
		MissingColumns: []string{"booking_url", "synced_at"},
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got := srv.Tab(testSheetID, "Teams")
	wantTab := [][]string{rows[0], {"Support", "a@x.com, b@x.com"}, {"Sales", "a@x.com, b@x.com", "k-sales"}, {"Ops", "a@x.com, b@x.com", "k-ops", id3, "created"}}
	if diff := cmp.Diff(wantTab, got); diff != "" {
		t.Errorf("tab (-want +got):\n%s", diff)
	}
	// One identity read covering key and team (Support's key is blank, so
	// its identity is its team): a single batchGet.
	if r := srv.Requests()[0]; !strings.HasSuffix(r.Path, "/values:batchGet") || !strings.Contains(r.RawQuery, "ranges=Teams%21C1%3AC4") || !strings.Contains(r.RawQuery, "ranges=Teams%21A1%3AA4") {
		t.Errorf("identity re-read %s?%s", r.Path, r.RawQuery)
	}
}

// TestWriteBackReportsSortDuringWrite re-orders the tab in the instant the
// write arrives (BeforeWrite): the values API cannot prevent that, but the
// check after the write reports it.
func TestWriteBackReportsSortDuringWrite(t *testing.T) {
	srv := newFake(t)
	rows := [][]string{
		{"Team", "Hosts", "schedule_id"},
		{"Sales", "a@x.com, b@x.com"},
		{"Support", "a@x.com, b@x.com"},
	}
	srv.SetTab(testSheetID, "Teams", rows)
	g, tb := readForWrite(t, srv, "Teams")
	srv.BeforeWrite(func() { srv.SetTab(testSheetID, "Teams", [][]string{rows[0], rows[2], rows[1]}) })
	rep, err := g.WriteBack(context.Background(), tb, wbCols, []RowResult{{Row: 2, Key: "sales", ScheduleID: id1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || !strings.HasPrefix(rep.Warnings[0], `row 2: the sheet was re-sorted while results were written, so the values written to row 2 (schedule_id "`+id1+`") may belong to another row`) {
		t.Errorf("warnings %q", rep.Warnings)
	}
}

func TestWriteBackRetriesAndErrors(t *testing.T) {
	srv := newFake(t)
	srv.SetTab(testSheetID, "Teams", [][]string{{"Team", "Hosts", "sync_status"}, {"Sales", "a@x.com, b@x.com"}})
	g, tb := readForWrite(t, srv, "Teams")
	srv.Fail(sheettest.Failure{Method: http.MethodPost, Status: 503, Count: 2})
	rep, err := g.WriteBack(context.Background(), tb, wbCols, []RowResult{{Row: 2, Key: "sales", Status: "created"}})
	if err != nil || rep.Updated != 1 {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	if n := len(writeRequests(srv)); n != 3 {
		t.Errorf("%d writes, want 3 (two 503s, then success)", n)
	}

	g, tb = readForWrite(t, srv, "Teams")
	srv.Deny(testSheetID)
	_, err = g.WriteBack(context.Background(), tb, wbCols, []RowResult{{Row: 2, Key: "sales", Status: "error: boom"}})
	if err == nil || !strings.Contains(err.Error(), "cannot write back to") || !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("err = %v", err)
	}
}
