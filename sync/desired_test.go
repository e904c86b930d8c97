package sync

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
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

func TestDiffShowsTheChange(t *testing.T) {
	e := newEnv(t, nil, Options{})
	long := strings.Repeat("A long description that must never be cut. ", 4)
	e.run("team | hosts | availability | description\nSales | ann@example.com, bob@example.com, cat@example.com | Mon-Fri 09:00-17:00 | short\n")
	plan, _ := e.run("team | hosts | availability | description | timezone\nSales | ann@example.com, bob@example.com, new.person@example.com | Mon-Thu 09:00-17:00, Fri 09:00-12:00 | " + long + " | Europe/Berlin\n")
	c := plan.Changes[0]
	if c.Action != ActionUpdate {
		t.Fatalf("plan: %+v", c)
	}
	byCol := map[string]FieldChange{}
	for _, f := range c.Fields {
		if _, dup := byCol[f.Column]; dup {
			t.Errorf("column %s twice", f.Column)
		}
		byCol[f.Column] = f
	}
	for col := range byCol {
		if !slices.Contains([]string{sheet.ColHosts, sheet.ColAvailability, sheet.ColDescription, sheet.ColTimeZone}, col) {
			t.Errorf("unexpected or internal column name %q", col)
		}
	}
	if h := byCol[sheet.ColHosts]; !slices.Equal(h.Added, []string{"new.person@example.com"}) || !slices.Equal(h.Removed, []string{"cat@example.com"}) {
		t.Errorf("hosts: %+v", h)
	}
	want := []DayChange{{Day: "fri", Before: "09:00-17:00", After: "09:00-12:00"}}
	if a := byCol[sheet.ColAvailability]; !slices.Equal(a.Days, want) {
		t.Errorf("availability days: %+v", a.Days)
	}
	if d := byCol[sheet.ColDescription]; d.Before != "short" || d.After != strings.TrimSpace(long) {
		t.Errorf("description cut: %+v", d)
	}
	if z := byCol[sheet.ColTimeZone]; z.Before != "UTC" || z.After != "Europe/Berlin" {
		t.Errorf("time zone: %+v", z)
	}
}

func TestCreateListsEveryAttribute(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "team-"})
	res := parse(t, "team | hosts | duration | location | min_notice\nSales | ann@example.com, bob@example.com | 45 | Room 4 | 60\n", "team-")
	plan, err := New(e.client, e.opts).Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range plan.Changes[0].CreateFields() {
		got[f.Column] = f.After
	}
	want := map[string]string{
		"team": "Sales", "owner": "ann@example.com", "hosts": "ann@example.com, bob@example.com", "duration": "45",
		"timezone": "UTC", "availability": "Mon-Fri 09:00-17:00",
		"slug": "team-sales", "active": "true", "location": "Room 4", "min_notice": "60",
	}
	if !maps.Equal(got, want) {
		t.Errorf("create fields:\n got %v\nwant %v", got, want)
	}
	// They are built for display only, and the JSON form carries them.
	if c := plan.Changes[0]; c.Fields != nil {
		t.Errorf("a planned create keeps its display fields: %+v", c.Fields)
	}
	b, err := json.Marshal(plan.Changes[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"fields":[{"column":"team","before":"","after":"Sales"},{"column":"owner"`) {
		t.Errorf("JSON of a create lacks its fields: %s", b)
	}
}
