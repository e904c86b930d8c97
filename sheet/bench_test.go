package sheet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/zoomsync/zoomsync/sheet/sheettest"
)

// rosterRows builds a realistic roster: a friendly header with write-back
// columns, 3-5 hosts a row, a mix of time zones and hours, descriptions on
// some rows and write-back values on half of them.
func rosterRows(n int) [][]string {
	zones := []string{"America/New_York", "Europe/Berlin", "Asia/Singapore", "America/Los_Angeles", "UTC", "Australia/Sydney"}
	hours := []string{"Mon-Fri 09:00-17:00", "Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00", "weekdays 8am-4pm", "Mon, Wed, Fri 10-12, 14-17", "Sun-Thu 09:00-17:00"}
	kinds := []string{"Sales Demo", "Customer Success Onboarding", "Support Escalations", "Recruiting Panel", "Partner Sync"}
	rows := make([][]string, 0, n+1)
	rows = append(rows, []string{"Team", "Hosts", "Owner", "Duration", "Time zone", "Availability", "Description", "Location", "Active", "Schedule ID", "Booking URL", "Sync status", "Synced at"})
	for i := 0; i < n; i++ {
		nh := 3 + i%3
		hosts := make([]string, nh)
		for h := range hosts {
			hosts[h] = fmt.Sprintf("host%05d.%d@example.com", i, h)
		}
		row := []string{
			fmt.Sprintf("%s %05d", kinds[i%len(kinds)], i),
			strings.Join(hosts, ", "),
			"",
			strconv.Itoa(15 * (1 + i%8)),
			zones[i%len(zones)],
			hours[i%len(hours)],
		}
		if i%4 == 0 {
			row = append(row, "A conversation with our team about your goals and how we can help.", "Zoom")
		} else {
			row = append(row, "", "")
		}
		row = append(row, []string{"TRUE", "FALSE"}[boolInt(i%20 == 0)])
		if i%2 == 0 {
			id := fmt.Sprintf("sch%023d", i)
			row = append(row, id, "https://scheduler.zoom.us/host"+strconv.Itoa(i)+"/team-"+strconv.Itoa(i), "unchanged", "2026-03-01T09:30:00Z")
		}
		rows = append(rows, row)
	}
	return rows
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func readParse(ctx context.Context, src Source) (*Result, error) {
	tb, err := src.Read(ctx)
	if err != nil {
		return nil, err
	}
	return Parse(tb, ParseOptions{Defaults: Defaults{TimeZone: "UTC", Duration: 30, Availability: "Mon-Fri 09:00-17:00"}, SlugPrefix: "zs-", Writeback: DefaultWritebackColumns()})
}

// BenchmarkReadParse10k reads a 10,000-row sheet through the real Sheets
// client and the fake server, and parses it.
func BenchmarkReadParse10k(b *testing.B) {
	const n = 10000
	srv := sheettest.NewServer()
	defer srv.Close()
	srv.SetTab(testSheetID, "Teams", rosterRows(n))
	src, err := newGoogle(context.Background(), SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Credentials: "none", Endpoint: srv.URL()}, OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := readParse(ctx, src)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Pages) != n {
			b.Fatalf("%d pages, %d invalid: %v", len(res.Pages), len(res.Invalid), res.Invalid[:min(3, len(res.Invalid))])
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkParse10k is the parsing part alone.
func BenchmarkParse10k(b *testing.B) {
	rows := rosterRows(10000)
	raw := make([]rawRow, len(rows))
	for i, r := range rows {
		raw[i] = rawRow{num: i + 1, cells: r}
	}
	tb := newTable(raw, 0, "Teams")
	opts := ParseOptions{Defaults: Defaults{TimeZone: "UTC", Duration: 30, Availability: "Mon-Fri 09:00-17:00"}, SlugPrefix: "zs-", Writeback: DefaultWritebackColumns()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(tb, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

const rssEnv = "ZOOMSYNC_SHEET_RSS_URL"

// TestPeakRSS10k reads and parses 10,000 rows in a child process (so the
// fake server's memory is not counted) and checks its peak resident set
// (VmHWM) stays under the 100 MB budget (README.md, "Performance"). The
// race detector multiplies memory, so under -race it only reports the
// figure; .ci/run enforces the budget in a step without -race.
func TestPeakRSS10k(t *testing.T) {
	if url := os.Getenv(rssEnv); url != "" {
		src, err := newGoogle(context.Background(), SourceConfig{Type: TypeGSheet, SpreadsheetID: testSheetID, Credentials: "none", Endpoint: url}, OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := readParse(context.Background(), src)
		if err != nil || len(res.Pages) != 10000 {
			t.Fatalf("read+parse: %v", err)
		}
		fmt.Printf("VmHWM-kB %d\n", vmHWM(t))
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc/self/status (Linux)")
	}
	srv := sheettest.NewServer()
	defer srv.Close()
	srv.SetTab(testSheetID, "Teams", rosterRows(10000))
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSS10k$", "-test.count=1")
	cmd.Env = append(os.Environ(), rssEnv+"="+srv.URL())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var kb int
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM-kB "); ok {
			kb, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if kb == 0 {
		t.Fatalf("no VmHWM in child output:\n%s", out)
	}
	t.Logf("peak RSS reading and parsing 10,000 rows: %.1f MB", float64(kb)/1024)
	if !raceEnabled && kb > 100*1024 {
		t.Errorf("peak RSS %d kB, want under 100 MB", kb)
	}
}

func vmHWM(t *testing.T) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	t.Fatal("no VmHWM")
	return 0
}
