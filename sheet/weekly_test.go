package sheet

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wk builds a Weekly from day abbreviations to spans.
func wk(days map[string][]Span) Weekly {
	var w Weekly
	for name, spans := range days {
		d, err := dayByName(strings.ToLower(name))
		if err != nil {
			panic(err)
		}
		w[d] = spans
	}
	return w
}

func sp(a, b string) Span {
	x, _, err := parseClock(a)
	if err != nil {
		panic(err)
	}
	y, _, err := parseClock(b)
	if err != nil {
		panic(err)
	}
	if y == 0 {
		y = 1440
	}
	return Span{x, y}
}

var nineToFive = []Span{{540, 1020}}

func weekdays(spans ...Span) map[string][]Span {
	return map[string][]Span{"mon": spans, "tue": spans, "wed": spans, "thu": spans, "fri": spans}
}

func TestParseWeekly(t *testing.T) {
	split := []Span{sp("9", "12"), sp("13", "17")}
	tests := []struct {
		in   string
		want Weekly
		text string // canonical form
	}{
		{"Mon-Fri 09:00-17:00", wk(weekdays(nineToFive...)), "Mon-Fri 09:00-17:00"},
		{"mon-fri 9-17", wk(weekdays(nineToFive...)), "Mon-Fri 09:00-17:00"},
		{"Monday - Friday 9am - 5pm", wk(weekdays(nineToFive...)), "Mon-Fri 09:00-17:00"},
		{"Mon to Fri 9am to 5pm", wk(weekdays(nineToFive...)), "Mon-Fri 09:00-17:00"},
		{"weekdays 9:00–17:00", wk(weekdays(nineToFive...)), "Mon-Fri 09:00-17:00"},
		{"Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00",
			wk(map[string][]Span{"mon": split, "tue": split, "wed": split, "thu": split, "fri": split, "sat": {sp("10", "14")}}),
			"Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00"},
		{"Mon-Fri 13:00-17:00, 09:00-12:00", wk(weekdays(split...)), "Mon-Fri 09:00-12:00, 13:00-17:00"},
		{"Mon, Wed 9-12", wk(map[string][]Span{"mon": {sp("9", "12")}, "wed": {sp("9", "12")}}), "Mon 09:00-12:00; Wed 09:00-12:00"},
		{"Mon/Wed 9-12", wk(map[string][]Span{"mon": {sp("9", "12")}, "wed": {sp("9", "12")}}), "Mon 09:00-12:00; Wed 09:00-12:00"},
		{"Tues & Thurs 5:30pm-7pm", wk(map[string][]Span{"tue": {sp("17:30", "19")}, "thu": {sp("17:30", "19")}}), "Tue 17:30-19:00; Thu 17:30-19:00"},
		{"Mon 9-12, Wed 13-17", wk(map[string][]Span{"mon": {sp("9", "12")}, "wed": {sp("13", "17")}}), "Mon 09:00-12:00; Wed 13:00-17:00"},
		{"Mon-Fri 9-17\nSat 10-14", wk(map[string][]Span{"mon": nineToFive, "tue": nineToFive, "wed": nineToFive, "thu": nineToFive, "fri": nineToFive, "sat": {sp("10", "14")}}), "Mon-Fri 09:00-17:00; Sat 10:00-14:00"},
		{"daily 8-20", wk(map[string][]Span{"mon": {sp("8", "20")}, "tue": {sp("8", "20")}, "wed": {sp("8", "20")}, "thu": {sp("8", "20")}, "fri": {sp("8", "20")}, "sat": {sp("8", "20")}, "sun": {sp("8", "20")}}), "Mon-Sun 08:00-20:00"},
		{"Every day 8-20", wk(map[string][]Span{"mon": {sp("8", "20")}, "tue": {sp("8", "20")}, "wed": {sp("8", "20")}, "thu": {sp("8", "20")}, "fri": {sp("8", "20")}, "sat": {sp("8", "20")}, "sun": {sp("8", "20")}}), "Mon-Sun 08:00-20:00"},
		{"weekends 10-14", wk(map[string][]Span{"sat": {sp("10", "14")}, "sun": {sp("10", "14")}}), "Sat-Sun 10:00-14:00"},
		// A range past Sunday wraps: a Sunday-to-Thursday work week.
		{"Sun-Thu 9-17", wk(map[string][]Span{"sun": nineToFive, "mon": nineToFive, "tue": nineToFive, "wed": nineToFive, "thu": nineToFive}), "Mon-Thu 09:00-17:00; Sun 09:00-17:00"},
		{"Sat-Mon 10-12", wk(map[string][]Span{"sat": {sp("10", "12")}, "sun": {sp("10", "12")}, "mon": {sp("10", "12")}}), "Mon 10:00-12:00; Sat-Sun 10:00-12:00"},
		{"Fri 22:00-24:00", wk(map[string][]Span{"fri": {{1320, 1440}}}), "Fri 22:00-24:00"},
		{"Fri 10pm-12am", wk(map[string][]Span{"fri": {{1320, 1440}}}), "Fri 22:00-24:00"},
		{"Fri 22:00-00:00", wk(map[string][]Span{"fri": {{1320, 1440}}}), "Fri 22:00-24:00"},
		{"Sat 12am-12pm", wk(map[string][]Span{"sat": {{0, 720}}}), "Sat 00:00-12:00"},
		{"Mondays 9-10", wk(map[string][]Span{"mon": {sp("9", "10")}}), "Mon 09:00-10:00"},
		{"Mon-Fri: 9-17", wk(weekdays(nineToFive...)), "Mon-Fri 09:00-17:00"},
		// The same day in two groups merges; touching spans join.
		{"Mon-Fri 9-12; Mon 13-17", wk(map[string][]Span{"mon": split, "tue": {sp("9", "12")}, "wed": {sp("9", "12")}, "thu": {sp("9", "12")}, "fri": {sp("9", "12")}}), "Mon 09:00-12:00, 13:00-17:00; Tue-Fri 09:00-12:00"},
		{"Mon 9-12, 12-17", wk(map[string][]Span{"mon": nineToFive}), "Mon 09:00-17:00"},
		{"Mon 9-12;;", wk(map[string][]Span{"mon": {sp("9", "12")}}), "Mon 09:00-12:00"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseWeekly(tt.in)
			if err != nil {
				t.Fatalf("ParseWeekly(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseWeekly(%q) (-want +got):\n%s", tt.in, diff)
			}
			if s := got.String(); s != tt.text {
				t.Errorf("String() = %q, want %q", s, tt.text)
			}
			again, err := ParseWeekly(got.String())
			if err != nil || !cmp.Equal(again, got) {
				t.Errorf("round trip of %q: %v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseWeeklyErrors(t *testing.T) {
	tests := []struct {
		in, msg, hint string // substrings
	}{
		{"", "no hours given", "Mon-Fri"},
		{"  ; ", "no hours given", ""},
		{"Mnday 9-17", `unknown day "mnday"`, `did you mean "monday"?`},
		{"Fridy 9-17", `unknown day "fridy"`, `did you mean "friday"?`},
		{"Funday 9-17", `unknown day "funday"`, "use Mon, Tue"},
		{"Mon-Fri 9-5", `"9-5" ends before it starts (09:00-05:00)`, `"9am-5pm", not "9-5"`},
		{"Mon 17:00-09:00", `ends before it starts`, "cannot cross midnight"},
		{"Mon 9-9", `ends before it starts`, ""},
		{"Mon 25:00-26:00", `"25:00" is not a time`, "09:00"},
		{"Mon 9:60-10", `"9:60" is not a time`, ""},
		{"Mon 13pm-14", `"13pm" is not a time`, ""},
		{"Mon 24:00-24:00", "starts at 24:00", "only end a range"},
		{"Mon 9:5-10", `"9:5" is not a time`, ""},
		{"Mon 9-12-13", "is not a time range", "separate several with commas"},
		{"Mon 9", "is not a time range", ""},
		{"Mon-Fri", `"Mon-Fri" has no hours`, "put the hours after the days"},
		{"9-17", `hours "9-17" have no days before them`, ""},
		{"Mon-Fri 9-12; Mon 11-13", "09:00-12:00 and 11:00-13:00 overlap on Mon", "without overlaps"},
		{"Mon 9-12, 10-11", "overlap on Mon", ""},
		{"Mon--Fri 9-17", "is not a range of days", ""},
		{"Mon-Fri-Sat 9-17", "is not a range of days", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseWeekly(tt.in)
			if err == nil {
				t.Fatalf("ParseWeekly(%q) succeeded", tt.in)
			}
			we, ok := err.(*WeeklyError)
			if !ok {
				t.Fatalf("error %T, want *WeeklyError", err)
			}
			if !strings.Contains(we.Message, tt.msg) || !strings.Contains(we.Hint, tt.hint) {
				t.Errorf("ParseWeekly(%q) = %q / %q, want message with %q and hint with %q", tt.in, we.Message, we.Hint, tt.msg, tt.hint)
			}
		})
	}
}

func TestWeeklyStringGroupsConsecutiveDays(t *testing.T) {
	w := wk(map[string][]Span{"mon": nineToFive, "tue": nineToFive, "thu": nineToFive, "sun": nineToFive})
	if got, want := w.String(), "Mon-Tue 09:00-17:00; Thu 09:00-17:00; Sun 09:00-17:00"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (Weekly{}).String(); got != "" {
		t.Errorf("empty String() = %q", got)
	}
	if !(Weekly{}).IsZero() || w.IsZero() {
		t.Error("IsZero wrong")
	}
}

// FuzzParseWeekly checks that ParseWeekly never panics and that whatever it
// accepts is well-formed and survives a round trip through String.
func FuzzParseWeekly(f *testing.F) {
	for _, s := range []string{"Mon-Fri 09:00-17:00", "daily 9am-5pm", "Sun-Thu 8-16; Fri 8-12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeekly(s)
		if err != nil {
			if !w.IsZero() {
				t.Fatalf("error %v with a non-zero Weekly", err)
			}
			return
		}
		if w.IsZero() {
			t.Fatalf("ParseWeekly(%q) succeeded with no hours", s)
		}
		for d, spans := range w {
			if spans != nil && len(spans) == 0 {
				t.Fatalf("day %d: empty non-nil slice", d)
			}
			for i, x := range spans {
				if x.Start < 0 || x.End > 1440 || x.Start >= x.End {
					t.Fatalf("ParseWeekly(%q): day %d span %v out of bounds", s, d, x)
				}
				if i > 0 && x.Start <= spans[i-1].End {
					t.Fatalf("ParseWeekly(%q): day %d spans %v not sorted and separated", s, d, spans)
				}
			}
		}
		again, err := ParseWeekly(w.String())
		if err != nil {
			t.Fatalf("ParseWeekly(%q).String() = %q does not parse: %v", s, w.String(), err)
		}
		if diff := cmp.Diff(w, again); diff != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", s, w.String(), diff)
		}
	})
}
