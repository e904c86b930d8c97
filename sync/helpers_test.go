package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
	"github.com/zoomsync/zoomsync/zoom/emulator/emulatortest"
)

// env is an emulator on loopback, the real client and an engine.
type env struct {
	t      testing.TB
	emu    *emulator.Emulator
	client *zoom.Client
	rec    *recorder
	opts   Options
}

func newEnv(t testing.TB, emo func(*emulator.Options), opts Options) *env {
	t.Helper()
	eo := emulator.DefaultOptions()
	eo.RateLimit, eo.Seed, eo.Mode = 0, 1, emulator.ModeCollective
	if emo != nil {
		emo(&eo)
	}
	srv := emulatortest.Start(t, eo, emulatortest.Contract())
	// A transport of its own, closed before the emulator: a connection
	// dialled but never used would hold the server's shutdown for 5 s.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	rec := &recorder{base: tr}
	co := srv.ClientOptions()
	co.RateLimit, co.MinBackoff, co.MaxBackoff = 10000, time.Millisecond, 20*time.Millisecond
	co.HTTPClient = &http.Client{Transport: rec}
	c, err := zoom.New(co)
	if err != nil {
		t.Fatal(err)
	}
	emu := srv.Emulator
	if opts.MaxPrune == 0 {
		opts.MaxPrune = 5
	}
	if opts.MaxPrunePercent == 0 {
		opts.MaxPrunePercent = 10
	}
	if opts.Verdicts == nil {
		// One store for the env's runs, as state_dir is for a deployment.
		opts.Verdicts = &memVerdicts{}
	}
	if opts.HostRefusals == nil {
		opts.HostRefusals = &memHostRefusals{}
	}
	if opts.Sleep == nil {
		// Waits for a late commit take no time: the emulator commits before
		// it answers (or drops the answer).
		opts.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	}
	return &env{t: t, emu: emu, client: c, rec: rec, opts: opts}
}

// run plans and applies the sheet once.
func (e *env) run(csv string) (*Plan, *Report) {
	e.t.Helper()
	res := parse(e.t, csv, e.opts.SlugPrefix)
	eng := New(e.client, e.opts)
	plan, err := eng.Plan(context.Background(), res)
	if err != nil {
		e.t.Fatalf("Plan: %v", err)
	}
	return plan, eng.Apply(context.Background(), plan)
}

// parse runs CSV text through the real sheet parser.
func parse(t testing.TB, csv, prefix string) *sheet.Result {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	table := &sheet.Table{HeaderRow: 1}
	for i, l := range lines {
		cells := strings.Split(l, "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		if i == 0 {
			table.Header = cells
			continue
		}
		for len(cells) < len(table.Header) {
			cells = append(cells, "")
		}
		table.Rows = append(table.Rows, cells)
		table.RowNums = append(table.RowNums, i+1)
	}
	res, err := sheet.Parse(table, sheet.ParseOptions{
		Defaults:   sheet.Defaults{TimeZone: "UTC", Duration: 30, Availability: "Mon-Fri 09:00-17:00"},
		SlugPrefix: prefix,
		Writeback:  config.Default().Writeback.Columns.Sheet(),
	})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

// outcomes maps key (or slug for pages) to outcome.
func outcomes(rep *Report) map[string]string {
	m := map[string]string{}
	for i := range rep.Results {
		r := &rep.Results[i]
		k := r.Key
		if r.Row == 0 {
			k = "page:" + r.Slug
		}
		m[k] = r.Outcome()
	}
	return m
}

func result(t testing.TB, rep *Report, key string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("no result for %q in %+v", key, rep.Results)
	return Result{}
}

// recorder keeps every API request as "METHOD path" plus its body.
type recorder struct {
	base http.RoundTripper
	mu   gosync.Mutex
	reqs []recorded
}

type recorded struct {
	Method, Path string
	Body         map[string]json.RawMessage
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body map[string]json.RawMessage
	if req.Body != nil && strings.Contains(req.URL.Path, "/v2/") {
		data, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(data))
		json.Unmarshal(data, &body)
	}
	if strings.Contains(req.URL.Path, "/v2/") {
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{Method: req.Method, Path: strings.TrimPrefix(req.URL.Path, "/v2"), Body: body})
		r.mu.Unlock()
	}
	return r.base.RoundTrip(req)
}

func (r *recorder) reset() { r.mu.Lock(); r.reqs = nil; r.mu.Unlock() }

func (r *recorder) writes() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recorded
	for _, q := range r.reqs {
		if q.Method != http.MethodGet {
			out = append(out, q)
		}
	}
	return out
}

func (r *recorder) count(method, prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.reqs {
		if q.Method == method && strings.HasPrefix(q.Path, prefix) {
			n++
		}
	}
	return n
}

func keysOf(m map[string]json.RawMessage) string {
	return fmt.Sprint(slices.Sorted(maps.Keys(m)))
}
