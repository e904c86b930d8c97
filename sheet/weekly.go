package sheet

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zoomsync/zoomsync/internal/suggest"
)

// Span is one stretch of bookable time within a day, in minutes from
// midnight. End may be 1440, written "24:00".
type Span struct{ Start, End int }

// String formats the span as "09:00-17:00".
func (s Span) String() string { return formatClock(s.Start) + "-" + formatClock(s.End) }

// Weekly is a week of bookable hours indexed by time.Weekday (Sunday = 0).
// A Weekly from ParseWeekly has each day's spans sorted, separated (spans
// that touch are merged) and within 0..1440; a day without hours is nil.
type Weekly [7][]Span

// WeeklyError is a weekly-hours text that could not be read.
type WeeklyError struct {
	Message string // what is wrong, quoting the offending text
	Hint    string // how to write it instead
}

func (e *WeeklyError) Error() string {
	if e.Hint == "" {
		return e.Message
	}
	return e.Message + " — " + e.Hint
}

// weeklyExample is the syntax reminder most hints end with.
const weeklyExample = `for example "Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00"`

// mondayFirst is the order day ranges and the canonical form follow.
var mondayFirst = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

var dayAbbr = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

var dayNames = map[string]time.Weekday{
	"su": time.Sunday, "sun": time.Sunday, "sunday": time.Sunday,
	"mo": time.Monday, "mon": time.Monday, "monday": time.Monday,
	"tu": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"we": time.Wednesday, "wed": time.Wednesday, "weds": time.Wednesday, "wednesday": time.Wednesday,
	"th": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fr": time.Friday, "fri": time.Friday, "friday": time.Friday,
	"sa": time.Saturday, "sat": time.Saturday, "saturday": time.Saturday,
}

// dayWords are the names offered as suggestions for a misspelt day.
var dayWords = []string{
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"daily", "weekdays", "weekends",
}

var (
	reDayTo     = regexp.MustCompile(`\s+to\s+`)
	reDayDash   = regexp.MustCompile(`\s*-\s*`)
	reEveryDay  = regexp.MustCompile(`\bevery\s*day\b`)
	dashReplace = strings.NewReplacer("–", "-", "—", "-", "−", "-", "‐", "-", "‑", "-")
	clockStrip  = strings.NewReplacer(" ", "", ".", "", "\t", "")
)

// ParseWeekly reads weekly hours such as
//
//	Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00
//
// Groups are separated by ";" or new lines (a "," followed by a day name also
// starts a new group). A group is days followed by one or more time ranges
// separated by ",". Days are names or abbreviations (Mon, Monday, Tue, Tues,
// …, any case), ranges in Monday-first order (Mon-Fri), lists (Mon, Wed or
// Mon/Wed) and the words daily, every day, weekdays and weekends. A range that
// runs past Sunday wraps: Sun-Thu and Fri-Mon both mean what they say. Times
// are 09:00, 9:00, 9, 9am, 5:30pm or 17:30; 24:00 (or 00:00, 12am) only ends
// a range, meaning midnight. Ranges are separated by "-", "–" or "to".
//
// A day named in two groups gets both groups' hours; overlapping hours on one
// day are an error, touching ones are merged.
func ParseWeekly(s string) (Weekly, error) {
	var w Weekly
	s = dashReplace.Replace(s)
	p := weeklyParser{}
	for _, group := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		if err := p.group(group, &w); err != nil {
			return Weekly{}, err
		}
	}
	empty := true
	for d := range w {
		if len(w[d]) == 0 {
			w[d] = nil
			continue
		}
		empty = false
		spans := w[d]
		slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
		merged := spans[:1]
		for _, sp := range spans[1:] {
			last := &merged[len(merged)-1]
			switch {
			case sp.Start < last.End:
				return Weekly{}, &WeeklyError{
					Message: fmt.Sprintf("%s and %s overlap on %s", last, sp, dayAbbr[d]),
					Hint:    "give each day's hours once, without overlaps",
				}
			case sp.Start == last.End:
				last.End = sp.End
			default:
				merged = append(merged, sp)
			}
		}
		w[d] = slices.Clip(merged)
	}
	if empty {
		return Weekly{}, &WeeklyError{Message: "no hours given", Hint: "write days and hours, " + weeklyExample}
	}
	return w, nil
}

type weeklyParser struct{}

