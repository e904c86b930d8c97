package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/zoomsync/zoomsync/internal/lock"
	"github.com/zoomsync/zoomsync/sheet/sheettest"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// TestMain lets scripts `exec zoomsync ...`: the test binary re-runs
// itself as the command, so the real Main, flags and exit codes are used.
func TestMain(m *testing.M) {
	if os.Getenv("ZOOMSYNC_TEST_MAIN") == "1" {
		// A test started this binary as zoomsync itself, set up as main
		// sets up the real binary.
		setMemoryLimit()
		code := Main(os.Args[1:], os.Stdout, os.Stderr)
		if p := os.Getenv("ZOOMSYNC_HWM_FILE"); p != "" {
			// Peak RSS of this process alone: rusage of a child started
			// with CLONE_VM would count the parent's memory as well.
			status, _ := os.ReadFile("/proc/self/status")
			os.WriteFile(p, status, 0o600)
		}
		os.Exit(code)
	}
	testscript.Main(m, map[string]func(){
		"zoomsync": func() { setMemoryLimit(); os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
		// zoomsync-code N ARGS... runs zoomsync and succeeds only if it
		// exits with exactly N, since exit codes are part of the interface.
		"zoomsync-code": func() {
			want, err := strconv.Atoi(os.Args[1])
			if err != nil {
				fmt.Fprintln(os.Stderr, "zoomsync-code: first argument must be the expected exit code")
				os.Exit(2)
			}
			if got := Main(os.Args[2:], os.Stdout, os.Stderr); got != want {
				fmt.Fprintf(os.Stderr, "zoomsync-code: exit code %d, want %d\n", got, want)
				os.Exit(1)
			}
			os.Exit(0)
		},
	})
}

// TestScripts runs testdata/script/*.txtar: end-to-end runs of the binary
// against an emulator and a fake Sheets server on loopback.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			// $EXAMPLES is the repository's examples directory, so that
			// scripts test the demo as shipped.
			dir, err := filepath.Abs(filepath.Join("..", "..", "examples"))
			env.Setenv("EXAMPLES", dir)
			return err
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"emulator":    cmdEmulator,
			"emu":         cmdEmu,
			"sheets":      cmdSheets,
			"holdlock":    cmdHoldLock,
			"csv2sheet":   cmdCSVToSheet,
			"sheetstatus": cmdSheetStatus,
			"jsonlines":   cmdJSONLines,
			"freeport":    cmdFreePort,
			"waitfor":     cmdWaitFor,
			"webhook":     cmdWebhook,
		},
	})
}

// servers holds each script's emulator and Sheets server.
var servers gosync.Map // *testscript.TestScript → *scriptServers

type scriptServers struct {
	emu     *emulator.Emulator
	sheets  *sheettest.Server
	webhook *webhookServer
}

func serversOf(ts *testscript.TestScript) *scriptServers {
	v, _ := servers.LoadOrStore(ts, &scriptServers{})
	return v.(*scriptServers)
}

// emulator [mode=downgrade] [rate=N] [errors=P] [drop=P] [latency=D] [secret=S] [analytics=STATUS]
// starts a Zoom emulator for the script and sets ZOOM_API_URL,
// ZOOM_OAUTH_URL and the ZOOM_* credentials.
func cmdEmulator(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! emulator")
	}
	o := emulator.DefaultOptions()
	o.RateLimit, o.Seed, o.Mode = 0, 7, emulator.ModeCollective
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		var err error
		switch k {
		case "mode":
			o.Mode = emulator.Mode(v)
		case "rate":
			o.RateLimit, err = strconv.Atoi(v)
		case "errors":
			o.ErrorRate, err = strconv.ParseFloat(v, 64)
		case "drop":
			o.DropPostRate, err = strconv.ParseFloat(v, 64)
		case "latency":
			o.Latency, err = time.ParseDuration(v)
		case "secret":
			o.ClientSecret = v
		case "analytics":
			o.AnalyticsStatus, err = strconv.Atoi(v)
		default:
			ts.Fatalf("emulator: unknown option %q", a)
		}
		ts.Check(err)
	}
	srv, err := emulator.ListenLoopback(o)
	ts.Check(err)
	ts.Defer(func() { srv.Close() })
	serversOf(ts).emu = srv.Emulator
	ts.Setenv("ZOOM_API_URL", srv.APIURL())
	ts.Setenv("ZOOM_OAUTH_URL", srv.TokenURL())
	ts.Setenv("ZOOM_ACCOUNT_ID", o.AccountID)
	ts.Setenv("ZOOM_CLIENT_ID", o.ClientID)
	ts.Setenv("ZOOM_CLIENT_SECRET", o.ClientSecret)
}

