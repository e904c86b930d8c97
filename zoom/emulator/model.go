package emulator

import (
	"encoding/json"
	"strings"
)

// Page is a stored schedule (a booking page). json.Marshal(Page) is exactly
// the body that GET /v2/scheduler/schedules/{scheduleId} returns; as on
// Zoom, it never carries pooling_type, user_pools or attendees.
type Page struct {
	ScheduleID           string             `json:"schedule_id"`
	Summary              string             `json:"summary"`
	Description          string             `json:"description,omitempty"`
	Location             string             `json:"location,omitempty"`
	Duration             int                `json:"duration"`
	StartTimeIncrement   int                `json:"start_time_increment"`
	Capacity             int                `json:"capacity"`
	BookingLimit         int                `json:"booking_limit"`
	Cushion              int                `json:"cushion"`
	Buffer               Buffer             `json:"buffer"`
	Slug                 string             `json:"slug"`
	ScheduleType         string             `json:"schedule_type"`
	AddOnType            string             `json:"add_on_type"`
	IntervalType         string             `json:"interval_type"`
	StartDate            string             `json:"start_date,omitempty"`
	EndDate              string             `json:"end_date,omitempty"`
	AvailabilityOverride bool               `json:"availability_override"`
	AvailabilityRules    []AvailabilityRule `json:"availability_rules"`
	Segments             []Segment          `json:"segments,omitempty"`
	SegmentsRecurrence   *WeeklyHours       `json:"segments_recurrence,omitempty"`
	TimeZone             string             `json:"time_zone"`
	Active               bool               `json:"active"`
	Secret               bool               `json:"secret"`
	Color                string             `json:"color,omitempty"`
	CustomFields         []CustomField      `json:"custom_fields,omitempty"`
	Status               string             `json:"status"`
	SchedulingURL        string             `json:"scheduling_url"`
	Creator              Person             `json:"creator"`
	Organizer            Person             `json:"organizer"`
	Updated              string             `json:"updated"`
	// CreatedVia is "api" for a page made through POST and "web" for one
	// made in the web app (documented in the changelog for list responses;
	// the values are inferred, docs/zoom-api.md#schedule-fields).
	CreatedVia string `json:"created_via,omitempty"`

	// Owner is the email of the user whose page this is (the user_id it was
	// created for). Zoom does not return it as such, so it is not marshalled.
	Owner string `json:"-"`
	// Kind is what the page really is. Zoom's schedule fields cannot tell an
	// All Hosts Available page from an Any Host Available one; only the
	// analytics report counts them apart (inferred,
	// docs/zoom-api.md#multi-host-pages), so Kind is not marshalled either.
	Kind PageKind `json:"-"`
}

// PageKind is a page's type as the analytics report counts it. The values
// are the report's field names (documented, docs/zoom-api.md#analytics).
type PageKind string

const (
	KindOneToOne PageKind = "one_to_one"
	KindAllHosts PageKind = "all_host_available"
	KindAnyHost  PageKind = "any_host_available"
)

// kindOf is the kind a page of schedule_type t has when nothing else is
// known: "multiple" reads as All Hosts Available.
func kindOf(t string) PageKind {
	if t == scheduleTypeMultiple {
		return KindAllHosts
	}
	return KindOneToOne
}

// Values of created_via (inferred, docs/zoom-api.md#schedule-fields).
const (
	CreatedViaAPI = "api"
	CreatedViaWeb = "web"
)

// Schedule types and statuses as Zoom spells them.
const (
	scheduleTypeOne      = "one"
	scheduleTypeMultiple = "multiple"
	statusConfirmed      = "confirmed"
	statusCancelled      = "cancelled"
)

// Buffer is the free time kept before and after a booking, in minutes.
type Buffer struct {
	Before int `json:"before"`
	After  int `json:"after"`
}

