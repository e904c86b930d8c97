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
		parts = append(parts, dayNames[d]+" "+strings.Join(texts, ","))
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
	add := func(f FieldChange) {
		fields = append(fields, f)
		changed = true
	}
	text := func(col, before, after string) { add(FieldChange{Column: col, Before: before, After: after}) }

	if normText(p.Team) != normText(s.Summary) {
		patch.Summary = ptr(p.Team)
		text(sheet.ColTeam, s.Summary, p.Team)
	}
	if p.Duration != s.Duration {
		patch.Duration = ptr(p.Duration)
		text(sheet.ColDuration, strconv.Itoa(s.Duration), strconv.Itoa(p.Duration))
	}
	if p.Description != nil && normText(*p.Description) != normText(s.Description) {
		patch.Description = ptr(*p.Description)
		text(sheet.ColDescription, s.Description, *p.Description)
	}
	if p.Location != nil && normText(*p.Location) != normText(s.Location) {
		patch.Location = ptr(*p.Location)
		text(sheet.ColLocation, s.Location, *p.Location)
	}
	if manageSlug && !strings.EqualFold(p.Slug, s.Slug) {
		patch.Slug = ptr(p.Slug)
		text(sheet.ColSlug, s.Slug, p.Slug)
	}
	if p.Active != s.Active {
		patch.Active = ptr(p.Active)
		text(sheet.ColActive, strconv.FormatBool(s.Active), strconv.FormatBool(p.Active))
	}
	zoneChanged := s.TimeZone != "" && s.TimeZone != p.TimeZone
	if zoneChanged {
		patch.TimeZone = ptr(p.TimeZone)
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
			if want.Before != s.Buffer.Before {
				text(sheet.ColBufferBefore, strconv.Itoa(s.Buffer.Before), strconv.Itoa(want.Before))
			}
			if want.After != s.Buffer.After {
				text(sheet.ColBufferAfter, strconv.Itoa(s.Buffer.After), strconv.Itoa(want.After))
			}
		}
	}
	intField := func(col string, want *int, have int, set func(*int)) {
		if want != nil && *want != have {
			set(ptr(*want))
			text(col, strconv.Itoa(have), strconv.Itoa(*want))
		}
	}
	intField(sheet.ColMinNotice, p.MinNotice, s.Cushion, func(v *int) { patch.Cushion = v })
	intField(sheet.ColIncrement, p.Increment, s.StartTimeIncrement, func(v *int) { patch.StartTimeIncrement = v })
	intField(sheet.ColDailyLimit, p.DailyLimit, s.BookingLimit, func(v *int) { patch.BookingLimit = v })

	// Hosts and hours: one rule per host with the row's hours and zone.
	wantHosts := slices.Clone(p.Hosts)
	for i := range wantHosts {
		wantHosts[i] = normEmail(wantHosts[i])
	}
	sort.Strings(wantHosts)
	wantHosts = slices.Compact(wantHosts)
	haveHosts := ruleHosts(s)
	hostsChanged = !slices.Equal(wantHosts, haveHosts)
	rulesChanged := hostsChanged
	for _, r := range s.AvailabilityRules {
		if !sameHours(r.SegmentsRecurrence, p.Availability) || r.TimeZone != p.TimeZone || !r.UseCustom {
			rulesChanged = true
			break
		}
	}
	if hostsChanged {
		add(FieldChange{Column: sheet.ColHosts, Before: strings.Join(haveHosts, ", "), After: strings.Join(wantHosts, ", "),
			Added: setMinus(wantHosts, haveHosts), Removed: setMinus(haveHosts, wantHosts)})
	}
	// The page's zone and the rules' zones are one column in the sheet.
	var zoneBefore []string
	if zoneChanged {
		zoneBefore = append(zoneBefore, s.TimeZone)
	}
	if rulesChanged {
		// Texts for display only, built when something changed.
		want := weeklyHours(p.Availability)
		var befores []*zoom.WeeklyHours
		seen := map[string]bool{}
		custom := true
		for _, r := range s.AvailabilityRules {
			if t := canonicalHours(r.SegmentsRecurrence); !seen[t] {
				seen[t] = true
				befores = append(befores, r.SegmentsRecurrence)
			}
			if r.TimeZone != p.TimeZone {
				zoneBefore = append(zoneBefore, r.TimeZone)
			}
			custom = custom && r.UseCustom
		}
		days := dayChanges(befores, want)
		switch {
		case len(days) > 0:
			var before []string
			for _, b := range befores {
				before = append(before, canonicalHours(b))
			}
			add(FieldChange{Column: sheet.ColAvailability, Before: strings.Join(before, " | "), After: canonicalHours(want), Days: days})
		case !custom:
			// Same hours on paper, but the rules follow the hosts' own
			// calendars instead of the row's hours.
			text(sheet.ColAvailability, "each host's own calendar", canonicalHours(want))
		}
		patch.AvailabilityOverride = ptr(true)
		patch.AvailabilityRules = hostRules(p)
		if hostsChanged {
			pooling, pools, attendees := multiHostFields(p.Hosts)
			patch.PoolingType, patch.UserPools, patch.Attendees = &pooling, pools, attendees
		}
	}
	if len(zoneBefore) > 0 {
		text(sheet.ColTimeZone, strings.Join(slices.Compact(slices.Sorted(slices.Values(zoneBefore))), " | "), p.TimeZone)
	}
	if !changed {
		return nil, nil, false
	}
	return patch, fields, hostsChanged
}

