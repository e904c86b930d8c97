package sheet

import (
	"fmt"
	"slices"
	"strings"
)

// Column names, in the order SHEET.md documents them. A header cell names a
// column when it matches after NormalizeHeader; the config's `columns:`
// aliases are keyed by these names.
const (
	ColTeam         = "team"
	ColHosts        = "hosts"
	ColKey          = "key"
	ColOwner        = "owner"
	ColDuration     = "duration"
	ColTimeZone     = "timezone"
	ColAvailability = "availability"
	ColDescription  = "description"
	ColLocation     = "location"
	ColSlug         = "slug"
	ColActive       = "active"
	ColBufferBefore = "buffer_before"
	ColBufferAfter  = "buffer_after"
	ColMinNotice    = "min_notice"
	ColIncrement    = "increment"
	ColDailyLimit   = "daily_limit"
	ColScheduleID   = "schedule_id"
)

var columns = []string{
	ColTeam, ColHosts, ColKey, ColOwner, ColDuration, ColTimeZone, ColAvailability,
	ColDescription, ColLocation, ColSlug, ColActive, ColBufferBefore, ColBufferAfter,
	ColMinNotice, ColIncrement, ColDailyLimit, ColScheduleID,
}

// Columns returns the roster columns zoomsync understands, in documented
// order.
func Columns() []string { return slices.Clone(columns) }

// IsColumn reports whether name is one of Columns.
func IsColumn(name string) bool { return slices.Contains(columns, name) }

// NormalizeHeader folds a header cell for matching: lower case, without
// spaces, '_' and '-'. "Schedule ID", "schedule_id" and "Schedule-Id" match.
func NormalizeHeader(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch r {
		case ' ', '_', '-', '\t', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Write-back column kinds, named like the fields of WritebackColumns in
// the config (writeback.columns.<kind>).
const (
	WBScheduleID = "schedule_id"
	WBBookingURL = "booking_url"
	WBStatus     = "status"
	WBSyncedAt   = "synced_at"
)

// WritebackColumns are the header texts of the write-back columns.
type WritebackColumns struct {
	ScheduleID string
	BookingURL string
	Status     string
	SyncedAt   string
}

// DefaultWritebackColumns are the write-back headers used unless the
// config renames them.
func DefaultWritebackColumns() WritebackColumns {
	return WritebackColumns{ScheduleID: "schedule_id", BookingURL: "booking_url", Status: "sync_status", SyncedAt: "synced_at"}
}

func (wb WritebackColumns) byKind() map[string]string {
	return map[string]string{
		WBScheduleID: wb.ScheduleID,
		WBBookingURL: wb.BookingURL,
		WBStatus:     wb.Status,
		WBSyncedAt:   wb.SyncedAt,
	}
}

// Defaults fill cells a row leaves empty.
type Defaults struct {
	TimeZone     string // IANA name
	Duration     int    // minutes
	Availability string // weekly hours, ParseWeekly syntax
}

// DefaultsError lists what is wrong with Defaults, one problem per field.
type DefaultsError struct {
	Problems []DefaultsProblem
}

// DefaultsProblem is one bad field of Defaults.
type DefaultsProblem struct {
	Field   string // "timezone", "duration" or "availability" (the config key under defaults)
	Message string
}

func (e *DefaultsError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = fmt.Sprintf("defaults.%s: %s", p.Field, p.Message)
	}
	return "invalid defaults: " + strings.Join(parts, "; ")
}

// CheckDefaults checks the defaults rows fall back on and returns a
// *DefaultsError naming each bad field, or nil. Parse calls it first: a bad
// default is one config error, not a problem repeated on every row.
func CheckDefaults(d Defaults) error {
	_, err := checkDefaults(d)
	return err
}

func checkDefaults(d Defaults) (Weekly, error) {
	var probs []DefaultsProblem
	if d.Duration < minDuration || d.Duration > maxDuration {
		probs = append(probs, DefaultsProblem{Field: "duration",
			Message: fmt.Sprintf("%d is out of range; Zoom allows %d to %d minutes", d.Duration, minDuration, maxDuration)})
	}
	if _, e := parseTimeZone(d.TimeZone); e != nil {
		probs = append(probs, DefaultsProblem{Field: "timezone", Message: e.msg + " — " + e.hint})
	}
	w, err := ParseWeekly(d.Availability)
	if err != nil {
		probs = append(probs, DefaultsProblem{Field: "availability", Message: err.Error()})
	}
	if len(probs) > 0 {
		return Weekly{}, &DefaultsError{Problems: probs}
	}
	return w, nil
}

// Source types and credential modes (SourceConfig).
const (
	TypeGSheet      = "gsheet"
	TypeCSV         = "csv"
	CredentialsADC  = "adc"  // Application Default Credentials
	CredentialsNone = "none" // no credentials (a local fake)
)

// SourceConfig says where the roster rows come from.
type SourceConfig struct {
	Type          string // TypeGSheet or TypeCSV
	SpreadsheetID string // gsheet
	Range         string // gsheet; empty: the first tab
	Credentials   string // gsheet: CredentialsADC, CredentialsNone, or the path of a service-account key
	Endpoint      string // gsheet: another Sheets API base URL
	Path          string // csv
}
