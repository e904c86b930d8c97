package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/internal/lock"
	zsync "github.com/zoomsync/zoomsync/sync"
)

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	var c common
	c.register(fs)
	asJSON := fs.Bool("json", false, "print the plan as JSON (format_version 2, see README)")
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when there are changes to make, 0 when none")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg, log, err := c.load(config.ScopeSync, stderr)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	l, plan, backend, err := makePlan(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer backend.close()
	if *asJSON {
		if err := writePlanJSON(stdout, l.src.String(), plan); err != nil {
			return err
		}
	} else {
		printPlan(stdout, l.src.String(), plan)
	}
	return planExit(plan, *detailed)
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
func makePlan(ctx context.Context, cfg *config.Config, log *slog.Logger, forcePrune bool) (*loaded, *zsync.Plan, *zoomBackend, error) {
	l, err := readSheet(ctx, cfg, log, cfg.Writeback.Enabled)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, w := range l.result.Warnings {
		log.Warn(w)
	}
	backend, err := openZoom(cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	eng := zsync.New(backend.client, engineOptions(cfg, log, forcePrune))
	plan, err := eng.Plan(ctx, l.result)
	if err != nil {
		backend.close()
		return nil, nil, nil, planError(err)
	}
	return l, plan, backend, nil
}

func runSync(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	var c common
	c.register(fs)
	dryRun := fs.Bool("dry-run", false, "show the plan and change nothing (same as plan)")
	forcePrune := fs.Bool("force-prune", false, "prune even when the candidates exceed sync.max_prune or sync.max_prune_percent")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg, log, err := c.load(config.ScopeSync, stderr)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(ctx)
	defer stop()

	if *dryRun {
		l, plan, backend, err := makePlan(ctx, cfg, log, *forcePrune)
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

	rec := runRecord{ID: newRunID(), Started: time.Now(), webhook: cfg.Notify.WebhookURL}
	out, err := syncOnce(ctx, cfg, log, syncFlags{forcePrune: *forcePrune, progress: newProgress(stderr, cfg.Log.Format)})
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
	forcePrune bool
	progress   progress
}

// runOutcome is what one sync run did, for exit codes, serve and metrics.
type runOutcome struct {
	report    *zsync.Report
	plan      *zsync.Plan
	api       apiCounts
	writeback error
	duration  time.Duration
}

// apiCounts summarises the Zoom client's work in one run.
type apiCounts struct {
	Requests, Writes, Retries, RateLimited, TokenFetches int64
}

func (o *runOutcome) exit() error {
	switch {
	case o.plan.Prune.Refused:
		return fail(exitFailed, "%s", o.plan.Prune.Reason)
	case o.report.Cancelled:
		return fail(exitFailed, "interrupted: %d changes were not made; run again to finish", o.report.Tally().Skipped)
	case o.report.Failed() || o.writeback != nil:
		return &exitError{code: exitProblems}
	}
	return nil
}

// syncOnce is one whole run: read the sheet, plan, apply, write back. It is
// shared by `sync` and each tick of `serve`.
func syncOnce(ctx context.Context, cfg *config.Config, log *slog.Logger, f syncFlags) (*runOutcome, error) {
	start := time.Now()
	l, plan, backend, err := makePlan(ctx, cfg, log, f.forcePrune)
	if err != nil {
		return nil, err
	}
	defer backend.close()

	opts := engineOptions(cfg, log, f.forcePrune)
	if f.progress != nil {
		opts.Progress = f.progress.update
	}
	eng := zsync.New(backend.client, opts)
	if plan.Prune.Refused {
		log.Error(plan.Prune.Reason)
	}
	rep := eng.Apply(ctx, plan)
	if f.progress != nil {
		f.progress.finish()
	}
	out := &runOutcome{report: rep, plan: plan}
	if !plan.Prune.Refused && ctx.Err() == nil {
		if err := writeBack(ctx, cfg, l, rep, log); err != nil {
			log.Error(err.Error())
			out.writeback = err
		}
	}
	// The client lives for this run only, so its counters are the run's.
	st := backend.client.Stats()
	out.api = apiCounts{Requests: st.Requests(), Writes: st.Writes(), Retries: st.Retries, RateLimited: st.RateLimited, TokenFetches: st.TokenFetches}
	out.duration = time.Since(start)
	summary := fmt.Sprintf("%s (%d API calls, %d writes, %s)", rep.Summary(), out.api.Requests, out.api.Writes, out.duration.Round(10*time.Millisecond))
	if rep.Prune.Disabled != "" && plan.Prune.Candidates > 0 {
		log.Warn("prune skipped", "detail", rep.Prune.Disabled)
	}
	if rep.Failed() || out.writeback != nil {
		log.Warn(summary)
	} else {
		log.Info(summary)
	}
	return out, nil
}

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var c common
	c.register(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg, log, err := c.load(config.ScopeSource, stderr)
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
	for _, inv := range res.Invalid {
		fmt.Fprintln(stdout, inv.String())
	}
	fmt.Fprintf(stdout, "%s: %d rows: %d valid, %d invalid\n", l.src, res.Rows, len(res.Pages), len(res.Invalid))
	if len(res.Invalid) > 0 {
		return &exitError{code: exitProblems}
	}
	return nil
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
		Summary: summary, Rows: plan.Rows, Owners: plan.Owners, Pages: plan.Pages,
		Changes: changes, Prune: plan.Prune, Warnings: warnings,
	})
}
