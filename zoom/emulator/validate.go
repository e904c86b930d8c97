package emulator

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // IANA names must validate on machines without zoneinfo
	"unicode/utf8"
)

// scheduleBody is the body of POST and PATCH /v2/scheduler/schedules. A nil
// field was not sent (JSON null counts as not sent, inferred,
// docs/zoom-api.md#schedule-fields); decoding into typed fields is what
// catches wrong types.
type scheduleBody struct {
	Summary              *string            `json:"summary"`
	Description          *string            `json:"description"`
	Location             *string            `json:"location"`
	Duration             *int               `json:"duration"`
	StartTimeIncrement   *int               `json:"start_time_increment"`
	Capacity             *int               `json:"capacity"`
	BookingLimit         *int               `json:"booking_limit"`
	Cushion              *int               `json:"cushion"`
	Buffer               *bufferBody        `json:"buffer"`
	Slug                 *string            `json:"slug"`
	ScheduleType         *string            `json:"schedule_type"`
	AddOnType            *string            `json:"add_on_type"`
	IntervalType         *string            `json:"interval_type"`
	StartDate            *string            `json:"start_date"`
	EndDate              *string            `json:"end_date"`
	AvailabilityOverride *bool              `json:"availability_override"`
	AvailabilityRules    *[]ruleBody        `json:"availability_rules"`
	Segments             *[]segmentBody     `json:"segments"`
	SegmentsRecurrence   weekBody           `json:"segments_recurrence"`
	TimeZone             *string            `json:"time_zone"`
	Active               *bool              `json:"active"`
	Secret               *bool              `json:"secret"`
	Color                *string            `json:"color"`
	CustomFields         *[]customFieldBody `json:"custom_fields"`
	Status               *string            `json:"status"`

	// The web app's multi-host fields: type-checked, then ignored (observed,
	// docs/zoom-api.md#multi-host-pages). Collective and anyhost modes
	// follow schedule_type and the rules instead.
	PoolingType *string `json:"pooling_type"`
	UserPools   []struct {
		PoolingType   string   `json:"pooling_type"`
		SelectedUsers []string `json:"selected_users"`
	} `json:"user_pools"`
	Attendees []struct {
		Email string `json:"email"`
		Host  bool   `json:"host"`
	} `json:"attendees"`
}

type bufferBody struct {
	Before *int `json:"before"`
	After  *int `json:"after"`
}

type ruleBody struct {
	AvailabilityID     *string        `json:"availability_id"`
	Email              *string        `json:"email"`
	UseCustom          *bool          `json:"use_custom"`
	TimeZone           *string        `json:"time_zone"`
	Segments           *[]segmentBody `json:"segments"`
	SegmentsRecurrence weekBody       `json:"segments_recurrence"`
}

type segmentBody struct {
	Start *string `json:"start"`
	End   *string `json:"end"`
}

// weekBody is segments_recurrence as sent; a map so unknown day keys show.
type weekBody map[string][]segmentBody

type customFieldBody struct {
	CustomFieldID *string  `json:"custom_field_id"`
	Name          *string  `json:"name"`
	Format        *string  `json:"format"`
	Position      *int     `json:"position"`
	Enabled       *bool    `json:"enabled"`
	Required      *bool    `json:"required"`
	IncludeOther  *bool    `json:"include_other"`
	AnswerChoices []string `json:"answer_choices"`
}

const maxBody = 1 << 20

// readBody decodes a schedule body. Errors are the "errors" of a
// "Failed json validation!" answer.
func readBody(r *http.Request) (*scheduleBody, []fieldError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	switch {
	case err != nil:
		return nil, []fieldError{{"body", "The request body could not be read."}}
	case len(data) > maxBody:
		return nil, []fieldError{{"body", "The request body is larger than 1 MiB."}}
	}
	var b scheduleBody
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, []fieldError{jsonError(err)}
	}
	return &b, nil
}

