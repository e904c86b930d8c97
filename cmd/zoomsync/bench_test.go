package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom/emulator"
	"github.com/zoomsync/zoomsync/zoom/emulator/emulatortest"
)

// benchRun runs `zoomsync sync` as a child process (the real binary path:
// config, sheet, client, engine) and returns its wall time and peak RSS.
func benchRun(b *testing.B, config string) (time.Duration, float64) {
	b.Helper()
	hwm := filepath.Join(b.TempDir(), "status")
	cmd := exec.Command(os.Args[0], "sync", "--config", config)
	cmd.Env = append(os.Environ(), "ZOOMSYNC_TEST_MAIN=1", "ZOOMSYNC_HWM_FILE="+hwm)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		b.Fatalf("sync: %v\n%s", err, tail(stderr.String(), 2000))
	}
	return elapsed, peakRSS(b, hwm)
}

// peakRSS reads VmHWM (KiB) from a saved /proc/self/status, in MiB.
func peakRSS(b *testing.B, path string) float64 {
	status, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("no /proc/self/status on this system: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib float64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kib)
			return kib / 1024
		}
	}
	b.Fatalf("no VmHWM in %s", path)
	return 0
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// benchSetup writes a roster of rows spread over owners and a config for an
// emulator with Zoom-like limits.
func benchSetup(b *testing.B, rows, owners int, emo emulator.Options, clientRate float64) (*emulator.Emulator, string) {
	b.Helper()
	emo.Mode = emulator.ModeCollective
	srv := emulatortest.Start(b, emo)
	dir := b.TempDir()
	var csv strings.Builder
	csv.WriteString("Team,Hosts,Duration,Time zone,Availability\n")
	for i := range rows {
		fmt.Fprintf(&csv, "Team %05d,\"owner%02d@example.com, host%05d@example.com, lead%02d@example.com\",%d,America/New_York,\"Mon-Fri 09:00-12:00, 13:00-17:00\"\n",
			i, i%owners, i, i%7, 30+15*(i%3))
	}
	os.WriteFile(filepath.Join(dir, "teams.csv"), []byte(csv.String()), 0o600)
	config := filepath.Join(dir, "zoomsync.yaml")
	os.WriteFile(config, []byte(fmt.Sprintf(`source: {type: csv, path: teams.csv}
zoom:
  api_url: %s/v2
  oauth_url: %s/oauth/token
  account_id: %s
  client_id: %s
  client_secret: %s
  rate_limit: %g
  concurrency: 4
sync: {slug_prefix: team-}
log: {level: warn}
`, srv.URL, srv.URL, emo.AccountID, emo.ClientID, emo.ClientSecret, clientRate)), 0o600)
	return srv.Emulator, config
}

// BenchmarkSync1000Rows10Owners: an emulator with Zoom Pro's limit (30
// requests/s per account) and 50 ms latency; the client paced at 30/s.
// Reports the calls of a no-op run (the minimum is one listing page per
// 300 pages per owner, plus the token), the full create's wall time
// relative to the rate-limit bound (writes ÷ rate), 429s, and peak RSS.
func BenchmarkSync1000Rows10Owners(b *testing.B) {
	const rows, owners, rate = 1000, 10, 30
	for b.Loop() {
		eo := emulator.DefaultOptions()
		eo.RateLimit, eo.Latency = rate, 50*time.Millisecond
		emu, config := benchSetup(b, rows, owners, eo, rate)

		create, createRSS := benchRun(b, config)
		st := emu.Stats()
		writes := st.Writes()
		if n := len(emu.Pages("", false)); n != rows {
			b.Fatalf("%d pages after the full create", n)
		}
		bound := time.Duration(float64(writes) / rate * float64(time.Second))
		b.ReportMetric(create.Seconds(), "create_s")
		b.ReportMetric(create.Seconds()/bound.Seconds(), "create/bound")
		b.ReportMetric(float64(st.RateLimited), "create_429s")
		b.ReportMetric(createRSS, "create_peak_MiB")

		emu.ResetStats()
		noop, noopRSS := benchRun(b, config)
		calls := 0
		for _, n := range emu.Stats().Requests {
			calls += n
		}
		minimum := owners*((rows/owners+299)/300) + 1 // listings + token
		if emu.Stats().Writes() != 0 || calls != minimum {
			b.Errorf("no-op run: %d calls (%v), want exactly %d and no writes", calls, emu.Stats().Requests, minimum)
		}
		b.ReportMetric(float64(calls), "noop_calls")
		b.ReportMetric(float64(minimum), "noop_min_calls")
		b.ReportMetric(noop.Seconds(), "noop_s")
		b.ReportMetric(noopRSS, "noop_peak_MiB")
	}
}

// BenchmarkSync10000RowsMemory checks the memory bar: 10,000 rows over 50
// owners (200 pages each) in under 100 MB RSS, for the full create and for
// a no-op run. The emulator is unlimited:
// this measures memory, not pacing.
func BenchmarkSync10000RowsMemory(b *testing.B) {
	const rows, owners = 10000, 50
	for b.Loop() {
		eo := emulator.DefaultOptions()
		eo.RateLimit = 0
		emu, config := benchSetup(b, rows, owners, eo, 100000)
		create, createRSS := benchRun(b, config)
		if n := len(emu.Pages("", false)); n != rows {
			b.Fatalf("%d pages", n)
		}
		noop, noopRSS := benchRun(b, config)
		b.ReportMetric(create.Seconds(), "create_s")
		b.ReportMetric(createRSS, "create_peak_MiB")
		b.ReportMetric(noop.Seconds(), "noop_s")
		b.ReportMetric(noopRSS, "noop_peak_MiB")
		if createRSS > 100 || noopRSS > 100 {
			b.Errorf("peak RSS %.0f / %.0f MiB exceeds 100 MB", createRSS, noopRSS)
		}
	}
}
