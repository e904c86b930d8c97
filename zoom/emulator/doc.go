// Package emulator is a local stand-in for the Zoom Scheduler REST API: the
// Server-to-Server OAuth token endpoint plus schedules (list, get, create,
// patch, delete), availability and user lookup. zoomsync's tests, its demo
// and admins rehearsing a roster run against it instead of Zoom.
//
// It keeps its own types and never imports package zoom, so a wrong JSON tag
// in the client cannot be masked by sharing it.
//
// # What it copies, and from where
//
// Documented by Zoom (reference/zoom-api-notes.md, the OpenAPI copy):
//   - POST /oauth/token with grant_type=account_credentials, account_id and
//     HTTP Basic client credentials; the token response fields; OAuth error
//     codes 4702 (invalid client), 4705 (unsupported grant type), 4706
//     (missing credentials or grant type).
//   - 401 {"code":124,...} for a bad token; 429 with X-RateLimit-* headers,
//     Retry-After and the per-second / daily messages; the error body
//     {"code":300,"message":"Validation Failed.","errors":[...]}.
//   - Status codes: POST 201 with the schedule, PATCH and DELETE 204 with an
//     empty body; next_page_token empty on the last page; page size up to 300.
//   - Field ranges and enums of the create and patch bodies, the read-only
//     response fields and their formats; show_deleted listing cancelled pages.
//   - At most 30 hosts on an All Hosts Available page.
//
// Observed by users against the live API:
//   - Downgrade (ModeDowngrade, the seed forum post): pooling_type,
//     user_pools and attendees are accepted and ignored, the page is stored
//     One to One, and GET never returns the pool fields (in any mode).
//   - {"error":{"message":"Failed json validation!","errors":[...]}} for create
//     bodies without availability_override: true and inline
//     segments_recurrence, and {"error":{"message":"Miss time fields."}} for
//     interval_type fixed without dates.
//   - The {scheduleId} path segment accepts a slug; single-resource lookups
//     404 for another user's page; 403 {"code":403,"message":"User Not Found"}
//     for a user without a Scheduler profile.
//
// Inferred where the references are silent (each is also noted where it is
// implemented):
//   - Defaults: duration 30, start_time_increment 30, time_zone from the first
//     availability rule or America/Los_Angeles, a rule without time_zone takes
//     the page's, a rule without email is the owner's; slugs generated from
//     the summary.
//   - Error shapes: 404s use the scheduler shape
//     {"error":{"message":"Schedule not found."}}; bad page_size,
//     next_page_token or show_deleted and a slug already in use are code-300
//     validation errors; unknown routes 404 and wrong methods 405 in the code
//     shape; account_id errors at the token endpoint are 400 invalid_request
//     (code 4706 missing, 4700 wrong).
//   - Default page_size 30; the list ignores from, to and time_zone.
//   - PATCH: JSON null means "not sent"; availability_override, when sent, must
//     be true; an empty availability_rules list is rejected; a page must exist
//     before its body is validated; in downgrade mode rules for new hosts are
//     dropped silently and, if none survive, the stored rules stay.
//   - DELETE bumps updated. Tokens are not persisted across restarts, and
//     minting a new token never invalidates older ones.
//   - Users' ids, availability ids, slugs, display names and time zones
//     (America/Los_Angeles) are derived from their email.
//   - Pages made by CreateWebAppPage have one rule per host that refers to the
//     host's default availability (Mon–Fri 09:00–17:00).
//
// Everything the emulator stores can be saved to a JSON file
// (Options.StatePath) so that separate processes see the same pages.
package emulator