// jsonError describes a decoding error in JSON terms.
func jsonError(err error) fieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "body"
		}
		return fieldError{field, fmt.Sprintf("Expected %s, got %s.", jsonKind(te.Type), te.Value)}
	}
	return fieldError{"body", "Invalid JSON: " + err.Error()}
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "integer"
	case reflect.Slice:
		return "array"
	}
	return "object"
}

// ruleQuirks are the "Failed json validation!" causes in a list of rules
// (observed, docs/zoom-api.md#multi-host-pages): a rule needs
// segments_recurrence or an availability_id.
func ruleQuirks(rules []ruleBody) []fieldError {
	var errs []fieldError
	for i, rb := range rules {
		if rb.SegmentsRecurrence == nil && (rb.AvailabilityID == nil || *rb.AvailabilityID == "") {
			errs = append(errs, fieldError{fmt.Sprintf("availability_rules[%d]", i),
				"A rule needs segments_recurrence or availability_id."})
		}
	}
	return errs
}

// createQuirks: a create body needs availability_override true and at least
// one rule (observed; a missing list is inferred to fail the same way, as
// Zoom's spec marks it required; docs/zoom-api.md#multi-host-pages).
func createQuirks(b *scheduleBody) []fieldError {
	var errs []fieldError
	if b.AvailabilityOverride == nil || !*b.AvailabilityOverride {
		errs = append(errs, fieldError{"availability_override", "availability_override must be true."})
	}
	if b.AvailabilityRules == nil || len(*b.AvailabilityRules) == 0 {
		errs = append(errs, fieldError{"availability_rules", "availability_rules is required."})
	} else {
		errs = append(errs, ruleQuirks(*b.AvailabilityRules)...)
	}
	return errs
}

// patchQuirks applies the create quirks to what a patch sends (inferred,
// docs/zoom-api.md#multi-host-pages).
func patchQuirks(b *scheduleBody) []fieldError {
	var errs []fieldError
	if b.AvailabilityOverride != nil && !*b.AvailabilityOverride {
		errs = append(errs, fieldError{"availability_override", "availability_override must be true."})
	}
	if b.AvailabilityRules != nil {
		errs = append(errs, ruleQuirks(*b.AvailabilityRules)...)
	}
	return errs
}

// missTime reports interval_type fixed without both dates, after b is
// applied to old (nil for a create).
func missTime(b *scheduleBody, old *Page) bool {
	var it, sd, ed string
	if old != nil {
		it, sd, ed = old.IntervalType, old.StartDate, old.EndDate
	}
	for _, f := range []struct {
		src *string
		dst *string
	}{{b.IntervalType, &it}, {b.StartDate, &sd}, {b.EndDate, &ed}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	return it == "fixed" && (sd == "" || ed == "")
}

// validator collects every field error of a request.
type validator struct{ errs []fieldError }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, fieldError{field, fmt.Sprintf(format, args...)})
}

func (v *validator) intIn(field string, src *int, lo, hi int, dst *int) {
	if src == nil {
		return
	}
	if *src < lo || *src > hi {
		v.add(field, "%s must be between %d and %d.", field, lo, hi)
		return
	}
	*dst = *src
}

func (v *validator) text(field string, src *string, maxLen int, dst *string) {
	if src == nil {
		return
	}
	if utf8.RuneCountInString(*src) > maxLen {
		v.add(field, "%s must be at most %d characters.", field, maxLen)
		return
	}
	*dst = *src
}

func (v *validator) oneOf(field string, src *string, allowed []string, dst *string) {
	if src == nil {
		return
	}
	if !slices.Contains(allowed, *src) {
		v.add(field, "%s must be one of: %s.", field, strings.Join(allowed, ", "))
		return
	}
	*dst = *src
}

func (v *validator) timeZone(field string, src *string, dst *string) {
	if src == nil {
		return
	}
	if !validTimeZone(*src) {
		v.add(field, "%s must be an IANA time zone name such as America/New_York.", field)
		return
	}
	*dst = *src
}

