package sync

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

// weeklyHours turns the sheet's weekly hours into Zoom's segments_recurrence.
func weeklyHours(w sheet.Weekly) *zoom.WeeklyHours {
	var out zoom.WeeklyHours
	days := out.Days()
	for d, spans := range w {
		for _, s := range spans {
			*days[d] = append(*days[d], zoom.TimeRange{Start: hhmm(s.Start), End: hhmm(s.End)})
		}
	}
	return &out
}

func hhmm(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// parseHHMM reads "9:00", "09:00" or "24:00" into minutes; -1 if malformed.
func parseHHMM(s string) int {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return -1
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 {
		return -1
	}
	return hh*60 + mm
}

// canonicalHours renders weekly hours in one stable text form: times as
// HH:MM, ranges sorted, empty days dropped. Equal text means equal hours,
// whatever order or spelling Zoom returned.
func canonicalHours(w *zoom.WeeklyHours) string {
	if w == nil {
		return ""
	}
	names := [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	var parts []string
	for d, day := range w.Days() {
		if len(*day) == 0 {
			continue
		}
		type span struct{ s, e int }
		spans := make([]span, 0, len(*day))
		for _, r := range *day {
			spans = append(spans, span{parseHHMM(r.Start), parseHHMM(r.End)})
		}
		sort.Slice(spans, func(i, j int) bool {
			if spans[i].s != spans[j].s {
				return spans[i].s < spans[j].s
			}
			return spans[i].e < spans[j].e
		})
		texts := make([]string, len(spans))
		for i, s := range spans {
			texts[i] = hhmm(s.s) + "-" + hhmm(s.e)
		}
		parts = append(parts, names[d]+" "+strings.Join(texts, ","))
	}
	return strings.Join(parts, "; ")
}

// sameHours reports whether Zoom's hours equal the sheet's, comparing
// minutes so that "9:00" and "09:00" match and ranges in another order
// match too. It allocates nothing when Zoom kept the sheet's order, which
// is every page zoomsync wrote: a no-op run compares thousands of rules.
func sameHours(w *zoom.WeeklyHours, want sheet.Weekly) bool {
	if w == nil {
		return want.IsZero()
	}
	for d, day := range w.Days() {
		have, spans := *day, want[d]
		if len(have) != len(spans) {
			return false
		}
		inOrder := true
		for i, r := range have {
			if parseHHMM(r.Start) != spans[i].Start || parseHHMM(r.End) != spans[i].End {
				inOrder = false
				break
			}
		}
		if inOrder {
			continue
		}
		got := make([]sheet.Span, len(have))
		for i, r := range have {
			got[i] = sheet.Span{Start: parseHHMM(r.Start), End: parseHHMM(r.End)}
		}
		slices.SortFunc(got, func(a, b sheet.Span) int {
			if a.Start != b.Start {
				return a.Start - b.Start
			}
			return a.End - b.End
		})
		if !slices.Equal(got, spans) {
			return false
		}
	}
	return true
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// normText folds the differences Zoom may introduce in free text: CRLF and
// surrounding whitespace.
func normText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// hostRules builds one availability rule per host, all sharing the row's
// weekly hours and time zone: on an All Hosts Available page a slot is
// offered only when every host is free.
func hostRules(p *sheet.Page) []zoom.AvailabilityRule {
	hours := weeklyHours(p.Availability)
	rules := make([]zoom.AvailabilityRule, len(p.Hosts))
	for i, h := range p.Hosts {
		rules[i] = zoom.AvailabilityRule{Email: h, UseCustom: true, TimeZone: p.TimeZone, SegmentsRecurrence: hours}
	}
	return rules
}

// multiHostFields are the pool fields the Zoom web app sends for an All
// Hosts Available page. Zoom may ignore them; verification tells.
func multiHostFields(hosts []string) (string, []zoom.UserPool, []zoom.Attendee) {
	att := make([]zoom.Attendee, len(hosts))
	for i, h := range hosts {
		att[i] = zoom.Attendee{Email: h, Host: true}
	}
	return zoom.PoolingMulti, []zoom.UserPool{{PoolingType: zoom.PoolingCollective, SelectedUsers: slices.Clone(hosts)}}, att
}

// createBody is the best-known request for an All Hosts Available page.
func createBody(p *sheet.Page) *zoom.ScheduleCreate {
	active := p.Active
	pooling, pools, attendees := multiHostFields(p.Hosts)
	b := &zoom.ScheduleCreate{
		Summary:              p.Team,
		Duration:             p.Duration,
		Capacity:             1,
		Slug:                 p.Slug,
		ScheduleType:         zoom.ScheduleTypeMultiple,
		AddOnType:            "zoomMeeting",
		AvailabilityOverride: true,
		AvailabilityRules:    hostRules(p),
		TimeZone:             p.TimeZone,
		Active:               &active,
		PoolingType:          pooling,
		UserPools:            pools,
		Attendees:            attendees,
		Cushion:              p.MinNotice,
		BookingLimit:         p.DailyLimit,
	}
	if p.Description != nil {
		b.Description = *p.Description
	}
	if p.Location != nil {
		b.Location = *p.Location
	}
	if p.Increment != nil {
		b.StartTimeIncrement = *p.Increment
	}
	if p.BufferBefore != nil || p.BufferAfter != nil {
		b.Buffer = &zoom.Buffer{Before: deref(p.BufferBefore), After: deref(p.BufferAfter)}
	}
	return b
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// isAllHosts reports whether a stored page is an All Hosts Available page
// for exactly these hosts: schedule_type "multiple" and every host's email
// in its availability rules. It returns the hosts Zoom did not store.
func isAllHosts(s *zoom.Schedule, hosts []string) (ok bool, missing []string) {
	have := map[string]bool{}
	for _, r := range s.AvailabilityRules {
		have[normEmail(r.Email)] = true
	}
	for _, h := range hosts {
		if !have[normEmail(h)] {
			missing = append(missing, h)
		}
	}
	return s.ScheduleType == zoom.ScheduleTypeMultiple && len(missing) == 0, missing
}

// ruleHosts lists the emails in a page's rules, sorted.
func ruleHosts(s *zoom.Schedule) []string {
	out := make([]string, 0, len(s.AvailabilityRules))
	for _, r := range s.AvailabilityRules {
		if e := normEmail(r.Email); e != "" {
			out = append(out, e)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// diff compares a row with its page and returns the patch that makes the
// page match, the changed fields for display, and whether the host set
// changes. Only fields the sheet sets are compared, after normalising both
// sides; a nil patch means nothing to do.
func diff(p *sheet.Page, s *zoom.Schedule, manageSlug bool) (patch *zoom.SchedulePatch, fields []FieldChange, hostsChanged bool) {
	patch = &zoom.SchedulePatch{}
	changed := false
	add := func(name, before, after string) {
		fields = append(fields, FieldChange{Name: name, Before: before, After: after})
		changed = true
	}

	if normText(p.Team) != normText(s.Summary) {
		patch.Summary = ptr(p.Team)
		add("summary", s.Summary, p.Team)
	}
	if p.Duration != s.Duration {
		patch.Duration = ptr(p.Duration)
		add("duration", strconv.Itoa(s.Duration), strconv.Itoa(p.Duration))
	}
	if p.Description != nil && normText(*p.Description) != normText(s.Description) {
		patch.Description = ptr(*p.Description)
		add("description", s.Description, *p.Description)
	}
	if p.Location != nil && normText(*p.Location) != normText(s.Location) {
		patch.Location = ptr(*p.Location)
		add("location", s.Location, *p.Location)
	}
	if manageSlug && !strings.EqualFold(p.Slug, s.Slug) {
		patch.Slug = ptr(p.Slug)
		add("slug", s.Slug, p.Slug)
	}
	if p.Active != s.Active {
		patch.Active = ptr(p.Active)
		add("active", strconv.FormatBool(s.Active), strconv.FormatBool(p.Active))
	}
	if s.TimeZone != "" && s.TimeZone != p.TimeZone {
		patch.TimeZone = ptr(p.TimeZone)
		add("time_zone", s.TimeZone, p.TimeZone)
	}
	if p.BufferBefore != nil || p.BufferAfter != nil {
		want := zoom.Buffer{Before: s.Buffer.Before, After: s.Buffer.After}
		if p.BufferBefore != nil {
			want.Before = *p.BufferBefore
		}
		if p.BufferAfter != nil {
			want.After = *p.BufferAfter
		}
		if want != s.Buffer {
			patch.Buffer = &want
			add("buffer", fmt.Sprintf("%d/%d", s.Buffer.Before, s.Buffer.After), fmt.Sprintf("%d/%d", want.Before, want.After))
		}
	}
	intField := func(name string, want *int, have int, set func(*int)) {
		if want != nil && *want != have {
			set(ptr(*want))
			add(name, strconv.Itoa(have), strconv.Itoa(*want))
		}
	}
	intField("cushion", p.MinNotice, s.Cushion, func(v *int) { patch.Cushion = v })
	intField("start_time_increment", p.Increment, s.StartTimeIncrement, func(v *int) { patch.StartTimeIncrement = v })
	intField("booking_limit", p.DailyLimit, s.BookingLimit, func(v *int) { patch.BookingLimit = v })

	// Hosts and hours: one rule per host with the row's hours and zone.
	wantHosts := slices.Clone(p.Hosts)
	for i := range wantHosts {
		wantHosts[i] = normEmail(wantHosts[i])
	}
	sort.Strings(wantHosts)
	haveHosts := ruleHosts(s)
	hostsChanged = !slices.Equal(wantHosts, haveHosts)
	rulesChanged := hostsChanged
	for _, r := range s.AvailabilityRules {
		if !sameHours(r.SegmentsRecurrence, p.Availability) || r.TimeZone != p.TimeZone || !r.UseCustom {
			rulesChanged = true
			break
		}
	}
	shown := len(fields)
	if hostsChanged {
		add("hosts", strings.Join(haveHosts, ", "), strings.Join(wantHosts, ", "))
	}
	if rulesChanged {
		// Texts for display only, built when something changed.
		wantHours := canonicalHours(weeklyHours(p.Availability))
		var hoursBefore, zoneBefore []string
		for _, r := range s.AvailabilityRules {
			hoursBefore = append(hoursBefore, canonicalHours(r.SegmentsRecurrence))
			zoneBefore = append(zoneBefore, r.TimeZone)
		}
		if before := strings.Join(slices.Compact(slices.Sorted(slices.Values(hoursBefore))), " | "); before != wantHours {
			add("availability", before, wantHours)
		}
		if before := strings.Join(slices.Compact(slices.Sorted(slices.Values(zoneBefore))), " | "); before != p.TimeZone {
			add("rules_time_zone", before, p.TimeZone)
		}
		if len(fields) == shown {
			// Same hosts, hours and zone: the rules used the hosts' own
			// calendars instead of custom hours.
			add("availability_rules", "hosts' own calendars", "custom hours")
		}
		patch.AvailabilityOverride = ptr(true)
		patch.AvailabilityRules = hostRules(p)
		if hostsChanged {
			pooling, pools, attendees := multiHostFields(p.Hosts)
			patch.PoolingType, patch.UserPools, patch.Attendees = &pooling, pools, attendees
		}
	}
	if !changed {
		return nil, nil, false
	}
	return patch, fields, hostsChanged
}

func ptr[T any](v T) *T { return &v }
