package faultsuite

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// hostileRow is a roster row whose cells may be hostile; bad names the
// column zoomsync must name for it ("" for a valid row).
type hostileRow struct {
	team, hosts string
	bad         string
	summary     string // the page's summary for a valid row; default team
}

// TestHostileSheets: bad bytes, huge cells, formulas and NUL bytes in a
// CSV roster. Each bad cell is named by row and column, its row is
// skipped, and every other row is synced with its text intact.
func TestHostileSheets(t *testing.T) {
	t.Parallel()
	huge := "Team " + strings.Repeat("x", 1<<20)
	cases := []struct {
		name string
		rows []hostileRow
		// encode turns the CSV text into the file's bytes; nil: as is.
		encode func(string) []byte
		// warn is a warning that must appear exactly once.
		warn string
	}{
		{name: "utf8-with-one-latin1-byte", rows: []hostileRow{
			{team: "Zürich – Sales", hosts: "a1@example.com, b1@example.com"},
			{team: "M\xfcnchen Support", hosts: "a2@example.com, b2@example.com", bad: "Team"},
			{team: "Team Three", hosts: "a3@example.com, b3@example.com"},
		}},
		{name: "windows-1252-file", warn: "Windows-1252", rows: []hostileRow{
			{team: "Z\xfcrich \x96 Sales", summary: "Zürich – Sales", hosts: "a1@example.com, b1@example.com"},
			{team: "Caf\xe9 Team", summary: "Café Team", hosts: "a2@example.com, b2@example.com"},
		}},
		{name: "huge-cells", rows: []hostileRow{
			{team: huge, hosts: "a1@example.com, b1@example.com", bad: "Team"},
			{team: "Team Two", hosts: "a2@example.com, " + strings.Repeat("h", 1<<20) + "@example.com", bad: "Hosts"},
			{team: "Team Three", hosts: "a3@example.com, b3@example.com"},
		}},
		{name: "formulas", rows: []hostileRow{
			// A formula in a text cell is text: it is synced as written.
			{team: `=HYPERLINK("https://evil.example","Sales")`, hosts: "a1@example.com, b1@example.com"},
			{team: "Team Two", hosts: "=IMPORTRANGE(A1), b2@example.com", bad: "Hosts"},
			{team: "Team Three", hosts: "a3@example.com, b3@example.com"},
		}},
		{name: "nul-bytes", rows: []hostileRow{
			{team: "Sales\x00Ops", hosts: "a1@example.com, b1@example.com", bad: "Team"},
			{team: "Team Two", hosts: "a2@example.com, b2\x00@example.com", bad: "Hosts"},
			{team: "Team Three", hosts: "a3@example.com, b3@example.com"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			zs := startZoom(t, emulator.Options{Mode: emulator.ModeCollective})
			var b strings.Builder
			b.WriteString("Team,Hosts\r\n")
			valid := 0
			for _, r := range tc.rows {
				b.WriteString(`"` + strings.ReplaceAll(r.team, `"`, `""`) + `","` + r.hosts + "\"\r\n")
				if r.bad == "" {
					valid++
				}
			}
			data := []byte(b.String())
			s := newSetup(t, zs, "", conf{Zoom: []string{"rate_limit: 200"}})
			if err := os.WriteFile(filepath.Join(s.dir, "teams.csv"), data, 0o600); err != nil {
				t.Fatal(err)
			}
			res := s.run(t, runOpts{}, "sync", "--config", s.config)
			want := 0
			if valid < len(tc.rows) {
				want = 3
			}
			if res.code != want {
				t.Errorf("exit %d, want %d\n%s", res.code, want, tail(res.stderr))
			}
			pages := map[string]emulator.Page{}
			for _, p := range zs.Pages("", false) {
				pages[p.Owner] = p
			}
			for i, r := range tc.rows {
				rl := res.rows[i+2]
				owner := strings.ToLower(strings.TrimSpace(strings.Split(r.hosts, ",")[0]))
				p, made := pages[owner]
				if r.bad != "" {
					if rl.Outcome != "invalid" || !strings.Contains(rl.Detail, `column "`+r.bad+`"`) {
						t.Errorf("row %d: outcome %q, detail %.200q; want invalid, naming column %q", i+2, rl.Outcome, rl.Detail, r.bad)
					}
					if made {
						t.Errorf("row %d is invalid but has page %s", i+2, p.ScheduleID)
					}
					continue
				}
				want := r.summary
				if want == "" {
					want = r.team
				}
				switch {
				case rl.Outcome != "created":
					t.Errorf("row %d: outcome %q (%.200s), want created", i+2, rl.Outcome, rl.Detail)
				case !made:
					t.Errorf("row %d: no page in Zoom", i+2)
				case p.Summary != want:
					t.Errorf("row %d: page summary %q, want %q", i+2, p.Summary, want)
				}
			}
			if n := len(pages); n != valid {
				t.Errorf("%d pages, want %d (one per valid row)", n, valid)
			}
			if tc.warn != "" {
				if n := strings.Count(res.stderr, tc.warn); n != 1 {
					t.Errorf("the warning %q appears %d times, want once\n%s", tc.warn, n, tail(res.stderr))
				}
			}
		})
	}
}

// TestUnreadableSheets: a roster that cannot be read, or holds no rows,
// makes no write to Zoom, even with prune on and pages to prune; an
// unreadable one fails the run.
func TestUnreadableSheets(t *testing.T) {
	t.Parallel()
	garbage := make([]byte, 8<<10)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range garbage {
		garbage[i] = byte(rng.IntN(256))
	}
	cases := []struct {
		name string
		data []byte // nil: no file at all
		dir  bool   // a directory where the file should be
		// rowless rosters are read fine but hold no rows: no write, and
		// any exit code.
		rowless bool
	}{
		{name: "missing"},
		{name: "directory", dir: true},
		{name: "empty", data: []byte{}},
		{name: "blank-lines", data: []byte("\r\n\n  \n")},
		{name: "header-only", data: []byte("Team,Hosts\n"), rowless: true},
		{name: "binary", data: garbage},
		{name: "truncated-quote", data: []byte("Team,Hosts\n\"Team 001,\"owner0@example.com, host001@example.com\n")},
		{name: "nul-only", data: make([]byte, 4096)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			zs := startZoom(t, emulator.Options{Mode: emulator.ModeCollective})
			rows := roster(8, 2)
			s := newSetup(t, zs, rosterCSV(rows), conf{Zoom: []string{"rate_limit: 200"}, Sync: []string{"prune: delete"}})
			if res := s.run(t, runOpts{}, "sync", "--config", s.config); res.code != 0 {
				t.Fatalf("first sync: exit %d\n%s", res.code, tail(res.stderr))
			}
			path := filepath.Join(s.dir, "teams.csv")
			os.Remove(path)
			switch {
			case tc.dir:
				os.Mkdir(path, 0o700)
			case tc.data != nil:
				os.WriteFile(path, tc.data, 0o600)
			}
			zs.ResetStats()
			res := s.run(t, runOpts{}, "sync", "--config", s.config)
			got := tallyPages(zs, rows, nil)
			t.Logf("exit %d, %d Zoom calls, %d writes, pages %d: %s", res.code, zs.calls(), zs.Stats().Writes(), got.Pages, firstLine(res.stderr))
			if w := zs.Stats().Writes(); w != 0 || got.Pages != len(rows) {
				t.Errorf("%d writes, %d pages left; want none and %d", w, got.Pages, len(rows))
			}
			if res.code == 0 && !tc.rowless {
				t.Errorf("exit 0 for an unusable roster\n%s", tail(res.stderr))
			}
		})
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
