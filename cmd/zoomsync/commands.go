package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/internal/lock"
	"github.com/zoomsync/zoomsync/internal/logx"
	"github.com/zoomsync/zoomsync/sheet"
	zsync "github.com/zoomsync/zoomsync/sync"
)

// planOpts are plan's flags.
type planOpts struct {
	json, detailed bool
	engineFlags
}

// engineFlags are the command line's choices that change what the engine
// plans: --force-prune and --recheck-create.
type engineFlags struct{ forcePrune, recheckCreate bool }

func runPlan(ctx context.Context, a *app, o planOpts) error {
	stdout := a.stdout
	cfg, log, err := a.load(config.ScopeSync)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	l, plan, backend, err := makePlan(ctx, cfg, log, o.engineFlags, false, newRunOutput(log, nil))
	if err != nil {
		return err
	}
	defer backend.close()
	if o.json {
		// stdout is for machines; a person watching sees the warnings in
		// the log.
		logWarnings(log, plan.Warnings)
		if err := writePlanJSON(stdout, l.src.String(), plan); err != nil {
			return err
		}
	} else {
		printPlan(stdout, l.src.String(), plan)
	}
	return planExit(plan, o.detailed)
}

// planExit: 3 when rows have problems, else 2 for pending changes when
// asked, else 0. A refused prune cannot proceed: 1.
func planExit(plan *zsync.Plan, detailed bool) error {
	switch {
	case plan.Prune.Refused:
		return fail(exitFailed, "%s", plan.Prune.Reason)
	case plan.HasProblems():
		return &exitError{code: exitProblems}
	case detailed && !plan.Empty():
		return &exitError{code: exitChanges}
	}
	return nil
}

// makePlan reads the sheet, then Zoom, and plans. The sheet comes first:
// when it cannot be read, Zoom is never called.
// Write-back set-up is checked here too, so that a sheet that cannot take
// the results is reported by plan, and by sync before its first write.
// Only sync (write) asks Google for the write scope.
//
// The plan's warnings (the sheet's, write-back set-up, how creates are
// sent) are left to the caller to show once: in the human plan, in the
// JSON plan and the log, or in sync's log before its first write. When
// planning fails they are logged here, with nothing else to carry them.
func makePlan(ctx context.Context, cfg *config.Config, log *slog.Logger, f engineFlags, write bool, live *runOutput) (*loaded, *zsync.Plan, *zoomBackend, error) {
	l, err := readSheet(ctx, cfg, log, write && cfg.Writeback.Enabled)
	if err != nil {
		return nil, nil, nil, err
	}
	wbWarnings, err := writebackSetup(cfg, l)
	if err != nil {
		logWarnings(log, l.result.Warnings)
		return nil, nil, nil, err
	}
	backend, err := openZoom(cfg, log, live)
	if err != nil {
		logWarnings(log, l.result.Warnings, wbWarnings)
		return nil, nil, nil, err
	}
	eng := zsync.New(backend.client, engineOptions(cfg, log, f))
	plan, err := eng.Plan(ctx, l.result)
	if err != nil {
		backend.close()
		logWarnings(log, l.result.Warnings, wbWarnings)
		return nil, nil, nil, planError(err)
	}
	plan.Warnings = append(plan.Warnings, wbWarnings...)
	return l, plan, backend, nil
}

// logWarnings logs each warning once, as a warning.
func logWarnings(log *slog.Logger, lists ...[]string) {
	for _, ws := range lists {
		for _, w := range ws {
			log.Warn(w)
		}
	}
}

// syncOpts are sync's flags.
type syncOpts struct {
	dryRun bool
	engineFlags
}

func runSync(ctx context.Context, a *app, o syncOpts) error {
	stdout := a.stdout
	cfg, log, err := a.load(config.ScopeSync)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(ctx)
	defer stop()

	if o.dryRun {
		l, plan, backend, err := makePlan(ctx, cfg, log, o.engineFlags, false, newRunOutput(log, nil))
		if err != nil {
			return err
		}
		defer backend.close()
		printPlan(stdout, l.src.String(), plan)
		return planExit(plan, false)
	}

	lk, err := lock.Acquire(cfg.LockPath())
	if err != nil {
		var held *lock.HeldError
		if errors.As(err, &held) {
			return fail(exitLocked, "%w", err)
		}
		return fail(exitFailed, "%w", err)
	}
	defer lk.Release()

	rec := runRecord{ID: a.runID, Started: time.Now()}
	rec.notifyFrom(cfg)
	out, err := syncOnce(ctx, cfg, log, syncFlags{engineFlags: o.engineFlags, progress: newProgress(a.term, cfg.Log.Format)})
	if err != nil {
		rec.Result, rec.Error = resultError, err.Error()
	} else {
		out.fill(&rec)
	}
	notifier{log: log}.send(context.WithoutCancel(ctx), rec)
	if err != nil {
		return err
	}
	return out.exit()
}

