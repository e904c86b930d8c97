package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/zoomsync/zoomsync/internal/suggest"
)

// app is one invocation of zoomsync: where it writes, the global flags and,
// once a command has built it, the logger the final error goes to.
type app struct {
	stdout, stderr io.Writer
	flags          common
	// log, when set, reports the fatal error, so that with --log-format
	// json even the last line is JSON and carries the run id.
	log *slog.Logger
	// runID names a sync run on every log line; "" for other commands.
	runID string
	// term is stderr when it is a terminal: log lines above a progress bar.
	term *terminal
	args []string
}

// jsonLogs reports whether the final error should be a JSON line: the log
// format in force, or asked for on a command line that did not parse.
func (a *app) jsonLogs() bool {
	if a.flags.format != "" || a.flags.logFormat != "" {
		return a.flags.jsonLogs()
	}
	for i, arg := range a.args {
		if arg == "--" {
			break
		}
		if arg == "--log-format=json" || (arg == "--log-format" && i+1 < len(a.args) && a.args[i+1] == "json") {
			return true
		}
	}
	return false
}

const rootLong = `zoomsync keeps Zoom Scheduler booking pages in step with a team roster kept in a
Google Sheet or a CSV file. It reads every row, compares it with the pages in Zoom
and creates or updates pages until Zoom matches the sheet.

Exit codes:
  0   done; nothing left to do
  1   could not run (config, credentials, Zoom or the sheet unreachable, interrupted)
  2   plan --detailed-exitcode: there are changes to make
  3   finished, but some rows are invalid, failed or need manual work
  64  usage error (unknown command or flag)
  75  another zoomsync run holds the lock; try again later`

const rootExample = `  # Try it with the built-in emulator: no Zoom account needed
  zoomsync sync --config examples/demo.yaml

  # What would change, then make it so
  zoomsync plan --config zoomsync.yaml
  zoomsync sync --config zoomsync.yaml

  # Check the sheet only
  zoomsync validate --config zoomsync.yaml`

// newRootCmd builds the command tree. Commands return errors; Main turns
// them into exit codes and prints them once.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:     "zoomsync",
		Short:   "Keep Zoom Scheduler booking pages in step with a team roster",
		Long:    rootLong,
		Example: rootExample,
		Version: versionString(),
		// Errors and usage are printed by Main, once, in the log format.
		SilenceErrors: true,
		SilenceUsage:  true,
		// Mistyped commands get our own suggestion and exit 64 (see Args).
		DisableSuggestions: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			return unknownCommand(cmd, args[0])
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// No command: the help, on stderr, is the answer to a usage error.
			cmd.SetOut(a.stderr)
			_ = cmd.Help()
			return &exitError{code: exitUsage}
		},
	}
	root.SetVersionTemplate("zoomsync {{.Version}}\n")
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		if cmd == root {
			// "zoomsync snyc --dry-run": the flag is unknown only because
			// the command is; say that.
			if word := firstWord(a.args); word != "" && !slices.Contains(commandNames(root), word) {
				return unknownCommand(root, word)
			}
		}
		return usageError(cmd, flagHint(cmd, err))
	})
	a.flags.register(root.PersistentFlags())
	_ = root.RegisterFlagCompletionFunc("log-format", fixedValues("text", "json"))
	_ = root.RegisterFlagCompletionFunc("log-level", fixedValues("debug", "info", "warn", "error"))
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml")
	root.SetHelpCommand(newHelpCmd(root))

	root.AddCommand(
		newPlanCmd(a),
		newSyncCmd(a),
		newValidateCmd(a),
		newImportCmd(a),
		newServeCmd(a),
		newEmulatorCmd(a),
		newVersionCmd(a),
	)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Short = "Print the shell completion script for bash, zsh, fish or powershell"
			c.Example = `  source <(zoomsync completion bash)
  zoomsync completion zsh > "${fpath[1]}/_zoomsync"
  zoomsync completion fish > ~/.config/fish/completions/zoomsync.fish`
			c.Args = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return nil
				}
				return usageError(cmd, fmt.Errorf("no completion for shell %q: use bash, zsh, fish or powershell", args[0]))
			}
			c.RunE = func(cmd *cobra.Command, _ []string) error {
				cmd.SetOut(a.stderr)
				_ = cmd.Help()
				return &exitError{code: exitUsage}
			}
		}
	}
	return root
}

