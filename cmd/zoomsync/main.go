// Command zoomsync keeps Zoom Scheduler "All Hosts Available" booking pages
// in step with a team roster kept in a Google Sheet or a CSV file.
package main

import (
	"context"
	"errors"
	"flag"
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

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build info.
var version = ""

func main() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) }

// Main runs zoomsync with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	err := run(context.Background(), args, stdout, stderr)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "zoomsync:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "zoomsync:", err)
	return exitFailed
}

const usage = `zoomsync keeps Zoom Scheduler "All Hosts Available" booking pages in step with a team roster.

Usage:
  zoomsync plan      [--config F] [--json] [--detailed-exitcode]   show what sync would do
  zoomsync sync      [--config F] [--dry-run] [--force-prune]      make Zoom match the sheet
  zoomsync validate  [--config F]                                  check the sheet only (no Zoom calls)
  zoomsync serve     [--config F] [--schedule "CRON"] [--addr A]   run on a schedule, with /healthz and /metrics
  zoomsync emulator  [--addr 127.0.0.1:8089] [--mode collective|downgrade] [--state F]
  zoomsync version

Run "zoomsync <command> -h" for a command's flags.
Exit codes: 0 ok, 1 could not run, 2 changes pending (plan --detailed-exitcode), 3 some rows invalid or failed,
64 usage error, 75 another run holds the lock.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: exitUsage}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "plan":
		return runPlan(ctx, rest, stdout, stderr)
	case "sync":
		return runSync(ctx, rest, stdout, stderr)
	case "validate":
		return runValidate(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "emulator":
		return runEmulator(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "zoomsync", versionString())
		return nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fail(exitUsage, "unknown command %q", cmd)
}

func versionString() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "dev"
	}
	if ok {
		v += " (" + info.GoVersion + ")"
	}
	return v
}

// common are the flags every config-reading command has.
type common struct {
	config    string
	logFormat string
	logLevel  string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "zoomsync.yaml", "config file `path`")
	fs.StringVar(&c.logFormat, "log-format", "", "log format: text or json (default from the config, text)")
	fs.StringVar(&c.logLevel, "log-level", "", "log level: debug, info, warn or error (default from the config, info)")
}

// parseFlags parses args; -h is not an error, a bad flag is a usage error.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &exitError{code: exitOK}
		}
		return &exitError{code: exitUsage}
	}
	if fs.NArg() > 0 {
		return fail(exitUsage, "%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
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
