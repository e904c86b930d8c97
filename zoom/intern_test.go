package zoom

import (
	"encoding/json"
	"testing"
)

func TestWeeklyHoursDecodeSharesIdenticalValues(t *testing.T) {
	body := `[{"email":"a@x.com","segments_recurrence":{"mon":[{"start":"09:00","end":"12:00"}],"fri":[{"start":"13:00","end":"17:00"}]}},
	          {"email":"b@x.com","segments_recurrence":{"mon":[{"start":"09:00","end":"12:00"}],"fri":[{"start":"13:00","end":"17:00"}]}},
	          {"email":"c@x.com","segments_recurrence":{"mon":[{"start":"10:00","end":"12:00"}]}}]`
	var rules []AvailabilityRule
	if err := json.Unmarshal([]byte(body), &rules); err != nil {
		t.Fatal(err)
	}
	a, b, c := rules[0].SegmentsRecurrence, rules[1].SegmentsRecurrence, rules[2].SegmentsRecurrence
	if a.Mon[0] != (TimeRange{"09:00", "12:00"}) || a.Fri[0] != (TimeRange{"13:00", "17:00"}) || c.Mon[0].Start != "10:00" {
		t.Fatalf("decoded wrong: %+v %+v", a, c)
	}
	if &a.Mon[0] != &b.Mon[0] {
		t.Error("identical hours should share their day slices")
	}
	if &a.Mon[0] == &c.Mon[0] {
		t.Error("different hours must not be shared")
	}
	if err := json.Unmarshal([]byte(`{"mon":"nope"}`), new(WeeklyHours)); err == nil {
		t.Error("a malformed value must still be an error")
	}
}

// BenchmarkDecodeListing decodes one full listing page (300 pages, three
// hosts with the same hours each), with and without sharing the hours.
func BenchmarkDecodeListing(b *testing.B) {
	var page schedulePage
	items := make([]Schedule, 300)
	hours := &WeeklyHours{Mon: []TimeRange{{"09:00", "12:00"}, {"13:00", "17:00"}}, Tue: []TimeRange{{"09:00", "12:00"}, {"13:00", "17:00"}},
		Wed: []TimeRange{{"09:00", "12:00"}, {"13:00", "17:00"}}, Thu: []TimeRange{{"09:00", "12:00"}, {"13:00", "17:00"}}, Fri: []TimeRange{{"09:00", "12:00"}, {"13:00", "17:00"}}}
	for i := range items {
		items[i] = Schedule{ScheduleID: "abcdefghijklmnopqrstuvwxyz", Summary: "Team", Slug: "team", ScheduleType: "multiple", Duration: 30,
			AvailabilityRules: []AvailabilityRule{{Email: "a@x.com", TimeZone: "UTC", SegmentsRecurrence: hours}, {Email: "b@x.com", TimeZone: "UTC", SegmentsRecurrence: hours}, {Email: "c@x.com", TimeZone: "UTC", SegmentsRecurrence: hours}}}
	}
	data, _ := json.Marshal(schedulePage{Items: items})
	for _, intern := range []bool{true, false} {
		name := map[bool]string{true: "shared-hours", false: "plain"}[intern]
		b.Run(name, func(b *testing.B) {
			internHours = intern
			defer func() { internHours = true }()
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				page = schedulePage{}
				if err := json.Unmarshal(data, &page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