// AvailabilityRule is one host's hours on a page; an All Hosts Available page
// has one per host.
type AvailabilityRule struct {
	AvailabilityID     string       `json:"availability_id,omitempty"`
	Email              string       `json:"email"`
	UseCustom          bool         `json:"use_custom"`
	TimeZone           string       `json:"time_zone"`
	Segments           []Segment    `json:"segments,omitempty"`
	SegmentsRecurrence *WeeklyHours `json:"segments_recurrence,omitempty"`
}

// Segment is a one-off availability window with RFC 3339 start and end.
type Segment struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// TimeRange is a window within a day, stored as "HH:MM" to "HH:MM".
type TimeRange struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// WeeklyHours is Zoom's segments_recurrence: ranges per weekday.
type WeeklyHours struct {
	Sun []TimeRange `json:"sun,omitempty"`
	Mon []TimeRange `json:"mon,omitempty"`
	Tue []TimeRange `json:"tue,omitempty"`
	Wed []TimeRange `json:"wed,omitempty"`
	Thu []TimeRange `json:"thu,omitempty"`
	Fri []TimeRange `json:"fri,omitempty"`
	Sat []TimeRange `json:"sat,omitempty"`
}

// day returns the list for a day key ("sun".."sat"), nil for another key.
func (w *WeeklyHours) day(key string) *[]TimeRange {
	switch key {
	case "sun":
		return &w.Sun
	case "mon":
		return &w.Mon
	case "tue":
		return &w.Tue
	case "wed":
		return &w.Wed
	case "thu":
		return &w.Thu
	case "fri":
		return &w.Fri
	case "sat":
		return &w.Sat
	}
	return nil
}

// Person is a page's creator or organizer.
type Person struct {
	Self        bool   `json:"self"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
}

// CustomField is a question asked of the person booking.
type CustomField struct {
	CustomFieldID string   `json:"custom_field_id"`
	Name          string   `json:"name"`
	Format        string   `json:"format"`
	Position      int      `json:"position"`
	Enabled       bool     `json:"enabled"`
	Required      bool     `json:"required"`
	IncludeOther  bool     `json:"include_other"`
	AnswerChoices []string `json:"answer_choices,omitempty"`
}

// WebAppPage is what an admin fills in when making a page in the Zoom web
// app (see Emulator.CreateWebAppPage).
type WebAppPage struct {
	Summary  string   `json:"summary"`
	Slug     string   `json:"slug,omitempty"`
	Hosts    []string `json:"hosts"`
	Duration int      `json:"duration,omitempty"`
	TimeZone string   `json:"time_zone,omitempty"`
	// Kind is the page type picked in the web app; default
	// KindAllHosts. A KindOneToOne page has the owner as its only host.
	Kind PageKind `json:"kind,omitempty"`
	// Hours, if set, are every host's custom weekly hours; otherwise each
	// host's rule refers to the host's default availability.
	Hours *WeeklyHours `json:"hours,omitempty"`
}

// record is a stored page with its marshalled form, kept up to date on every
// change so that reads never marshal.
type record struct {
	page Page
	raw  []byte
}

// set replaces the page and re-marshals it.
func (r *record) set(p Page) {
	raw, err := json.Marshal(p)
	if err != nil {
		// Page holds only strings, numbers, bools and slices of them.
		panic("emulator: marshal page: " + err.Error())
	}
	r.page, r.raw = p, raw
}

// clone returns a deep copy of the stored page.
func (r *record) clone() Page {
	var p Page
	if err := json.Unmarshal(r.raw, &p); err != nil {
		panic("emulator: unmarshal page: " + err.Error())
	}
	p.Owner, p.Kind = r.page.Owner, r.page.Kind
	return p
}

func (r *record) cancelled() bool { return r.page.Status == statusCancelled }

// ownerIndex is one user's pages in creation order plus the slugs in use.
type ownerIndex struct {
	pages  []*record
	bySlug map[string]*record // lower-cased slug → non-cancelled page
}

func slugKey(s string) string { return strings.ToLower(s) }