// syncFlags are per-run choices from the command line.
type syncFlags struct {
	engineFlags
	progress progress
}

// runOutcome is what one sync run did, for exit codes, serve and metrics.
type runOutcome struct {
	report    *zsync.Report
	plan      *zsync.Plan
	api       apiCounts
	writeback error
	duration  time.Duration
}

// apiCounts summarises the Zoom client's work in one run. Writes are the
// write requests (POST, PATCH, DELETE) that may have changed Zoom: those
// it accepted, those answered with a 5xx and those whose answer was lost.
// A write refused with a 4xx (a 429 above all) is a request, not a write,
// so a rate-limited run does not read as duplicates. Unanswered is how
// many writes got no answer. Requests is every request
// sent, retries included.
type apiCounts struct {
	Requests         int64 `json:"requests"`
	Writes           int64 `json:"writes"`
	Unanswered       int64 `json:"writes_without_answer"`
	RateLimitedWaits int64 `json:"rate_limited_waits"`
	Retries          int64 `json:"retries"`
	RateLimited      int64 `json:"rate_limited"` // 429 answers
	TokenFetches     int64 `json:"token_fetches"`

	byCode map[requestKey]int64
}

func (o *runOutcome) exit() error {
	switch {
	case o.plan.Prune.Refused:
		return fail(exitFailed, "%s", o.plan.Prune.Reason)
	case o.report.Cancelled:
		n := o.report.Tally().Skipped
		return fail(exitFailed, "interrupted: %s not made; run again to finish", map[bool]string{true: "1 change was", false: fmt.Sprintf("%d changes were", n)}[n == 1])
	case o.report.Failed() || o.writeback != nil:
		return &exitError{code: exitProblems}
	}
	return nil
}

// syncOnce is one whole run: read the sheet, plan, apply, write back. It is
// shared by `sync` and each tick of `serve`.
func syncOnce(ctx context.Context, cfg *config.Config, log *slog.Logger, f syncFlags) (*runOutcome, error) {
	start := time.Now()
	live := newRunOutput(log, f.progress)
	l, plan, backend, err := makePlan(ctx, cfg, log, f.engineFlags, true, live)
	if err != nil {
		return nil, err
	}
	defer backend.close()
	logWarnings(log, plan.Warnings)

	opts := engineOptions(cfg, log, f.engineFlags)
	opts.Progress = live.progress
	eng := zsync.New(backend.client, opts)
	if plan.Prune.Refused {
		log.Error(plan.Prune.Reason)
	}
	rep := eng.Apply(ctx, plan)
	live.finish()
	out := &runOutcome{report: rep, plan: plan}
	if !plan.Prune.Refused && ctx.Err() == nil {
		if err := writeBack(ctx, cfg, l, rep, log); err != nil {
			log.Error(err.Error())
			out.writeback = err
		}
	}
	// The client lives for this run only, so its counters are the run's.
	st := backend.client.Stats()
	requests, writes, unanswered, byCode := live.counts()
	out.api = apiCounts{Requests: requests, Writes: writes, Unanswered: unanswered, RateLimitedWaits: st.RateLimitWaits, Retries: st.Retries,
		RateLimited: st.RateLimited, TokenFetches: st.TokenFetches, byCode: byCode}
	out.duration = time.Since(start)
	if rep.Prune.Disabled != "" && plan.Prune.Candidates > 0 {
		log.Warn("prune skipped", "detail", rep.Prune.Disabled)
	}
	level := slog.LevelInfo
	if rep.Failed() || out.writeback != nil {
		level = slog.LevelWarn
	}
	log.LogAttrs(ctx, level, summaryText(rep, out.api, out.duration), summaryFields(rep, out.api, out.duration))
	return out, nil
}

// summaryText is the run's last line, e.g. "300 created (300 writes, 542
// requests, 212 rate-limited waits) in 1m31s": write requests sent (every
// POST, PATCH and DELETE, also those whose answer was lost, which the
// line then names: "1 writes, 1 without an answer"), all requests sent
// (retries included) and pauses for Zoom's rate limit.
func summaryText(rep *zsync.Report, api apiCounts, d time.Duration) string {
	writes := plural(int(api.Writes), "write")
	if api.Unanswered > 0 {
		writes += fmt.Sprintf(", %d without an answer", api.Unanswered)
	}
	return fmt.Sprintf("%s (%s, %s, %s) in %s", rep.Summary(), writes, plural(int(api.Requests), "request"),
		plural(int(api.RateLimitedWaits), "rate-limited wait"), d.Round(100*time.Millisecond))
}

