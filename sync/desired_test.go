package sync

import (
	"testing"

	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

func TestSameHours(t *testing.T) {
	want, err := sheet.ParseWeekly("Mon-Tue 09:00-12:00, 13:00-17:00")
	if err != nil {
		t.Fatal(err)
	}
	r := func(s, e string) zoom.TimeRange { return zoom.TimeRange{Start: s, End: e} }
	tests := []struct {
		name string
		have *zoom.WeeklyHours
		same bool
	}{
		{"identical", &zoom.WeeklyHours{Mon: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:00")}, Tue: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:00")}}, true},
		{"other order and spelling", &zoom.WeeklyHours{Mon: []zoom.TimeRange{r("13:00", "17:00"), r("9:00", "12:00")}, Tue: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:00")}}, true},
		{"a day missing", &zoom.WeeklyHours{Mon: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:00")}}, false},
		{"an extra day", &zoom.WeeklyHours{Mon: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:00")}, Tue: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:00")}, Sat: []zoom.TimeRange{r("10:00", "11:00")}}, false},
		{"a minute off", &zoom.WeeklyHours{Mon: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:01")}, Tue: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:00")}}, false},
		{"malformed time", &zoom.WeeklyHours{Mon: []zoom.TimeRange{r("nine", "12:00"), r("13:00", "17:00")}, Tue: []zoom.TimeRange{r("09:00", "12:00"), r("13:00", "17:00")}}, false},
		{"none", nil, false},
	}
	for _, tt := range tests {
		if got := sameHours(tt.have, want); got != tt.same {
			t.Errorf("%s: sameHours = %v, want %v", tt.name, got, tt.same)
		}
	}
	if !sameHours(nil, sheet.Weekly{}) {
		t.Error("no hours on either side are the same")
	}
	if n := testing.AllocsPerRun(100, func() { sameHours(tests[0].have, want) }); n != 0 {
		t.Errorf("sameHours allocates %v times in the common case", n)
	}
}
