package zoom

// Schedule is a Zoom Scheduler booking page as the API returns it from
// GET /scheduler/schedules and GET /scheduler/schedules/{scheduleId}.
//
// Read models use plain values: a field Zoom leaves out decodes as its zero
// value. Zoom never returns the multi-host request fields (pooling_type,
// user_pools, attendees), so a page's kind is judged from ScheduleType and
// AvailabilityRules only.
type Schedule struct {
	ScheduleID           string             `json:"schedule_id"`
	Summary              string             `json:"summary"`
	Description          string             `json:"description,omitempty"`
	Location             string             `json:"location,omitempty"`
	Duration             int                `json:"duration"`
	StartTimeIncrement   int                `json:"start_time_increment,omitempty"`
	Capacity             int                `json:"capacity,omitempty"`
	BookingLimit         int                `json:"booking_limit"`
	Cushion              int                `json:"cushion"`
	Buffer               Buffer             `json:"buffer"`
	Slug                 string             `json:"slug"`
	ScheduleType         string             `json:"schedule_type"`
	AddOnType            string             `json:"add_on_type,omitempty"`
	IntervalType         string             `json:"interval_type,omitempty"`
	StartDate            string             `json:"start_date,omitempty"`
	EndDate              string             `json:"end_date,omitempty"`
	AvailabilityOverride bool               `json:"availability_override"`
	AvailabilityRules    []AvailabilityRule `json:"availability_rules"`
	Segments             []Segment          `json:"segments,omitempty"`
	SegmentsRecurrence   *WeeklyHours       `json:"segments_recurrence,omitempty"`
	TimeZone             string             `json:"time_zone,omitempty"`
	Active               bool               `json:"active"`
	Secret               bool               `json:"secret"`
	Color                string             `json:"color,omitempty"`
	CustomFields         []CustomField      `json:"custom_fields,omitempty"`
	Status               string             `json:"status,omitempty"`
	SchedulingURL        string             `json:"scheduling_url,omitempty"`
	Creator              *Person            `json:"creator,omitempty"`
	Organizer            *Person            `json:"organizer,omitempty"`
	Updated              string             `json:"updated,omitempty"`
	// CreatedVia says where the page was made: "api" through POST, "web" in
	// the web app. Zoom added it to list responses on 2026-11-16; older
	// answers leave it out.
	CreatedVia string `json:"created_via,omitempty"`
}

// Schedule types (create only; Zoom does not change a page's type later).
const (
	ScheduleTypeOne      = "one"
	ScheduleTypeMultiple = "multiple"
)

// Schedule statuses. A deleted page is "cancelled" and only listed with
// ListOptions.ShowDeleted.
const (
	StatusConfirmed = "confirmed"
	StatusCancelled = "cancelled"
)

// Buffer is the free time Zoom keeps before and after a booking, in minutes
// (0–240 each).
type Buffer struct {
	Before int `json:"before"`
	After  int `json:"after"`
}

// AvailabilityRule is one host's hours on a page. On an All Hosts Available
// page there is one rule per host, each carrying the host's email.
type AvailabilityRule struct {
	AvailabilityID     string       `json:"availability_id,omitempty"`
	Email              string       `json:"email,omitempty"`
	UseCustom          bool         `json:"use_custom"`
	TimeZone           string       `json:"time_zone,omitempty"`
	Segments           []Segment    `json:"segments,omitempty"`
	SegmentsRecurrence *WeeklyHours `json:"segments_recurrence,omitempty"`
}

// Segment is a one-off availability window (RFC 3339 times).
type Segment struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// TimeRange is a window within a day, "HH:MM" to "HH:MM".
type TimeRange struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// WeeklyHours is Zoom's segments_recurrence: the ranges offered on each
// weekday. A day without ranges is unavailable.
type WeeklyHours struct {
	Sun []TimeRange `json:"sun,omitempty"`
	Mon []TimeRange `json:"mon,omitempty"`
	Tue []TimeRange `json:"tue,omitempty"`
	Wed []TimeRange `json:"wed,omitempty"`
	Thu []TimeRange `json:"thu,omitempty"`
	Fri []TimeRange `json:"fri,omitempty"`
	Sat []TimeRange `json:"sat,omitempty"`
}

// Days returns pointers to the seven day lists, Sunday first, so callers can
// walk or fill the week in time.Weekday order.
func (w *WeeklyHours) Days() [7]*[]TimeRange {
	return [7]*[]TimeRange{&w.Sun, &w.Mon, &w.Tue, &w.Wed, &w.Thu, &w.Fri, &w.Sat}
}

// Person is a page's creator or organizer.
type Person struct {
	Self        bool   `json:"self"`
	DisplayName string `json:"display_name,omitempty"`
	Email       string `json:"email,omitempty"`
}

// CustomField is a question asked of the person booking.
type CustomField struct {
	CustomFieldID string   `json:"custom_field_id,omitempty"`
	Name          string   `json:"name"`
	Format        string   `json:"format"`
	Position      int      `json:"position"`
	Enabled       bool     `json:"enabled"`
	Required      bool     `json:"required"`
	IncludeOther  bool     `json:"include_other"`
	AnswerChoices []string `json:"answer_choices,omitempty"`
}

// UserPool is the web app's description of a multi-host pool. Zoom accepts
// it on create but, as observed, may ignore it; it is never returned.
type UserPool struct {
	PoolingType   string   `json:"pooling_type"`
	SelectedUsers []string `json:"selected_users"`
}

