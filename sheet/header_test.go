package sheet

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewHeaderMap(t *testing.T) {
	wb := DefaultWritebackColumns()
	tests := []struct {
		name     string
		header   []string
		aliases  map[string]string
		wantCols map[string]int
		wantWB   map[string]int
		warnings []string
		problems []string
	}{
		{
			name:     "spelling variants",
			header:   []string{"TEAM", " Hosts ", "Time zone", "time_zone2", "Buffer-Before", "MinNotice", "Schedule ID", "Sync Status", "booking URL", "Synced-At"},
			wantCols: map[string]int{"team": 0, "hosts": 1, "timezone": 2, "buffer_before": 4, "min_notice": 5, "schedule_id": 6},
			wantWB:   map[string]int{WBScheduleID: 6, WBStatus: 7, WBBookingURL: 8, WBSyncedAt: 9},
			warnings: []string{`ignoring 1 column(s) zoomsync does not use: "time_zone2" (D) (did you mean timezone?)`},
		},
		{
			name:     "aliases add header texts, own names still match",
			header:   []string{"Squad", "Team members", "Duration"},
			aliases:  map[string]string{"team": "squad", "hosts": "Team Members"},
			wantCols: map[string]int{"team": 0, "hosts": 1, "duration": 2},
			wantWB:   map[string]int{},
		},
		{
			name:     "an alias beats another column's own name",
			header:   []string{"Team", "Hosts", "Name"},
			aliases:  map[string]string{"key": "team", "team": "Name"},
			wantCols: map[string]int{"key": 0, "hosts": 1, "team": 2},
			wantWB:   map[string]int{},
		},
		{
			name:     "empty header cells are ignored",
			header:   []string{"Team", "", "Hosts", "  "},
			wantCols: map[string]int{"team": 0, "hosts": 2},
			wantWB:   map[string]int{},
		},
		{
			name:     "unknown columns give one warning",
			header:   []string{"Team", "Hosts", "Notes", "Region", "Ownr"},
			wantCols: map[string]int{"team": 0, "hosts": 1},
			wantWB:   map[string]int{},
			warnings: []string{`ignoring 3 column(s) zoomsync does not use: "Notes" (C), "Region" (D), "Ownr" (E) (did you mean owner?)`},
		},
		{
			name:   "missing required columns, every problem listed",
			header: []string{"Name", "Host", "Duration", "duration"},
			problems: []string{
				`"Duration" (C) and "duration" (D) all name the duration column: delete or rename all but one`,
				`there is no team column: add a header cell "team", or map your own header to it in the config (columns: {team: "Your header"})`,
				`there is no hosts column: add a header cell "hosts" (did you mean "Host" (B)?), or map your own header to it in the config (columns: {hosts: "Your header"})`,
			},
		},
		{
			name:    "missing aliased column names the alias",
			header:  []string{"Team", "Hosts"},
			aliases: map[string]string{"hosts": "Members"},
			// Hosts still matches by its own name.
			wantCols: map[string]int{"team": 0, "hosts": 1},
			wantWB:   map[string]int{},
		},
		{
			name:     "missing aliased column",
			header:   []string{"Team", "Crew"},
			aliases:  map[string]string{"hosts": "Members"},
			problems: []string{`there is no hosts column: config columns.hosts says its header is "Members", and no header cell matches`},
		},
		{
			name:     "alias and own name both present is a duplicate",
			header:   []string{"Team", "Hosts", "Members"},
			aliases:  map[string]string{"hosts": "Members"},
			problems: []string{`"Hosts" (B) and "Members" (C) all name the hosts column: delete or rename all but one`},
		},
		{
			name:     "write-back header equal to an input column is refused",
			header:   []string{"Team", "Hosts", "Owner"},
			aliases:  nil,
			problems: []string{`"Owner" (C) is both the owner column and the write-back status column; give writeback.columns.status a header text of its own`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := wb
			if tt.name == "write-back header equal to an input column is refused" {
				w.Status = "owner"
			}
			hm, err := NewHeaderMap(tt.header, tt.aliases, w)
			if tt.problems != nil {
				var he *HeaderError
				if !errors.As(err, &he) {
					t.Fatalf("err = %v, want *HeaderError", err)
				}
				if diff := cmp.Diff(tt.problems, he.Problems); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantCols, hm.cols); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWB, hm.wb); diff != "" {
				t.Errorf("write-back (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warnings, hm.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeaderMapCustomScheduleIDHeader(t *testing.T) {
	wb := WritebackColumns{ScheduleID: "Zoom page", BookingURL: "Link", Status: "Result", SyncedAt: "When"}
	hm, err := NewHeaderMap([]string{"Team", "Hosts", "Zoom Page", "Link", "Result", "When"}, nil, wb)
	if err != nil {
		t.Fatal(err)
	}
	if i, ok := hm.column(ColScheduleID); !ok || i != 2 {
		t.Errorf("schedule_id column = %d, %v; want 2 (the write-back header also reads as input)", i, ok)
	}
	if i, ok := hm.Writeback(WBScheduleID); !ok || i != 2 {
		t.Errorf("write-back schedule_id = %d, %v", i, ok)
	}
	if len(hm.Warnings) != 0 {
		t.Errorf("warnings %v", hm.Warnings)
	}
	if got := hm.display(ColScheduleID); got != "Zoom Page" {
		t.Errorf("display = %q", got)
	}
	if got := hm.display(ColOwner); got != "owner" {
		t.Errorf("display of a missing column = %q", got)
	}
}
