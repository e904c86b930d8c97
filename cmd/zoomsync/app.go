package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/sheet"
	zsync "github.com/zoomsync/zoomsync/sync"
	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// Exit codes, as README.md documents them ("Exit codes").
const (
	exitOK       = 0
	exitFailed   = 1  // the run could not proceed
	exitChanges  = 2  // plan --detailed-exitcode: changes pending
	exitProblems = 3  // finished, but some rows were invalid or failed
	exitUsage    = 64 // EX_USAGE
	exitLocked   = 75 // EX_TEMPFAIL: another run holds the lock
)

// exitError carries an exit code up to Main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, err: fmt.Errorf(format, args...)}
}

// loaded is one read of the sheet.
type loaded struct {
	src    sheet.Source
	table  *sheet.Table
	result *sheet.Result
}

// readSheet reads and parses the source. Every failure here happens before
// any Zoom call. Only a run that writes back (write) asks for the write
// scope; the others still name it in set-up hints when write-back is on.
func readSheet(ctx context.Context, cfg *config.Config, log *slog.Logger, write bool) (*loaded, error) {
	src, err := sheet.Open(ctx, cfg.Source.Sheet(), sheet.OpenOptions{Write: write, WriteLater: cfg.Writeback.Enabled,
		BaseDir: cfg.Dir, Logger: log, Aliases: cfg.Columns})
	if err != nil {
		return nil, fail(exitFailed, "opening the sheet: %w", err)
	}
	table, err := src.Read(ctx)
	if err != nil {
		return nil, fail(exitFailed, "reading %s: %w", src, err)
	}
	res, err := sheet.Parse(table, sheet.ParseOptions{
		Aliases:    cfg.Columns,
		Defaults:   cfg.Defaults.Sheet(),
		SlugPrefix: cfg.Sync.SlugPrefix,
		Writeback:  cfg.Writeback.Columns.Sheet(),
	})
	if err != nil {
		return nil, fail(exitFailed, "%s: %w", src, err)
	}
	return &loaded{src: src, table: table, result: res}, nil
}

// writebackSetup checks, before any write, that write-back can work: the
// source can be written to (an error) and the sheet has every write-back
// column (warnings: the other columns are still written).
func writebackSetup(cfg *config.Config, l *loaded) (warnings []string, err error) {
	if !cfg.Writeback.Enabled {
		return nil, nil
	}
	if _, ok := l.src.(sheet.Writer); !ok {
		return nil, fail(exitFailed, "writeback.enabled is true but %s cannot be written to; turn write-back off or use a Google Sheet", l.src)
	}
	hm, err := sheet.NewHeaderMap(l.table.Header, cfg.Columns, cfg.Writeback.Columns.Sheet())
	if err != nil {
		return nil, nil // Parse has already reported the header
	}
	names := map[string]string{sheet.WBScheduleID: cfg.Writeback.Columns.ScheduleID, sheet.WBBookingURL: cfg.Writeback.Columns.BookingURL,
		sheet.WBStatus: cfg.Writeback.Columns.Status, sheet.WBSyncedAt: cfg.Writeback.Columns.SyncedAt}
	var missing []string
	for _, kind := range []string{sheet.WBScheduleID, sheet.WBBookingURL, sheet.WBStatus, sheet.WBSyncedAt} {
		if _, ok := hm.Writeback(kind); !ok {
			missing = append(missing, fmt.Sprintf("%q", names[kind]))
		}
	}
	if len(missing) > 0 {
		warnings = append(warnings, fmt.Sprintf("write-back: the sheet has no column %s; add them to the header row to get results there (zoomsync never inserts columns)",
			strings.Join(missing, ", ")))
	}
	return warnings, nil
}

// zoomBackend is a Zoom client and, in emulator mode, the emulator behind it.
type zoomBackend struct {
	client *zoom.Client
	close  func() error
}