// emu reset | emu writes N | emu calls N | emu count "METHOD route" N |
// emu pages N | emu fault METHOD PATH STATUS COUNT | emu drop METHOD PATH COUNT [COMMIT_AFTER_MS] |
// emu webapp OWNER SLUG HOST... | emu mode M | emu 429s |
// emu seed [kind=K] [via=web|api] [title=T] OWNER SLUG HOST... |
// emu analytics STATUS | emu kind KIND N | emu has ID | emu commit-pending
func cmdEmu(ts *testscript.TestScript, neg bool, args []string) {
	e := serversOf(ts).emu
	if e == nil {
		ts.Fatalf("emu: run `emulator` first")
	}
	if len(args) == 0 {
		ts.Fatalf("emu: no subcommand")
	}
	expect := func(what string, got int, wantText string) {
		want, err := strconv.Atoi(wantText)
		ts.Check(err)
		if (got == want) == neg {
			ts.Fatalf("emu %s: got %d, want %s%d (requests: %v)", what, got, map[bool]string{true: "not ", false: ""}[neg], want, e.Stats().Requests)
		}
	}
	switch args[0] {
	case "reset":
		e.ResetStats()
	case "writes":
		expect("writes", e.Stats().Writes(), args[1])
	case "calls":
		n := 0
		for _, c := range e.Stats().Requests {
			n += c
		}
		expect("calls", n, args[1])
	case "count":
		expect(args[1], e.Stats().Requests[args[1]], args[2])
	case "pages":
		expect("pages", len(e.Pages("", false)), args[1])
	case "fault", "drop":
		f := emulator.Fault{Method: args[1], Path: args[2]}
		var err error
		if args[0] == "drop" {
			// drop METHOD PATH COUNT [COMMIT_AFTER_MS]: a create dropped
			// so lands that many milliseconds later (a late commit).
			f.Drop = true
			f.Count, err = strconv.Atoi(args[3])
			if err == nil && len(args) > 4 {
				f.CommitAfterMS, err = strconv.Atoi(args[4])
			}
		} else {
			f.Status, err = strconv.Atoi(args[3])
			ts.Check(err)
			f.Count, err = strconv.Atoi(args[4])
		}
		ts.Check(err)
		e.InjectFault(f)
	case "webapp":
		p, err := e.CreateWebAppPage(args[1], emulator.WebAppPage{Summary: "Made in the web app", Slug: args[2], Hosts: args[3:]})
		ts.Check(err)
		ts.Setenv("WEBAPP_ID", p.ScheduleID)
		ts.Setenv("WEBAPP_URL", p.SchedulingURL)
	case "seed":
		// seed [kind=all_host_available|any_host_available|one_to_one]
		// [via=web|api] [title=T] OWNER SLUG HOST... makes a page as an
		// admin (via=web, the default) or an earlier run (via=api) did;
		// its slug may be one another page of OWNER has. SEED_ID is its id.
		sp := emulator.SeedPage{WebAppPage: emulator.WebAppPage{Summary: "Made in the web app"}}
		rest := args[1:]
		for len(rest) > 0 {
			k, v, ok := strings.Cut(rest[0], "=")
			if !ok {
				break
			}
			switch k {
			case "kind":
				sp.Kind = emulator.PageKind(v)
			case "via":
				sp.CreatedVia = v
			case "title":
				sp.Summary = v
			default:
				ts.Fatalf("emu seed: unknown option %q", rest[0])
			}
			rest = rest[1:]
		}
		if len(rest) < 2 {
			ts.Fatalf("usage: emu seed [kind=K] [via=V] [title=T] OWNER SLUG HOST...")
		}
		sp.Owner, sp.Slug, sp.Hosts = rest[0], rest[1], rest[2:]
		before := map[string]bool{}
		for _, p := range e.Pages(sp.Owner, true) {
			before[p.ScheduleID] = true
		}
		ts.Check(e.Seed(emulator.Seed{Pages: []emulator.SeedPage{sp}}))
		for _, p := range e.Pages(sp.Owner, true) {
			if !before[p.ScheduleID] {
				ts.Setenv("SEED_ID", p.ScheduleID)
			}
		}
	case "commit-pending":
		// commit-pending: every create still waiting to land lands now.
		ts.Logf("%d pages landed", e.CommitPending())
	case "analytics":
		// analytics STATUS: every analytics report answers STATUS (0: readable).
		st, err := strconv.Atoi(args[1])
		ts.Check(err)
		ts.Check(e.SetKnobs(emulator.Knobs{AnalyticsStatus: &st}))
	case "kind":
		// kind KIND N: the emulator holds N pages of that kind.
		n := 0
		for _, p := range e.Pages("", false) {
			if string(p.Kind) == args[1] {
				n++
			}
		}
		expect("pages of kind "+args[1], n, args[2])
	case "has":
		// has ID: the emulator holds page ID, not deleted.
		found := false
		for _, p := range e.Pages("", false) {
			found = found || p.ScheduleID == args[1]
		}
		if found == neg {
			ts.Fatalf("emu has %s: %v", args[1], found)
		}
	case "mode":
		e.SetMode(emulator.Mode(args[1]))
	case "waitpages":
		// waitpages N: until the emulator holds at least N pages, for a
		// run started in the background (a separate process: no seam).
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		deadline := time.Now().Add(20 * time.Second)
		for len(e.Pages("", false)) < want {
			if time.Now().After(deadline) {
				ts.Fatalf("emu waitpages: %d pages after 20s, want %d", len(e.Pages("", false)), want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	case "created-matches":
		// created-matches FILE: the "N created" of the run's summary in
		// FILE is the number of pages the emulator holds.
		m := regexp.MustCompile(`(?m)^(?:warning: )?(\d+) created\b.*\(\d+ writes`).FindStringSubmatch(ts.ReadFile(args[1]))
		if m == nil {
			ts.Fatalf("emu created-matches: no summary line in %s", args[1])
		}
		created, _ := strconv.Atoi(m[1])
		if got := len(e.Pages("", false)); got != created {
			ts.Fatalf("emu created-matches: the summary says %d created, the emulator holds %d pages", created, got)
		}
		ts.Logf("%d created, %d pages", created, created)
	case "ratelimited":
		if got := e.Stats().RateLimited; (got > 0) == neg {
			ts.Fatalf("emu ratelimited: %d 429 answers", got)
		}
	default:
		ts.Fatalf("emu: unknown subcommand %q", args[0])
	}
}

// sheets start | sheets deny | sheets writes N | sheets reads N
// The server holds spreadsheet "sheet1"; csv2sheet fills a tab.
func cmdSheets(ts *testscript.TestScript, neg bool, args []string) {
	s := serversOf(ts)
	switch args[0] {
	case "start":
		s.sheets = sheettest.NewServer()
		s.sheets.AddSpreadsheet("sheet1")
		ts.Defer(s.sheets.Close)
		ts.Setenv("SHEETS_URL", s.sheets.URL())
	case "deny":
		s.sheets.Deny("sheet1")
	case "writes", "reads":
		n := 0
		for _, r := range s.sheets.Requests() {
			isWrite := r.Method != "GET"
			if isWrite == (args[0] == "writes") {
				n++
			}
		}
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if (n == want) == neg {
			ts.Fatalf("sheets %s: got %d, want %d", args[0], n, want)
		}
	case "reset":
		s.sheets.ResetRequests()
	default:
		ts.Fatalf("sheets: unknown subcommand %q", args[0])
	}
}

// csv2sheet FILE TAB loads a CSV file from the script into a tab.
func cmdCSVToSheet(ts *testscript.TestScript, neg bool, args []string) {
	rows, err := csv.NewReader(strings.NewReader(ts.ReadFile(args[0]))).ReadAll()
	ts.Check(err)
	serversOf(ts).sheets.SetTab("sheet1", args[1], rows)
}

// sheetstatus TAB prints the tab as CSV to stdout, for cmp and grep.
func cmdSheetStatus(ts *testscript.TestScript, neg bool, args []string) {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(serversOf(ts).sheets.Tab("sheet1", args[0]))
	fmt.Fprint(ts.Stdout(), b.String())
}

// holdlock PATH takes the lock file for the rest of the script, as another
// zoomsync run would.
func cmdHoldLock(ts *testscript.TestScript, neg bool, args []string) {
	l, err := lock.Acquire(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Defer(func() { l.Release() })
}

// jsonlines FILE KEY checks that every line of FILE is a JSON object and
// that all of them have the same non-empty string under KEY.
func cmdJSONLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: jsonlines FILE KEY")
	}
	var first string
	lines := strings.Split(strings.TrimRight(ts.ReadFile(args[0]), "\n"), "\n")
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			ts.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		v, _ := m[args[1]].(string)
		if v == "" || (first != "" && v != first) {
			ts.Fatalf("line %d: %s is %q, want %q\n%s", i+1, args[1], v, first, line)
		}
		first = v
	}
	ts.Logf("%d JSON lines, %s %s", len(lines), args[1], first)
}

// freeport NAME sets NAME to a free loopback address, for a server the
// script starts in the background.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	addr := ln.Addr().String()
	ln.Close()
	ts.Setenv(args[0], addr)
}

