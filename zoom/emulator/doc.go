// Package emulator is a local stand-in for the Zoom Scheduler REST API: the
// Server-to-Server OAuth token endpoint, schedules (list, get, create,
// patch, delete), availability, Scheduler user lookup, the analytics report
// and the account's user list. zoomsync's tests, its demo and admins
// rehearsing a roster run against it instead of Zoom.
//
// It keeps its own types and never imports package zoom, so a wrong JSON tag
// in the client cannot be masked by sharing it.
//
// # What it copies, and how sure we are
//
// Every behaviour is labelled documented (Zoom's API reference, support
// articles or changelog say so), observed (users saw it on the live API) or
// inferred (our best guess where the sources are silent), and points to the
// section of docs/zoom-api.md that holds the evidence. Comments at each
// behaviour carry the same label.
//
// Documented:
//   - POST /oauth/token with grant_type=account_credentials, account_id and
//     HTTP Basic client credentials; the token response fields; OAuth error
//     codes 4702 (invalid client), 4705 (unsupported grant type), 4706
//     (missing credentials or grant type); 401 {"code":124,...} for a bad
//     token; code 4711 for a token without a scope (docs/zoom-api.md#auth).
//   - The endpoints and their status codes: POST 201 with the schedule,
//     PATCH and DELETE 204 with an empty body; show_deleted listing
//     cancelled pages (docs/zoom-api.md#endpoints).
//   - Field ranges and enums of the create and patch bodies, the read-only
//     response fields and their formats; created_via in responses
//     (docs/zoom-api.md#schedule-fields).
//   - At most 30 hosts on an All Hosts Available page; no request field that
//     makes a multi-host page (docs/zoom-api.md#multi-host-pages).
//   - GET /scheduler/analytics: its query (user_id, "all", from, to) and its
//     response shape, with all_host_available, any_host_available and
//     one_to_one counts in last_n_days and previous_period
//     (docs/zoom-api.md#analytics).
//   - GET /users?status=&page_size=&next_page_token= with id, email,
//     first_name, last_name and status per user (docs/zoom-api.md#users).
//   - Rate limits per account, shared by every app of it; X-RateLimit-*
//     headers on answers; 429 with Retry-After and the per-second and daily
//     messages; the error body {"code":300,"message":"Validation
//     Failed.","errors":[...]} (docs/zoom-api.md#rate-limits-and-errors).
//   - next_page_token empty on the last page; page size up to 300
//     (docs/zoom-api.md#pagination).
//
// Observed by users against the live API:
//   - Downgrade (ModeDowngrade, the default): pooling_type, user_pools and
//     attendees are accepted and ignored, the page is stored One to One, and
//     GET never returns the pool fields, in any mode
//     (docs/zoom-api.md#multi-host-pages).
//   - {"error":{"message":"Failed json validation!","errors":[...]}} for create
//     bodies without availability_override: true and inline
//     segments_recurrence, and {"error":{"message":"Miss time fields."}} for
//     interval_type fixed without dates (docs/zoom-api.md#multi-host-pages).
//   - The {scheduleId} path segment accepts a slug; single-resource lookups
//     404 for another user's page (docs/zoom-api.md#endpoints); 403
//     {"code":403,"message":"User Not Found"} for a user without a Scheduler
//     profile (docs/zoom-api.md#auth).
//   - Retry-After as seconds, or as an ISO date for daily limits
//     (docs/zoom-api.md#rate-limits-and-errors).
//
// Inferred where the sources are silent (each is also noted where it is
// implemented):
//   - ModeCollective: a create with schedule_type "multiple" and a rule per
//     host stores an All Hosts Available page; ModeAnyHost stores an Any
//     Host Available page that reads back exactly like it through list and
//     GET (schedule_type multiple, every host in availability_rules), so
//     that only the analytics counts tell them apart
//     (docs/zoom-api.md#multi-host-pages). Nobody has seen either on the
//     live API.
//   - The analytics report as a witness of page types: last_n_days counts
//     the pages each owner holds now, by kind, whatever from and to say;
//     previous_period is zeros (docs/zoom-api.md#analytics).
//   - created_via values: "api" for pages made through POST, "web" for pages
//     made in the web app (docs/zoom-api.md#schedule-fields).
//   - The user list holds the admin, Options.Users and every user a request
//     named; all are active; names split from the email
//     (docs/zoom-api.md#users).
//   - Defaults: duration 30, start_time_increment 30, time_zone from the first
//     availability rule or America/Los_Angeles, a rule without time_zone takes
//     the page's, a rule without email is the owner's; slugs generated from
//     the summary (docs/zoom-api.md#schedule-fields).
//   - Error shapes: 404s use the scheduler shape
//     {"error":{"message":"Schedule not found."}}; bad page_size,
//     next_page_token or show_deleted and a slug already in use are code-300
//     validation errors; unknown routes 404 and wrong methods 405 in the code
//     shape (docs/zoom-api.md#rate-limits-and-errors); account_id errors at
//     the token endpoint are 400 invalid_request (code 4706 missing, 4700
//     wrong; docs/zoom-api.md#auth).
//   - Default page_size 30; the list ignores from, to and time_zone
//     (docs/zoom-api.md#pagination).
//   - PATCH: JSON null means "not sent"; availability_override, when sent, must
//     be true; an empty availability_rules list is rejected; a page must exist
//     before its body is validated; in downgrade mode rules for new hosts are
//     dropped silently and, if none survive, the stored rules stay
//     (docs/zoom-api.md#endpoints).
//   - DELETE bumps updated. Tokens are not persisted across restarts, and
//     minting a new token never invalidates older ones
//     (docs/zoom-api.md#auth).
//   - One rate-limit bucket for every endpoint category; the Users list is
//     labelled Medium (docs/zoom-api.md#rate-limits-and-errors).
//   - Users' ids, availability ids, slugs, display names and time zones
//     (America/Los_Angeles) are derived from their email; pages made by
//     CreateWebAppPage have one rule per host that refers to the host's
//     default availability (Mon–Fri 09:00–17:00) unless given hours
//     (docs/zoom-api.md#users).
//
// # Faults
//
// The fault knobs are no Zoom behaviour; they produce on demand what Zoom
// and networks do now and then (docs/zoom-api.md#faults): latency, random
// 5xx, scripted errors (Fault), a create that is stored but whose answer is
// dropped, a create that lands after the client gave up (LateCommit), a
// delay after a write is stored (CommitDelay), 500 after commit, Retry-After
// as an HTTP date, a daily limit and an analytics report that cannot be
// read. Each is settable through Options, SetKnobs and POST
// /_emulator/knobs. A late commit is checked when the request comes and
// stored later even if another page has taken its slug meanwhile, as a
// check-then-write race would (inferred).
//
// # Running it
//
// ListenLoopback (or Listen) runs it behind an HTTP server; the admin
// endpoints under /_emulator/ answer loopback peers only, whatever address
// it binds, and IsLoopbackAddr tells a caller when to warn that the API is
// open to the network. Everything the emulator stores can be saved to a JSON
// file (Options.StatePath) so that separate processes see the same pages,
// and a starting state can be seeded from a file (Options.SeedPath, see
// Seed) or through the admin API.
package emulator