// summaryFields are the summary's counts as JSON fields: one per outcome
// (the names of zoomsync_last_run_rows), then the API work.
func summaryFields(rep *zsync.Report, api apiCounts, d time.Duration) slog.Attr {
	t := tallyMap(rep.Tally())
	var args []any
	for _, k := range tallyKeys {
		args = append(args, k, t[k])
	}
	args = append(args, "writes", api.Writes, "writes_without_answer", api.Unanswered, "requests", api.Requests, "rate_limited_waits", api.RateLimitedWaits,
		"retries", api.Retries, "duration_seconds", d.Seconds())
	return logx.Fields(args...)
}

// tallyKeys are the outcome names of a run's counts, in summary order.
var tallyKeys = []string{"created", "adopted", "updated", "unchanged", "deactivated", "deleted", "create_in_web_app",
	"invalid", "needs_manual", "failed", "unknown", "skipped", "unclaimed", "duplicates"}

// tallyMap is the tally by its JSON names (see tallyKeys).
func tallyMap(t zsync.Tally) map[string]int {
	b, _ := json.Marshal(t)
	m := map[string]int{}
	_ = json.Unmarshal(b, &m)
	return m
}

func runValidate(ctx context.Context, a *app) error {
	stdout := a.stdout
	cfg, log, err := a.load(config.ScopeSource)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	l, err := readSheet(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	res := l.result
	for _, w := range res.Warnings {
		log.Warn(w)
	}
	wbWarnings, err := writebackSetup(cfg, l)
	if err != nil {
		return err
	}
	summary := fmt.Sprintf("%s: %s: %d valid, %d invalid", l.src, plural(res.Rows, "row"), len(res.Pages), len(res.Invalid))
	if cfg.Log.Format == "json" {
		// Every line is a log line on stderr, as sync's row lines are: the
		// same fields (row, key, outcome, detail), and the counts as fields.
		for _, w := range wbWarnings {
			log.Warn(w)
		}
		for _, inv := range res.Invalid {
			log.LogAttrs(ctx, slog.LevelWarn, fmt.Sprintf("row %d %s: invalid", inv.Row, inv.Key),
				slog.String("outcome", "invalid"), slog.Int("row", inv.Row), slog.String("key", inv.Key),
				slog.String("detail", problemsText(inv.Problems)))
		}
		level := slog.LevelInfo
		if len(res.Invalid) > 0 {
			level = slog.LevelWarn
		}
		log.LogAttrs(ctx, level, summary, logx.Fields("source", l.src.String(), "rows", res.Rows,
			"valid", len(res.Pages), "invalid", len(res.Invalid)))
	} else {
		for _, w := range wbWarnings {
			fmt.Fprintln(stdout, w)
		}
		for _, inv := range res.Invalid {
			fmt.Fprintln(stdout, inv.String())
		}
		fmt.Fprintln(stdout, summary)
	}
	if len(res.Invalid) > 0 {
		return &exitError{code: exitProblems}
	}
	return nil
}

// problemsText is a row's problems on one line, for a log field.
func problemsText(ps []sheet.Problem) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return strings.Join(out, "; ")
}

// plural is "1 row", "2 rows": n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// planJSON is the versioned shape of `plan --json`. Add fields freely;
// bump FormatVersion only when a field changes meaning or goes away.
type planJSON struct {
	FormatVersion int                 `json:"format_version"`
	GeneratedAt   time.Time           `json:"generated_at"`
	Source        string              `json:"source"`
	Summary       map[string]int      `json:"summary"`
	Rows          int                 `json:"rows"`
	Owners        int                 `json:"owners"`
	Pages         int                 `json:"pages"`
	Create        string              `json:"create,omitempty"`
	Changes       []*zsync.Change     `json:"changes"`
	Prune         zsync.PruneDecision `json:"prune"`
	Warnings      []string            `json:"warnings"`
}

func writePlanJSON(w io.Writer, source string, plan *zsync.Plan) error {
	summary := map[string]int{}
	for _, a := range zsync.Actions {
		summary[string(a)] = plan.Count(a)
	}
	summary["invalid"], summary["needs-manual"], summary["error"] = plan.Problems()
	changes := plan.Changes
	if changes == nil {
		changes = []*zsync.Change{}
	}
	warnings := plan.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(planJSON{
		FormatVersion: 2, GeneratedAt: time.Now().UTC().Truncate(time.Second), Source: source,
		Summary: summary, Rows: plan.Rows, Owners: plan.Owners, Pages: plan.Pages, Create: plan.Create,
		Changes: changes, Prune: plan.Prune, Warnings: warnings,
	})
}