// newHelpCmd is cobra's help command, except that an unknown topic is a
// usage error with a suggestion rather than the top-level help and exit 0.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:     "help [command]",
		Short:   "Help about any command",
		Long:    "help prints the help of a command, with its flags and examples.",
		Example: `  zoomsync help sync`,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, n := range commandNames(root) {
				if strings.HasPrefix(n, toComplete) {
					out = append(out, n)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				word := strings.Join(args, " ")
				msg := fmt.Sprintf("no help for %q: it is not a command", word)
				if len(args) > 0 {
					if s := suggest.Closest(args[len(args)-1], commandNames(root)); s != "" {
						msg += fmt.Sprintf("; did you mean %q?", s)
					}
				}
				return usageError(root, errors.New(msg))
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}

func fixedValues(vs ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vs, cobra.ShellCompDirectiveNoFileComp
	}
}

// unknownCommand is the usage error for a mistyped command, with the
// likely one.
func unknownCommand(root *cobra.Command, word string) error {
	msg := fmt.Sprintf("unknown command %q", word)
	if s := suggest.Closest(word, commandNames(root)); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return usageError(root, errors.New(msg))
}

// firstWord is the first argument that is neither a flag nor a global
// flag's value: the command the user meant.
func firstWord(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return ""
		case a == "--config" || a == "--log-format" || a == "--log-level":
			i++ // its value
		case strings.HasPrefix(a, "-"):
		default:
			return a
		}
	}
	return ""
}

// commandNames are the names a mistyped command is compared with.
func commandNames(root *cobra.Command) []string {
	names := []string{"help", "completion"}
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
			names = append(names, c.Aliases...)
		}
	}
	sort.Strings(names)
	return slices.Compact(names)
}

// usageError is exit 64 with a pointer to the command's help.
func usageError(cmd *cobra.Command, err error) error {
	return &exitError{code: exitUsage, err: &withHelp{err: err, path: cmd.CommandPath()}}
}

// withHelp is a usage error followed by where to find the command's help.
type withHelp struct {
	err  error
	path string
}

func (e *withHelp) Error() string {
	return fmt.Sprintf("%v\nRun '%s --help' for usage.", e.err, e.path)
}
func (e *withHelp) Unwrap() error { return e.err }

// flagHint adds what pflag's message leaves out: the flag meant by an
// unknown long flag ("--dryrun": did you mean "--dry-run"?), and a long
// flag written with one dash, as Go's flag package allowed.
func flagHint(cmd *cobra.Command, err error) error {
	if word, ok := strings.CutPrefix(err.Error(), "unknown flag: --"); ok {
		var names []string
		add := func(f *pflag.Flag) {
			if !f.Hidden {
				names = append(names, f.Name)
			}
		}
		cmd.Flags().VisitAll(add)
		cmd.InheritedFlags().VisitAll(add)
		if s := suggest.Closest(word, names); s != "" {
			return fmt.Errorf("%w; did you mean \"--%s\"?", err, s)
		}
		return err
	}
	var name string
	if _, e := fmt.Sscanf(err.Error(), "unknown shorthand flag: %s", &name); e == nil {
		if i := strings.Index(err.Error(), " in -"); i >= 0 {
			word := strings.TrimPrefix(err.Error()[i+len(" in "):], "-")
			word, _, _ = strings.Cut(word, "=")
			if len(word) > 1 {
				return fmt.Errorf("%w (long flags take two dashes: --%s)", err, word)
			}
		}
	}
	return err
}

// noArgs refuses positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError(cmd, fmt.Errorf("unexpected argument %q", args[0]))
	}
	return nil
}

func (c *common) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.config, "config", "zoomsync.yaml", "config file `path`")
	fs.StringVar(&c.logFormat, "log-format", "", "log format: text or json (default from the config, text)")
	fs.StringVar(&c.logLevel, "log-level", "", "log level: debug, info, warn or error (default from the config, info)")
}