// group parses one ";"-separated group, which may turn out to hold several
// day/hours groups joined by commas ("Mon 9-12, Wed 13-17").
func (p weeklyParser) group(g string, w *Weekly) error {
	var (
		days     [7]bool
		dayText  []string
		spans    []Span
		haveDays bool
	)
	flush := func() error {
		if !haveDays {
			return nil
		}
		if len(spans) == 0 {
			return &WeeklyError{
				Message: fmt.Sprintf("%q has no hours", strings.Join(dayText, ", ")),
				Hint:    "put the hours after the days, " + weeklyExample,
			}
		}
		for d, on := range days {
			if on {
				w[d] = append(w[d], spans...)
			}
		}
		days, dayText, spans, haveDays = [7]bool{}, nil, nil, false
		return nil
	}
	for _, item := range strings.Split(g, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		cut := strings.IndexFunc(item, func(r rune) bool { return r >= '0' && r <= '9' })
		if cut < 0 {
			cut = len(item)
		}
		dayPart := strings.TrimSpace(item[:cut])
		dayPart = strings.TrimSpace(strings.TrimSuffix(dayPart, ":"))
		timePart := strings.TrimSpace(item[cut:])
		if dayPart != "" {
			if len(spans) > 0 {
				if err := flush(); err != nil {
					return err
				}
			}
			if err := parseDays(dayPart, &days); err != nil {
				return err
			}
			haveDays = true
			dayText = append(dayText, dayPart)
		}
		if timePart != "" {
			if !haveDays {
				return &WeeklyError{
					Message: fmt.Sprintf("hours %q have no days before them", timePart),
					Hint:    "start each group with its days, " + weeklyExample,
				}
			}
			sp, err := parseTimeRange(timePart)
			if err != nil {
				return err
			}
			spans = append(spans, sp)
		}
	}
	return flush()
}

// parseDays marks the days named in s (e.g. "Mon-Fri", "Mon/Wed",
// "weekdays", "Sat and Sun").
func parseDays(s string, days *[7]bool) error {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, ".", "")
	s = reEveryDay.ReplaceAllString(s, "daily")
	s = reDayTo.ReplaceAllString(s, "-")
	s = reDayDash.ReplaceAllString(s, "-")
	tokens := strings.FieldsFunc(s, func(r rune) bool {
		return r == '/' || r == '&' || r == '+' || r == ' ' || r == '\t'
	})
	for _, tok := range tokens {
		if tok == "and" {
			continue
		}
		switch tok {
		case "daily", "everyday", "all":
			for d := range days {
				days[d] = true
			}
			continue
		case "weekdays", "weekday", "workdays":
			for d := time.Monday; d <= time.Friday; d++ {
				days[d] = true
			}
			continue
		case "weekends", "weekend":
			days[time.Saturday], days[time.Sunday] = true, true
			continue
		}
		if from, to, ok := strings.Cut(tok, "-"); ok {
			if from == "" || to == "" || strings.Contains(to, "-") {
				return &WeeklyError{
					Message: fmt.Sprintf("%q is not a range of days", tok),
					Hint:    `write a range as "Mon-Fri"`,
				}
			}
			a, err := dayByName(from)
			if err != nil {
				return err
			}
			b, err := dayByName(to)
			if err != nil {
				return err
			}
			// Walk forward in Monday-first order, wrapping past Sunday, so
			// Sun-Thu (a Middle-East work week) means Sun, Mon, ..., Thu.
			i := (int(a) + 6) % 7
			for {
				d := mondayFirst[i]
				days[d] = true
				if d == b {
					break
				}
				i = (i + 1) % 7
			}
			continue
		}
		d, err := dayByName(tok)
		if err != nil {
			return err
		}
		days[d] = true
	}
	return nil
}

func dayByName(name string) (time.Weekday, error) {
	if d, ok := dayNames[name]; ok {
		return d, nil
	}
	// Plurals: "Mondays", "Sats".
	if d, ok := dayNames[strings.TrimSuffix(name, "s")]; ok && strings.HasSuffix(name, "s") {
		return d, nil
	}
	hint := "use Mon, Tue, Wed, Thu, Fri, Sat, Sun (or full names), weekdays, weekends or daily"
	if s := suggest.Closest(name, dayWords); s != "" {
		hint = fmt.Sprintf("did you mean %q? %s", s, hint)
	}
	return 0, &WeeklyError{Message: fmt.Sprintf("unknown day %q", name), Hint: hint}
}

