package faultsuite

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// bin is the zoomsync binary TestMain builds once for the test binary;
// rsswrap is testdata/rsswrap, which measures a child's peak RSS.
var bin, rsswrap string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "faultsuite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin, rsswrap = filepath.Join(dir, "zoomsync"), filepath.Join(dir, "rsswrap")
	// Plain builds, also under -race: the figures (RSS, wall time) are
	// those of the binary users run.
	for _, b := range [][2]string{
		{bin, "github.com/zoomsync/zoomsync/cmd/zoomsync"},
		{rsswrap, "github.com/zoomsync/zoomsync/internal/faultsuite/testdata/rsswrap"},
	} {
		build := exec.Command("go", "build", "-o", b[0], b[1])
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "faultsuite: building %s: %v\n", b[1], err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// zoomServer is an emulator on loopback behind an optional middleware that
// injects faults the emulator has no knob for, and sees every request.
type zoomServer struct {
	*emulator.Emulator
	URL  string
	opts emulator.Options
	mw   atomic.Pointer[middleware]
	seen atomic.Int64 // requests since the last resetSeen
}

// middleware serves r itself or passes it to next (the emulator).
type middleware func(w http.ResponseWriter, r *http.Request, next http.Handler)

func startZoom(tb testing.TB, o emulator.Options) *zoomServer {
	tb.Helper()
	d := emulator.DefaultOptions()
	if o.AccountID == "" {
		o.AccountID, o.ClientID, o.ClientSecret = d.AccountID, d.ClientID, d.ClientSecret
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	emu, err := emulator.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	s := &zoomServer{Emulator: emu, opts: o}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.seen.Add(1)
		if mw := s.mw.Load(); mw != nil {
			(*mw)(w, r, emu)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	s.URL = srv.URL
	tb.Cleanup(func() {
		srv.Close()
		emu.Close()
	})
	return s
}

func (s *zoomServer) use(mw middleware) { s.mw.Store(&mw) }
func (s *zoomServer) clear()            { s.mw.Store(nil) }

// calls is every request the emulator counted.
func (s *zoomServer) calls() int {
	n := 0
	for _, c := range s.Stats().Requests {
		n += c
	}
	return n
}

const (
	routePOST = "POST /v2/scheduler/schedules"
	prefix    = "fs-"
)

// row is one roster row; its page's slug is prefix + slugified team.
type row struct {
	Team  string
	Owner string
	Hosts []string // besides the owner
}

func (r row) slug() string { return prefix + slugify(r.Team) }

// slugify is enough of sheet.Slugify for the ASCII team names used here.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(c)
			continue
		}
		dash = true
	}
	return b.String()
}

// roster makes n rows spread over owners owners, each with one more host.
func roster(n, owners int) []row {
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{
			Team:  fmt.Sprintf("Team %03d", i+1),
			Owner: fmt.Sprintf("owner%d@example.com", i%owners),
			Hosts: []string{fmt.Sprintf("host%03d@example.com", i+1)},
		}
	}
	return rows
}

// rosterCSV is the sheet for rows, as CSV text.
func rosterCSV(rows []row) string {
	var b strings.Builder
	b.WriteString("Team,Hosts\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,\"%s\"\n", r.Team, strings.Join(append([]string{r.Owner}, r.Hosts...), ", "))
	}
	return b.String()
}

// setup is a working directory with a roster and a config for a server.
type setup struct {
	dir    string
	config string
}

// conf is what the config file says besides the Zoom URLs and credentials.
type conf struct {
	Source string   // YAML flow map for source; default: the CSV teams.csv
	Zoom   []string // extra "key: value" lines under zoom
	Sync   []string // extra lines under sync
}