var knownZones sync.Map // name → struct{}: LoadLocation reads tzdata on every call

func validTimeZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	if _, ok := knownZones.Load(name); ok {
		return true
	}
	if _, err := time.LoadLocation(name); err != nil {
		return false
	}
	knownZones.Store(name, struct{}{})
	return true
}

func validSlug(s string) bool {
	if len(s) < 3 || len(s) > 256 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validColor accepts #RGB and #RRGGBB (inferred from the example "#fff200",
// docs/zoom-api.md#schedule-fields).
func validColor(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range []byte(s[1:]) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// clock parses "H:MM" or "HH:MM" (00:00–24:00) into minutes and the
// normalised "HH:MM".
func clock(s *string) (int, string, bool) {
	if s == nil {
		return 0, "", false
	}
	h, m, ok := strings.Cut(*s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, "", false
	}
	hh, mm := 0, 0
	for _, c := range []byte(h) {
		if c < '0' || c > '9' {
			return 0, "", false
		}
		hh = hh*10 + int(c-'0')
	}
	for _, c := range []byte(m) {
		if c < '0' || c > '9' {
			return 0, "", false
		}
		mm = mm*10 + int(c-'0')
	}
	if mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, "", false
	}
	return hh*60 + mm, fmt.Sprintf("%02d:%02d", hh, mm), true
}

var dayKeys = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// week validates segments_recurrence and returns it normalised. Ranges keep
// the order they were sent in (inferred, docs/zoom-api.md#schedule-fields).
func (v *validator) week(field string, wb weekBody) *WeeklyHours {
	w := &WeeklyHours{}
	var unknown []string
	for k := range wb {
		if w.day(k) == nil {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		v.add(field+"."+k, "Unknown day %q: use sun, mon, tue, wed, thu, fri or sat.", k)
	}
	for _, k := range dayKeys {
		ranges, ok := wb[k]
		if !ok {
			continue
		}
		dst := w.day(k)
		for i, rb := range ranges {
			f := fmt.Sprintf("%s.%s[%d]", field, k, i)
			start, s, okS := clock(rb.Start)
			end, e, okE := clock(rb.End)
			if !okS {
				v.add(f+".start", "start must be a time of day as HH:MM.")
			}
			if !okE {
				v.add(f+".end", "end must be a time of day as HH:MM.")
			}
			if okS && okE && start >= end {
				v.add(f, "start must be before end.")
			}
			*dst = append(*dst, TimeRange{Start: s, End: e})
		}
	}
	return w
}

// segments validates one-off windows (RFC 3339, start before end).
func (v *validator) segments(field string, sb []segmentBody) []Segment {
	out := make([]Segment, 0, len(sb))
	for i, s := range sb {
		f := fmt.Sprintf("%s[%d]", field, i)
		var start, end time.Time
		var errS, errE error = errors.New("missing"), errors.New("missing")
		if s.Start != nil {
			start, errS = time.Parse(time.RFC3339, *s.Start)
		}
		if s.End != nil {
			end, errE = time.Parse(time.RFC3339, *s.End)
		}
		if errS != nil {
			v.add(f+".start", "start must be an RFC 3339 date-time.")
		}
		if errE != nil {
			v.add(f+".end", "end must be an RFC 3339 date-time.")
		}
		if errS == nil && errE == nil {
			if !start.Before(end) {
				v.add(f, "start must be before end.")
			}
			out = append(out, Segment{Start: *s.Start, End: *s.End})
		}
	}
	return out
}

var customFormats = []string{"text", "string", "phone_number", "choices_one", "choices_many", "select"}

// customFields validates questions; name and format are required, other
// fields default to false/their position (inferred,
// docs/zoom-api.md#schedule-fields).
func (v *validator) customFields(cb []customFieldBody) []CustomField {
	out := make([]CustomField, 0, len(cb))
	for i, c := range cb {
		f := fmt.Sprintf("custom_fields[%d]", i)
		cf := CustomField{Position: i}
		if c.Name == nil || strings.TrimSpace(*c.Name) == "" {
			v.add(f+".name", "name is required.")
		} else {
			cf.Name = *c.Name
		}
		if c.Format == nil {
			v.add(f+".format", "format is required.")
		}
		v.oneOf(f+".format", c.Format, customFormats, &cf.Format)
		if c.CustomFieldID != nil && *c.CustomFieldID != "" {
			cf.CustomFieldID = *c.CustomFieldID
		} else {
			cf.CustomFieldID = strings.ToLower(rand.Text())
		}
		for _, p := range []struct {
			src *bool
			dst *bool
		}{{c.Enabled, &cf.Enabled}, {c.Required, &cf.Required}, {c.IncludeOther, &cf.IncludeOther}} {
			if p.src != nil {
				*p.dst = *p.src
			}
		}
		if c.Position != nil {
			cf.Position = *c.Position
		}
		if c.AnswerChoices != nil {
			if len(c.AnswerChoices) < 1 || len(c.AnswerChoices) > 50 {
				v.add(f+".answer_choices", "answer_choices must have 1 to 50 items.")
			}
			for j, a := range c.AnswerChoices {
				if n := utf8.RuneCountInString(a); n < 1 || n > 8192 {
					v.add(fmt.Sprintf("%s.answer_choices[%d]", f, j), "An answer choice must have 1 to 8192 characters.")
				}
			}
			cf.AnswerChoices = c.AnswerChoices
		}
		out = append(out, cf)
	}
	return out
}

// maxHosts is the most availability rules (hosts) a page may have
// (documented in Zoom's support article KB0057780,
// docs/zoom-api.md#multi-host-pages).
const maxHosts = 30

// applyBody validates every field b sends and sets it on p. create allows
// schedule_type; a patch allows status. e.mu is held (rule emails are looked
// up among the account's users).
func (e *Emulator) applyBody(v *validator, p *Page, b *scheduleBody, owner *user, create bool) {
	if b.Summary != nil && strings.TrimSpace(*b.Summary) == "" || create && b.Summary == nil {
		v.add("summary", "summary is required.")
	} else {
		v.text("summary", b.Summary, 256, &p.Summary)
	}
	v.text("description", b.Description, 8192, &p.Description)
	v.text("location", b.Location, 1024, &p.Location)
	v.intIn("duration", b.Duration, 15, 1440, &p.Duration)
	v.intIn("start_time_increment", b.StartTimeIncrement, 5, 720, &p.StartTimeIncrement)
	v.intIn("capacity", b.Capacity, 1, 200, &p.Capacity)
	v.intIn("booking_limit", b.BookingLimit, 0, 96, &p.BookingLimit)
	v.intIn("cushion", b.Cushion, 0, 14340, &p.Cushion)
	if b.Buffer != nil { // merged per key
		v.intIn("buffer.before", b.Buffer.Before, 0, 240, &p.Buffer.Before)
		v.intIn("buffer.after", b.Buffer.After, 0, 240, &p.Buffer.After)
	}
	if b.Slug != nil {
		if !validSlug(*b.Slug) {
			v.add("slug", "slug must be 3 to 256 characters of letters, digits, '-' and '_'.")
		} else {
			p.Slug = *b.Slug
		}
	}
	if create {
		v.oneOf("schedule_type", b.ScheduleType, []string{scheduleTypeOne, scheduleTypeMultiple}, &p.ScheduleType)
	} else {
		v.oneOf("status", b.Status, []string{statusConfirmed, statusCancelled}, &p.Status)
	}
	v.oneOf("add_on_type", b.AddOnType, []string{"zoomMeeting", "zoomPhone", "offline"}, &p.AddOnType)
	v.oneOf("interval_type", b.IntervalType, []string{"unlimited", "fixed"}, &p.IntervalType)
	for _, d := range []struct {
		field string
		src   *string
		dst   *string
	}{{"start_date", b.StartDate, &p.StartDate}, {"end_date", b.EndDate, &p.EndDate}} {
		if d.src == nil {
			continue
		}
		if _, err := time.Parse(time.DateOnly, *d.src); *d.src != "" && err != nil {
			v.add(d.field, "%s must be a date as YYYY-MM-DD.", d.field)
			continue
		}
		*d.dst = *d.src
	}
	if p.StartDate != "" && p.EndDate != "" && p.EndDate < p.StartDate {
		v.add("end_date", "end_date must not be before start_date.")
	}
	if b.AvailabilityOverride != nil {
		p.AvailabilityOverride = *b.AvailabilityOverride
	}
	if b.Segments != nil {
		p.Segments = v.segments("segments", *b.Segments)
	}
	if b.SegmentsRecurrence != nil {
		p.SegmentsRecurrence = v.week("segments_recurrence", b.SegmentsRecurrence)
	}
	v.timeZone("time_zone", b.TimeZone, &p.TimeZone)
	if b.Active != nil {
		p.Active = *b.Active
	}
	if b.Secret != nil {
		p.Secret = *b.Secret
	}
	if b.Color != nil {
		if *b.Color != "" && !validColor(*b.Color) {
			v.add("color", "color must be a hexadecimal color such as #fff200.")
		} else {
			p.Color = *b.Color
		}
	}
	if b.CustomFields != nil {
		p.CustomFields = v.customFields(*b.CustomFields)
	}
	if b.AvailabilityRules != nil {
		p.AvailabilityRules = e.rules(v, *b.AvailabilityRules, owner)
	}
}

// rules validates availability rules. A rule without email is the owner's;
// one host may have only one rule; emails are stored lower-cased (all
// inferred, docs/zoom-api.md#schedule-fields).
func (e *Emulator) rules(v *validator, rbs []ruleBody, owner *user) []AvailabilityRule {
	if len(rbs) == 0 {
		v.add("availability_rules", "At least one availability rule is required.")
	}
	if len(rbs) > maxHosts {
		v.add("availability_rules", "At most %d availability rules (hosts) are allowed.", maxHosts)
	}
	out := make([]AvailabilityRule, 0, len(rbs))
	seen := make(map[string]bool, len(rbs))
	for i, rb := range rbs {
		f := fmt.Sprintf("availability_rules[%d]", i)
		r := AvailabilityRule{Email: owner.email}
		if rb.Email != nil && strings.TrimSpace(*rb.Email) != "" {
			r.Email = normEmail(*rb.Email)
		}
		if _, ok := e.findUser(r.Email); !ok {
			v.add(f+".email", "%s is not a Scheduler user of this account.", r.Email)
		} else if seen[r.Email] {
			v.add(f+".email", "%s has more than one availability rule.", r.Email)
		}
		seen[r.Email] = true
		if rb.UseCustom != nil {
			r.UseCustom = *rb.UseCustom
		}
		v.timeZone(f+".time_zone", rb.TimeZone, &r.TimeZone)
		if rb.AvailabilityID != nil {
			// Without inline hours the id must name the host's availability
			// (inferred: each user has exactly one; docs/zoom-api.md#users).
			if rb.SegmentsRecurrence == nil && *rb.AvailabilityID != availabilityID(r.Email) {
				v.add(f+".availability_id", "No availability %q for %s.", *rb.AvailabilityID, r.Email)
			}
			r.AvailabilityID = *rb.AvailabilityID
		}
		if rb.Segments != nil {
			r.Segments = v.segments(f+".segments", *rb.Segments)
		}
		if rb.SegmentsRecurrence != nil {
			r.SegmentsRecurrence = v.week(f+".segments_recurrence", rb.SegmentsRecurrence)
		}
		out = append(out, r)
	}
	return out
}