// setMinus is a without b; both sorted.
func setMinus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// dayText is one day's ranges, canonical: "09:00-12:00, 13:00-17:00".
func dayText(w *zoom.WeeklyHours, d int) string {
	if w == nil {
		return ""
	}
	var one zoom.WeeklyHours
	*one.Days()[d] = *w.Days()[d]
	t := canonicalHours(&one)
	t = strings.TrimPrefix(t, dayNames[d]+" ")
	return strings.ReplaceAll(t, ",", ", ")
}

// dayChanges lists the weekdays, Monday first, whose hours differ between
// any of the befores (one per distinct set of hours on the page) and want.
func dayChanges(befores []*zoom.WeeklyHours, want *zoom.WeeklyHours) []DayChange {
	if len(befores) == 0 {
		befores = []*zoom.WeeklyHours{nil}
	}
	var out []DayChange
	for _, d := range []int{1, 2, 3, 4, 5, 6, 0} {
		after := dayText(want, d)
		var bs []string
		differs := false
		for _, b := range befores {
			t := dayText(b, d)
			differs = differs || t != after
			if !slices.Contains(bs, t) {
				bs = append(bs, t)
			}
		}
		if differs {
			out = append(out, DayChange{Day: dayNames[d], Before: strings.Join(bs, " | "), After: after})
		}
	}
	return out
}

// hoursText is the row's weekly hours as the sheet's canonical text.
func hoursText(p *sheet.Page) string {
	if p.AvailabilityText != "" {
		return p.AvailabilityText
	}
	return canonicalHours(weeklyHours(p.Availability))
}

// createFields lists every attribute a create sets, for display.
func createFields(p *sheet.Page) []FieldChange {
	hosts := slices.Clone(p.Hosts)
	want := weeklyHours(p.Availability)
	fields := []FieldChange{
		{Column: sheet.ColTeam, After: p.Team},
		{Column: sheet.ColOwner, After: normEmail(p.Owner)},
		{Column: sheet.ColHosts, After: strings.Join(hosts, ", "), Added: hosts},
		{Column: sheet.ColDuration, After: strconv.Itoa(p.Duration)},
		{Column: sheet.ColTimeZone, After: p.TimeZone},
		{Column: sheet.ColAvailability, After: hoursText(p), Days: dayChanges(nil, want)},
		{Column: sheet.ColSlug, After: p.Slug},
		{Column: sheet.ColActive, After: strconv.FormatBool(p.Active)},
	}
	opt := func(col string, v *string) {
		if v != nil {
			fields = append(fields, FieldChange{Column: col, After: *v})
		}
	}
	num := func(col string, v *int) {
		if v != nil {
			fields = append(fields, FieldChange{Column: col, After: strconv.Itoa(*v)})
		}
	}
	opt(sheet.ColDescription, p.Description)
	opt(sheet.ColLocation, p.Location)
	num(sheet.ColBufferBefore, p.BufferBefore)
	num(sheet.ColBufferAfter, p.BufferAfter)
	num(sheet.ColMinNotice, p.MinNotice)
	num(sheet.ColIncrement, p.Increment)
	num(sheet.ColDailyLimit, p.DailyLimit)
	return fields
}

func ptr[T any](v T) *T { return &v }
