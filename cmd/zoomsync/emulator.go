package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// emulatorOpts are the emulator command's flags.
type emulatorOpts struct {
	addr, mode, state, seed           string
	accountID, clientID, clientSecret string
	rateLimit, pageSizeMax            int
	latency                           time.Duration
	errorRate, dropPostRate           float64
}

func newEmulatorCmd(a *app) *cobra.Command {
	def := emulator.DefaultOptions()
	var o emulatorOpts
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Serve a local Zoom Scheduler API, for trying zoomsync without Zoom",
		Long: `emulator serves the parts of the Zoom Scheduler API that zoomsync uses, with an
OAuth token endpoint, on loopback. It prints the zoom: settings to put in a config.

--mode downgrade (the default) behaves as Zoom does today: a multi-host page asked for
through the API is stored as a one-to-one page. --mode collective stores what it is
asked for, for rehearsing the day Zoom honours it; --mode anyhost stores "Any Host
Available" pages.

--seed FILE starts the account with the users and the pages made in the web app that
FILE lists (the format of examples/demo-webapp.json), when the store starts empty: no
--state, or no state file yet. A --state file that already holds pages wins, so a
restart keeps what runs changed.`,
		Example: `  zoomsync emulator
  zoomsync emulator --mode collective --state /tmp/emulator.json
  zoomsync emulator --seed examples/demo-webapp.json --state /tmp/emulator.json
  zoomsync emulator --rate-limit 10 --latency 50ms --error-rate 0.05`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEmulator(cmd.Context(), cmd, o, a.stdout) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8089", "listen `address`; loopback unless you mean otherwise")
	f.StringVar(&o.mode, "mode", defaultEmulatorMode, "multi-host behaviour: downgrade (what Zoom does today: one-to-one pages), collective (stores what is asked) or anyhost")
	f.StringVar(&o.state, "state", "", "keep pages in this JSON `file` across restarts")
	f.StringVar(&o.seed, "seed", "", "start with the users and web-app pages in this JSON `file` (e.g. examples/demo-webapp.json) when there is no state yet")
	f.StringVar(&o.accountID, "account-id", def.AccountID, "account id the token endpoint accepts")
	f.StringVar(&o.clientID, "client-id", def.ClientID, "client id the token endpoint accepts")
	f.StringVar(&o.clientSecret, "client-secret", def.ClientSecret, "client secret the token endpoint accepts")
	f.IntVar(&o.rateLimit, "rate-limit", def.RateLimit, "requests per second per account (0 = unlimited)")
	f.DurationVar(&o.latency, "latency", 0, "added to every API request")
	f.Float64Var(&o.errorRate, "error-rate", 0, "share of API requests answered 5xx (0 to 1)")
	f.Float64Var(&o.dropPostRate, "drop-post-rate", 0, "share of creates stored but answered with a dropped connection (0 to 1)")
	f.IntVar(&o.pageSizeMax, "page-size-max", 300, "largest list page")
	return cmd
}

// emulatorModes are the modes the emulator command accepts.
var emulatorModes = []string{string(emulator.ModeDowngrade), string(emulator.ModeCollective), "anyhost"}

// defaultEmulatorMode is what Zoom does today.
const defaultEmulatorMode = string(emulator.ModeDowngrade)

// runEmulator serves a local Zoom Scheduler API until interrupted.
func runEmulator(ctx context.Context, cmd *cobra.Command, o emulatorOpts, stdout io.Writer) error {
	def := emulator.DefaultOptions()
	if !slices.Contains(emulatorModes, o.mode) {
		return usageError(cmd, fmt.Errorf("--mode %q: use one of %s", o.mode, strings.Join(emulatorModes, ", ")))
	}
	for name, v := range map[string]float64{"--error-rate": o.errorRate, "--drop-post-rate": o.dropPostRate} {
		if v < 0 || v > 1 {
			return usageError(cmd, fmt.Errorf("%s %v: use a share between 0 and 1", name, v))
		}
	}
	if o.rateLimit < 0 || o.pageSizeMax < 1 {
		return usageError(cmd, fmt.Errorf("--rate-limit must be 0 or more and --page-size-max at least 1"))
	}
	opts := def
	opts.Mode = emulator.Mode(o.mode)
	opts.StatePath, opts.SeedPath = o.state, o.seed
	opts.AccountID, opts.ClientID, opts.ClientSecret = o.accountID, o.clientID, o.clientSecret
	opts.RateLimit, opts.Latency, opts.ErrorRate, opts.DropPostRate = o.rateLimit, o.latency, o.errorRate, o.dropPostRate
	opts.PageSizeMax = o.pageSizeMax
	srv, err := emulator.Listen(o.addr, opts)
	if err != nil {
		return fail(exitFailed, "emulator: %w", err)
	}
	defer srv.Close()
	base := srv.URL
	if !emulator.IsLoopbackAddr(o.addr) {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: --addr %s is not a loopback address: the emulator's API is open to the network (its /_emulator admin endpoints still answer loopback peers only)\n", o.addr)
	}
	fmt.Fprintf(stdout, `Zoom Scheduler emulator (%s mode) listening on %s
  zoom:
    api_url: %s/v2
    oauth_url: %s/oauth/token
    account_id: %s
    client_id: %s
    client_secret: %s
  Pages: %s%s
  Admin: %s/_emulator/stats, /_emulator/pages, /_emulator/webapp/schedules?user_id=OWNER (POST: make a page as the web app does)
Stop with Ctrl-C.
`, opts.Mode, srv.Addr, base, base, opts.AccountID, opts.ClientID, opts.ClientSecret, stateText(opts.StatePath), seedText(srv.Emulator), base)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	select {
	case <-sigs:
	case <-ctx.Done():
	}
	if err := srv.Close(); err != nil {
		return fail(exitFailed, "emulator: saving state: %w", err)
	}
	fmt.Fprintln(stdout, "emulator stopped")
	return nil
}

// seedText says how many pages the emulator starts with, when any.
func seedText(emu *emulator.Emulator) string {
	if n := len(emu.Pages("", false)); n > 0 {
		return fmt.Sprintf("; %d at start", n)
	}
	return ""
}

func stateText(p string) string {
	if p == "" {
		return "in memory (use --state FILE to keep them)"
	}
	return "kept in " + p
}
