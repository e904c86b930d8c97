package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// runEmulator serves a local Zoom Scheduler API until interrupted.
func runEmulator(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := emulator.DefaultOptions()
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8089", "listen `address`; loopback unless you mean otherwise")
	mode := fs.String("mode", string(emulator.ModeCollective), "multi-host behaviour: collective (stores what is asked) or downgrade (what Zoom does today: one-to-one pages)")
	state := fs.String("state", "", "keep pages in this JSON `file` across restarts")
	accountID := fs.String("account-id", def.AccountID, "account id the token endpoint accepts")
	clientID := fs.String("client-id", def.ClientID, "client id the token endpoint accepts")
	clientSecret := fs.String("client-secret", def.ClientSecret, "client secret the token endpoint accepts")
	rateLimit := fs.Int("rate-limit", def.RateLimit, "requests per second per account (0 = unlimited)")
	latency := fs.Duration("latency", 0, "added to every API request")
	errorRate := fs.Float64("error-rate", 0, "share of API requests answered 5xx (0 to 1)")
	dropPostRate := fs.Float64("drop-post-rate", 0, "share of creates stored but answered with a dropped connection (0 to 1)")
	pageSizeMax := fs.Int("page-size-max", 300, "largest list page")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *mode != string(emulator.ModeCollective) && *mode != string(emulator.ModeDowngrade) {
		return fail(exitUsage, "emulator: --mode %q: use collective or downgrade", *mode)
	}
	for name, v := range map[string]float64{"--error-rate": *errorRate, "--drop-post-rate": *dropPostRate} {
		if v < 0 || v > 1 {
			return fail(exitUsage, "emulator: %s %v: use a share between 0 and 1", name, v)
		}
	}
	if *rateLimit < 0 || *pageSizeMax < 1 {
		return fail(exitUsage, "emulator: --rate-limit must be 0 or more and --page-size-max at least 1")
	}
	opts := def
	opts.Mode = emulator.Mode(*mode)
	opts.StatePath = *state
	opts.AccountID, opts.ClientID, opts.ClientSecret = *accountID, *clientID, *clientSecret
	opts.RateLimit, opts.Latency, opts.ErrorRate, opts.DropPostRate = *rateLimit, *latency, *errorRate, *dropPostRate
	opts.PageSizeMax = *pageSizeMax
	emu, err := emulator.New(opts)
	if err != nil {
		return fail(exitFailed, "emulator: %w", err)
	}
	defer emu.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(exitFailed, "emulator: %w", err)
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, `Zoom Scheduler emulator (%s mode) listening on %s
  zoom:
    api_url: %s/v2
    oauth_url: %s/oauth/token
    account_id: %s
    client_id: %s
    client_secret: %s
  Pages: %s
  Admin: %s/_emulator/stats, /_emulator/pages, /_emulator/webapp/schedules (POST: make a page as the web app does)
Stop with Ctrl-C.
`, opts.Mode, ln.Addr(), base, base, opts.AccountID, opts.ClientID, opts.ClientSecret, stateText(opts.StatePath), base)

	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fail(exitFailed, "emulator: %w", err)
		}
	case <-sigs:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if err := emu.Close(); err != nil {
		return fail(exitFailed, "emulator: saving state: %w", err)
	}
	fmt.Fprintln(stdout, "emulator stopped")
	return nil
}

func stateText(p string) string {
	if p == "" {
		return "in memory (use --state FILE to keep them)"
	}
	return "kept in " + p
}
