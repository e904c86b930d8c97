package faultsuite

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// seed is the suite's random seed: FAULTSUITE_SEED, or a fixed default so
// that every run of the suite is the same experiment.
func seed(t testing.TB) uint64 {
	s := uint64(11)
	if v := os.Getenv("FAULTSUITE_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("FAULTSUITE_SEED=%q: %v", v, err)
		}
		s = n
	}
	t.Logf("seed %d (set FAULTSUITE_SEED to change it)", s)
	return s
}

// killer arms a server to SIGKILL the running zoomsync at one request:
// the nth request overall, or just after the nth create has been stored.
type killer struct {
	mu      sync.Mutex
	proc    *os.Process
	ready   chan struct{}
	n       int64
	onPOST  bool // count creates only
	after   bool // serve the request (commit) before killing
	count   atomic.Int64
	fired   atomic.Bool
	started sync.Once
}

func (k *killer) String() string {
	what, when := "request", "before it is served"
	if k.onPOST {
		what = "create"
	}
	if k.after {
		when = "after it is stored, before the answer"
	}
	return fmt.Sprintf("SIGKILL at %s %d, %s", what, k.n, when)
}

func (k *killer) setProc(p *os.Process) {
	k.mu.Lock()
	k.proc = p
	k.mu.Unlock()
	k.started.Do(func() { close(k.ready) })
}

func (k *killer) kill() {
	<-k.ready
	k.mu.Lock()
	defer k.mu.Unlock()
	k.fired.Store(true)
	_ = k.proc.Kill()
}

func (k *killer) middleware(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if k.fired.Load() {
		next.ServeHTTP(w, r)
		return
	}
	isPOST := r.Method == http.MethodPost && r.URL.Path == "/v2/scheduler/schedules"
	if k.onPOST && !isPOST {
		next.ServeHTTP(w, r)
		return
	}
	if k.count.Add(1) != k.n {
		next.ServeHTTP(w, r)
		return
	}
	if k.after {
		next.ServeHTTP(&discard{}, r)
	}
	k.kill()
}