// Attendee is a host entry in the web app's multi-host create body.
type Attendee struct {
	Email string `json:"email"`
	Host  bool   `json:"host"`
}

// Pooling values the Zoom web app sends for an All Hosts Available page.
const (
	PoolingMulti      = "multiPool"
	PoolingCollective = "collective"
)

// ScheduleCreate is the body of POST /scheduler/schedules. Fields whose zero
// value means something to Zoom are pointers so that "not sent" and "0"
// differ.
type ScheduleCreate struct {
	Summary              string             `json:"summary,omitempty"`
	Description          string             `json:"description,omitempty"`
	Location             string             `json:"location,omitempty"`
	Duration             int                `json:"duration,omitempty"`
	StartTimeIncrement   int                `json:"start_time_increment,omitempty"`
	Capacity             int                `json:"capacity,omitempty"`
	BookingLimit         *int               `json:"booking_limit,omitempty"`
	Cushion              *int               `json:"cushion,omitempty"`
	Buffer               *Buffer            `json:"buffer,omitempty"`
	Slug                 string             `json:"slug,omitempty"`
	ScheduleType         string             `json:"schedule_type,omitempty"`
	AddOnType            string             `json:"add_on_type,omitempty"`
	IntervalType         string             `json:"interval_type,omitempty"`
	StartDate            string             `json:"start_date,omitempty"`
	EndDate              string             `json:"end_date,omitempty"`
	AvailabilityOverride bool               `json:"availability_override"`
	AvailabilityRules    []AvailabilityRule `json:"availability_rules"`
	SegmentsRecurrence   *WeeklyHours       `json:"segments_recurrence,omitempty"`
	TimeZone             string             `json:"time_zone,omitempty"`
	Active               *bool              `json:"active,omitempty"`
	Secret               *bool              `json:"secret,omitempty"`
	Color                string             `json:"color,omitempty"`

	// Multi-host fields the Zoom web app uses for collective pages.
	PoolingType string     `json:"pooling_type,omitempty"`
	UserPools   []UserPool `json:"user_pools,omitempty"`
	Attendees   []Attendee `json:"attendees,omitempty"`
}

// SchedulePatch is the body of PATCH /scheduler/schedules/{scheduleId}: only
// the non-nil fields are sent, so a patch changes exactly what it names.
type SchedulePatch struct {
	Summary              *string            `json:"summary,omitempty"`
	Description          *string            `json:"description,omitempty"`
	Location             *string            `json:"location,omitempty"`
	Duration             *int               `json:"duration,omitempty"`
	StartTimeIncrement   *int               `json:"start_time_increment,omitempty"`
	Capacity             *int               `json:"capacity,omitempty"`
	BookingLimit         *int               `json:"booking_limit,omitempty"`
	Cushion              *int               `json:"cushion,omitempty"`
	Buffer               *Buffer            `json:"buffer,omitempty"`
	Slug                 *string            `json:"slug,omitempty"`
	AddOnType            *string            `json:"add_on_type,omitempty"`
	AvailabilityOverride *bool              `json:"availability_override,omitempty"`
	AvailabilityRules    []AvailabilityRule `json:"availability_rules,omitempty"`
	SegmentsRecurrence   *WeeklyHours       `json:"segments_recurrence,omitempty"`
	TimeZone             *string            `json:"time_zone,omitempty"`
	Active               *bool              `json:"active,omitempty"`
	Secret               *bool              `json:"secret,omitempty"`
	Color                *string            `json:"color,omitempty"`
	Status               *string            `json:"status,omitempty"`

	// Multi-host fields, sent along with a host change.
	PoolingType *string    `json:"pooling_type,omitempty"`
	UserPools   []UserPool `json:"user_pools,omitempty"`
	Attendees   []Attendee `json:"attendees,omitempty"`
}

// ListOptions filters GET /scheduler/schedules.
type ListOptions struct {
	// ShowDeleted includes cancelled (deleted) pages.
	ShowDeleted bool
	// PageSize asks for this many items per page; 0 means the maximum (300).
	PageSize int
}

// schedulePage is one page of GET /scheduler/schedules.
type schedulePage struct {
	NextPageToken string     `json:"next_page_token"`
	Items         []Schedule `json:"items"`
}

// Availability is one of a user's saved availability schedules
// (GET /scheduler/availability).
type Availability struct {
	AvailabilityID     string       `json:"availability_id"`
	Name               string       `json:"name,omitempty"`
	Owner              string       `json:"owner,omitempty"`
	Default            bool         `json:"default"`
	TimeZone           string       `json:"time_zone,omitempty"`
	SegmentsRecurrence *WeeklyHours `json:"segments_recurrence,omitempty"`
}

// AvailabilityPage is one page of GET /scheduler/availability.
type AvailabilityPage struct {
	NextPageToken string         `json:"next_page_token"`
	Items         []Availability `json:"items"`
}

// User is a Zoom Scheduler profile (GET /scheduler/users/{userId}).
type User struct {
	DisplayName   string `json:"display_name,omitempty"`
	Slug          string `json:"slug,omitempty"`
	SchedulingURL string `json:"scheduling_url,omitempty"`
	TimeZone      string `json:"time_zone,omitempty"`
	Logo          string `json:"logo,omitempty"`
	Picture       string `json:"picture,omitempty"`
}