// openZoom builds the Zoom client. With zoom.emulator it first starts an
// in-process emulator on loopback, keeping its pages under state_dir, and
// the real client talks HTTP to it.
// live receives the client's callbacks (waits and requests).
func openZoom(cfg *config.Config, log *slog.Logger, live *runOutput) (*zoomBackend, error) {
	opts := zoom.Options{
		APIURL: cfg.Zoom.APIURL, TokenURL: cfg.Zoom.OAuthURL,
		AccountID: cfg.Zoom.AccountID, ClientID: cfg.Zoom.ClientID, ClientSecret: cfg.Zoom.ClientSecret.Reveal(),
		QuotaShare: cfg.Zoom.QuotaShare, Timeout: cfg.Zoom.Timeout, MaxRetries: cfg.Zoom.MaxRetries,
		Logger: log,
	}
	if !cfg.Zoom.RateLimit.Auto {
		opts.RateLimit = cfg.Zoom.RateLimit.PerSecond // a hard ceiling; 0 in Options means auto
	}
	if live != nil {
		opts.OnWait, opts.OnRequest = live.wait, live.request
	}
	closer := func() error { return nil }
	if cfg.Zoom.Emulator {
		eo := emulator.DefaultOptions()
		eo.Mode = emulator.Mode(cfg.Emulator.Mode)
		eo.RateLimit = cfg.Emulator.RateLimit
		eo.Latency = cfg.Emulator.Latency
		eo.ErrorRate = cfg.Emulator.ErrorRate
		eo.DropPostRate = cfg.Emulator.DropPostRate
		eo.StatePath = cfg.EmulatorStatePath()
		if cfg.Emulator.Seed != "" {
			eo.SeedPath = cfg.Path(cfg.Emulator.Seed)
		}
		srv, err := emulator.ListenLoopback(eo)
		if err != nil {
			return nil, fail(exitFailed, "starting the emulator: %w", err)
		}
		opts.APIURL, opts.TokenURL = srv.APIURL(), srv.TokenURL()
		opts.AccountID, opts.ClientID, opts.ClientSecret = eo.AccountID, eo.ClientID, eo.ClientSecret
		closer = srv.Close
		log.Debug("using the in-process Zoom emulator", "mode", eo.Mode, "state", eo.StatePath)
	}
	client, err := zoom.New(opts)
	if err != nil {
		closer()
		return nil, fail(exitFailed, "%w", err)
	}
	return &zoomBackend{client: client, close: closer}, nil
}

func engineOptions(cfg *config.Config, log *slog.Logger, f engineFlags) zsync.Options {
	account := cfg.Zoom.AccountID
	if cfg.Zoom.Emulator {
		// The emulator's behaviour is its mode, not an account's.
		account = "emulator:" + cfg.Emulator.Mode
	}
	return zsync.Options{
		SlugPrefix:      cfg.Sync.SlugPrefix,
		OnDowngrade:     cfg.Sync.OnDowngrade,
		Prune:           cfg.Sync.Prune,
		MaxPrune:        cfg.Sync.MaxPrune,
		MaxPrunePercent: cfg.Sync.MaxPrunePercent,
		ForcePrune:      f.forcePrune,
		ForceRecheck:    f.recheckCreate,
		Concurrency:     cfg.Zoom.Concurrency,
		Dedupe:          cfg.Sync.Dedupe,
		RecheckCreate:   cfg.Sync.RecheckCreate,
		Account:         account,
		Verdicts:        zsync.NewFileVerdicts(cfg.Path(cfg.StateDir)),
		HostRefusals:    zsync.NewFileHostRefusals(cfg.Path(cfg.StateDir)),
		Owners:          zsync.NewFileOwners(cfg.Path(cfg.StateDir)),
		Logger:          log,
	}
}

// planError maps a planning failure to an exit code.
func planError(err error) error {
	var fe *zsync.FatalError
	if errors.As(err, &fe) {
		return fail(exitFailed, "listing Zoom pages: %w", fe.Err)
	}
	if errors.Is(err, context.Canceled) {
		return fail(exitFailed, "interrupted")
	}
	return fail(exitFailed, "%w", err)
}

// writeBack records each row's result in the sheet, when enabled.
func writeBack(ctx context.Context, cfg *config.Config, l *loaded, rep *zsync.Report, log *slog.Logger) error {
	if !cfg.Writeback.Enabled {
		return nil
	}
	w, ok := l.src.(sheet.Writer)
	if !ok {
		return fmt.Errorf("write-back is enabled but %s cannot be written to", l.src)
	}
	hm, _ := sheet.NewHeaderMap(l.table.Header, cfg.Columns, cfg.Writeback.Columns.Sheet())
	rows := zsync.WriteBackRows(rep, l.table, hm, time.Now())
	rep2, err := w.WriteBack(ctx, l.table, cfg.Writeback.Columns.Sheet(), rows)
	if err != nil {
		return fmt.Errorf("writing results back to the sheet: %w", err)
	}
	for _, s := range rep2.Skipped {
		log.Warn("write-back skipped a row", "detail", s)
	}
	for _, s := range rep2.Warnings {
		log.Warn("write-back", "detail", s)
	}
	// Missing columns were reported before the run (writebackSetup).
	if rep2.Updated > 0 {
		log.Info("wrote results back to the sheet", "rows", rep2.Updated)
	}
	return nil
}