// planChanges counts the rows a plan would change: it sizes the range the
// kill points are drawn from.
func planChanges(t *testing.T, s *setup) int {
	t.Helper()
	res := s.run(t, runOpts{}, "plan", "--json", "--config", s.config)
	var p struct {
		Changes []struct {
			Action string `json:"action"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &p); err != nil {
		t.Fatalf("plan --json: %v (exit %d)\n%s", err, res.code, tail(res.stderr))
	}
	n := 0
	for _, c := range p.Changes {
		if c.Action != "unchanged" {
			n++
		}
	}
	return n
}

// TestKillThenRerun kills zoomsync with SIGKILL at 8 seeded points (a
// request number drawn over the run's expected requests, or just after a
// create is stored and before its answer), each run starting from what
// the last one left, then runs it once more without faults. Zoom must then
// hold one page per row and nothing else bookable. In downgrade mode the
// killed runs start without saved state, so each tries a create that Zoom
// downgrades, and the stray One to One pages pile up for the rerun to
// clean.
func TestKillThenRerun(t *testing.T) {
	t.Parallel()
	for _, mode := range []emulator.Mode{emulator.ModeCollective, emulator.ModeDowngrade} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			killThenRerun(t, mode)
		})
	}
}

func killThenRerun(t *testing.T, mode emulator.Mode) {
	const kills, owners = 8, 4
	sd := seed(t)
	rng := rand.New(rand.NewPCG(sd, uint64(len(mode))))
	zs := startZoom(t, emulator.Options{Mode: mode, Latency: 5 * time.Millisecond, RateLimit: 0, Seed: int64(sd)})
	rows := roster(40, owners)

	// In downgrade mode, as an admin would, make a quarter of the pages in
	// the web app; the rest cannot be made through the API.
	keep := map[string]bool{}
	if mode == emulator.ModeDowngrade {
		for i := 0; i < len(rows); i += 4 {
			r := rows[i]
			p, err := zs.CreateWebAppPage(r.Owner, emulator.WebAppPage{Summary: r.Team, Slug: r.slug(), Hosts: append([]string{r.Owner}, r.Hosts...)})
			if err != nil {
				t.Fatal(err)
			}
			keep[p.ScheduleID] = true
		}
	}
	s := newSetup(t, zs, rosterCSV(rows), conf{Zoom: []string{"rate_limit: 200", "concurrency: 4"}})

	// In downgrade mode each run starts without saved state, as in a
	// fresh container: it tries one create, finds it downgraded and cleans
	// up, so every run has a create to be killed around.
	fresh := mode == emulator.ModeDowngrade
	landed := 0
	reqs := 0 // requests of the last run that was not killed
	for i := range kills {
		if fresh {
			os.RemoveAll(filepath.Join(s.dir, "state"))
		}
		// Points are drawn over at most an eighth of the roster's writes,
		// so that the eight runs share the work instead of the first
		// doing it all.
		changes := min(planChanges(t, s), len(rows)/8)
		if fresh {
			changes = min(changes, 1)
		}
		if reqs == 0 {
			// Token, one listing per owner, a write per change and
			// read-backs: the requests of such a run.
			reqs = 1 + 2*owners + 2*changes
		}
		k := &killer{ready: make(chan struct{})}
		if rng.IntN(2) == 0 || changes == 0 {
			k.n, k.after = 1+int64(rng.IntN(reqs)), rng.IntN(2) == 0
		} else {
			k.n, k.onPOST, k.after = 1+int64(rng.IntN(changes)), true, true
		}
		zs.use(k.middleware)
		zs.seen.Store(0)
		res := s.run(t, runOpts{started: k.setProc}, "sync", "--config", s.config)
		zs.clear()
		if res.killed {
			landed++
		} else {
			reqs = max(1, int(zs.seen.Load()))
		}
		t.Logf("run %d: %s: %d rows to change; killed=%v exit=%d; pages now %+v", i+1, k, changes, res.killed, res.code, tallyPages(zs, rows, keep))
	}
	t.Logf("%d of %d kills landed before the run ended", landed, kills)
	if landed < kills/2 {
		t.Errorf("only %d of %d kills landed: the kill points miss the runs", landed, kills)
	}

	zs.ResetStats()
	res := s.run(t, runOpts{}, "sync", "--config", s.config)
	got := tallyPages(zs, rows, keep)
	t.Logf("after one rerun (exit %d, %d calls, %d writes: %v): %+v", res.code, zs.calls(), zs.Stats().Writes(), zs.Stats().Requests, got)
	if res.killed || res.code == 1 {
		t.Fatalf("rerun exit %d\n%s", res.code, tail(res.stderr))
	}
	if got.Duplicates != 0 {
		t.Errorf("%d duplicate pages", got.Duplicates)
	}
	if got.Stray != 0 {
		t.Errorf("%d bookable pages no row asks for", got.Stray)
	}
	checkReport(t, zs, rows, res)
	switch mode {
	case emulator.ModeCollective:
		if res.code != 0 {
			t.Errorf("rerun exit %d, want 0\n%s", res.code, tail(res.stderr))
		}
		if got.Missing != 0 || got.Pages != len(rows) {
			t.Errorf("%d rows without a page, %d pages; want 0 and %d", got.Missing, got.Pages, len(rows))
		}
	case emulator.ModeDowngrade:
		// Zoom cannot make these pages through its API: what zoomsync made
		// must be gone, and the web-app pages must all stay.
		if got.API != 0 {
			t.Errorf("%d bookable pages made through the API remain after the rerun (One to One: %d); zoomsync made them and must clean them up", got.API, got.OneToOne)
		}
		if got.Pages-got.API != len(keep) {
			t.Errorf("%d web-app pages left, want all %d", got.Pages-got.API, len(keep))
		}
	}
}
