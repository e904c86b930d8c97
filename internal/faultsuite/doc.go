// Package faultsuite runs the zoomsync binary against the Zoom emulator and
// fake Sheets servers under faults and hostile input, and asserts what Zoom
// holds afterwards: pages per slug, duplicates, missing rows, stray
// bookable pages, creates and writes, counted at the emulator.
//
// It has no code of its own outside its tests. TestMain builds
// ./cmd/zoomsync (and testdata/rsswrap, which measures a child's peak RSS)
// once per test binary, as plain binaries even under -race; every scenario
// starts its own emulator on loopback and runs zoomsync as a child process,
// so that SIGKILL, exit codes and peak RSS are those of the real binary.
// The suite's time is bounded by emulator knobs (latency, rate limits,
// fault counts) and by zoomsync's own waits, not by sleeps in the tests.
//
// Scenarios (go test ./internal/faultsuite):
//   - TestKillThenRerun: SIGKILL at 8 seeded points, then one rerun, in
//     collective and downgrade mode (FAULTSUITE_SEED picks other points).
//   - TestUnknownOutcomeCreates: dropped answers, 500 after commit, an
//     answer held past the client's timeout, late commits during and after
//     the run.
//   - TestStorm: 3 requests/s with 1 in 5 answered 5xx, 40 rows, 2 trials.
//   - TestRateLimitStorm: 429s with Retry-After as an HTTP date.
//   - TestDailyLimit: the daily quota runs out mid-run.
//   - TestSharedQuota: another app on the same account's quota.
//   - TestHostileSheets, TestUnreadableSheets: encodings, huge cells,
//     formulas, NUL bytes; missing, empty, binary and truncated rosters.
//   - TestHugeErrorBodies: 100 MB error bodies from Sheets, the Zoom API
//     and its token endpoint, with the child's peak RSS against a baseline.
//
// Two figures take too long for every CI run and exist only as benchmarks
// (go test -run '^$' -bench . -benchtime 1x ./internal/faultsuite):
//   - BenchmarkStorm10Trials: the storm scenario, 10 trials (trials_ok).
//   - BenchmarkSharedQuota300Rows: the shared quota with a 300-row create,
//     with the default pacing and a fixed 30 requests/s (other_429_%,
//     wall/bound).
package faultsuite