func newPlanCmd(a *app) *cobra.Command {
	var o planOpts
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what sync would do, changing nothing",
		Long: `plan reads the sheet and the pages in Zoom and prints, row by row, what sync would
create, update or leave alone, with each changed field before and after. It makes no
change in Zoom or in the sheet, and needs only read access to both.`,
		Example: `  zoomsync plan --config zoomsync.yaml
  zoomsync plan --json > plan.json               # for scripts; see the README for the format
  zoomsync plan --detailed-exitcode || echo $?   # 2 when there is something to do
  zoomsync plan --recheck-create                 # the plan of sync --recheck-create`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPlan(cmd.Context(), a, o) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print the plan as JSON (format_version 2, see the README)")
	cmd.Flags().BoolVar(&o.detailed, "detailed-exitcode", false, "exit 2 when there are changes to make, 0 when none")
	cmd.Flags().BoolVar(&o.recheckCreate, "recheck-create", false, recheckCreateUsage)
	return cmd
}

func newSyncCmd(a *app) *cobra.Command {
	var o syncOpts
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Make Zoom match the sheet",
		Long: `sync reads the sheet and the pages in Zoom, then creates, updates (and, when
sync.prune is on, prunes) pages until Zoom matches the sheet. Every row's outcome is
printed as the row completes; a second run with no edits changes nothing.`,
		Example: `  zoomsync sync --config zoomsync.yaml
  zoomsync sync --dry-run                          # the same as plan
  zoomsync sync --log-format json 2>>sync.log      # one JSON object per line
  zoomsync sync --force-prune                      # prune past sync.max_prune, once
  zoomsync sync --recheck-create                   # try one multi-host create again now`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.runID = newRunID()
			if isTerminal(a.stderr) {
				a.term = &terminal{w: a.stderr}
			}
			return runSync(cmd.Context(), a, o)
		},
	}
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "show the plan and change nothing (same as plan)")
	cmd.Flags().BoolVar(&o.forcePrune, "force-prune", false, "prune even when the candidates exceed sync.max_prune and sync.max_prune_percent")
	cmd.Flags().BoolVar(&o.recheckCreate, "recheck-create", false, recheckCreateUsage)
	return cmd
}

// recheckCreateUsage is --recheck-create's help, on plan and sync.
const recheckCreateUsage = "try one multi-host create now (sent alone, then verified) even if Zoom stored the last one as One to One less than sync.recheck_create ago"

func newValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check the config and the sheet, without calling Zoom",
		Long: `validate reads the config and the sheet and reports every row that sync would refuse,
with the reason. It makes no Zoom call.`,
		Example: `  zoomsync validate --config zoomsync.yaml
  zoomsync validate --config zoomsync.yaml --log-format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runValidate(cmd.Context(), a) },
	}
}

func newServeCmd(a *app) *cobra.Command {
	var o serveOpts
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run sync on a schedule, with /healthz, /livez, /metrics and /status",
		Long: `serve runs sync on a cron schedule in one long-lived process and answers
/healthz, /livez, /metrics (Prometheus) and /status (JSON) over HTTP. The config is
read again before each run, so edits take effect at the next tick. The first SIGTERM
lets a running sync finish (serve.shutdown_timeout); a second exits at once.`,
		Example: `  zoomsync serve --config zoomsync.yaml --schedule "*/30 * * * *"
  zoomsync serve --schedule "@every 15m" --addr 127.0.0.1:9090 --run-now
  zoomsync serve --schedule "CRON_TZ=Europe/Berlin 0 6 * * 1-5"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), a, o) },
	}
	cmd.Flags().StringVar(&o.schedule, "schedule", "", `cron spec, e.g. "*/30 * * * *", "@every 15m", "CRON_TZ=Europe/Berlin 0 6 * * 1-5" (default serve.schedule)`)
	cmd.Flags().StringVar(&o.addr, "addr", "", "HTTP `address` for /healthz, /metrics and /status (default serve.addr, 127.0.0.1:9090)")
	cmd.Flags().BoolVar(&o.runNow, "run-now", false, "run once at start, then on the schedule")
	return cmd
}

func newVersionCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build details",
		Long: `version prints zoomsync's version, the commit it was built from and that commit's
time, and the Go version. The commit comes from the build's VCS stamp; a build made
with -buildvcs=false or outside a git checkout shows "unknown".`,
		Example: `  zoomsync version
  zoomsync version --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runVersion(a.stdout, asJSON) },
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// run parses args and runs the command.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, err := execute(ctx, args, stdout, stderr)
	return err
}

// execute runs the command and returns the app, so that Main can report
// the error through the command's logger.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) (*app, error) {
	a := &app{stdout: stdout, stderr: stderr, args: args}
	root := newRootCmd(a)
	root.SetArgs(args)
	return a, root.ExecuteContext(ctx)
}
