package main

import (
	"strings"
	"testing"
	"time"

	zsync "github.com/zoomsync/zoomsync/sync"
)

// Counts of one read as one thing in the human plan and summary lines.
func TestPlurals(t *testing.T) {
	var b strings.Builder
	printPlan(&b, "CSV teams.csv", &zsync.Plan{Rows: 1, Owners: 1, Pages: 1})
	if want := "Plan for CSV teams.csv: 1 row, 1 owner, 1 page in Zoom\n"; !strings.HasPrefix(b.String(), want) {
		t.Errorf("plan header %q, want %q", b.String(), want)
	}
	b.Reset()
	printPlan(&b, "CSV teams.csv", &zsync.Plan{Rows: 2, Owners: 0, Pages: 3})
	if want := "Plan for CSV teams.csv: 2 rows, 0 owners, 3 pages in Zoom\n"; !strings.HasPrefix(b.String(), want) {
		t.Errorf("plan header %q, want %q", b.String(), want)
	}
	rep := &zsync.Report{}
	for _, tc := range []struct {
		api  apiCounts
		want string
	}{
		{apiCounts{Writes: 1, Requests: 1, RateLimitedWaits: 1}, "no rows (1 write, 1 request, 1 rate-limited wait) in 1s"},
		{apiCounts{Writes: 0, Requests: 2, RateLimitedWaits: 3}, "no rows (0 writes, 2 requests, 3 rate-limited waits) in 1s"},
	} {
		if got, want := summaryText(rep, tc.api, time.Second), tc.want; got != want {
			t.Errorf("summary %q, want %q", got, want)
		}
	}
	if got := plural(1, "row") + ", " + plural(0, "row") + ", " + plural(2, "API call"); got != "1 row, 0 rows, 2 API calls" {
		t.Errorf("plural: %q", got)
	}
}
