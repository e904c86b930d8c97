// Package faultsuite runs the zoomsync binary against the Zoom emulator and
// fake Sheets servers under faults and hostile input, and asserts what Zoom
// holds afterwards: pages per slug, duplicates, missing rows, creates and
// writes, counted at the emulator.
//
// It has no code of its own outside its tests. TestMain builds
// ./cmd/zoomsync once per test binary; every scenario starts its own
// emulator on loopback and runs `zoomsync sync` as a child process, so that
// SIGKILL, exit codes and peak RSS are those of the real binary. The
// suite's time is bounded by emulator knobs (latency, rate limits, fault
// counts), not by sleeps.
//
// Scenarios (go test ./internal/faultsuite):
//   - TestKillThenRerun: SIGKILL at seeded points, then one rerun, in
//     collective and downgrade mode (FAULTSUITE_SEED picks other points).
//   - TestUnknownOutcomeCreates: dropped answers, late commits and 500s
//     after commit.
//   - TestStorm: 429s and 5xx answers on a small quota (2 trials).
//   - TestSharedQuota: another client on the same account's quota.
//   - TestHostileSheets: encodings, huge cells, formulas, NUL bytes,
//     unreadable and empty sheets.
//   - TestHugeErrorBodies: 100 MB error bodies from Sheets and Zoom, with
//     the child's peak RSS against a baseline run.
//
// Some figures take too long for every CI run and exist only as benchmarks
// (go test -run '^$' -bench . ./internal/faultsuite):
//   - BenchmarkStorm10Trials: the storm scenario, 10 trials.
//   - BenchmarkSharedQuota300Rows: the shared quota with a 300-row create.
package faultsuite