// waitfor URL REGEXP fetches URL until its body matches REGEXP (a server
// started in the background may not be up yet, and a scheduled run may not
// have finished), then prints the body to stdout. It gives up after 20s.
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfor URL REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	deadline := time.Now().Add(20 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		resp, err := http.Get(args[0])
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			if re.MatchString(body) {
				fmt.Fprint(ts.Stdout(), body)
				return
			}
		}
		time.Sleep(50 * time.Millisecond) // polling a separate process: no seam to wait on
	}
	ts.Fatalf("waitfor: %s never matched %s; last body:\n%s", args[0], args[1], body)
}

// webhookServer records what is posted to it.
type webhookServer struct {
	srv    *httptest.Server
	mu     gosync.Mutex
	bodies []string
}

// webhook start | webhook count N | webhook last
// start sets WEBHOOK_URL; last prints the last body posted.
func cmdWebhook(ts *testscript.TestScript, neg bool, args []string) {
	s := serversOf(ts)
	switch args[0] {
	case "start":
		w := &webhookServer{}
		w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			w.mu.Lock()
			w.bodies = append(w.bodies, string(b))
			w.mu.Unlock()
		}))
		ts.Defer(w.srv.Close)
		s.webhook = w
		ts.Setenv("WEBHOOK_URL", w.srv.URL+"/hooks/T000/secret-path")
	case "count":
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		s.webhook.mu.Lock()
		got := len(s.webhook.bodies)
		s.webhook.mu.Unlock()
		if (got == want) == neg {
			ts.Fatalf("webhook count: got %d, want %d", got, want)
		}
	case "last":
		s.webhook.mu.Lock()
		defer s.webhook.mu.Unlock()
		if len(s.webhook.bodies) == 0 {
			ts.Fatalf("webhook last: nothing was posted")
		}
		fmt.Fprint(ts.Stdout(), s.webhook.bodies[len(s.webhook.bodies)-1])
	default:
		ts.Fatalf("webhook: unknown subcommand %q", args[0])
	}
}
