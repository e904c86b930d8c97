// Package pacer is zoomsync's one retry policy, shaped like rclone's
// lib/pacer: one classifier that says whether a failed call is worth another
// try, one exponential backoff with jitter, one Retry-After parser, and a
// Pacer that spaces calls, adapts its rate to the quota a server reports
// (AIMD: multiplicative decrease on every 429, additive recovery) and holds
// every caller during a rate-limit pause. The Zoom client and the Google
// Sheets source both go through it.
//
// Every wait selects on the caller's context and goes through a Clock, so
// tests can run on a virtual clock with no real sleeps.
package pacer
