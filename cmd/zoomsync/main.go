// Command zoomsync keeps Zoom Scheduler "All Hosts Available" booking pages
// in step with a team roster kept in a Google Sheet or a CSV file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/zoomsync/zoomsync/config"
	"github.com/zoomsync/zoomsync/internal/logx"
	"github.com/zoomsync/zoomsync/sheet"
)

// version, commit and date can be set at build time with
// -ldflags "-X main.version=v1.2.3 -X main.commit=... -X main.date=...";
// otherwise they come from the module's build info and VCS stamp.
var version, commit, date = "", "", ""

func main() {
	setMemoryLimit()
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// defaultMemoryLimit is the soft heap limit of a run when GOMEMLIMIT is
// unset. Most of a run's heap is short-lived (decoded listing pages, request
// bodies), and the garbage collector's default pacing lets it double before
// collecting; near this limit the collector runs sooner instead, which keeps
// a 10,000-row run well under 100 MB RSS. It is soft: a roster whose live
// data needs more still runs, with the collector working harder (at most
// half the CPU). Set GOMEMLIMIT (e.g. GOMEMLIMIT=256MiB) to change it.
const defaultMemoryLimit = 64 << 20

func setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// Main runs zoomsync with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	a, err := execute(context.Background(), args, stdout, stderr)
	if err == nil {
		return exitOK
	}
	code := exitFailed
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil || ee.err.Error() == "" {
			return code
		}
	}
	reportError(a, err, code)
	return code
}

// reportError prints the error that ends the run, once: as a JSON log line
// when the logs are JSON, else as "zoomsync: ...".
func reportError(a *app, err error, code int) {
	if a.jsonLogs() {
		log := a.log
		if log == nil {
			log = logx.New(a.stderr, "json", "info")
		}
		log.Error(err.Error(), "exit_code", code)
		return
	}
	fmt.Fprintln(a.stderr, "zoomsync:", err)
}

// common are the global flags.
type common struct {
	config    string
	logFormat string
	logLevel  string
	// format is the log format in force once the config is read.
	format string
}

func (c *common) jsonLogs() bool {
	return c.format == "json" || (c.format == "" && c.logFormat == "json")
}

// load reads the config for a command and keeps its logger for the final
// error.
func (a *app) load(scope config.Scope) (*config.Config, *slog.Logger, error) {
	out := a.stderr
	if a.term != nil {
		out = a.term
	}
	cfg, log, err := a.flags.load(scope, out)
	if log != nil && a.runID != "" {
		// In JSON on every line; a terminal or cron mail shows one run.
		log = log.With(logx.Fields("run", a.runID))
	}
	if log != nil {
		a.log = log
	}
	return cfg, log, err
}

// load reads and validates the config and builds the logger.
func (c *common) load(scope config.Scope, stderr io.Writer) (*config.Config, *slog.Logger, error) {
	for _, v := range []struct {
		name, value string
		allowed     []string
	}{
		{"--log-format", c.logFormat, []string{"", "text", "json"}},
		{"--log-level", c.logLevel, []string{"", "debug", "info", "warn", "error"}},
	} {
		ok := false
		for _, a := range v.allowed {
			ok = ok || v.value == a
		}
		if !ok {
			return nil, nil, fail(exitUsage, "%s %q: use one of %s", v.name, v.value, strings.Join(v.allowed[1:], ", "))
		}
	}
	cfg, err := config.Load(c.config)
	if err != nil {
		return nil, logx.New(stderr, c.logFormat, c.logLevel), fail(exitFailed, "%w", err)
	}
	if c.logFormat != "" {
		cfg.Log.Format = c.logFormat
	}
	c.format = cfg.Log.Format
	if c.logLevel != "" {
		cfg.Log.Level = c.logLevel
	}
	log := logx.New(stderr, cfg.Log.Format, cfg.Log.Level)
	err = cfg.Validate(scope)
	if err == nil {
		// The weekly-hours syntax of defaults.availability belongs to the
		// sheet package, so it is checked here rather than in config.
		err = sheet.CheckDefaults(cfg.Defaults.Sheet())
	}
	if err != nil {
		return nil, log, fail(exitFailed, "%s: %w", c.config, err)
	}
	return cfg, log, nil
}

// interruptible returns a context cancelled by SIGINT or SIGTERM.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}