// parseTimeRange reads "09:00-17:00", "9am to 5pm" and the like.
func parseTimeRange(s string) (Span, error) {
	norm := strings.ToLower(s)
	norm = strings.ReplaceAll(norm, "to", "-")
	parts := strings.Split(norm, "-")
	if len(parts) != 2 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
		return Span{}, &WeeklyError{
			Message: fmt.Sprintf("%q is not a time range", s),
			Hint:    `write a range as "09:00-17:00" and separate several with commas`,
		}
	}
	start, startMer, err := parseClock(parts[0])
	if err != nil {
		return Span{}, err
	}
	end, endMer, err := parseClock(parts[1])
	if err != nil {
		return Span{}, err
	}
	if start == 1440 {
		return Span{}, &WeeklyError{
			Message: fmt.Sprintf("%q starts at 24:00", s),
			Hint:    "24:00 can only end a range; start at 00:00",
		}
	}
	if end == 0 {
		end = 1440 // "22:00-00:00" and "9pm-12am" run to midnight
	}
	if start >= end {
		hint := "a range cannot cross midnight: split it into two days' ranges"
		if !startMer && !endMer && start < 13*60 && end+12*60 > start {
			hint = `use 24-hour times or am/pm: "9-17" or "9am-5pm", not "9-5"`
		}
		text := strings.TrimSpace(s)
		msg := fmt.Sprintf("%q ends before it starts", text)
		if canon := formatClock(start) + "-" + formatClock(end); canon != text {
			msg += " (" + canon + ")"
		}
		return Span{}, &WeeklyError{Message: msg, Hint: hint}
	}
	return Span{Start: start, End: end}, nil
}

// parseClock reads one time of day and reports whether it had am/pm.
func parseClock(raw string) (minutes int, meridiem bool, err error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	s = clockStrip.Replace(s)
	bad := func() (int, bool, error) {
		return 0, false, &WeeklyError{
			Message: fmt.Sprintf("%q is not a time", strings.TrimSpace(raw)),
			Hint:    `write times as 09:00, 17:30, 9am or 5:30pm`,
		}
	}
	pm := false
	switch {
	case strings.HasSuffix(s, "am"):
		s, meridiem = s[:len(s)-2], true
	case strings.HasSuffix(s, "pm"):
		s, meridiem, pm = s[:len(s)-2], true, true
	case strings.HasSuffix(s, "a"):
		s, meridiem = s[:len(s)-1], true
	case strings.HasSuffix(s, "p"):
		s, meridiem, pm = s[:len(s)-1], true, true
	}
	hs, ms, hasMin := strings.Cut(s, ":")
	if len(hs) < 1 || len(hs) > 2 || (hasMin && len(ms) != 2) {
		return bad()
	}
	h, err1 := strconv.Atoi(hs)
	m := 0
	var err2 error
	if hasMin {
		m, err2 = strconv.Atoi(ms)
	}
	if err1 != nil || err2 != nil || hs[0] == '+' || hs[0] == '-' || (hasMin && (ms[0] == '+' || ms[0] == '-')) || m > 59 {
		return bad()
	}
	if meridiem {
		if h < 1 || h > 12 {
			return bad()
		}
		h %= 12
		if pm {
			h += 12
		}
	}
	if h > 24 || (h == 24 && m != 0) {
		return bad()
	}
	return h*60 + m, meridiem, nil
}

// formatClock writes minutes from midnight as "HH:MM" (1440 is "24:00").
func formatClock(min int) string {
	return fmt.Sprintf("%02d:%02d", min/60, min%60)
}

// String writes w in canonical form: Monday first, consecutive days with the
// same hours grouped ("Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00"),
// days without hours left out. ParseWeekly(w.String()) gives w back for any
// w that ParseWeekly produced.
func (w Weekly) String() string {
	var groups []string
	for i := 0; i < 7; {
		d := mondayFirst[i]
		if len(w[d]) == 0 {
			i++
			continue
		}
		j := i + 1
		for j < 7 && slices.Equal(w[mondayFirst[j]], w[d]) {
			j++
		}
		days := dayAbbr[d]
		if j-i > 1 {
			days += "-" + dayAbbr[mondayFirst[j-1]]
		}
		spans := make([]string, len(w[d]))
		for k, sp := range w[d] {
			spans[k] = sp.String()
		}
		groups = append(groups, days+" "+strings.Join(spans, ", "))
		i = j
	}
	return strings.Join(groups, "; ")
}

// clone returns a copy of w that shares no memory with it.
func (w Weekly) clone() Weekly {
	var c Weekly
	for d, spans := range w {
		c[d] = slices.Clone(spans)
	}
	return c
}

// IsZero reports whether no day has hours.
func (w Weekly) IsZero() bool {
	for _, d := range w {
		if len(d) > 0 {
			return false
		}
	}
	return true
}