// newSetup writes csvText as teams.csv and a config pointing at zs (which
// may be nil for runs that must not reach Zoom: a closed port is used).
func newSetup(tb testing.TB, zs *zoomServer, csvText string, c conf) *setup {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "teams.csv"), []byte(csvText), 0o600); err != nil {
		tb.Fatal(err)
	}
	url := "http://127.0.0.1:1"
	o := emulator.DefaultOptions()
	if zs != nil {
		url, o = zs.URL, zs.opts
	}
	if c.Source == "" {
		c.Source = "{type: csv, path: teams.csv}"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "source: %s\nzoom:\n  api_url: %s/v2\n  oauth_url: %s/oauth/token\n", c.Source, url, url)
	fmt.Fprintf(&b, "  account_id: %s\n  client_id: %s\n  client_secret: %s\n", o.AccountID, o.ClientID, o.ClientSecret)
	for _, l := range c.Zoom {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	fmt.Fprintf(&b, "sync:\n  slug_prefix: %s\n", prefix)
	for _, l := range c.Sync {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	b.WriteString("state_dir: state\nlog: {format: json, level: info}\n")
	config := filepath.Join(dir, "zoomsync.yaml")
	if err := os.WriteFile(config, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return &setup{dir: dir, config: config}
}

// result is one finished run of zoomsync.
type result struct {
	code    int // exit code; -1 when killed
	killed  bool
	stdout  string
	stderr  string
	elapsed time.Duration
	rows    map[int]rowLog // the last result line per sheet row
	lines   []map[string]any
	peakKiB int64 // peak RSS when measured
	wrapKiB int64 // the wrapper's own peak when measured
}

// rowLog is a per-row result line of the JSON log.
type rowLog struct {
	Row        int    `json:"row"`
	Key        string `json:"key"`
	Outcome    string `json:"outcome"`
	ScheduleID string `json:"schedule_id"`
	Detail     string `json:"detail"`
	Msg        string `json:"msg"`
}

// runOpts changes how run starts zoomsync.
type runOpts struct {
	measureRSS bool
	// started, if set, receives the process as soon as it runs.
	started func(*os.Process)
}

// run runs `zoomsync args...` in the setup's directory.
func (s *setup) run(tb testing.TB, o runOpts, args ...string) *result {
	tb.Helper()
	name := bin
	var rssOut string
	if o.measureRSS {
		rssOut = filepath.Join(tb.TempDir(), "rss")
		name, args = rsswrap, append([]string{bin}, args...)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if o.measureRSS {
		cmd.Env = append(cmd.Env, "FAULTSUITE_RSS_OUT="+rssOut)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	if o.started != nil {
		o.started(cmd.Process)
	}
	err := cmd.Wait()
	res := &result{elapsed: time.Since(start), stdout: stdout.String(), stderr: stderr.String(), rows: map[int]rowLog{}}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			res.killed = true
		}
	default:
		tb.Fatal(err)
	}
	if o.measureRSS {
		data, err := os.ReadFile(rssOut)
		if err != nil {
			tb.Fatalf("no RSS figures from the wrapper: %v\n%s", err, tail(res.stderr))
		}
		fmt.Sscan(string(data), &res.peakKiB, &res.wrapKiB)
	}
	sc := bufio.NewScanner(strings.NewReader(res.stderr))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var m map[string]any
		if json.Unmarshal(line, &m) != nil {
			continue
		}
		res.lines = append(res.lines, m)
		if _, ok := m["outcome"]; !ok {
			continue
		}
		var rl rowLog
		if json.Unmarshal(line, &rl) == nil && rl.Row > 0 {
			res.rows[rl.Row] = rl
		}
	}
	return res
}

// count returns how many rows ended with the outcome.
func (r *result) count(outcome string) int {
	n := 0
	for _, rl := range r.rows {
		if rl.Outcome == outcome {
			n++
		}
	}
	return n
}

func tail(s string) string {
	const n = 3000
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// tally is what Zoom holds, judged against the sheet's rows.
type tally struct {
	Pages      int // bookable pages (not cancelled, active)
	Duplicates int // pages a row claims beyond its first
	Missing    int // rows with no page
	Stray      int // bookable pages no row claims
	API        int // bookable pages not in keep (made through the API)
	OneToOne   int // bookable pages of schedule_type "one"
}

// claims reports whether the page belongs to the row: same owner, and the
// row's slug or its team name as the summary.
func claims(r row, p emulator.Page) bool {
	return strings.EqualFold(p.Owner, r.Owner) &&
		(strings.EqualFold(p.Slug, r.slug()) || p.Summary == r.Team)
}

// tallyPages counts the emulator's pages against rows. keep holds the ids of
// pages made as in the web app.
func tallyPages(zs *zoomServer, rows []row, keep map[string]bool) tally {
	var t tally
	pages := zs.Pages("", false)
	claimed := make([]int, len(rows))
	for _, p := range pages {
		if !p.Active {
			continue
		}
		t.Pages++
		if !keep[p.ScheduleID] {
			t.API++
		}
		if p.ScheduleType == "one" {
			t.OneToOne++
		}
		mine := false
		for i, r := range rows {
			if claims(r, p) {
				claimed[i]++
				mine = true
				break
			}
		}
		if !mine {
			t.Stray++
		}
	}
	for _, n := range claimed {
		switch {
		case n == 0:
			t.Missing++
		case n > 1:
			t.Duplicates += n - 1
		}
	}
	return t
}

// checkReport checks that every row the report says has a page names a
// page Zoom holds for that row (rows[i] is sheet row i+2).
func checkReport(t *testing.T, zs *zoomServer, rows []row, res *result) {
	t.Helper()
	byID := map[string]emulator.Page{}
	for _, p := range zs.Pages("", false) {
		byID[p.ScheduleID] = p
	}
	for i, r := range rows {
		rl, ok := res.rows[i+2]
		if !ok {
			continue
		}
		switch rl.Outcome {
		case "created", "updated", "unchanged":
			p, ok := byID[rl.ScheduleID]
			switch {
			case rl.ScheduleID == "" && rl.Outcome == "unchanged":
				// Unchanged rows are logged at debug level only.
			case !ok:
				t.Errorf("row %d %s: report says %s page %q, which Zoom does not hold", i+2, r.Team, rl.Outcome, rl.ScheduleID)
			case !claims(r, p):
				t.Errorf("row %d %s: report names page %s (%s, owner %s), which is not the row's", i+2, r.Team, p.ScheduleID, p.Slug, p.Owner)
			}
		}
	}
}

// discard is a ResponseWriter for requests served but not answered.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// hugeBody writes n bytes of a JSON error body in small chunks, so that
// the server never holds it, stopping when the client stops reading.
func hugeBody(w io.Writer, n int64, open, closing string) {
	io.WriteString(w, open)
	chunk := []byte(strings.Repeat("x", 64<<10))
	for n > 0 {
		c := chunk
		if int64(len(c)) > n {
			c = c[:n]
		}
		if _, err := w.Write(c); err != nil {
			return
		}
		n -= int64(len(c))
	}
	io.WriteString(w, closing)
}

// decodeJSON decodes and closes a response body.
func decodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %s", resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}
